"""A purchase's whole life with the vendor register and the installed base: the budget holder
approves above the plugin's threshold, two suppliers' quotes are compared and one chosen with
its reasons, the order and delivery are tracked against the supplier's promise, and the receipt
puts the devices, with their serial numbers, into the installed base linked to the request."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from hdcore import TransitionRefused, ValidationFailed, now
from hdcore import services as svc
from hdcore.models import Asset, RequestAsset
from hdcore.queries.vendors import scorecards
from plugins.procurement.samples import HONGXIN, SHULIAN
from tests.plugins import test_procurement as base
from tests.plugins.test_procurement import day, details, engagement, line, step, submit

plugins = base.plugins  # the fixtures of the purchase tests
suppliers = base.suppliers

SERVERS = [line("Dell PowerEdge R760", "server", 1, "68500.00"),
           line("ThinkPad T14 Gen 5", "laptop", 2, "8499.00")]


def quoted(session, people, req, supplier, reference, amount, delivery):
    step(session, people.tech, req, "request_quote", {"supplier": supplier})
    step(session, people.tech, req, "record_quote", {
        "supplier": supplier, "quote_reference": reference, "quoted_amount": amount,
        "promised_delivery": delivery})


def test_a_large_purchase_from_approval_to_the_installed_base(session, people, suppliers):
    req = submit(session, people.employee, details=details(SERVERS))
    svc.assign(session, people.lead, req.id, assignee="li.na")
    step(session, people.tech, req, "start")
    step(session, people.tech, req, "submit_for_approval", {"note": "机房扩容"})
    with pytest.raises(TransitionRefused, match="budget holder"):
        step(session, people.lead, req, "approve")
    step(session, people.head, req, "approve", {"comment": "预算内，同意"})
    assert req.details["approval"]["by"] == "zhou.min"

    quoted(session, people, req, HONGXIN, "HX-Q-77", "86000", day(10))
    quoted(session, people, req, SHULIAN, "SL-Q-12", "84800", day(6))
    step(session, people.tech, req, "choose_quote",
         {"supplier": SHULIAN, "reason": "总价低1200元，交期短四天，原厂三年保修"})
    step(session, people.tech, req, "place_order", {"po_number": "PO-IT-2026-0200",
                                                   "ordered_at": day(0)})
    eng = engagement(session, req)
    assert eng.vendor.name == SHULIAN and eng.reference == "PO-IT-2026-0200"
    step(session, people.tech, req, "record_delivery",
         {"delivered_on": day(0), "delivery_note": "DN-5501"})
    assert eng.completion_late is False

    # Receipt: the employee may confirm, but only IT lists the devices.
    rows = [
        {"item_type": "server", "model": "Dell PowerEdge R760", "serial": "CN7QX41",
         "location": "机房 A-03", "warranty_end": day(3 * 365)},
        {"item_type": "laptop", "model": "ThinkPad T14 Gen 5", "serial": "PF4ABC01",
         "user": "zhang.wei"},
        {"item_type": "laptop", "model": "ThinkPad T14 Gen 5", "serial": "PF4ABC02"},
    ]
    with pytest.raises(ValidationFailed) as bad:
        step(session, people.employee, req, "confirm_receipt",
             {"confirmed": True, "received_items": rows[:1]})
    assert set(bad.value.errors) == {"received_items"}
    with pytest.raises(ValidationFailed) as bad:
        step(session, people.tech, req, "confirm_receipt", {"confirmed": True, "received_items": [
            *rows, {"item_type": "pc", "model": "", "serial": ""}]})
    assert set(bad.value.errors) == {"received_items.3.model", "received_items.3.serial"}
    with pytest.raises(ValidationFailed) as bad:  # more than ordered, of two types
        step(session, people.tech, req, "confirm_receipt", {"confirmed": True, "received_items": [
            *rows, {"item_type": "laptop", "model": "T14", "serial": "PF4ABC03"},
            {"item_type": "pc", "model": "HP ProDesk", "serial": "CZC123"}]})
    assert set(bad.value.errors) == {"received_items.3.item_type", "received_items.4.item_type"}
    with pytest.raises(ValidationFailed) as bad:
        step(session, people.tech, req, "confirm_receipt", {"confirmed": True, "received_items": [
            rows[0], {**rows[1], "serial": "CN7QX41"}]})
    assert set(bad.value.errors) == {"received_items.1.serial"}
    assert session.scalar(select(func.count()).select_from(Asset)) == 0
    assert req.status == "delivered"

    step(session, people.tech, req, "confirm_receipt",
         {"confirmed": True, "remarks": "已清点", "received_items": rows})
    assert req.status == "received"
    assets = session.scalars(select(Asset).join(RequestAsset, RequestAsset.asset_id == Asset.id)
                             .where(RequestAsset.request_id == req.id)
                             .order_by(Asset.serial)).all()
    assert [(a.type, a.serial, a.supplier.name) for a in assets] == [
        ("server", "CN7QX41", SHULIAN), ("laptop", "PF4ABC01", SHULIAN),
        ("laptop", "PF4ABC02", SHULIAN)]
    laptop = assets[1]
    assert laptop.user.username == "zhang.wei" and laptop.status == "in_use"
    assert assets[0].department.code == "FIN" and assets[0].location == "机房 A-03"
    assert assets[2].status == "in_stock"
    assert sorted(req.details["purchase"]["received"]["assets"]) == sorted(a.tag for a in assets)

    # The chosen supplier's delivery counts on its scorecard; the other's quote job does not.
    start = now() - timedelta(days=1)
    cards = {c.vendor: c for c in scorecards(session, start, now() + timedelta(days=30),
                                             now=now())}
    assert (cards[SHULIAN].jobs, cards[SHULIAN].completed, cards[SHULIAN].on_time) == (1, 1, 1)
    assert (cards[HONGXIN].jobs, cards[HONGXIN].withdrawn) == (0, 1)
    assert isinstance(eng.engaged_at, datetime)
