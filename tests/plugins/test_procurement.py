"""The procurement category through the service layer: a purchase from request to receipt."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from sqlalchemy import func, select
from sqlalchemy.orm import Session

import plugins.procurement as package
from hdcore import (
    Event,
    HelpdeskPlugin,
    NotFound,
    PermissionDenied,
    ServiceRequest,
    TaskStatus,
    TransitionRefused,
    ValidationFailed,
    VendorEngagement,
    VendorKind,
    hookimpl,
    use_locale,
)
from hdcore import services as svc
from hdcore.i18n import catalog_files
from plugins.procurement import plugin as procurement_plugin
from plugins.procurement.samples import HONGXIN, HUADONG, SHULIAN, SUPPLIERS
from plugins.procurement.schemas import ProcurementSchema
from plugins.procurement.validators import company_today

PACKAGE_DIR = Path(package.__file__).parent


class RepairVendors(HelpdeskPlugin):
    """Declares a second vendor kind, so a registered vendor can be other than a supplier."""

    name = "repair_vendors_for_tests"

    @hookimpl
    def hd_vendor_kinds(self) -> list[VendorKind]:
        return [VendorKind("maintenance", "Maintenance company")]


@pytest.fixture
def plugins() -> list[object]:
    """The procurement plugin on its own (plus a vendor kind that is not 'supplier')."""
    return [procurement_plugin, RepairVendors()]


@pytest.fixture
def suppliers(session: Session, people: SimpleNamespace) -> list[Any]:
    """The plugin's example suppliers, registered as the demo loader does, and a repairer."""
    found = [svc.create_vendor(session, None, kinds=["supplier"], **v) for v in SUPPLIERS]
    svc.create_vendor(session, None, name="华诚设备维修服务部", kinds=["maintenance"])
    return found


def day(offset: int = 0) -> str:
    """An ISO date ``offset`` days from today at the company."""
    return (company_today() + timedelta(days=offset)).isoformat()


def line(description: str = "ThinkPad T14 Gen 5", item_type: str = "laptop",
         quantity: Any = 2, unit_price: Any = "8499.00") -> dict[str, Any]:
    """One line item."""
    return {"description": description, "item_type": item_type, "quantity": quantity,
            "unit_price": unit_price}


def details(items: list[dict[str, Any]] | None = None, **over: Any) -> dict[str, Any]:
    """Valid request details (overridable)."""
    return {"items": items if items is not None else [line()], "cost_centre": "CC-100",
            "justification": "两名新同事入职，需要笔记本电脑。", "needed_by": day(10),
            "delivery_location": "行政楼3楼 财务部", **over}


def submit(session: Session, actor: Any, **kw: Any) -> ServiceRequest:
    """A purchase request filed by ``actor``."""
    kw.setdefault("details", details())
    return svc.submit_request(session, actor, category="procurement",
                              title=kw.pop("title", "采购笔记本电脑"),
                              description=kw.pop("description", "新员工入职"), **kw)


def step(session: Session, actor: Any, req: ServiceRequest, name: str,
         data: dict[str, Any] | None = None) -> ServiceRequest:
    """Take one workflow step."""
    return svc.transition(session, actor, req.id, name, data or {})


def count(session: Session, model: Any) -> int:
    """Rows of ``model``."""
    return session.scalar(select(func.count()).select_from(model))


def to_approval(session: Session, p: SimpleNamespace, req: ServiceRequest) -> None:
    """Assign to Li Na, start and submit for approval."""
    svc.assign(session, p.lead, req.id, assignee="li.na")
    step(session, p.tech, req, "start")
    step(session, p.tech, req, "submit_for_approval", {"note": "请审批"})


def to_quoted(session: Session, p: SimpleNamespace, req: ServiceRequest,
              amount: str = "16800.00", supplier: str = HONGXIN) -> None:
    """Approve (as the lead) and record a quote."""
    to_approval(session, p, req)
    step(session, p.lead, req, "approve")
    step(session, p.tech, req, "request_quote", {"supplier": supplier, "quote_due": day(2)})
    step(session, p.tech, req, "record_quote", {
        "quote_reference": "HX-Q-0001", "quoted_amount": amount, "promised_delivery": day(7)})


def to_delivered(session: Session, p: SimpleNamespace, req: ServiceRequest,
                 amount: str = "16800.00", **order: Any) -> None:
    """Approve, quote, order and record the delivery."""
    to_quoted(session, p, req, amount)
    step(session, p.tech, req, "place_order",
         {"po_number": "PO-IT-2026-0001", "ordered_at": day(0), **order})
    step(session, p.tech, req, "record_delivery",
         {"delivered_on": day(0), "delivery_note": "DN-1001"})


def engagement(session: Session, req: ServiceRequest) -> VendorEngagement:
    """The request's latest supplier engagement."""
    return session.scalars(select(VendorEngagement).where(VendorEngagement.request_id == req.id)
                           .order_by(VendorEngagement.id.desc())).first()


def summary(session: Session, req: ServiceRequest) -> dict[str, str]:
    """The request's summary lines, by their English label."""
    host = svc.host_of(session)
    return {str(label): value for label, value in host.detail_summary(req.category, req.details)}


# -- the whole life ------------------------------------------------------------------------


def test_a_purchase_from_request_to_rating(session, people, suppliers):
    p = people
    req = submit(session, p.employee, details=details([
        line("ThinkPad T14 Gen 5 (i7/16G)", "laptop", 2, "8499.00"),
        line("Dell P2723D 27寸显示器", "monitor", 2, 1899.5),
        line("HP LaserJet M404dn", "printer", 1, "2350"),
    ]))
    assert req.status == "new" and req.requester_id == p.employee.id
    assert req.details["items"][1]["unit_price"] == "1899.50"
    assert summary(session, req)["Estimated total"].startswith("¥23,147.00")

    svc.assign(session, p.lead, req.id, assignee="li.na")
    step(session, p.tech, req, "start")
    step(session, p.tech, req, "submit_for_approval", {"note": "两台新电脑和打印机"})
    assert req.status == "awaiting_approval"
    assert req.details["approval"]["status"] == "pending"
    assert req.details["approval"]["amount"] == "23147.00"

    step(session, p.lead, req, "approve", {"comment": "同意"})
    assert req.status == "approved"
    assert req.details["approval"] == {**req.details["approval"], "status": "approved",
                                       "by": "wang.fang", "amount": "23147.00"}

    step(session, p.tech, req, "request_quote", {"supplier": HONGXIN, "quote_due": day(2)})
    assert req.status == "awaiting_quote"
    eng = engagement(session, req)
    assert eng.vendor.name == HONGXIN and eng.kind == "supplier" and eng.status == "open"
    assert eng.promised_response_at is not None and eng.responded_at is None

    step(session, p.tech, req, "record_quote", {
        "quote_reference": "HX-Q-0518-07", "quoted_amount": "22980.00",
        "promised_delivery": day(7)})
    assert req.status == "quoted"
    assert eng.responded_at is not None and eng.response_late is False
    assert eng.details["quoted_amount"] == "22980.00"

    step(session, p.tech, req, "place_order", {"po_number": "po-it-2026-0142",
                                               "ordered_at": day(0)})
    assert req.status == "ordered"
    assert eng.reference == "PO-IT-2026-0142"
    assert req.details["purchase"]["po_number"] == "PO-IT-2026-0142"
    assert req.details["purchase"]["expected_delivery"] == day(7)
    assert eng.promised_completion_at is not None and eng.completed_at is None

    step(session, p.tech, req, "record_delivery",
         {"delivered_on": day(0), "delivery_note": "DN-883102"})
    assert req.status == "delivered"
    assert eng.completed_at is not None and eng.completion_late is False
    tasks = {t.template: t for t in req.tasks}
    assert set(tasks) == {"asset_tagging", "desk_setup", "printer_install"}
    assert all(t.group is not None and t.group.name == "Infrastructure" for t in tasks.values())
    assert tasks["desk_setup"].depends_on == [tasks["asset_tagging"]]

    # The technician cannot set up the PCs before they are tagged.
    with pytest.raises(TransitionRefused) as refused:
        svc.complete_task(session, p.tech2, tasks["desk_setup"].id)
    assert tasks["asset_tagging"].title in refused.value.reasons

    step(session, p.employee, req, "confirm_receipt", {"confirmed": True, "remarks": "收到"})
    assert req.status == "received"
    assert req.details["purchase"]["received"]["by"] == "zhang.wei"

    with pytest.raises(TransitionRefused, match="tasks"):
        svc.resolve(session, p.tech, req.id, "已安装")
    for key in ("asset_tagging", "desk_setup", "printer_install"):
        svc.complete_task(session, p.tech2, tasks[key].id)
    svc.resolve(session, p.tech, req.id, "电脑、显示器和打印机已到货并安装完毕。")
    assert req.status == "resolved" and eng.status == "done"

    svc.close(session, p.employee, req.id)
    svc.rate(session, p.employee, req.id, 5, "很快")
    session.expire_all()
    req = svc.get_request(session, req.id)
    assert (req.status, req.rating) == ("closed", 5)
    lines = summary(session, req)
    assert lines["Purchase order"].startswith("PO-IT-2026-0142")
    assert lines["Delivered"].endswith("on time")
    assert "Zhang Wei" in lines["Receipt confirmed"]
    steps = [e.data.get("transition") for e in session.scalars(
        select(Event).where(Event.request_id == req.id, Event.kind == "transition")
        .order_by(Event.id))]
    assert steps == ["start", "submit_for_approval", "approve", "request_quote", "record_quote",
                     "place_order", "record_delivery", "confirm_receipt", "resolve", "close"]


def test_the_lead_files_a_purchase_taken_by_phone(session, people, suppliers):
    req = submit(session, people.lead, requester="zhang.wei", channel="phone")
    assert req.requester_id == people.employee.id and req.entered_by_id == people.lead.id
    assert req.channel == "phone"
    assert svc.can_view(people.employee, req) and svc.can_view(people.head, req)
    # Another employee cannot see it at all.
    with pytest.raises(NotFound):
        svc.add_comment(session, people.other, req.id, "看看")
    with pytest.raises(NotFound):
        step(session, people.other, req, "cancel")


def test_amounts_keep_their_exact_value_through_json(session, people):
    req = submit(session, people.employee, details=details([
        line(unit_price=0.1, quantity=3), line(unit_price="￥1,299.5"), line(unit_price=0)]))
    stored = json.loads(json.dumps(req.details))
    assert [i["unit_price"] for i in stored["items"]] == ["0.10", "1299.50", "0.00"]
    session.expire_all()
    again = svc.get_request(session, req.id)
    assert again.details["items"][0]["unit_price"] == "0.10"
    assert summary(session, again)["Estimated total"].startswith("¥2,599.30")


# -- bad input -----------------------------------------------------------------------------


def test_a_bad_submission_names_every_field_and_writes_nothing(session, people):
    before = (count(session, ServiceRequest), count(session, Event))
    bad = details([
        line(quantity=0),
        line(item_type="fax", unit_price="abc"),
        line(description="   ", unit_price="12.345"),
        line(quantity=2.5, unit_price=-1),
    ], cost_centre="100", justification="", needed_by=day(-1))
    with pytest.raises(ValidationFailed) as exc:
        submit(session, people.employee, details=bad)
    errors = exc.value.errors
    assert set(errors) == {
        "details.items.0.quantity", "details.items.1.item_type", "details.items.1.unit_price",
        "details.items.2.description", "details.items.2.unit_price",
        "details.items.3.quantity", "details.items.3.unit_price",
        "details.cost_centre", "details.justification", "details.needed_by",
    }
    assert errors["details.items.2.unit_price"] == ["At most two decimals (fen)."]
    assert errors["details.needed_by"] == ["The date cannot be in the past."]
    assert (count(session, ServiceRequest), count(session, Event)) == before


@pytest.mark.parametrize("items", [[], [line()] * 51, None, "laptop"])
def test_a_purchase_has_one_to_fifty_lines(session, people, items):
    data = details()
    if items is None:
        del data["items"]
    else:
        data["items"] = items
    with pytest.raises(ValidationFailed) as exc:
        submit(session, people.employee, details=data)
    assert set(exc.value.errors) == {"details.items"}
    assert count(session, ServiceRequest) == 0


def test_fifty_lines_and_optional_fields_left_empty_are_fine(session, people):
    req = submit(session, people.employee, details=details(
        [line(quantity="3")] * 50, cost_centre=" cc-1020 ", needed_by="",
        delivery_location=""))
    assert len(req.details["items"]) == 50 and req.details["items"][0]["quantity"] == 3
    assert req.details["cost_centre"] == "CC-1020" and req.details["needed_by"] is None


def test_a_step_with_bad_fields_is_refused_whole(session, people, suppliers):
    req = submit(session, people.employee)
    to_approval(session, people, req)
    step(session, people.lead, req, "approve")
    step(session, people.tech, req, "request_quote", {"supplier": HONGXIN})
    before = (count(session, Event), req.version)
    with pytest.raises(ValidationFailed) as exc:
        step(session, people.tech, req, "record_quote", {
            "quote_reference": " ", "quoted_amount": "-5", "promised_delivery": day(-3)})
    assert set(exc.value.errors) == {"quote_reference", "quoted_amount", "promised_delivery"}
    with pytest.raises(ValidationFailed) as exc:
        step(session, people.tech, req, "record_quote", {})
    assert set(exc.value.errors) == {"quote_reference", "quoted_amount", "promised_delivery"}
    session.expire_all()
    assert req.status == "awaiting_quote" and engagement(session, req).responded_at is None
    assert (count(session, Event), req.version) == before

    step(session, people.tech, req, "record_quote", {
        "quote_reference": "Q-1", "quoted_amount": "16000", "promised_delivery": day(5)})
    with pytest.raises(ValidationFailed) as exc:
        step(session, people.tech, req, "place_order", {
            "po_number": "", "ordered_at": day(1), "expected_delivery": day(-2)})
    assert set(exc.value.errors) == {"po_number", "ordered_at"}
    with pytest.raises(ValidationFailed) as exc:
        step(session, people.tech, req, "place_order", {
            "po_number": "PO-1", "ordered_at": day(0), "expected_delivery": day(-2)})
    assert set(exc.value.errors) == {"expected_delivery"}
    assert req.status == "quoted" and engagement(session, req).reference is None


def test_only_registered_suppliers_can_quote(session, people, suppliers):
    req = submit(session, people.employee)
    to_approval(session, people, req)
    step(session, people.lead, req, "approve")
    for name in ("不存在的公司", "华诚设备维修服务部"):
        with pytest.raises(ValidationFailed) as exc:
            step(session, people.tech, req, "request_quote", {"supplier": name})
        assert set(exc.value.errors) == {"supplier"}
    with pytest.raises(ValidationFailed) as exc:
        step(session, people.tech, req, "request_quote", {"supplier": HONGXIN,
                                                          "quote_due": day(-1)})
    assert set(exc.value.errors) == {"quote_due"}
    assert req.status == "approved" and count(session, VendorEngagement) == 0


# -- approval ------------------------------------------------------------------------------


def test_big_purchases_need_the_budget_holder(session, people, suppliers):
    req = submit(session, people.employee, details=details([
        line("Dell PowerEdge R760", "server", 1, "68500.00")]))
    to_approval(session, people, req)
    # The head of the requester's department holds the budget (the plugin's default setting).
    assert "approve" in {t.name for t in svc.available_transitions(session, people.head, req)}
    assert "approve" not in {t.name for t in svc.available_transitions(session, people.tech,
                                                                        req)}
    for who in (people.lead, people.manager):
        with pytest.raises(TransitionRefused) as refused:
            step(session, who, req, "approve")
        assert "budget holder" in refused.value.reasons[0]
        assert "Zhou Min" in refused.value.reasons[0] and "¥68,500.00" in refused.value.reasons[0]
    with pytest.raises(PermissionDenied):
        step(session, people.tech, req, "approve")
    with pytest.raises(PermissionDenied):
        step(session, people.employee, req, "approve")
    assert req.status == "awaiting_approval"
    step(session, people.head, req, "approve")
    assert req.details["approval"]["by"] == "zhou.min"


def test_the_threshold_and_the_budget_holder_are_settings(session, people, suppliers):
    with pytest.raises(ValidationFailed) as bad:
        svc.set_plugin_settings(session, people.admin, "procurement",
                                {"approval_threshold": "lots", "budget_holder": "x" * 90})
    assert set(bad.value.errors) == {"approval_threshold", "budget_holder"}
    svc.set_plugin_settings(session, people.admin, "procurement",
                            {"approval_threshold": 100000, "budget_holder": "chen.jie"})
    small = submit(session, people.employee, details=details([
        line("Dell PowerEdge R760", "server", 1, "68500.00")]))
    to_approval(session, people, small)
    step(session, people.lead, small, "approve")  # under the new threshold: the lead approves
    big = submit(session, people.employee, details=details([
        line("Dell PowerEdge R760", "server", 2, "68500.00")]))
    to_approval(session, people, big)
    with pytest.raises(TransitionRefused, match="Chen Jie"):
        step(session, people.head, big, "approve")
    step(session, people.manager, big, "approve")  # the configured budget holder
    assert big.status == "approved"


def test_exactly_the_threshold_may_be_approved_by_the_lead(session, people):
    req = submit(session, people.employee, details=details([line(quantity=4,
                                                                 unit_price="12500")]))
    to_approval(session, people, req)
    step(session, people.lead, req, "approve")
    assert req.status == "approved"


def test_nobody_approves_their_own_purchase(session, people):
    req = submit(session, people.manager)
    to_approval(session, people, req)
    with pytest.raises(TransitionRefused, match="own purchase"):
        step(session, people.manager, req, "approve")
    step(session, people.admin, req, "approve")
    assert req.status == "approved"


def test_a_rejection_goes_back_to_the_requester_to_revise(session, people, suppliers):
    req = submit(session, people.employee)
    to_approval(session, people, req)
    with pytest.raises(ValidationFailed) as exc:
        step(session, people.lead, req, "reject", {"message": ""})
    assert set(exc.value.errors) == {"message"}
    step(session, people.lead, req, "reject", {"message": "请改用 ThinkPad E14，预算有限。"})
    assert req.status == "waiting_requester"
    assert req.details["approval"]["status"] == "rejected"
    assert any("ThinkPad E14" in c.body and not c.internal for c in req.comments)
    assert "Rejected by Wang Fang" in summary(session, req)["Approval"]

    # The requester agrees; the technician revises the items and asks again.
    svc.add_comment(session, people.employee, req.id, "可以，用 E14。")
    assert req.status == "in_progress"
    svc.update_request(session, people.tech, req.id, expected_version=None, details=details(
        [line("ThinkPad E14 Gen 6", unit_price="5699.00")]))
    step(session, people.tech, req, "submit_for_approval")
    step(session, people.lead, req, "approve")
    assert req.details["approval"]["amount"] == "11398.00"


def test_a_purchase_no_longer_wanted_is_cancelled_by_the_requester(session, people):
    req = submit(session, people.employee)
    to_approval(session, people, req)
    svc.cancel(session, people.employee, req.id, "不需要了")
    assert req.status == "cancelled"


# -- guards --------------------------------------------------------------------------------


def test_no_order_without_approval_and_a_quote(session, people, suppliers):
    req = submit(session, people.employee)
    to_approval(session, people, req)
    step(session, people.lead, req, "approve")
    with pytest.raises(TransitionRefused) as refused:
        step(session, people.tech, req, "place_order", {"po_number": "PO-1",
                                                        "ordered_at": day(0)})
    assert refused.value.reasons == [
        "No order without a supplier's quote: request a quote and record it first."]

    # Changing the items after approval voids the approval.
    svc.update_request(session, people.tech, req.id, expected_version=None,
                       details=details([line(quantity=3)]))
    assert "approval" not in req.details
    with pytest.raises(TransitionRefused, match="not been approved"):
        step(session, people.tech, req, "request_quote", {"supplier": HONGXIN})
    assert req.status == "approved" and count(session, VendorEngagement) == 0


def test_a_quote_far_above_the_approval_needs_approval_again(session, people, suppliers):
    req = submit(session, people.employee)  # estimate 16,998.00
    to_quoted(session, people, req, amount="18900.00")  # 11.2% over
    assert summary(session, req)["Quote against approval"].startswith("+11.2%")
    with pytest.raises(TransitionRefused) as refused:
        step(session, people.tech, req, "place_order", {"po_number": "PO-1",
                                                        "ordered_at": day(0)})
    assert "needs approval again" in refused.value.reasons[0]
    assert req.status == "quoted"

    step(session, people.tech, req, "submit_for_approval", {"note": "报价高于预算"})
    assert req.details["approval"]["amount"] == "18900.00"
    assert req.details["approval"]["basis"] == "quote"
    step(session, people.lead, req, "approve")
    step(session, people.tech, req, "place_order", {"po_number": "PO-1", "ordered_at": day(0)})
    assert req.status == "ordered"


def test_a_quote_within_ten_percent_is_ordered_directly(session, people, suppliers):
    req = submit(session, people.employee)
    to_quoted(session, people, req, amount="18697.80")  # exactly 10% over 16,998.00
    step(session, people.tech, req, "place_order", {"po_number": "PO-2", "ordered_at": day(0)})
    assert req.status == "ordered"


def test_a_reapproval_over_the_threshold_needs_the_budget_holder(session, people, suppliers):
    req = submit(session, people.employee, details=details([line(quantity=1,
                                                                 unit_price="48000")]))
    to_quoted(session, people, req, amount="53000.00")
    step(session, people.tech, req, "submit_for_approval")
    with pytest.raises(TransitionRefused, match="budget holder"):
        step(session, people.lead, req, "approve")
    step(session, people.head, req, "approve")
    step(session, people.tech, req, "place_order", {"po_number": "PO-3", "ordered_at": day(0)})
    assert req.status == "ordered"


def test_employees_cannot_take_technicians_steps(session, people, suppliers):
    req = submit(session, people.employee)
    svc.assign(session, people.lead, req.id, assignee="li.na")
    with pytest.raises(PermissionDenied):
        step(session, people.employee, req, "start")
    step(session, people.tech, req, "start")
    with pytest.raises(PermissionDenied):
        step(session, people.employee, req, "submit_for_approval")
    # A technician not on the request cannot either.
    with pytest.raises(PermissionDenied):
        step(session, people.tech2, req, "submit_for_approval")
    names = {t.name for t in svc.available_transitions(session, people.employee, req)}
    assert names == {"cancel"}


def test_asking_the_requester_is_a_comment_while_the_purchase_is_under_way(
        session, people, suppliers):
    req = submit(session, people.employee)
    to_approval(session, people, req)
    step(session, people.lead, req, "approve")
    with pytest.raises(TransitionRefused, match="comment"):
        step(session, people.tech, req, "wait_requester", {"message": "哪个颜色？"})
    assert req.status == "approved"


def test_nothing_is_resolved_before_the_receipt_is_checked(session, people, suppliers):
    req = submit(session, people.employee, details=details([line("A4 纸", "paper", 10,
                                                                 "135")]))
    to_delivered(session, people, req, "1350.00")
    assert req.tasks == []  # paper needs no follow-up work
    with pytest.raises(TransitionRefused, match="confirm the receipt"):
        svc.resolve(session, people.tech, req.id, "done")
    with pytest.raises(ValidationFailed) as exc:
        step(session, people.employee, req, "confirm_receipt", {"confirmed": False})
    assert set(exc.value.errors) == {"confirmed"}
    step(session, people.employee, req, "confirm_receipt", {"confirmed": "true"})
    svc.resolve(session, people.tech, req.id, "纸已送到")
    assert req.status == "resolved"


# -- vendor tracking and the exception path -------------------------------------------------


def test_a_late_delivery_shows_on_the_engagement(session, people, suppliers):
    req = submit(session, people.employee, details=details([line("硒鼓", "consumables", 2,
                                                                 "560")]))
    # The order was placed ten days ago and was due three days ago.
    to_quoted(session, people, req, amount="1100.00", supplier=HUADONG)
    step(session, people.tech, req, "place_order", {
        "po_number": "PO-9", "ordered_at": day(-10), "expected_delivery": day(-3)})
    with pytest.raises(ValidationFailed) as exc:
        step(session, people.tech, req, "record_delivery",
             {"delivered_on": day(-11), "delivery_note": "DN-7"})
    assert set(exc.value.errors) == {"delivered_on"}
    step(session, people.tech, req, "record_delivery",
         {"delivered_on": day(0), "delivery_note": "DN-7"})
    eng = engagement(session, req)
    assert (eng.vendor.name, eng.reference) == (HUADONG, "PO-9")
    assert eng.promised_completion_at < eng.completed_at
    assert eng.completion_late is True
    assert req.details["purchase"]["late_days"] == 3
    assert summary(session, req)["Delivered"].endswith("; 3 days late")


def test_a_short_delivery_goes_back_to_the_supplier(session, people, suppliers):
    req = submit(session, people.employee, details=details([line("ThinkPad", "laptop", 5,
                                                                 "6000")]))
    to_delivered(session, people, req, "30000.00")
    first_tasks = sorted(t.template for t in req.tasks)
    assert first_tasks == ["asset_tagging", "desk_setup"]

    step(session, people.employee, req, "report_problem", {
        "problem_type": "shortfall", "description": "只到了4台。"})
    assert req.status == "delivery_problem"
    with pytest.raises(TransitionRefused):
        svc.resolve(session, people.tech, req.id, "done")
    with pytest.raises(PermissionDenied):
        step(session, people.employee, req, "return_to_supplier", {"replacement_due": day(3)})
    step(session, people.tech, req, "return_to_supplier", {
        "problem_type": "", "supplier_reference": "RMA-77", "replacement_due": day(3)})
    assert req.status == "with_supplier"
    eng = engagement(session, req)
    assert eng.completed_at is None and eng.status == "open"
    assert eng.details["returns"][0]["type"] == "shortfall"
    assert eng.details["returns"][0]["supplier_reference"] == "RMA-77"
    assert "只到了4台" in summary(session, req)["Delivery problem"]

    step(session, people.tech, req, "record_delivery",
         {"delivered_on": day(0), "delivery_note": "DN-1002"})
    assert eng.completed_at is not None and len(eng.details["deliveries"]) == 2
    assert sorted(t.template for t in req.tasks) == first_tasks  # no duplicate tasks
    step(session, people.tech, req, "confirm_receipt", {"confirmed": True})
    assert req.status == "received"


def test_it_returning_a_delivery_states_the_problem(session, people, suppliers):
    req = submit(session, people.employee, details=details([line("纸", "paper", 5, "100")]))
    to_delivered(session, people, req, "500.00")
    with pytest.raises(ValidationFailed) as exc:
        step(session, people.tech, req, "return_to_supplier", {"replacement_due": day(2)})
    assert set(exc.value.errors) == {"problem_type", "description"}
    step(session, people.tech, req, "return_to_supplier", {
        "problem_type": "damaged", "description": "两箱受潮", "replacement_due": day(2)})
    assert req.details["purchase"]["problems"][0]["type"] == "damaged"


def test_quotes_of_several_suppliers_are_compared_and_one_chosen(session, people, suppliers):
    req = submit(session, people.employee)
    to_quoted(session, people, req)  # Hongxin quoted 16,800.00
    first = engagement(session, req)
    step(session, people.tech, req, "request_quote", {"supplier": SHULIAN})
    assert first.status == "open"  # both suppliers quote side by side
    second = engagement(session, req)
    assert second.vendor.name == SHULIAN and second.status == "open"
    step(session, people.tech, req, "record_quote", {
        "supplier": SHULIAN, "quote_reference": "SL-1", "quoted_amount": "16500",
        "promised_delivery": day(4)})
    assert [(q["supplier"], q["status"], q["quoted_amount"]) for q in req.details["quotes"]] == [
        (HONGXIN, "quoted", "16800.00"), (SHULIAN, "quoted", "16500.00")]
    with pytest.raises(TransitionRefused, match="choose one"):
        step(session, people.tech, req, "place_order", {"po_number": "P", "ordered_at": day(0)})
    with pytest.raises(ValidationFailed) as bad:
        step(session, people.tech, req, "choose_quote", {"supplier": "", "reason": ""})
    assert set(bad.value.errors) == {"supplier", "reason"}
    with pytest.raises(ValidationFailed) as bad:  # a supplier that did not quote
        step(session, people.tech, req, "choose_quote", {"supplier": HUADONG, "reason": "便宜"})
    assert set(bad.value.errors) == {"supplier"}
    step(session, people.tech, req, "choose_quote",
         {"supplier": SHULIAN, "reason": "价格低300元，交货快三天"})
    assert first.status == "cancelled" and first.details["stage"] == "not_chosen"
    assert second.status == "open" and second.details["chosen_reason"].startswith("价格低")
    assert {q["supplier"]: q["status"] for q in req.details["quotes"]} == {
        HONGXIN: "not_chosen", SHULIAN: "chosen"}
    assert req.details["purchase"]["supplier"] == SHULIAN
    # Asking the chosen supplier again keeps one engagement and forgets its old figures.
    step(session, people.tech, req, "request_quote", {"supplier": SHULIAN})
    assert engagement(session, req).id == second.id
    assert second.details["quoted_amount"] is None and second.responded_at is None
    with pytest.raises(TransitionRefused, match="quote"):
        step(session, people.tech, req, "place_order", {"po_number": "P", "ordered_at": day(0)})


def test_once_ordered_only_it_cancels_and_the_supplier_is_released(session, people, suppliers):
    req = submit(session, people.employee)
    to_quoted(session, people, req)
    step(session, people.tech, req, "place_order", {"po_number": "PO-5", "ordered_at": day(0)})
    with pytest.raises(TransitionRefused, match="ask IT"):
        svc.cancel(session, people.employee, req.id, "不要了")
    svc.cancel(session, people.lead, req.id, "申请人不再需要，已通知供应商取消订单")
    assert req.status == "cancelled" and engagement(session, req).status == "cancelled"


# -- samples -------------------------------------------------------------------------------

CANDIDATES = ("tech", "tech2", "lead", "manager", "admin")


def walk(session: Session, p: SimpleNamespace, req: ServiceRequest, name: str,
         data: dict[str, Any]) -> None:
    """Take a sample's step as the requester or the first IT person allowed to take it."""
    if name == "assign":
        svc.assign(session, p.lead, req.id, **data)
        return
    for actor in (req.requester, *(getattr(p, c) for c in CANDIDATES)):
        if name in {t.name for t in svc.available_transitions(session, actor, req)}:
            svc.transition(session, actor, req.id, name, data)
            return
    raise AssertionError(f"nobody may take {name!r} in state {req.status!r}")


def test_every_sample_walks_its_path(session, people, suppliers):
    samples = svc.host_of(session).sample_requests("procurement")
    assert len(samples) >= 5
    ends = []
    for sample in samples:
        actor = people.lead if sample.channel == "phone" else people.employee
        req = svc.submit_request(
            session, actor, category="procurement", title=sample.title,
            description=sample.description, details=sample.details, priority=sample.priority,
            channel=sample.channel, requester=people.employee)
        for name, data in sample.path:
            walk(session, people, req, name, data)
        ends.append(req.status)
        if sample.path:
            assert sample.path[0] in (("assign", {"assignee": "li.na"}),
                                      ("assign", {"assignee": "zhao.lei"}))
    assert ends == ["new", "assigned", "awaiting_approval", "ordered", "resolved", "closed"]
    assert len(set(ends)) == len(ends)
    assert any(s.channel == "phone" for s in samples)
    assert any(re.search(r"[\u4e00-\u9fff]", s.title) for s in samples)
    assert any(re.fullmatch(r"[ -~]+", s.title) for s in samples)


def test_the_example_suppliers_are_realistic(session):
    kind = {k.name: k for k in svc.host_of(session).vendor_kinds()}["supplier"]
    assert kind.pauses_sla and 2 <= len(kind.samples) <= 3
    assert all(set(v) == {"name", "contact_name", "phone", "email"} for v in kind.samples)


# -- translations --------------------------------------------------------------------------


def test_labels_render_in_chinese(session):
    host = svc.host_of(session)
    wf = host.workflow("procurement")
    fields = ProcurementSchema().fields
    with use_locale("zh_Hans_CN"):
        assert str(host.category("procurement").label) == "采购"
        assert str(fields["items"].metadata["label"]) == "采购明细"
        assert str(fields["cost_centre"].metadata["label"]) == "成本中心"
        assert str(wf.state("ordered").label) == "已下单，等待到货"
        assert str(wf.transition("approve").label) == "批准采购"
        item_types = dict(fields["items"].inner.nested().fields["item_type"]
                          .metadata["choices"])
        assert str(item_types["printer"]) == "打印机"
        lines = host.detail_summary("procurement", details())
        assert str(lines[0][0]) == "预估总额" and "2 件" in lines[0][1]
    with use_locale("en"):
        assert str(wf.state("ordered").label) == "Ordered, awaiting delivery"


def test_chinese_errors_name_the_field(session, people):
    with use_locale("zh_Hans_CN"), pytest.raises(ValidationFailed) as exc:
        submit(session, people.employee, details=details([line(quantity=0)],
                                                         cost_centre="x"))
    assert exc.value.errors["details.items.0.quantity"] == ["请填写1到9999之间的整数。"]
    assert exc.value.errors["details.cost_centre"] == [
        "成本中心格式为 CC- 加3到6位数字，例如 CC-100。"]


def test_every_marked_string_is_translated():
    # messages.po and the catalogs kept beside it (vendors.po)
    translated: dict[str, str] = {}
    for po in catalog_files(PACKAGE_DIR / "translations", "zh_Hans_CN"):
        with po.open("rb") as fh:
            catalog = read_po(fh)
        assert catalog.locale is not None and str(catalog.locale) == "zh_Hans_CN"
        translated.update({m.id: m.string for m in catalog if m.id and m.string})
    marked = {msg for _file, _line, msg, _c, _ctx in extract_from_dir(
        str(PACKAGE_DIR), method_map=[("**.py", "python")],
        keywords={"_": None, "lazy_gettext": None})}
    assert len(marked) > 100
    untranslated = sorted(m for m in marked if not translated.get(m))
    assert untranslated == []


def test_an_engagement_keeps_both_sides_of_the_clock(session, people, suppliers):
    req = submit(session, people.employee)
    before = datetime.now(UTC)
    to_delivered(session, people, req, expected_delivery=day(9))
    eng = engagement(session, req)
    assert eng.engaged_at >= before - timedelta(seconds=1)
    assert eng.details["po_number"] == "PO-IT-2026-0001"
    assert eng.details["promised_delivery"] == day(7)  # the quote's promise ...
    assert eng.details["expected_delivery"] == day(9)  # ... superseded by the order's
    assert eng.promised_completion_at > datetime.now(UTC) + timedelta(days=8)
    assert eng.completion_late is False
    assert eng.details["deliveries"] == [{"delivered_on": day(0), "delivery_note": "DN-1001",
                                          "recorded_by": "li.na"}]
    assert req.status == "delivered" and req.tasks[0].status == TaskStatus.OPEN.value
