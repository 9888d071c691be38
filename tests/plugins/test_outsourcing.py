"""The outsourced-maintenance category: a repair's life with its vendor, through the services."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from sqlalchemy import func, select

from hdcore import (
    Event,
    NotFound,
    PermissionDenied,
    ServiceRequest,
    StateKind,
    Task,
    TransitionRefused,
    ValidationFailed,
    Vendor,
    VendorEngagement,
    lazy_gettext,
    use_locale,
)
from hdcore import services as svc
from hdcore.i18n import catalog_files
from plugins import outsourcing
from plugins.outsourcing.samples import HENGTONG, LENOVO, RICOH
from plugins.outsourcing.summary import detail_summary, fault_age

CATEGORY = "outsourcing"
KIND = "maintenance"
SHANGHAI = timezone(timedelta(hours=8))
PLUGIN_DIR = Path(outsourcing.__file__).parent


# -- helpers -------------------------------------------------------------------------------------


def at(hours: float) -> str:
    """A time ``hours`` from now, as a form in Shanghai would send it."""
    return (datetime.now(UTC) + timedelta(hours=hours)).astimezone(SHANGHAI).isoformat()


def details(**overrides: Any) -> dict[str, Any]:
    """A valid repair request's fields."""
    return {
        "equipment_type": "laptop", "equipment": "Lenovo ThinkPad T14 Gen 3",
        "asset_tag": "PF3XK2LM", "location": "研发中心 B 栋 5F",
        "fault": "屏幕闪烁，偶尔黑屏", "since": (date.today() - timedelta(days=2)).isoformat(),
        "impact": "degraded", "warranty": "yes", **overrides,
    }


def dispatch_data(vendor: str = LENOVO, **overrides: Any) -> dict[str, Any]:
    """A valid dispatch to ``vendor``: on site, IT escorts, no backup."""
    return {"vendor": vendor, "vendor_reference": "LNV-CASE-7734102",
            "promised_response_at": at(4), "promised_completion_at": at(30), **overrides}


def count(session: Any, model: Any) -> int:
    """How many rows ``model``'s table holds."""
    return session.scalar(select(func.count()).select_from(model))


def job(session: Any, req: ServiceRequest) -> VendorEngagement:
    """The request's latest vendor job, whatever its status."""
    session.expire_all()
    found = session.scalar(select(VendorEngagement).where(VendorEngagement.request_id == req.id)
                           .order_by(VendorEngagement.id.desc()))
    assert found is not None
    return found


def names(transitions: list[Any]) -> set[str]:
    """The names of ``transitions``."""
    return {t.name for t in transitions}


@pytest.fixture
def desk(session: Any, people: SimpleNamespace) -> SimpleNamespace:
    """The people, plus the maintenance vendors the plugin gives as examples."""
    kind = next(k for k in svc.host_of(session).vendor_kinds() if k.name == KIND)
    for sample in kind.samples:
        svc.create_vendor(session, people.lead, kinds=[KIND], **sample)
    return people


def submit(session: Any, people: SimpleNamespace, **fields: Any) -> ServiceRequest:
    """The employee files a repair request."""
    return svc.submit_request(session, people.employee, category=CATEGORY,
                              title=fields.pop("title", "Laptop screen flickering"),
                              description="屏幕一直闪", details=details(**fields))


def in_progress(session: Any, people: SimpleNamespace, **fields: Any) -> ServiceRequest:
    """A repair request assigned to Li Na, who started on it."""
    req = submit(session, people, **fields)
    svc.assign(session, people.lead, req.id, assignee="li.na")
    svc.transition(session, people.tech, req.id, "start")
    return req


def with_vendor(session: Any, people: SimpleNamespace, **dispatch: Any) -> ServiceRequest:
    """A repair request Li Na dispatched to the Lenovo service station (no tasks)."""
    req = in_progress(session, people)
    svc.transition(session, people.tech, req.id, "dispatch",
                   dispatch_data(**{"access_required": False, **dispatch}))
    return req


def to_verify(session: Any, people: SimpleNamespace) -> ServiceRequest:
    """A repair the vendor says is done."""
    req = with_vendor(session, people)
    svc.transition(session, people.tech, req.id, "vendor_arrived", {"engineer": "陈建华"})
    svc.transition(session, people.tech, req.id, "vendor_repaired",
                   {"work_done": "更换屏线", "parts_replaced": [{"part": "LCD cable"}]})
    return req


# -- the whole life ------------------------------------------------------------------------------


def test_a_repair_from_filing_to_rating(session, desk):
    people = desk
    req = submit(session, people)
    assert req.status == "new" and req.details["warranty"] == "yes"
    svc.assign(session, people.lead, req.id, assignee="li.na")
    svc.transition(session, people.tech, req.id, "start")

    promised_response, promised_completion = at(4), at(52)
    svc.transition(session, people.tech, req.id, "dispatch", dispatch_data(
        promised_response_at=promised_response, promised_completion_at=promised_completion,
        backup_required=True, instructions="到了请先打 IT 分机 8021"))
    assert req.status == "with_vendor"
    assert svc.host_of(session).workflow(CATEGORY).kind(req.status) is StateKind.WAITING
    eng = svc.current_engagement(session, req, KIND)
    assert eng.vendor.name == LENOVO and eng.reference == "LNV-CASE-7734102"
    assert eng.promised_response_at == datetime.fromisoformat(promised_response)
    assert eng.promised_completion_at == datetime.fromisoformat(promised_completion)
    assert eng.responded_at is None and eng.response_late is None
    assert eng.details["instructions"] == "到了请先打 IT 分机 8021"

    # The dispatch made the backup and escort tasks; the escort waits for the backup.
    backup, escort = sorted(req.tasks, key=lambda t: t.id)
    assert backup.template == "backup_data" and escort.template == "escort_engineer"
    assert escort.depends_on == [backup]
    assert abs(escort.due_at - eng.promised_response_at) < timedelta(minutes=1)
    with pytest.raises(TransitionRefused) as refused:
        svc.complete_task(session, people.tech, escort.id)
    assert backup.title in refused.value.reasons
    svc.complete_task(session, people.tech, backup.id)

    svc.transition(session, people.tech, req.id, "vendor_arrived",
                   {"engineer": "陈建华", "note": "屏线松动，需要换"})
    assert req.status == "vendor_working"
    eng = job(session, req)
    assert eng.responded_at is not None and eng.response_late is False
    first_response = eng.responded_at
    svc.complete_task(session, people.tech, escort.id)

    svc.transition(session, people.tech, req.id, "order_parts", {
        "diagnosis": "LCD 排线磨损",
        "parts": [{"part": "LCD cable", "part_number": "5C10S30053", "quantity": 1}],
        "parts_expected_on": (date.today() + timedelta(days=2)).isoformat()})
    assert req.status == "waiting_parts"
    svc.transition(session, people.tech, req.id, "parts_arrived", {"note": "明天上午来装"})
    assert req.status == "vendor_working"
    svc.transition(session, people.tech, req.id, "vendor_repaired", {
        "work_done": "更换 LCD 排线", "cause": "排线磨损",
        "parts_replaced": [{"part": "LCD cable", "part_number": "5C10S30053"}]})
    assert req.status == "to_verify"
    eng = job(session, req)
    assert eng.completed_at is not None and eng.completion_late is False
    assert eng.details["parts_orders"][0]["arrived_at"]
    assert eng.details["parts_replaced"] == [
        {"part": "LCD cable", "part_number": "5C10S30053", "quantity": 1}]

    # The requester tries it: still flickers. Same job, back to the same vendor.
    svc.transition(session, people.employee, req.id, "verify_failed",
                   {"reason": "开合屏幕时还是闪"})
    assert req.status == "with_vendor"
    eng = job(session, req)
    assert eng.status == "open" and eng.completed_at is None
    assert eng.details["rejected_completions"][0]["by"] == "zhang.wei"
    assert eng.details["rejected_completions"][0]["reason"] == "开合屏幕时还是闪"

    svc.transition(session, people.tech, req.id, "vendor_arrived", {"engineer": "陈建华"})
    svc.transition(session, people.tech, req.id, "vendor_repaired",
                   {"work_done": "更换屏幕总成"})
    eng = job(session, req)
    assert eng.responded_at == first_response  # the first visit was the vendor's response
    assert len(eng.details["visits"]) == 2
    svc.transition(session, people.employee, req.id, "verify_fixed", {"note": "正常了"})
    assert req.status == "repair_verified"
    eng = job(session, req)
    assert eng.status == "done" and eng.details["verified"]["by"] == "zhang.wei"
    assert eng.response_late is False and eng.completion_late is False

    svc.resolve(session, people.tech, req.id, "供应商更换了屏幕总成，已验证正常。")
    assert req.status == "resolved"
    svc.close(session, people.employee, req.id)
    svc.rate(session, people.employee, req.id, 5, "很快")
    assert req.status == "closed" and req.rating == 5

    kinds = session.scalars(select(Event.kind).where(Event.request_id == req.id)).all()
    assert "vendor_engaged" in kinds and "vendor_updated" in kinds
    steps = session.scalars(select(Event).where(Event.request_id == req.id,
                                                Event.kind == "transition")).all()
    failed = next(e for e in steps if e.data["transition"] == "verify_failed")
    assert failed.actor_id == people.employee.id


def test_the_lead_files_a_repair_taken_by_phone(session, desk):
    people = desk
    req = svc.submit_request(session, people.lead, category=CATEGORY, title="复印机卡纸",
                             details=details(equipment_type="copier", equipment="Ricoh IM C3000",
                                             asset_tag="", warranty="unknown"),
                             channel="phone", requester="zhang.wei")
    assert req.requester == people.employee and req.entered_by == people.lead
    assert req.channel == "phone" and req.details["equipment"] == "Ricoh IM C3000"
    assert svc.can_view(people.employee, req)
    lines = dict(svc.host_of(session).detail_summary(CATEGORY, req.details))
    # The page shows the fields themselves; the summary adds only the fault's age.
    assert list(lines) == ["Fault started"] and lines["Fault started"].endswith("days ago")


def test_the_summary_says_how_long_ago_the_fault_started(session):  # session: the catalogs
    today = date(2026, 3, 2)
    line = dict(detail_summary({"since": "2026-02-27"}, today=today))
    assert line == {"Fault started": "3 days ago"}
    assert detail_summary({"since": "2026-03-01"}, today=today) == [("Fault started",
                                                                     "yesterday")]
    assert detail_summary({"since": "2026-03-02"}, today=today) == [("Fault started", "today")]
    assert fault_age(date(2026, 3, 3), today) == "today"  # a clock running ahead
    assert detail_summary({"since": "not a day"}, today=today) == []
    with use_locale("zh_Hans_CN"):
        assert fault_age(date(2026, 2, 27), today) == "3 天前"


def test_warranty_defaults_to_unknown_and_asset_tag_is_optional(session, desk):
    d = details()
    del d["warranty"], d["asset_tag"]
    req = svc.submit_request(session, desk.employee, category=CATEGORY, title="UPS alarm",
                             details=d)
    assert req.details["warranty"] == "unknown" and req.details["asset_tag"] == ""


# -- bad input -----------------------------------------------------------------------------------


def test_a_bad_submission_names_every_field_and_writes_nothing(session, desk):
    before = (count(session, ServiceRequest), count(session, Event))
    with pytest.raises(ValidationFailed) as exc:
        svc.submit_request(session, desk.employee, category=CATEGORY, title="坏了", details={
            "equipment_type": "television", "equipment": "   ", "asset_tag": "X" * 65,
            "fault": "", "since": (date.today() + timedelta(days=3)).isoformat(),
            "impact": "terrible", "warranty": "maybe"})
    assert set(exc.value.errors) == {
        "details.equipment_type", "details.equipment", "details.asset_tag", "details.location",
        "details.fault", "details.since", "details.impact", "details.warranty"}
    assert exc.value.errors["details.location"] == ["This field is required."]
    assert exc.value.errors["details.equipment"] == ["This field is required."]
    assert exc.value.errors["details.since"] == ["This date is in the future."]
    assert (count(session, ServiceRequest), count(session, Event)) == before


def test_a_bad_dispatch_names_its_fields_and_changes_nothing(session, desk):
    req = in_progress(session, desk)
    before = (count(session, Event), count(session, Task), count(session, VendorEngagement))
    with pytest.raises(ValidationFailed) as exc:
        svc.transition(session, desk.tech, req.id, "dispatch", {
            "vendor": LENOVO, "promised_response_at": at(-1),
            "promised_completion_at": "2026-12-01T10:00:00", "service_mode": "by post"})
    assert set(exc.value.errors) == {"vendor_reference", "promised_response_at",
                                     "promised_completion_at", "service_mode"}
    assert "after now" in exc.value.errors["promised_response_at"][0]
    assert exc.value.errors["promised_completion_at"] == ["Give the time with its time zone."]

    with pytest.raises(ValidationFailed) as exc:
        svc.transition(session, desk.tech, req.id, "dispatch",
                       dispatch_data(promised_response_at=at(10), promised_completion_at=at(5)))
    assert list(exc.value.errors) == ["promised_completion_at"]

    with pytest.raises(ValidationFailed) as exc:
        svc.transition(session, desk.tech, req.id, "dispatch",
                       dispatch_data(vendor="深圳某某电脑城"))
    assert exc.value.errors == {"vendor": ["Unknown vendor."]}

    # A registered vendor that does not do maintenance (its kinds were edited in the register).
    courier = session.scalar(select(Vendor).where(Vendor.name == HENGTONG))
    courier.kinds = ["courier"]
    session.commit()
    with pytest.raises(ValidationFailed) as exc:
        svc.transition(session, desk.tech, req.id, "dispatch", dispatch_data(vendor=HENGTONG))
    assert exc.value.errors["vendor"] == [f"{HENGTONG} is not registered as a maintenance vendor."]

    session.expire_all()
    assert req.status == "in_progress"
    assert (count(session, Event), count(session, Task), count(session, VendorEngagement)) == before


def test_bad_vendor_progress_is_refused_field_by_field(session, desk):
    req = with_vendor(session, desk)
    with pytest.raises(ValidationFailed) as exc:
        svc.transition(session, desk.tech, req.id, "vendor_arrived", {"arrived_at": at(-2)})
    assert exc.value.errors == {
        "arrived_at": ["The engineer cannot arrive before the job was dispatched."]}
    with pytest.raises(ValidationFailed) as exc:
        svc.transition(session, desk.tech, req.id, "vendor_arrived", {"arrived_at": at(1)})
    assert exc.value.errors == {"arrived_at": ["This time is in the future."]}
    svc.transition(session, desk.tech, req.id, "vendor_arrived", {})

    with pytest.raises(ValidationFailed) as exc:
        svc.transition(session, desk.tech, req.id, "order_parts", {
            "parts": [{"part": "", "quantity": 0}],
            "parts_expected_on": (date.today() - timedelta(days=3)).isoformat()})
    assert set(exc.value.errors) == {"diagnosis", "parts.0.part", "parts.0.quantity",
                                     "parts_expected_on"}
    with pytest.raises(ValidationFailed) as exc:
        svc.transition(session, desk.tech, req.id, "order_parts",
                       {"diagnosis": "主板坏", "parts": [],
                        "parts_expected_on": date.today().isoformat()})
    assert set(exc.value.errors) == {"parts"}

    with pytest.raises(ValidationFailed) as exc:
        svc.transition(session, desk.tech, req.id, "vendor_repaired",
                       {"work_done": "换了主板", "completed_at": at(-1)})
    assert exc.value.errors == {
        "completed_at": ["The repair cannot end before the engineer arrived."]}
    with pytest.raises(ValidationFailed) as exc:
        svc.transition(session, desk.tech, req.id, "vendor_repaired", {})
    assert set(exc.value.errors) == {"work_done"}
    session.expire_all()
    assert req.status == "vendor_working" and job(session, req).completed_at is None

    svc.transition(session, desk.tech, req.id, "vendor_repaired", {"work_done": "换了主板"})
    with pytest.raises(ValidationFailed) as exc:
        svc.transition(session, desk.employee, req.id, "verify_failed", {"reason": ""})
    assert set(exc.value.errors) == {"reason"}
    session.expire_all()
    assert req.status == "to_verify" and job(session, req).completed_at is not None


# -- vendor tracking -----------------------------------------------------------------------------


def test_a_late_vendor_is_recorded_as_late(session, desk):
    req = with_vendor(session, desk)
    # Time travel: the job was dispatched yesterday; the vendor promised to come within 4 hours
    # and to finish by two hours ago.
    eng = job(session, req)
    eng.engaged_at -= timedelta(hours=26)
    eng.promised_response_at = eng.engaged_at + timedelta(hours=4)
    eng.promised_completion_at = datetime.now(UTC) - timedelta(hours=2)
    session.commit()

    svc.transition(session, desk.tech, req.id, "vendor_arrived", {"arrived_at": at(-1)})
    eng = job(session, req)
    assert eng.response_late is True and eng.completion_late is None
    svc.transition(session, desk.tech, req.id, "vendor_repaired", {"work_done": "更换键盘"})
    eng = job(session, req)
    assert eng.completion_late is True
    assert eng.responded_at == datetime.fromisoformat(eng.details["visits"][0]["arrived_at"])


def test_an_exception_chases_escalates_and_keeps_the_original_promise(session, desk):
    req = with_vendor(session, desk)
    promised = job(session, req).promised_response_at
    svc.transition(session, desk.tech, req.id, "record_exception", {
        "problem": "missed_visit", "reason": "约好 14:00 上门，没来也没通知", "action": "chase",
        "escalate": True})
    assert req.status == "vendor_exception" and req.escalation_level == 1
    assert svc.host_of(session).workflow(CATEGORY).kind(req.status) is StateKind.ACTIVE
    eng = job(session, req)
    assert eng.status == "open"
    assert eng.details["exceptions"][0]["problem"] == "missed_visit"
    assert eng.details["exceptions"][0]["escalated"] is True
    escalation = session.scalar(select(Event).where(Event.request_id == req.id,
                                                    Event.kind == "escalated"))
    assert LENOVO in escalation.data["reason"] and "没来也没通知" in escalation.data["reason"]

    # IT may not resolve past a vendor who still holds the job.
    with pytest.raises(TransitionRefused) as refused:
        svc.resolve(session, desk.tech, req.id, "自己修好了")
    assert "LNV-CASE-7734102" in refused.value.reasons[0]

    revised = at(20)
    svc.transition(session, desk.tech, req.id, "back_to_vendor",
                   {"revised_response_at": revised, "note": "周经理答应明早来"})
    assert req.status == "with_vendor"
    eng = job(session, req)
    assert eng.promised_response_at == promised  # the vendor is measured by their first word
    assert datetime.fromisoformat(eng.details["revised_promises"][0]["response_at"]) == \
        datetime.fromisoformat(revised)


def test_withdrawing_the_job_then_dispatching_to_another_vendor(session, desk):
    req = with_vendor(session, desk)
    first = job(session, req)
    svc.transition(session, desk.tech, req.id, "record_exception", {
        "problem": "no_response", "reason": "两天没回电话", "action": "withdraw"})
    first = job(session, req)
    assert first.status == "cancelled" and first.details["withdrawn"]["reason"] == "no_response"
    assert req.escalation_level == 0
    with pytest.raises(TransitionRefused) as refused:
        svc.transition(session, desk.tech, req.id, "back_to_vendor", {})
    assert refused.value.reasons == [
        "No vendor holds this job now; dispatch it to a vendor first."]

    svc.transition(session, desk.tech, req.id, "dispatch",
                   dispatch_data(vendor=HENGTONG, vendor_reference="HT-2024-0930",
                                 access_required=False))
    second = svc.current_engagement(session, req, KIND)
    assert second.id != first.id and second.vendor.name == HENGTONG
    assert second.reference == "HT-2024-0930"
    assert [e.status for e in session.scalars(
        select(VendorEngagement).where(VendorEngagement.request_id == req.id)
        .order_by(VendorEngagement.id))] == ["cancelled", "open"]


def test_dispatching_again_takes_the_job_back_from_the_first_vendor(session, desk):
    req = with_vendor(session, desk)
    svc.transition(session, desk.tech, req.id, "record_exception", {
        "problem": "wrong_part", "reason": "送来的电池型号不对", "action": "chase"})
    svc.transition(session, desk.tech, req.id, "dispatch",
                   dispatch_data(vendor=RICOH, vendor_reference="RC-1", access_required=False))
    engagements = session.scalars(select(VendorEngagement).where(
        VendorEngagement.request_id == req.id).order_by(VendorEngagement.id)).all()
    assert [(e.vendor.name, e.status) for e in engagements] == [
        (LENOVO, "cancelled"), (RICOH, "open")]
    assert engagements[0].details["withdrawn"]["reason"] == "redispatched"


def test_cancelling_the_request_withdraws_the_vendor_job(session, desk):
    req = in_progress(session, desk)
    svc.transition(session, desk.tech, req.id, "dispatch", dispatch_data())
    assert [t.status for t in req.tasks] == ["open"]
    svc.cancel(session, desk.employee, req.id, "同事借了一台，不修了")
    eng = job(session, req)
    assert req.status == "cancelled" and eng.status == "cancelled"
    assert eng.details["withdrawn"]["note"] == "同事借了一台，不修了"
    assert [t.status for t in req.tasks] == ["cancelled"]


@pytest.mark.parametrize(("mode", "access", "backup", "expected"), [
    ("on_site", True, False, ["escort_engineer"]),
    ("depot", True, True, ["backup_data", "hand_over_device"]),
    ("remote", True, False, ["remote_access"]),
    ("on_site", False, False, []),
])
def test_dispatch_tasks_follow_the_way_of_servicing(session, desk, mode, access, backup,
                                                    expected):
    req = in_progress(session, desk)
    svc.transition(session, desk.tech, req.id, "dispatch", dispatch_data(
        service_mode=mode, access_required=access, backup_required=backup))
    assert [t.template for t in req.tasks] == expected
    if backup:
        assert req.tasks[1].depends_on == [req.tasks[0]]
    assert job(session, req).details["service_mode"] == mode


# -- permissions and guards ----------------------------------------------------------------------


def test_who_may_take_the_vendor_steps(session, desk):
    people = desk
    req = in_progress(session, people)
    with pytest.raises(PermissionDenied):
        svc.transition(session, people.employee, req.id, "dispatch", dispatch_data())
    with pytest.raises(PermissionDenied):  # Zhao Lei is neither on it nor in its group
        svc.transition(session, people.tech2, req.id, "dispatch", dispatch_data())
    with pytest.raises(PermissionDenied):  # the department head sees it but does not work it
        svc.transition(session, people.head, req.id, "dispatch", dispatch_data())
    with pytest.raises(NotFound):
        svc.transition(session, people.other, req.id, "dispatch", dispatch_data())
    svc.transition(session, people.lead, req.id, "dispatch", dispatch_data(access_required=False))

    with pytest.raises(PermissionDenied):
        svc.transition(session, people.employee, req.id, "record_exception", {
            "problem": "other", "reason": "太慢了", "action": "chase"})
    svc.transition(session, people.tech, req.id, "vendor_arrived", {})
    svc.transition(session, people.tech, req.id, "vendor_repaired", {"work_done": "换电池"})
    assert names(svc.available_transitions(session, people.employee, req)) == {
        "verify_fixed", "verify_failed", "cancel"}
    assert "verify_fixed" not in names(svc.available_transitions(session, people.tech2, req))
    with pytest.raises(NotFound):
        svc.transition(session, people.other, req.id, "verify_fixed", {})
    svc.transition(session, people.employee, req.id, "verify_fixed", {})
    assert req.status == "repair_verified"


def test_steps_are_refused_out_of_turn(session, desk):
    req = in_progress(session, desk)
    with pytest.raises(TransitionRefused) as refused:
        svc.transition(session, desk.tech, req.id, "record_exception", {
            "problem": "other", "reason": "还没派单", "action": "chase"})
    assert refused.value.reasons == [
        "No vendor holds this job now; dispatch it to a vendor first."]
    with pytest.raises(TransitionRefused):
        svc.transition(session, desk.tech, req.id, "vendor_arrived", {})
    with pytest.raises(TransitionRefused):
        svc.transition(session, desk.tech, req.id, "verify_fixed", {})
    # While the vendor holds the job, IT's own resolve is not even offered.
    svc.transition(session, desk.tech, req.id, "dispatch", dispatch_data(access_required=False))
    assert "resolve" not in names(svc.available_transitions(session, desk.tech, req))
    with pytest.raises(TransitionRefused):
        svc.resolve(session, desk.tech, req.id, "done")


def test_a_verified_repair_still_needs_the_open_tasks_done(session, desk):
    req = in_progress(session, desk)
    svc.transition(session, desk.tech, req.id, "dispatch", dispatch_data())
    svc.transition(session, desk.tech, req.id, "vendor_arrived", {})
    svc.transition(session, desk.tech, req.id, "vendor_repaired", {"work_done": "换风扇"})
    svc.transition(session, desk.tech, req.id, "verify_fixed", {})
    with pytest.raises(TransitionRefused):
        svc.resolve(session, desk.tech, req.id, "已修好")
    svc.complete_task(session, desk.tech, req.tasks[0].id)
    svc.resolve(session, desk.tech, req.id, "已修好")
    assert req.status == "resolved"


def test_the_category_and_its_vendor_kind(session):
    host = svc.host_of(session)
    kind = next(k for k in host.vendor_kinds() if k.name == KIND)
    assert kind.pauses_sla is True and kind.plugin == "outsourcing"
    assert {v["name"] for v in kind.samples} == {LENOVO, RICOH, HENGTONG}
    wf = host.workflow(CATEGORY)
    assert wf.states_of_kind(StateKind.WAITING) == [
        "waiting_requester", "with_vendor", "vendor_working", "waiting_parts", "to_verify"]
    schema = host.request_schema(CATEGORY)
    for field in schema().fields.values():
        assert field.metadata["label"] and field.metadata["widget"]
    assert schema().fields["equipment_type"].metadata["choices"][0][0] == "pc"


# -- the samples ---------------------------------------------------------------------------------


def take(session: Any, people: SimpleNamespace, req: ServiceRequest, step: str,
         data: dict[str, Any]) -> None:
    """Take ``step`` as the first person in ``people`` allowed to, as the demo loader does."""
    if step == "assign":
        svc.assign(session, people.lead, req.id, **data)
        return
    order = (people.tech, people.tech2, people.employee, people.head, people.lead,
             people.manager, people.admin)
    actor = next((p for p in order if step in names(svc.available_transitions(session, p, req))),
                 None)
    assert actor is not None, f"nobody may take {step!r} in state {req.status!r}"
    svc.transition(session, actor, req.id, step, data)
    if step == "close":
        assert actor == people.employee  # the requester closes


def test_every_sample_walks_its_path(session, desk):
    samples = svc.host_of(session).sample_requests(CATEGORY)
    assert len(samples) >= 5
    ends = []
    for sample in samples:
        if sample.channel == "phone":
            req = svc.submit_request(session, desk.lead, category=CATEGORY, title=sample.title,
                                     description=sample.description, details=sample.details,
                                     priority=sample.priority, channel="phone",
                                     requester=desk.employee)
        else:
            req = svc.submit_request(session, desk.employee, category=CATEGORY,
                                     title=sample.title, description=sample.description,
                                     details=sample.details, priority=sample.priority)
        for step, data in sample.path:
            take(session, desk, req, step, data)
        ends.append(req.status)
    assert {"new", "assigned", "with_vendor", "waiting_parts", "vendor_exception", "resolved",
            "closed"} <= set(ends)
    assert any(s.channel == "phone" for s in samples)


# -- translations --------------------------------------------------------------------------------


def test_labels_render_in_chinese(session):
    host = svc.host_of(session)
    schema = host.request_schema(CATEGORY)()
    wf = host.workflow(CATEGORY)
    with use_locale("zh_Hans_CN"):
        assert str(schema.fields["equipment_type"].metadata["label"]) == "设备类型"
        assert str(dict(schema.fields["impact"].metadata["choices"])["cannot_work"]) == "无法工作"
        assert str(host.category(CATEGORY).label) == "外包维护"
        assert str(wf.state("with_vendor").label) == "供应商处理中"
        assert str(wf.transition("dispatch").label) == "派单给供应商"
        kind = next(k for k in host.vendor_kinds() if k.name == KIND)
        assert str(kind.label) == "维护服务商"
    assert str(schema.fields["equipment_type"].metadata["label"]) == "Equipment type"


def test_every_marked_string_has_a_chinese_translation(session):
    marked = {msg for _f, _l, msg, _c, _x in extract_from_dir(
        str(PLUGIN_DIR), keywords={"_": None, "lazy_gettext": None})}
    assert len(marked) > 100
    translated: dict[str, str] = {}
    # messages.po and the catalogs kept beside it (vendors.po)
    for po in catalog_files(PLUGIN_DIR / "translations", "zh_Hans_CN"):
        with po.open("rb") as fh:
            catalog = read_po(fh, locale="zh_Hans_CN")
        translated.update({m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy})
        assert not catalog.fuzzy and catalog.plural_forms == "nplurals=1; plural=0;"
    assert marked <= set(translated), sorted(marked - set(translated))
    with use_locale("zh_Hans_CN"):
        for msg in marked:
            rendered = str(lazy_gettext(msg))
            assert rendered != msg and re.search(r"[\u4e00-\u9fff]", rendered), msg
