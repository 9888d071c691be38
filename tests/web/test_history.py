"""How a request's history reads on the desk and in the portal: sentences, labelled facts, and
only what the requester may see; messages with several reasons; texts from plugin templates."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from hdcore import services as svc
from hdcore.services.base import record

SHANGHAI_DISPATCH = {
    "vendor": "联想（上海）授权服务站", "vendor_reference": "LNV-CASE-7734102",
    "service_mode": "on_site", "access_required": True, "backup_required": False,
    "instructions": "Call IT on extension 8021 at the gate.",
}


@pytest.fixture
def repair(session, people) -> Any:
    """A repair of Zhang Wei's laptop, dispatched by Li Na to a vendor (an escort task)."""
    kind = next(k for k in svc.host_of(session).vendor_kinds() if k.name == "maintenance")
    for sample in kind.samples:
        svc.create_vendor(session, people.lead, kinds=["maintenance"], **sample)
    req = svc.submit_request(session, people.employee, category="outsourcing",
                             title="Laptop screen flickering", details={
                                 "equipment_type": "laptop", "equipment": "ThinkPad T14",
                                 "location": "B 5F", "fault": "Flickers",
                                 "since": (date.today() - timedelta(days=1)).isoformat(),
                                 "impact": "degraded", "warranty": "yes"})
    svc.assign(session, people.lead, req.id, assignee="li.na")
    svc.transition(session, people.tech, req.id, "start")
    soon = datetime.now(UTC).replace(microsecond=0) + timedelta(days=2)
    svc.transition(session, people.tech, req.id, "dispatch", {
        **SHANGHAI_DISPATCH, "promised_response_at": soon.isoformat(),
        "promised_completion_at": (soon + timedelta(hours=6)).isoformat()})
    req.promised = soon  # type: ignore[attr-defined]
    return req


def entries(html: str) -> list[str]:
    """The history's entries, each as its text with the tags between words kept."""
    return [re.sub(r"\s+", " ", e) for e in re.findall(r'<li class="tl-item[^"]*">(.*?)</li>',
                                                        html, re.S)]


def entry_with(html: str, text: str) -> str:
    found = [e for e in entries(html) if text in e]
    assert found, f"no history entry with {text!r}"
    return found[0]


def local(moment: datetime) -> str:
    """A time as the page shows it to someone in Shanghai."""
    return (moment + timedelta(hours=8)).strftime("%Y-%m-%d %H:%M")


def test_a_steps_data_is_labelled_and_written_for_people(browser, people, session, repair):
    html = browser("li.na").get(f"/desk/r/{repair.number}").get_data(as_text=True)
    step = entry_with(html, "took the step “Dispatch to a vendor”")
    assert "In progress → With the vendor" in step
    assert "<dt>Vendor&#39;s job reference</dt><dd>LNV-CASE-7734102</dd>" in step
    assert "<dt>Service</dt><dd>Engineer comes on site</dd>" in step  # the choice's label
    assert "<dt>IT arranges access</dt><dd>Yes</dd>" in step
    assert "<dt>Back up data first</dt><dd>No</dd>" in step
    assert f"<dt>Promised response by</dt><dd>{local(repair.promised)}</dd>" in step
    facts = step[step.index('<dl class="tl-data">'):]
    # Never the stored keys, values or ISO times.
    for raw in ("vendor_reference", "on_site", "True", "False", "+00:00", "T0", "T1", "T2"):
        assert raw not in facts, raw

    vendor = entry_with(html, "called in the vendor 联想（上海）授权服务站")
    assert "<dt>Reference</dt><dd>LNV-CASE-7734102</dd>" in vendor
    assert f"<dd>{local(repair.promised)}</dd>" in vendor

    task = entry_with(html, "added a task: Arrange access and escort the engineer on site")
    assert "updated a task" not in html and "<dt>" not in task
    assert "assigned the request to Li Na" in html and "took the step “Start work”" in html


def test_the_requester_reads_only_what_is_meant_for_them(browser, people, session, repair):
    svc.transition(session, people.tech, repair.id, "vendor_arrived",
                   {"engineer": "陈建华", "note": "Cable loose"})
    html = browser("zhang.wei").get(f"/portal/r/{repair.number}").get_data(as_text=True)
    step = entry_with(html, "took the step “Dispatch to a vendor”")
    assert "<dt>" not in step  # the vendor's reference and the notes for the vendor are IT's
    for internal in ("LNV-CASE-7734102", "extension 8021", "Cable loose", "陈建华",
                     "added a task", "called in the vendor"):
        assert internal not in html, internal
    assert "filed the request" in html and "assigned the request to Li Na" in html


def test_the_requesters_own_step_shows_what_they_wrote(browser, people, session, repair):
    svc.transition(session, people.tech, repair.id, "vendor_arrived", {"engineer": "Chen"})
    svc.transition(session, people.tech, repair.id, "vendor_repaired", {"work_done": "Cable"})
    svc.transition(session, people.employee, repair.id, "verify_failed",
                   {"reason": "Still flickers when the lid opens"})
    html = browser("zhang.wei").get(f"/portal/r/{repair.number}").get_data(as_text=True)
    step = entry_with(html, "took the step “Not fixed: back to the vendor”")
    assert "<dt>What is still wrong</dt><dd>Still flickers when the lid opens</dd>" in step
    assert "<dt>Work done</dt>" not in html  # the technician's step: not for the requester


def test_events_of_the_time_targets_and_routing_read_as_sentences(browser, people, session,
                                                                  repair):
    due = datetime(2030, 1, 7, 2, 0, tzinfo=UTC)
    record(session, repair, None, "sla_warning", data={"target": "resolution",
                                                        "due_at": due.isoformat()})
    record(session, repair, None, "escalated", {"escalation_level": [0, 1]},
           {"reason": "The solution is overdue."})
    record(session, repair, None, "auto_assigned", {"assignee_id": [None, people.tech2.id],
                                                    "group_id": [None, people.infra.id]},
           {"reason": "Least open work in the group", "rule": "Printers go to infrastructure"})
    record(session, repair, None, "reminder_sent", data={"n": 1})
    record(session, repair, None, "auto_closed", data={"reason": "no response"})
    session.commit()
    html = browser("li.na").get(f"/desk/r/{repair.number}").get_data(as_text=True)
    assert entry_with(html, "warned that the solution is due 2030-01-07 10:00")
    escalated = entry_with(html, "escalated the request automatically to level 1")
    assert "Reason: The solution is overdue." in escalated
    routed = entry_with(html, "assigned the request automatically to Zhao Lei (Infrastructure)")
    assert "<dt>Rule</dt><dd>Printers go to infrastructure</dd>" in routed
    assert entry_with(html, "reminded the requester to confirm that the request is solved")
    assert entry_with(html, "closed the request automatically: the requester did not answer")
    assert ">System<" in html


def test_a_history_in_chinese_is_whole_chinese_sentences(browser, people, session, repair):
    html = browser("li.na").get(f"/desk/r/{repair.number}",
                                headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    step = entry_with(html, "执行了步骤“派单给供应商”")
    assert "<dt>供应商工单号</dt><dd>LNV-CASE-7734102</dd>" in step
    assert "<dd>是</dd>" in step and "<dd>否</dd>" in step
    # The task from the plugin's template, in the task list and in the history.
    assert html.count("安排出入并现场陪同工程师") >= 2
    assert "Arrange access and escort the engineer on site" not in html


def test_a_refused_step_lists_its_reasons(browser, people, session, repair):
    svc.transition(session, people.tech, repair.id, "vendor_arrived", {"engineer": "Chen"})
    svc.transition(session, people.tech, repair.id, "vendor_repaired", {"work_done": "Cable"})
    svc.transition(session, people.employee, repair.id, "verify_fixed", {})
    b = browser("li.na")
    page = f"/desk/r/{repair.number}"
    session.refresh(repair)
    resp = b.post(f"{page}/step/resolve", {"version": str(repair.version),
                                           "resolve.resolution": "New cable fitted."}, page=page)
    assert resp.status_code == 302
    html = b.get(page).get_data(as_text=True)
    flash = re.search(r'class="flash flash-error"[^>]*>(.*?)</div>', html, re.S)
    assert flash is not None
    assert re.search(r"<p>[^<]+</p><ul class=\"flash-list\"><li>[^<]+</li>", flash.group(1))
    assert "; " not in flash.group(1)
