"""The ERP support category through the service layer: its fields, steps, tasks and vendor."""

from __future__ import annotations

import importlib.metadata
import re
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hdcore import (
    Event,
    NotFound,
    PermissionDenied,
    PluginHost,
    ServiceRequest,
    Task,
    TransitionRefused,
    ValidationFailed,
    VendorEngagement,
    use_locale,
)
from hdcore import services as svc
from hdcore.host import ENTRY_POINT_GROUP
from plugins.erp_support import plugin as erp_plugin
from plugins.erp_support.constants import COMPANY_TZ
from plugins.erp_support.samples import ERP_VENDORS, ORACLE, PARTNER
from plugins.erp_support.schemas import ErpRequestSchema

CAT = "erp_support"
TRANSLATIONS = erp_plugin.translations_dir
assert TRANSLATIONS is not None
PO_FILE = TRANSLATIONS / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po"


@pytest.fixture
def plugins() -> list[object]:
    """Every installed category plugin whose package is present (this one always is)."""
    found = []
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        try:
            found.append(ep.load())
        except ModuleNotFoundError as exc:
            # A category not delivered yet has no package; a broken one still fails here.
            if exc.name != ep.module:
                raise
    return found


@pytest.fixture
def vendors(session: Session, people: SimpleNamespace) -> list[str]:
    """The example ERP vendors, registered as the demo loader does."""
    kind = next(k for k in svc.host_of(session).vendor_kinds() if k.name == "erp_vendor")
    for v in kind.samples:
        svc.create_vendor(session, None, kinds=["erp_vendor"], **v)
    return [v["name"] for v in kind.samples]


# -- helpers ------------------------------------------------------------------------------------


def fault(**over: Any) -> dict[str, Any]:
    """Details of a typical fault report."""
    return {"request_type": "fault", "module": "INV", "environment": "production",
            "business_impact": "department", "error_message": "APP-INV-05555: no onhand",
            **over}


def config_change(**over: Any) -> dict[str, Any]:
    """Details of a configuration change."""
    return {"request_type": "configuration_change", "module": "PO",
            "environment": "production", "business_impact": "department", **over}


def submit(session: Session, actor: Any, details: dict[str, Any], **kw: Any) -> ServiceRequest:
    """File an ERP request."""
    return svc.submit_request(session, actor, category=CAT, title=kw.pop("title", "ERP issue"),
                              description="库存现有量不对", details=details, **kw)


def started(session: Session, people: SimpleNamespace, details: dict[str, Any]) -> ServiceRequest:
    """A request by the employee, assigned to Li Na and in progress."""
    req = submit(session, people.employee, details)
    svc.assign(session, people.lead, req.id, assignee="li.na")
    svc.transition(session, people.tech, req.id, "start")
    return req


def step(session: Session, actor: Any, req: ServiceRequest, name: str,
         data: dict[str, Any] | None = None) -> ServiceRequest:
    """Take a workflow step."""
    return svc.transition(session, actor, req.id, name, data or {})


def steps_for(session: Session, actor: Any, req: ServiceRequest) -> set[str]:
    """The names of the steps ``actor`` is offered now."""
    return {t.name for t in svc.available_transitions(session, actor, req)}


def count(session: Session, model: type) -> int:
    """Rows of ``model``."""
    return session.scalar(select(func.count()).select_from(model)) or 0


def tasks_by_key(req: ServiceRequest) -> dict[str, Task]:
    """The request's tasks by template key."""
    return {t.template: t for t in req.tasks}


def engagements(session: Session, req: ServiceRequest) -> list[VendorEngagement]:
    """The request's vendor engagements, oldest first."""
    return list(session.scalars(select(VendorEngagement).where(
        VendorEngagement.request_id == req.id).order_by(VendorEngagement.id)))


def raise_data(vendor: str = ORACLE, **over: Any) -> dict[str, Any]:
    """Fields of a complete "raise with the vendor" step."""
    return {"vendor": vendor, "vendor_reference": "SR 3-38215540021", "severity": "2",
            "problem_summary": "Transaction manager fails", **over}


def refusal(exc: pytest.ExceptionInfo[TransitionRefused]) -> str:
    """All reasons of a refusal as one text."""
    return " ".join(exc.value.reasons)


SIGN_OFF_NEEDED = "needs the sign-off of the requester's department head"
VERIFY_FIRST = "only after the requester has verified it"


# -- the whole life of a request ----------------------------------------------------------------


def test_configuration_change_from_submission_to_rating(session, people):
    req = submit(session, people.employee, config_change(impact_note="新制度下月执行"),
                 title="采购订单审批层级调整")
    assert req.status == "new" and req.details["module"] == "PO"
    suggested = session.scalar(select(Event).where(Event.request_id == req.id,
                                                   Event.kind == "route_suggested"))
    assert suggested is not None and suggested.data["group"] == "Applications"

    svc.assign(session, people.lead, req.id, assignee="li.na")
    step(session, people.tech, req, "start")
    with pytest.raises(TransitionRefused) as refused:
        step(session, people.tech, req, "apply_production", {"production_change": "done"})
    assert SIGN_OFF_NEEDED in refusal(refused) and VERIFY_FIRST in refusal(refused)

    step(session, people.tech, req, "request_approval", {
        "change_summary": "PO_BUYER_CN 上限改为 500,000", "rollback_plan": "改回 1,000,000"})
    assert req.status == "awaiting_approval"
    assert "approve_change" not in steps_for(session, people.tech, req)
    assert "approve_change" not in steps_for(session, people.employee, req)
    assert {"approve_change", "decline_change"} <= steps_for(session, people.head, req)

    step(session, people.head, req, "approve_change", {"comment": "同意"})
    assert req.status == "in_progress"
    tasks = tasks_by_key(req)
    assert set(tasks) == {"erp_apply_test", "erp_apply_production"}
    in_test, in_prod = tasks["erp_apply_test"], tasks["erp_apply_production"]
    assert in_prod.depends_on == [in_test]
    assert in_test.group.name == "Applications" and in_test.due_at is not None
    with pytest.raises(TransitionRefused):
        svc.complete_task(session, people.tech, in_prod.id)
    assert in_prod.status == "open"
    with pytest.raises(TransitionRefused) as refused:
        step(session, people.tech, req, "apply_production", {"production_change": "done"})
    assert "is open" in refusal(refused) and VERIFY_FIRST in refusal(refused)

    step(session, people.tech, req, "submit_for_verification", {
        "test_change": "TEST 已修改", "how_to_verify": "创建60万订单看审批"})
    assert req.status == "ready_for_verification"
    assert in_test.status == "done" and in_prod.status == "open"
    assert "confirm_verification" not in steps_for(session, people.tech, req)
    step(session, people.employee, req, "confirm_verification", {"comment": "测试通过"})
    assert req.status == "verified"

    with pytest.raises(TransitionRefused) as refused:
        svc.resolve(session, people.tech, req.id, "Done")
    assert "not in production yet" in refusal(refused)
    step(session, people.tech, req, "apply_production", {"production_change": "PROD 已修改"})
    assert req.status == "in_progress" and in_prod.status == "done"

    svc.resolve(session, people.tech, req.id, "审批上限已调整")
    svc.close(session, people.employee, req.id)
    svc.rate(session, people.employee, req.id, 5, "很快")
    assert (req.status, req.rating, req.resolution) == ("closed", 5, "审批上限已调整")
    taken = [e.data["transition"] for e in session.scalars(
        select(Event).where(Event.request_id == req.id, Event.kind == "transition")
        .order_by(Event.id))]
    assert taken == ["start", "request_approval", "approve_change", "submit_for_verification",
                     "confirm_verification", "apply_production", "resolve", "close"]


def test_user_change_taken_by_phone_needs_sign_off(session, people):
    details = {"request_type": "user_change", "module": "AR", "environment": "production",
               "business_impact": "one_user", "erp_username": "wang.xiaoli",
               "user_action": "new_user",
               "responsibilities": [{"action": "add", "responsibility": "AR Clerk – Shanghai"}]}
    req = submit(session, people.lead, details, requester="zhang.wei", channel="phone")
    assert (req.requester, req.entered_by, req.channel) == (people.employee, people.lead, "phone")
    assert req.details["erp_username"] == "WANG.XIAOLI"
    assert svc.can_view(people.employee, req)
    lines = dict(svc.host_of(session).detail_summary(CAT, req.details))
    assert lines["Responsibilities"] == "Add: AR Clerk – Shanghai" and "Sign-off" in lines

    svc.assign(session, people.lead, req.id, assignee="li.na")
    step(session, people.tech, req, "start")
    step(session, people.tech, req, "request_approval", {"change_summary": "新建 WANG.XIAOLI"})
    with pytest.raises(ValidationFailed) as bad:
        step(session, people.head, req, "decline_change", {})
    assert list(bad.value.errors) == ["reason"]
    step(session, people.head, req, "decline_change", {"reason": "先走入职流程"})
    assert req.status == "in_progress" and req.tasks == []
    with pytest.raises(TransitionRefused) as refused:
        step(session, people.tech, req, "apply_production", {"production_change": "done"})
    assert SIGN_OFF_NEEDED in refusal(refused) and VERIFY_FIRST not in refusal(refused)

    step(session, people.tech, req, "request_approval", {"change_summary": "入职已确认"})
    step(session, people.head, req, "approve_change", {})
    (task,) = req.tasks
    assert task.template == "erp_apply_production" and task.title.startswith("Set up the ERP")
    step(session, people.tech, req, "apply_production", {"production_change": "用户已建"})
    assert task.status == "done"
    svc.resolve(session, people.tech, req.id, "账号已开通")
    svc.close(session, people.employee, req.id)
    svc.rate(session, people.employee, req.id, 4)
    assert req.status == "closed" and req.rating == 4


def test_vendor_engagement_records_promise_answer_and_lateness(session, people, vendors):
    req = started(session, people, fault())
    yesterday = (datetime.now(COMPANY_TZ) - timedelta(days=1)).date()
    promised = datetime.now(COMPANY_TZ) - timedelta(hours=1)
    with pytest.raises(PermissionDenied):
        step(session, people.employee, req, "raise_to_vendor", raise_data())
    step(session, people.tech, req, "raise_to_vendor", raise_data(
        raised_on=yesterday.isoformat(), promised_response_at=promised.isoformat()))
    assert req.status == "waiting_vendor"
    (first,) = engagements(session, req)
    assert (first.vendor.name, first.reference, first.kind, first.status) == (
        ORACLE, "SR 3-38215540021", "erp_vendor", "open")
    assert first.promised_response_at == promised and first.response_late is None
    assert first.details["raised_on"] == yesterday.isoformat()
    assert first.details["severity"] == "2"

    with pytest.raises(PermissionDenied):
        step(session, people.employee, req, "vendor_answered",
             {"vendor_answer": "x", "outcome": "solution"})
    step(session, people.tech, req, "vendor_answered",
         {"vendor_answer": "Please upload the trace", "outcome": "more_information"})
    assert req.status == "in_progress"
    assert first.responded_at is not None and first.response_late is True
    assert first.status == "open" and first.details["outcome"] == "more_information"

    # A second round with the vendor: the first ends, the new one is timed on its own.
    step(session, people.tech, req, "raise_to_vendor", raise_data(
        PARTNER, vendor_reference="ZH-AMS-1187",
        promised_response_at=(datetime.now(COMPANY_TZ) + timedelta(days=2)).isoformat()))
    assert first.status == "done" and first.completed_at is not None
    # The vendor's answer cannot come before the hand-over (nor, here, after now).
    answered = engagements(session, req)[1].engaged_at.astimezone(COMPANY_TZ)
    step(session, people.tech, req, "vendor_answered", {
        "vendor_answer": "Apply patch 29876543", "outcome": "patch",
        "answered_at": answered.replace(tzinfo=None).isoformat()})  # form input: local time
    second = engagements(session, req)[1]
    assert (second.vendor.name, second.reference) == (PARTNER, "ZH-AMS-1187")
    assert second.responded_at == answered and second.response_late is False

    step(session, people.tech, req, "submit_for_verification",
         {"test_change": "patch in TEST", "how_to_verify": "run the transaction"})
    step(session, people.employee, req, "confirm_verification")
    step(session, people.tech, req, "apply_production", {"production_change": "patch in PROD"})
    svc.resolve(session, people.tech, req.id, "Vendor patch applied")
    assert second.status == "done" and second.completed_at is not None
    assert second.completed_at >= second.responded_at
    svc.close(session, people.employee, req.id)
    assert req.status == "closed"


def test_taking_back_or_cancelling_ends_the_engagement(session, people, vendors):
    req = started(session, people, fault())
    step(session, people.tech, req, "raise_to_vendor", raise_data())
    with pytest.raises(ValidationFailed):
        step(session, people.tech, req, "recall_from_vendor", {"reason": "  "})
    step(session, people.tech, req, "recall_from_vendor", {"reason": "自己找到了原因"})
    (taken_back,) = engagements(session, req)
    assert req.status == "in_progress"
    assert (taken_back.status, taken_back.completed_at) == ("cancelled", None)
    assert taken_back.details["reason"] == "自己找到了原因"

    step(session, people.tech, req, "raise_to_vendor", raise_data(vendor_reference="SR 3-2"))
    svc.cancel(session, people.employee, req.id, "不需要了")  # the requester is not IT staff
    assert req.status == "cancelled"
    assert engagements(session, req)[1].status == "cancelled"


# -- bad input ----------------------------------------------------------------------------------


def test_submission_reports_every_bad_field_and_writes_nothing(session, people):
    before = (count(session, ServiceRequest), count(session, Event))
    with pytest.raises(ValidationFailed) as bad:
        submit(session, people.employee, {
            "request_type": "user_change", "module": "XX", "business_impact": "all",
            "erp_username": "zhang wei!", "error_message": "x" * 10_001,
            "responsibilities": [{"action": "grant", "responsibility": " "},
                                 {"action": "add", "responsibility": "GL Inquiry",
                                  "until": "2020-01-01"}],
        }, title="")
    assert set(bad.value.errors) == {
        "title", "details.module", "details.environment", "details.business_impact",
        "details.erp_username", "details.error_message", "details.user_action",
        "details.responsibilities.0.action", "details.responsibilities.0.responsibility",
        "details.responsibilities.1.until",
    }
    assert (count(session, ServiceRequest), count(session, Event)) == before


def test_user_change_fields_are_required_only_for_user_changes(session, people):
    with pytest.raises(ValidationFailed) as bad:
        submit(session, people.employee, {"request_type": "user_change", "module": "HR",
                                          "environment": "production",
                                          "business_impact": "one_user"})
    assert set(bad.value.errors) == {"details.erp_username", "details.user_action",
                                     "details.responsibilities"}
    assert "user name" in bad.value.errors["details.erp_username"][0]
    leaver = submit(session, people.employee, {
        "request_type": "user_change", "module": "SYSADMIN", "environment": "production",
        "business_impact": "none", "erp_username": "LI.QIANG", "user_action": "end_date"})
    assert leaver.details["user_action"] == "end_date"
    question = submit(session, people.employee, {
        "request_type": "question", "module": "GL", "environment": "test",
        "business_impact": "none", "steps_to_reproduce": ""})
    assert question.status == "new" and "steps_to_reproduce" not in question.details


def test_vendor_step_with_bad_fields_writes_nothing(session, people, vendors):
    req = started(session, people, fault())
    before = (count(session, Event), count(session, VendorEngagement))
    tomorrow = (datetime.now(COMPANY_TZ) + timedelta(days=1)).date().isoformat()
    today = datetime.now(COMPANY_TZ).date()
    cases = [
        ({}, {"vendor", "vendor_reference"}),
        (raise_data(raised_on=tomorrow, severity="9", promised_response_at="next week"),
         {"raised_on", "severity", "promised_response_at"}),
        (raise_data(raised_on=today.isoformat(),
                    promised_response_at=(today - timedelta(days=1)).isoformat() + "T18:00"),
         {"promised_response_at"}),
        (raise_data(vendor="Unknown Software Ltd"), {"vendor"}),
    ]
    for data, fields in cases:
        with pytest.raises(ValidationFailed) as bad:
            step(session, people.tech, req, "raise_to_vendor", data)
        assert set(bad.value.errors) == fields, data
    assert req.status == "in_progress"
    assert (count(session, Event), count(session, VendorEngagement)) == before

    step(session, people.tech, req, "raise_to_vendor", raise_data(raised_on=today.isoformat()))
    future = (datetime.now(COMPANY_TZ) + timedelta(hours=2)).isoformat()
    before_raise = (datetime.now(COMPANY_TZ) - timedelta(days=2)).isoformat()
    for data, fields in [
        ({"answered_at": future}, {"vendor_answer", "outcome", "answered_at"}),
        ({"vendor_answer": "ok", "outcome": "solution", "answered_at": before_raise},
         {"answered_at"}),
    ]:
        with pytest.raises(ValidationFailed) as bad:
            step(session, people.tech, req, "vendor_answered", data)
        assert set(bad.value.errors) == fields
    (eng,) = engagements(session, req)
    assert req.status == "waiting_vendor" and eng.responded_at is None


def test_vendor_of_another_kind_is_refused(session, people, vendors):
    other_kinds = [k.name for k in svc.host_of(session).vendor_kinds() if k.name != "erp_vendor"]
    if not other_kinds:
        pytest.skip("no other category plugin declares a vendor kind")
    svc.create_vendor(session, None, name="华东打印机维修服务部", kinds=other_kinds[:1])
    req = started(session, people, fault())
    with pytest.raises(ValidationFailed) as bad:
        step(session, people.tech, req, "raise_to_vendor", raise_data("华东打印机维修服务部"))
    assert "not registered as an ERP vendor" in bad.value.errors["vendor"][0]
    assert req.status == "in_progress" and engagements(session, req) == []


# -- permissions and guards ---------------------------------------------------------------------


def test_who_may_do_what(session, people, vendors):
    req = submit(session, people.employee, config_change())
    with pytest.raises(NotFound):
        svc.require_view(people.other, req)
    with pytest.raises(NotFound):
        step(session, people.other, req, "cancel")
    svc.assign(session, people.lead, req.id, assignee="li.na")
    with pytest.raises(PermissionDenied):
        step(session, people.employee, req, "start")
    step(session, people.tech, req, "start")
    with pytest.raises(PermissionDenied):  # Zhao Lei is neither on it nor in its group
        step(session, people.tech2, req, "raise_to_vendor", raise_data())
    step(session, people.tech, req, "request_approval", {"change_summary": "改上限"})
    assert svc.can_view(people.head, req)
    for not_head in (people.employee, people.tech, people.lead, people.manager):
        with pytest.raises(PermissionDenied):
            step(session, not_head, req, "approve_change")
    step(session, people.tech, req, "withdraw_approval", {"reason": "方案要改"})
    assert req.status == "in_progress"
    step(session, people.tech, req, "submit_for_verification",
         {"test_change": "TEST", "how_to_verify": "看审批"})
    with pytest.raises(PermissionDenied):
        step(session, people.tech, req, "confirm_verification")
    # The department head, as the key user, may record the verification too.
    step(session, people.head, req, "confirm_verification")
    assert req.status == "verified"


def test_sign_off_needs_a_department_head(session, people):
    req = submit(session, people.other, config_change(module="OM"))  # Sales has no head
    svc.assign(session, people.lead, req.id, assignee="li.na")
    step(session, people.tech, req, "start")
    with pytest.raises(TransitionRefused) as refused:
        step(session, people.tech, req, "request_approval", {"change_summary": "改信用规则"})
    assert "no head on record" in refusal(refused)
    assert req.status == "in_progress"


def test_rejected_verification_goes_back_to_work(session, people):
    req = started(session, people, fault(module="OM"))
    step(session, people.tech, req, "submit_for_verification",
         {"test_change": "规则已改", "how_to_verify": "录入收款"})
    with pytest.raises(ValidationFailed):
        step(session, people.employee, req, "reject_verification", {})
    step(session, people.employee, req, "reject_verification", {"reason": "保留还是没释放"})
    assert req.status == "in_progress"
    # Not verified, so nothing waits for production: a fault may be resolved another way.
    svc.resolve(session, people.tech, req.id, "改为手工释放，并培训用户")
    assert req.status == "resolved"


def test_signed_off_fault_fix_goes_through_test_first(session, people):
    req = started(session, people, fault(module="CST"))
    step(session, people.tech, req, "request_approval", {"change_summary": "改成本设置"})
    step(session, people.head, req, "approve_change")
    assert set(tasks_by_key(req)) == {"erp_apply_test", "erp_apply_production"}
    with pytest.raises(TransitionRefused) as refused:
        step(session, people.tech, req, "apply_production", {"production_change": "x"})
    assert "Apply the change in the test environment" in refusal(refused)
    assert SIGN_OFF_NEEDED not in refusal(refused)

    # The team works the test task by hand; the production step then completes the other.
    tasks = tasks_by_key(req)
    svc.start_task(session, people.tech, tasks["erp_apply_test"].id)
    svc.complete_task(session, people.tech, tasks["erp_apply_test"].id)
    step(session, people.tech, req, "apply_production", {"production_change": "成本参数已改"})
    assert tasks["erp_apply_production"].status == "done"
    assert tasks["erp_apply_production"].completed_at is not None
    svc.resolve(session, people.tech, req.id, "成本设置已修正")
    assert req.status == "resolved"


def test_sign_off_after_verification_and_again_after_reopening(session, people):
    req = started(session, people, config_change())
    step(session, people.tech, req, "submit_for_verification",
         {"test_change": "TEST", "how_to_verify": "看审批"})
    step(session, people.employee, req, "confirm_verification")
    step(session, people.tech, req, "request_approval", {"change_summary": "上线"})
    step(session, people.head, req, "approve_change")
    assert set(tasks_by_key(req)) == {"erp_apply_production"}  # test is behind it already
    step(session, people.tech, req, "apply_production", {"production_change": "PROD"})
    svc.resolve(session, people.tech, req.id, "已上线")
    svc.reopen(session, people.employee, req.id, "新上限没生效")
    with pytest.raises(TransitionRefused) as refused:
        step(session, people.tech, req, "apply_production", {"production_change": "again"})
    assert SIGN_OFF_NEEDED in refusal(refused) and VERIFY_FIRST in refusal(refused)


# -- samples and translations -------------------------------------------------------------------


def walk(session: Session, people: SimpleNamespace, sample: Any) -> ServiceRequest:
    """File a sample and take each step of its path as someone allowed to."""
    if sample.channel == "phone":
        req = svc.submit_request(session, people.lead, category=CAT, title=sample.title,
                                 description=sample.description, details=sample.details,
                                 priority=sample.priority, channel="phone",
                                 requester=people.employee)
    else:
        req = svc.submit_request(session, people.employee, category=CAT, title=sample.title,
                                 description=sample.description, details=sample.details,
                                 priority=sample.priority)
    cast = (people.tech, people.tech2, people.employee, people.head, people.lead,
            people.manager)
    for name, data in sample.path:
        if name == "assign":
            svc.assign(session, people.lead, req.id, **data)
            continue
        actor = next(p for p in cast if name in steps_for(session, p, req))
        svc.transition(session, actor, req.id, name, data)
    return req


def test_every_sample_walks_its_path(session, people, vendors):
    samples = svc.host_of(session).sample_requests(CAT)
    assert len(samples) >= 5
    assert {v["name"] for v in ERP_VENDORS} == set(vendors)
    ends = [walk(session, people, s).status for s in samples]
    assert {"new", "assigned", "waiting_vendor", "resolved", "closed"} <= set(ends)
    assert any(s.channel == "phone" for s in samples)
    waiting = session.scalars(select(VendorEngagement).where(
        VendorEngagement.status == "open")).all()
    assert [e.vendor.name for e in waiting] == [ORACLE]


def test_labels_render_in_chinese():
    PluginHost([erp_plugin], discover=False)  # registers the plugin's catalog
    fields = ErpRequestSchema._declared_fields
    with use_locale("zh_Hans_CN"):
        assert str(fields["module"].metadata["label"]) == "ERP模块"
        assert str(dict(fields["module"].metadata["choices"])["GL"]) == "GL – 总账"
        assert str(dict(fields["request_type"].metadata["choices"])["user_change"]) == (
            "用户/职责变更")
        assert str(erp_plugin.title) == "ERP技术支持"
    assert str(fields["module"].metadata["label"]) == "ERP module"


def test_errors_come_in_the_users_language(session, people):
    with use_locale("zh_Hans_CN"), pytest.raises(ValidationFailed) as bad:
        submit(session, people.employee, {"request_type": "user_change", "module": "AP",
                                          "environment": "test", "business_impact": "none",
                                          "user_action": "change"})
    assert bad.value.errors["details.erp_username"] == ["用户/职责变更须填写ERP用户名。"]
    assert bad.value.errors["details.responsibilities"] == ["请至少列出一项要增加或移除的职责。"]


def test_every_marked_string_is_translated():
    marked = {msg for _f, _l, msg, _c, _x in extract_from_dir(
        str(TRANSLATIONS.parent), keywords={"_": None, "lazy_gettext": None},
        method_map=[("**.py", "python")])}
    with PO_FILE.open("rb") as fh:
        catalog = read_po(fh, locale="zh_Hans_CN")
    assert catalog.locale_identifier == "zh_Hans_CN"
    translated = {m.id: m.string for m in catalog if m.id}
    assert len(marked) > 100
    assert sorted(m for m in marked if not translated.get(m)) == []
    # Placeholders survive translation, or formatting would fail at run time.
    for msgid in marked:
        assert re.findall(r"%\(\w+\)s", msgid) == re.findall(r"%\(\w+\)s", translated[msgid])
