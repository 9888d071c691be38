"""The network security category through the service layer, on SQLite and PostgreSQL.

Firewall changes (risk, approval, implementation, verification, temporary rules), virus
clean-up, incidents with the security vendor and review tasks, vulnerabilities; bad input,
permissions, vetoes, the samples and the Chinese translation.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from marshmallow import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hdcore import (
    Event,
    NotFound,
    PermissionDenied,
    ServiceRequest,
    Task,
    TransitionRefused,
    ValidationFailed,
    VendorEngagement,
    use_locale,
)
from hdcore import services as svc
from plugins.network_security import plugin as ns_plugin
from plugins.network_security import summary
from plugins.network_security.schemas import NetworkSecuritySchema
from plugins.network_security.vendors import SECURITY_VENDOR

CAT = "network_security"
SHANGHAI = ZoneInfo("Asia/Shanghai")
PACKAGE = Path(ns_plugin.translations_dir or "").parent
VENDOR = SECURITY_VENDOR.samples[1]["name"]

RULE = {
    "kind": "firewall_change", "source": "10.30.12.0/24", "destination": "erp-db01.hq.corp",
    "protocol": "tcp", "port": "1521", "direction": "internal",
    "business_reason": "MES posts production receipts to the ERP.",
}
VIRUS = {"kind": "virus_notice", "infected_host": "WH-PC-007",
         "virus_name": "Worm:Win32/Autorun.AB"}
VULNERABILITY = {"kind": "vulnerability", "cve_id": "cve-2024-21762",
                 "affected_systems": "VPN gateway FGT-HQ-01", "cvss_score": 9.8}


def _now() -> datetime:
    return datetime.now(SHANGHAI)


def incident() -> dict[str, Any]:
    """An incident noticed two hours ago."""
    return {"kind": "security_incident", "what_happened": "Five ERP logins from abroad at 3am.",
            "noticed_at": (_now() - timedelta(hours=2)).isoformat(),
            "affected_systems": "ERP production, AD", "severity": "high"}


def submit(session: Session, actor: Any, details: dict[str, Any], **kw: Any) -> ServiceRequest:
    """File a request of the category."""
    kw.setdefault("title", "Network security request")
    return svc.submit_request(session, actor, category=CAT, details=details, **kw)


def started(session: Session, people: SimpleNamespace, details: dict[str, Any],
            tech: Any = None) -> ServiceRequest:
    """A request of the employee, assigned to a technician who has started on it."""
    tech = tech or people.tech
    req = submit(session, people.employee, details)
    svc.assign(session, people.lead, req.id, assignee=tech.username)
    return svc.transition(session, tech, req.id, "start")


def step(session: Session, actor: Any, req: ServiceRequest, name: str,
         data: dict[str, Any] | None = None) -> ServiceRequest:
    """Take a workflow step."""
    return svc.transition(session, actor, req.id, name, data or {})


def refused(session: Session, actor: Any, req: ServiceRequest, name: str,
            data: dict[str, Any] | None = None) -> str:
    """Take a step that must be refused; the reasons, joined."""
    with pytest.raises(TransitionRefused) as exc:
        step(session, actor, req, name, data)
    return " ".join(exc.value.reasons) or str(exc.value)


def invalid(session: Session, actor: Any, req: ServiceRequest, name: str,
            data: dict[str, Any]) -> dict[str, list[str]]:
    """Take a step whose fields must be refused; the errors by field."""
    with pytest.raises(ValidationFailed) as exc:
        step(session, actor, req, name, data)
    return exc.value.errors


def rows(session: Session) -> tuple[int, ...]:
    """How many requests, events, tasks and vendor engagements there are."""
    return tuple(
        session.scalar(select(func.count()).select_from(model)) or 0
        for model in (ServiceRequest, Event, Task, VendorEngagement)
    )


def step_data(session: Session, req: ServiceRequest, name: str) -> dict[str, Any]:
    """The data recorded with the latest step ``name``."""
    events = session.scalars(select(Event).where(Event.request_id == req.id,
                                                 Event.kind == "transition")).all()
    return [e.data for e in events if e.data.get("transition") == name][-1]


@pytest.fixture
def vendors(session: Session) -> list[Any]:
    """The example security vendors in the register."""
    return [svc.create_vendor(session, None, kinds=[SECURITY_VENDOR.name], **v)
            for v in SECURITY_VENDOR.samples]


# -- firewall changes ------------------------------------------------------------------------


def test_firewall_change_from_request_to_rating(session, people):
    req = submit(session, people.employee, {**RULE, "direction": "inbound",
                                            "source": "203.0.113.25", "port": "443",
                                            "destination": "ERP-Portal.HQ.corp."})
    assert req.details["destination"] == "erp-portal.hq.corp"
    assert req.details["temporary"] is False and "end_date" not in req.details
    svc.assign(session, people.lead, req.id, assignee="li.na")

    with pytest.raises(NotFound):  # another employee does not even learn it exists
        step(session, people.other, req, "start")
    with pytest.raises(PermissionDenied):
        step(session, people.employee, req, "start")
    step(session, people.tech, req, "start")
    with pytest.raises(PermissionDenied):  # the requester cannot assess their own change
        step(session, people.employee, req, "assess_risk",
             {"risk_level": "low", "assessment_notes": "fine"})

    step(session, people.tech, req, "assess_risk",
         {"risk_level": "high", "assessment_notes": "Internet-facing portal."})
    assert req.status == "awaiting_approval"
    assert "not possible" in refused(session, people.tech, req, "implement_change",
                                     {"change_reference": "FW-1"})
    for not_an_approver in (people.tech, people.lead):
        with pytest.raises(PermissionDenied):
            step(session, not_an_approver, req, "approve_change")
    # The administrator holds every permission, but a high-risk change is the manager's.
    assert "IT manager's approval" in refused(session, people.admin, req, "approve_change")
    step(session, people.manager, req, "approve_change", {"approval_note": "Only port 443."})
    assert req.status == "change_approved"

    before_approval = (_now() - timedelta(hours=1)).isoformat()
    errors = invalid(session, people.tech, req, "implement_change",
                     {"change_reference": "FW-2026-0190", "implemented_at": before_approval})
    assert "approved at" in errors["implemented_at"][0]
    step(session, people.tech, req, "implement_change", {"change_reference": "FW-2026-0190"})
    assert "Verify the change" in refused(session, people.tech, req, "resolve",
                                          {"resolution": "Done"})
    step(session, people.tech, req, "verify_change",
         {"verified_by": "Zhang Wei", "result": "Portal opens from the partner's office."})
    assert "permanent" in refused(session, people.tech, req, "keep_until_end_date")
    svc.resolve(session, people.tech, req.id, "Rule FW-2026-0190 is in place.")
    svc.close(session, people.employee, req.id)
    svc.rate(session, people.employee, req.id, 5, "Quick and clear.")

    assert (req.status, req.rating) == ("closed", 5)
    assert step_data(session, req, "assess_risk")["risk_level"] == "high"
    assert step_data(session, req, "implement_change")["change_reference"] == "FW-2026-0190"
    assert step_data(session, req, "approve_change")["approval_note"] == "Only port 443."


def test_phone_request_for_a_temporary_rule_until_its_end_date(session, people):
    end = _now().date() + timedelta(days=10)
    req = submit(session, people.lead, {**RULE, "temporary": True, "end_date": end.isoformat()},
                 channel="phone", requester="zhang.wei")
    assert (req.requester, req.entered_by, req.channel) == (people.employee, people.lead, "phone")
    svc.assign(session, people.lead, req.id, assignee="li.na")
    step(session, people.tech, req, "start")
    step(session, people.tech, req, "assess_risk",
         {"risk_level": "low", "assessment_notes": "One port, internal."})
    step(session, people.manager, req, "approve_change")
    step(session, people.tech, req, "implement_change", {"change_reference": "FW-2026-0201"})
    step(session, people.tech, req, "verify_change",
         {"verified_by": "Zhang Wei", "result": "MES connects."})

    assert "temporary" in refused(session, people.tech, req, "resolve", {"resolution": "Done"})
    step(session, people.tech, req, "keep_until_end_date")
    assert req.status == "temporary_rule_active"
    [task] = req.tasks
    assert task.is_open and task.template == "ns_remove_temporary_rule"
    assert abs(task.due_at - datetime.combine(end, time(18), SHANGHAI)) < timedelta(seconds=5)
    assert "not possible" in refused(session, people.tech, req, "resolve", {"resolution": "x"})

    step(session, people.tech, req, "remove_temporary_rule",
         {"removal_reference": "FW-2026-0201-R"})
    assert req.status == "rule_removed" and task.status == "done"
    svc.resolve(session, people.tech, req.id, "Rule removed on its end date.")
    svc.close(session, people.employee, req.id)
    svc.rate(session, people.employee, req.id, 4)
    assert req.status == "closed"


def test_a_rule_edited_after_approval_needs_a_new_approval(session, people):
    req = started(session, people, RULE)
    step(session, people.tech, req, "assess_risk",
         {"risk_level": "low", "assessment_notes": "One port."})
    step(session, people.manager, req, "approve_change")
    svc.update_request(session, people.tech, req.id, expected_version=req.version,
                       details={**RULE, "port": "1-65535"})

    reason = refused(session, people.tech, req, "implement_change", {"change_reference": "FW-9"})
    assert "Port" in reason and "new approval" in reason
    errors = invalid(session, people.tech, req, "assess_risk",
                     {"risk_level": "low", "assessment_notes": "All ports now."})
    assert "more than 100 ports" in errors["risk_level"][0]
    step(session, people.tech, req, "assess_risk",
         {"risk_level": "medium", "assessment_notes": "All ports, internal only."})
    step(session, people.manager, req, "approve_change")
    step(session, people.tech, req, "implement_change", {"change_reference": "FW-9"})
    assert req.status == "change_implemented"


def test_rejected_change_and_nobody_approves_their_own(session, people):
    req = submit(session, people.manager, RULE)
    svc.assign(session, people.lead, req.id, assignee="li.na")
    step(session, people.tech, req, "start")
    step(session, people.tech, req, "assess_risk",
         {"risk_level": "medium", "assessment_notes": "Database port."})
    assert "asked for yourself" in refused(session, people.manager, req, "approve_change")

    errors = invalid(session, people.admin, req, "reject_change", {"reason": "  "})
    assert set(errors) == {"reason"}
    step(session, people.admin, req, "reject_change", {"reason": "Use the ERP interface API."})
    assert req.status == "change_rejected"
    assert "not possible" in refused(session, people.tech, req, "implement_change",
                                     {"change_reference": "FW-1"})
    svc.resolve(session, people.tech, req.id, "Declined: use the interface API instead.")
    assert req.status == "resolved"


def test_a_rule_open_to_the_internet_is_high_risk(session, people):
    req = started(session, people, {**RULE, "source": "any", "direction": "inbound",
                                    "port": "443"})
    for level in ("low", "medium"):
        errors = invalid(session, people.tech, req, "assess_risk",
                         {"risk_level": level, "assessment_notes": "Web portal."})
        assert "anyone on the internet" in errors["risk_level"][0]
    assert req.status == "in_progress"
    step(session, people.tech, req, "assess_risk",
         {"risk_level": "high", "assessment_notes": "Web portal behind the WAF."})

    any_protocol = started(session, people, {**RULE, "protocol": "any", "port": None})
    assert "every protocol" in invalid(session, people.tech, any_protocol, "assess_risk",
                                       {"risk_level": "low", "assessment_notes": "x"}
                                       )["risk_level"][0]


# -- virus notices ---------------------------------------------------------------------------


def test_virus_notice_is_isolated_cleaned_and_verified(session, people):
    req = started(session, people, VIRUS)
    reason = refused(session, people.tech, req, "assess_risk",
                     {"risk_level": "low", "assessment_notes": "x"})
    assert "is not a step for this kind of request" in reason

    step(session, people.tech, req, "isolate_host", {"isolation_method": "switch_port"})
    assert step_data(session, req, "isolate_host")["isolated_at"]  # filled in with now
    assert "Clean up the host" in refused(session, people.tech, req, "resolve",
                                          {"resolution": "Done"})
    assert "comment" in refused(session, people.tech, req, "wait_requester",
                                {"message": "When can I have the PC?"})
    step(session, people.tech, req, "clean_host",
         {"cleanup_action": "antivirus", "cleanup_notes": "12 files cleaned."})
    step(session, people.tech, req, "reinfection_found", {"finding": "autorun.inf came back"})
    assert req.status == "host_isolated"
    step(session, people.tech, req, "clean_host",
         {"cleanup_action": "reimaged", "cleanup_notes": "Reinstalled from the standard image."})
    step(session, people.tech, req, "verify_clean",
         {"scan_tool": "Full scan, signatures of today", "scan_result": "0 threats"})
    assert step_data(session, req, "verify_clean")["kept_offline"] is False
    svc.resolve(session, people.tech, req.id, "Clean and back on the network.")
    svc.close(session, people.employee, req.id)
    svc.rate(session, people.employee, req.id, 5)
    assert req.status == "closed"


# -- security incidents and the vendor -------------------------------------------------------


def test_incident_with_the_security_vendor_and_review_tasks(session, people, vendors):
    req = started(session, people, incident(), tech=people.tech2)
    step(session, people.tech2, req, "contain_incident",
         {"containment_actions": "Accounts locked, addresses blocked."})

    before = rows(session)
    promised = _now() - timedelta(minutes=30)  # promised on the phone, recorded later
    errors = invalid(session, people.tech2, req, "raise_to_vendor", {
        "vendor": "No Such Security Ltd", "request_to_vendor": "Analyse the logs.",
        "promised_response_at": promised.isoformat(),
    })
    assert set(errors) == {"vendor"}
    errors = invalid(session, people.tech2, req, "raise_to_vendor", {
        "vendor": VENDOR, "promised_response_at": promised.isoformat(),
        "promised_completion_at": (promised - timedelta(hours=1)).isoformat(),
    })
    assert set(errors) == {"request_to_vendor", "promised_completion_at"}
    assert rows(session) == before and req.status == "incident_contained"

    step(session, people.tech2, req, "raise_to_vendor", {
        "vendor": VENDOR, "request_to_vendor": "Analyse the logs.",
        "promised_response_at": promised.isoformat(),
        "promised_completion_at": (_now() + timedelta(days=2)).isoformat(),
    })
    assert req.status == "waiting_vendor"
    eng = svc.current_engagement(session, req, SECURITY_VENDOR.name)
    assert eng is not None and eng.vendor.name == VENDOR and eng.reference is None

    errors = invalid(session, people.tech2, req, "update_vendor", {
        "vendor_note": "They called back.",
        "responded_at": (_now() - timedelta(days=1)).isoformat(),
    })
    assert "engaged only at" in errors["responded_at"][0]
    step(session, people.tech2, req, "update_vendor", {
        "vendor_note": "Analyst assigned, logs received.", "vendor_reference": "AL-SOC-2611-042",
        "responded_at": _now().isoformat(),
    })
    step(session, people.tech2, req, "vendor_analysis_back", {
        "outcome": "delivered", "vendor_findings": "Password spraying; no data left the ERP.",
    })
    assert req.status == "incident_contained"
    assert (eng.status, eng.reference) == ("done", "AL-SOC-2611-042")
    assert eng.promised_response_at == promised and eng.responded_at > promised
    assert eng.completed_at <= datetime.now(SHANGHAI) < eng.promised_completion_at
    assert eng.response_late is True and eng.completion_late is False
    assert eng.details["notes"] == ["Analyst assigned, logs received."]

    step(session, people.tech2, req, "eradicate_incident",
         {"root_cause": "Weak passwords.", "eradication_actions": "Reset, MFA enforced."})
    step(session, people.tech2, req, "recover_incident",
         {"recovery_actions": "Accounts unlocked after password change."})
    review, report = sorted(req.tasks, key=lambda t: t.id)
    assert report.depends_on == [review] and review.due_at < report.due_at
    with pytest.raises(TransitionRefused):
        svc.complete_task(session, people.tech2, report.id)
    assert "tasks" in refused(session, people.tech2, req, "resolve", {"resolution": "Done"})
    svc.complete_task(session, people.tech2, review.id)
    svc.complete_task(session, people.tech2, report.id)
    svc.resolve(session, people.tech2, req.id, "Incident closed; MFA now enforced.")
    svc.close(session, people.employee, req.id)
    svc.rate(session, people.employee, req.id, 4)
    assert req.status == "closed"


def test_vulnerability_assessed_patched_and_verified(session, people, vendors):
    req = started(session, people, VULNERABILITY, tech=people.tech2)
    assert req.details["cve_id"] == "CVE-2024-21762"
    assert req.details["severity"] == "critical"  # from the CVSS score

    errors = invalid(session, people.tech2, req, "assess_vulnerability",
                     {"exposure": "affected", "assessment": "7.2.5 is in the range."})
    assert set(errors) == {"remediation", "planned_fix_date"}
    step(session, people.tech2, req, "assess_vulnerability", {
        "exposure": "affected", "assessment": "7.2.5 is in the range.",
        "remediation": "upgrade",
        "planned_fix_date": (_now().date() + timedelta(days=3)).isoformat(),
    })
    step(session, people.tech2, req, "raise_to_vendor", {
        "vendor": VENDOR, "request_to_vendor": "Is 7.2.7 safe for our HA pair?",
        "promised_response_at": (_now() + timedelta(hours=4)).isoformat(),
    })
    step(session, people.tech2, req, "vendor_fix_back",
         {"outcome": "withdrawn", "vendor_findings": "No answer; Fortinet's advisory suffices."})
    eng = session.scalar(select(VendorEngagement).where(VendorEngagement.request_id == req.id))
    assert eng.status == "cancelled" and eng.completed_at is None
    assert req.status == "vulnerability_assessed"

    step(session, people.tech2, req, "patch_vulnerability", {"fix_applied": "FortiOS 7.2.7"})
    step(session, people.tech2, req, "fix_failed", {"problem": "The secondary unit is on 7.2.5."})
    step(session, people.tech2, req, "patch_vulnerability", {"fix_applied": "Both on 7.2.7"})
    step(session, people.tech2, req, "verify_fix",
         {"verification_method": "rescan", "result": "The scanner no longer reports it."})
    svc.resolve(session, people.tech2, req.id, "Both gateways upgraded.")
    svc.close(session, people.employee, req.id)
    assert req.status == "closed"

    unaffected = started(session, people, {**VULNERABILITY, "cve_id": "CVE-2021-44228"})
    step(session, people.tech, unaffected, "assess_vulnerability",
         {"exposure": "not_affected", "assessment": "No log4j 2 anywhere."})
    svc.resolve(session, people.tech, unaffected.id, "Not affected.")
    assert unaffected.status == "resolved"


def test_cancelling_while_the_vendor_has_it_calls_the_vendor_off(session, people, vendors):
    req = started(session, people, incident())
    step(session, people.tech, req, "contain_incident", {"containment_actions": "Blocked."})
    step(session, people.tech, req, "raise_to_vendor", {
        "vendor": VENDOR, "request_to_vendor": "Forensics, please.",
        "promised_response_at": (_now() + timedelta(hours=2)).isoformat(),
    })
    assert "call them off" in refused(session, people.employee, req, "cancel",
                                      {"reason": "False alarm: a colleague on a trip."})
    svc.cancel(session, people.lead, req.id, "False alarm: a colleague on a trip.")
    eng = session.scalar(select(VendorEngagement).where(VendorEngagement.request_id == req.id))
    assert req.status == "cancelled" and eng.status == "cancelled"


def test_a_vendor_must_be_a_security_vendor(session, people):
    other_kinds = [k.name for k in svc.host_of(session).vendor_kinds()
                   if k.name != SECURITY_VENDOR.name]
    if not other_kinds:
        pytest.skip("no other category plugin declares a vendor kind")
    svc.create_vendor(session, None, name="联想售后", kinds=[other_kinds[0]])
    req = started(session, people, incident())
    step(session, people.tech, req, "contain_incident", {"containment_actions": "Blocked."})
    errors = invalid(session, people.tech, req, "raise_to_vendor", {
        "vendor": "联想售后", "request_to_vendor": "Help",
        "promised_response_at": _now().isoformat(),
    })
    assert "not registered as a security vendor" in errors["vendor"][0]


# -- bad input -------------------------------------------------------------------------------


def test_a_bad_submission_reports_every_field_and_writes_nothing(session, people):
    before = rows(session)
    with pytest.raises(ValidationFailed) as exc:
        submit(session, people.employee, {
            "kind": "firewall_change", "source": "10.1.2.5/24", "destination": "数据库服务器",
            "protocol": "tcp", "port": "70000", "direction": "", "temporary": True,
        }, title="")
    assert set(exc.value.errors) == {
        "title", "details.source", "details.destination", "details.port",
        "details.direction", "details.business_reason", "details.end_date",
    }
    assert "10.1.2.0/24" in exc.value.errors["details.source"][0]

    with pytest.raises(ValidationFailed) as exc:
        submit(session, people.employee, {**RULE, "protocol": "icmp", "port": "8",
                                          "destination": "2001:db8::10", "end_date": "2027-01-01"})
    assert set(exc.value.errors) == {"details.port", "details.destination", "details.end_date"}

    with pytest.raises(ValidationFailed) as exc:
        submit(session, people.employee, {"kind": "vulnerability", "cve_id": "CVE-24-1",
                                          "cvss_score": 11, "severity": "low"})
    assert set(exc.value.errors) == {"details.cve_id", "details.cvss_score",
                                     "details.affected_systems"}
    with pytest.raises(ValidationFailed) as exc:
        submit(session, people.employee, {**VULNERABILITY, "severity": "low"})
    assert "Critical" in exc.value.errors["details.severity"][0]
    with pytest.raises(ValidationFailed) as exc:
        submit(session, people.employee, {**incident(), "noticed_at": "2099-01-01T08:00",
                                          "severity": None, "what_happened": " "})
    assert set(exc.value.errors) == {"details.noticed_at", "details.severity",
                                     "details.what_happened"}
    assert rows(session) == before


def test_a_step_with_bad_fields_changes_nothing(session, people):
    req = started(session, people, RULE)
    before, version = rows(session), req.version
    errors = invalid(session, people.tech, req, "assess_risk", {"risk_level": "extreme"})
    assert set(errors) == {"risk_level", "assessment_notes"}
    errors = invalid(session, people.tech, req, "assess_risk", {})
    assert set(errors) == {"risk_level", "assessment_notes"}
    assert rows(session) == before
    assert (req.status, req.version) == ("in_progress", version)


@pytest.mark.parametrize(("field", "value", "expected"), [
    ("source", "10.20.0.0/16", "10.20.0.0/16"),
    ("source", " ANY ", "any"),
    ("source", "2001:DB8::1", "2001:db8::1"),
    ("source", "Erp-App01.HQ.corp", "erp-app01.hq.corp"),
    ("port", "8080 - 8090", "8080-8090"),
    ("port", "443-443", "443"),
])
def test_addresses_and_ports_are_written_canonically(field, value, expected):
    details = NetworkSecuritySchema().load({**RULE, field: value})
    assert details[field] == expected


@pytest.mark.parametrize(("field", "value", "message"), [
    ("source", "10.0.0.256", "Not a valid IP address"),
    ("source", "10.0.0.0/33", "Not a valid network"),
    ("source", "-bad-.corp", "Not a valid IP address, network or host name"),
    ("source", "host_name.corp", "Not a valid IP address, network or host name"),
    ("port", "0", "Ports go from 1 to 65535"),
    ("port", "80,443", "Give one port"),
    ("port", "9000-8000", "lower port to the higher"),
])
def test_bad_addresses_and_ports_say_what_is_wrong(field, value, message):
    with pytest.raises(ValidationError) as exc:
        NetworkSecuritySchema().load({**RULE, field: value})
    assert message in exc.value.messages[field][0]


# -- the samples -----------------------------------------------------------------------------


def _actor_for(session: Session, people: SimpleNamespace, req: ServiceRequest, name: str) -> Any:
    """Someone allowed to take step ``name`` now: the assignee first, then the requester."""
    candidates = [req.assignee, req.requester, people.manager, people.lead, people.admin]
    for person in candidates:
        if person is not None and name in {
            t.name for t in svc.available_transitions(session, person, req)
        }:
            return person
    raise AssertionError(f"nobody may take {name!r} in {req.status!r}")


def test_every_sample_walks_its_path(session, people, vendors):
    samples = svc.host_of(session).sample_requests(CAT)
    assert len(samples) >= 5
    wf = svc.host_of(session).workflow(CAT)
    ends = set()
    for sample in samples:
        on_behalf = {"requester": "zhang.wei"} if sample.channel == "phone" else {}
        req = svc.submit_request(
            session, people.lead if on_behalf else people.employee, category=CAT,
            title=sample.title, description=sample.description, details=sample.details,
            priority=sample.priority, channel=sample.channel, **on_behalf)
        for name, data in sample.path:
            if name == "assign":
                svc.assign(session, people.lead, req.id, **data)
            else:
                svc.transition(session, _actor_for(session, people, req, name), req.id, name,
                               data)
        expected = "new" if not sample.path else (
            "assigned" if sample.path[-1][0] == "assign" else wf.transition(
                sample.path[-1][0]).target)
        assert req.status == expected, sample.title
        ends.add(req.status)
    assert {"new", "assigned", "resolved", "closed"} <= ends
    assert ends & {"waiting_vendor", "awaiting_approval"}


def test_the_request_page_summary(session):
    lines = dict(svc.host_of(session).detail_summary(CAT, {
        **RULE, "temporary": True, "end_date": "2026-12-31"}))
    assert lines["Firewall rule"] == "TCP 10.30.12.0/24 → erp-db01.hq.corp:1521 " \
                                     "(Internal (between our own networks))"
    # The page shows every field already: the summary adds only what follows from them.
    assert set(lines) == {"Firewall rule", "Temporary rule"}
    vuln = svc.host_of(session).detail_summary(CAT, {**VULNERABILITY, "severity": "critical"})
    assert vuln == []


def test_the_summary_counts_the_days_to_a_temporary_rule_s_end():
    day = date(2026, 3, 2)
    ends = {n: summary.expiry(day + timedelta(days=n), day) for n in (-3, -1, 0, 1, 14)}
    assert ends == {-3: "ended 3 days ago", -1: "ended yesterday", 0: "ends today",
                    1: "ends tomorrow", 14: "ends in 14 days"}
    rule = {**RULE, "temporary": True, "end_date": "2026-03-16"}
    assert dict(summary.lines(rule, on=day))["Temporary rule"] == "ends in 14 days"


# -- translations ----------------------------------------------------------------------------


def _catalog() -> Any:
    po = PACKAGE / "translations" / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"
    with po.open("rb") as fh:
        return read_po(fh, locale="zh_Hans_CN")


def test_every_marked_string_is_translated():
    catalog = _catalog()
    marked = {
        msgid for _file, _line, msgid, _comments, _context in extract_from_dir(
            PACKAGE, keywords={"_": None, "lazy_gettext": None})
    }
    assert len(marked) > 150
    missing = sorted(m for m in marked if m not in catalog or not catalog[m].string)
    assert not missing, missing
    placeholders = re.compile(r"%\(\w+\)(?:\.\d)?[sdf]")
    for msgid in marked:
        assert sorted(placeholders.findall(msgid)) == sorted(
            placeholders.findall(catalog[msgid].string)), msgid


def test_the_form_and_its_errors_speak_chinese(session, people):
    schema = svc.host_of(session).request_schema(CAT)
    with use_locale("zh_Hans_CN"):
        assert str(svc.host_of(session).category(CAT).label) == "网络安全管理"
        assert str(schema().fields["source"].metadata["label"]) == "源地址"
        choices = dict(schema().fields["kind"].metadata["choices"])
        assert str(choices["firewall_change"]) == "防火墙变更"
        assert str(svc.host_of(session).workflow(CAT).state("waiting_vendor").label) \
            == "等待安全供应商"
        with pytest.raises(ValidationFailed) as exc:
            submit(session, people.employee, {**RULE, "port": "70000"})
    assert exc.value.errors["details.port"] == ["端口范围为 1 到 65535。"]
