"""Counters: definitions, checked readings, and threshold rules that fire once per crossing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from hdcore import PermissionDenied, ValidationFailed, clock, worker
from hdcore import services as svc
from hdcore.models import (
    AssetHistory,
    CounterReading,
    Event,
    RequestAsset,
    ServiceRequest,
    ThresholdFiring,
)
from hdcore.services.counter_rules import (
    check_thresholds,
    create_threshold_rule,
    update_threshold_rule,
)
from hdcore.services.counters import counter_value, create_counter, record_reading

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
LOAN = {"item": "laptop", "days": 3}


@pytest.fixture
def frozen():
    with clock.frozen(START) as c:
        yield c


@pytest.fixture
def printer(session, people, frozen):
    """A Finance printer with a page counter."""
    counter = create_counter(session, people.admin, asset_type="printer", code="page_count",
                             name="Page count", unit="pages")
    asset = svc.create_asset(session, people.tech, tag="PRN-FIN-01", type="printer",
                             model="HP LaserJet M404dn", department="FIN",
                             purchased_on="2025-01-10")
    return asset, counter


def _read(session, people, frozen, asset, counter, value, **kw):
    frozen.advance(days=1)
    return record_reading(session, people.tech, asset, counter, value=value, **kw)


def _requests(session):
    return session.scalars(select(ServiceRequest).order_by(ServiceRequest.id)).all()


def test_counter_definitions_are_checked(session, people):
    with pytest.raises(ValidationFailed) as exc:
        create_counter(session, people.admin, asset_type="toaster", code="Page Count",
                       name="", kind="odd", max_value="-3")
    assert set(exc.value.errors) == {"asset_type", "code", "name", "kind", "max_value"}
    create_counter(session, people.admin, asset_type="printer", code="page_count",
                   name="Page count")
    with pytest.raises(ValidationFailed) as exc:
        create_counter(session, people.lead, asset_type="printer", code="page_count",
                       name="Pages")
    assert "code" in exc.value.errors
    with pytest.raises(PermissionDenied):
        create_counter(session, people.tech, asset_type="ups", code="battery", name="Battery")


def test_a_page_count_never_goes_down_unless_reset(session, people, frozen, printer):
    asset, counter = printer
    _read(session, people, frozen, asset, counter, "12,000")
    with pytest.raises(ValidationFailed) as exc:
        _read(session, people, frozen, asset, counter, 11_000)
    assert "12,000" in exc.value.errors["value"][0]
    reset = _read(session, people, frozen, asset, counter, 500, reset=True,
                  note="Formatter board replaced")
    assert (reset.value, reset.total) == (500, 12_500)
    later = _read(session, people, frozen, asset, counter, 1_500)
    assert later.total == 13_500
    history = session.scalars(select(AssetHistory.kind).where(
        AssetHistory.asset_id == asset.id)).all()
    assert "counter_reset" in history
    assert counter_value(session, asset, counter).total == 13_500


def test_bad_readings_name_the_field(session, people, frozen, printer):
    asset, counter = printer
    _read(session, people, frozen, asset, counter, 100)
    cases = [
        ({"value": "lots"}, "value"),
        ({"value": -5}, "value"),
        ({"value": 200, "read_at": START + timedelta(days=30)}, "read_at"),
        ({"value": 200, "read_at": START - timedelta(days=30)}, "read_at"),  # before the last
        ({"value": 200, "read_at": "2024-12-31"}, "read_at"),  # before the purchase
        ({"value": 200, "read_at": "yesterday"}, "read_at"),
        ({"value": 200, "source": "fax"}, "source"),
    ]
    for kwargs, field in cases:
        with pytest.raises(ValidationFailed) as exc:
            record_reading(session, people.tech, asset, counter, **kwargs)
        assert field in exc.value.errors, kwargs
    ups = svc.create_asset(session, people.tech, tag="UPS-01", type="ups", model="APC 1500")
    with pytest.raises(ValidationFailed) as exc:
        record_reading(session, people.tech, ups, counter, value=3)
    assert "counter" in exc.value.errors
    with pytest.raises(PermissionDenied):
        record_reading(session, people.employee, asset, counter, value=300)
    assert session.scalar(select(func.count()).select_from(CounterReading)) == 1


def _toner_rule(session, people, counter, **kw):
    fields = {"name": "Toner every 20 000 pages", "counter": counter, "mode": "every",
              "amount": "20000", "category": "loan", "title": "Toner for {tag} ({value} pages)",
              "description": "{model} at {location} passed {value} pages.",
              "requester": "wang.fang", "details": LOAN}
    fields.update(kw)
    return create_threshold_rule(session, people.admin, **fields)


def test_every_20000_pages_opens_one_request_per_crossing(helpdesk, session, people, frozen,
                                                          printer):
    asset, counter = printer
    _toner_rule(session, people, counter)
    for pages in (5_000, 15_000, 19_999):
        _read(session, people, frozen, asset, counter, pages)
    assert _requests(session) == []
    _read(session, people, frozen, asset, counter, 20_400)
    _read(session, people, frozen, asset, counter, 30_000)
    _read(session, people, frozen, asset, counter, 40_100)
    reqs = _requests(session)
    assert [r.title for r in reqs] == ["Toner for PRN-FIN-01 (20,400 pages)",
                                       "Toner for PRN-FIN-01 (40,100 pages)"]
    assert all(r.requester.username == "wang.fang" and r.category == "loan" for r in reqs)
    links = session.scalars(select(RequestAsset).where(RequestAsset.asset_id == asset.id)).all()
    assert {(link.request_id, link.role) for link in links} == {(r.id, "threshold")
                                                                for r in reqs}
    assert session.scalar(select(func.count()).where(Event.kind == "asset_threshold")) == 2
    # Checking again, by the worker's job or directly, opens nothing more.
    results = worker.run_once(helpdesk, only={"asset_thresholds"})
    assert [(r.job, r.handled, r.error) for r in results] == [("asset_thresholds", 0, None)]
    assert check_thresholds(session) == []
    assert len(_requests(session)) == 2
    assert session.scalar(select(func.count()).select_from(ThresholdFiring)) == 2


def test_the_first_reading_is_the_baseline_and_a_jump_fires_once(session, people, frozen,
                                                                printer):
    asset, counter = printer
    _toner_rule(session, people, counter)
    _read(session, people, frozen, asset, counter, 35_000)  # registered when already used
    assert _requests(session) == []
    _read(session, people, frozen, asset, counter, 81_000)  # past 40 000, 60 000 and 80 000
    assert len(_requests(session)) == 1
    firing = session.scalars(select(ThresholdFiring)).one()
    assert firing.crossing == "n4" and firing.value == 81_000


def test_a_rule_checks_the_categorys_fields_and_its_placeholders(session, people, printer):
    _asset, counter = printer
    with pytest.raises(ValidationFailed) as exc:
        _toner_rule(session, people, counter, title="Toner for {printer}", amount=0,
                    details={"item": "car"}, requester="nobody", mode="sometimes")
    assert {"title", "amount", "details.item", "details.days", "requester",
            "mode"} <= set(exc.value.errors)
    with pytest.raises(PermissionDenied):
        create_threshold_rule(session, people.tech, name="x", counter=counter, mode="every",
                              amount=1, category="loan", title="x", requester="wang.fang",
                              details=LOAN)


def test_battery_age_fires_by_the_worker_and_again_after_a_replacement(helpdesk, session,
                                                                        people, frozen):
    battery = create_counter(session, people.admin, asset_type="ups", code="battery_age",
                             name="Battery age", unit="months", kind="age")
    ups = svc.create_asset(session, people.tech, tag="UPS-SRV-01", type="ups",
                           model="APC Smart-UPS 1500", location="Server room",
                           purchased_on="2023-04-15")
    create_threshold_rule(session, people.admin, name="Battery older than 36 months",
                          counter=battery, mode="above", amount=36, category="loan",
                          title="Replace the battery of {tag}", requester="wang.fang",
                          details=LOAN)
    with pytest.raises(ValidationFailed) as exc:
        record_reading(session, people.tech, ups, battery, value=12)
    assert "value" in exc.value.errors
    assert counter_value(session, ups, battery).value == 34
    assert worker.run_once(helpdesk, only={"asset_thresholds"})[0].handled == 0
    frozen.set(datetime(2026, 5, 16, 2, 0, tzinfo=UTC))  # 37 months
    assert worker.run_once(helpdesk, only={"asset_thresholds"})[0].handled == 1
    assert worker.run_once(helpdesk, only={"asset_thresholds"})[0].handled == 0
    session.rollback()  # end the read snapshot taken before the worker wrote
    record_reading(session, people.tech, ups, battery, reset=True, note="New battery")
    assert counter_value(session, ups, battery).value == 0
    frozen.set(datetime(2029, 5, 20, 2, 0, tzinfo=UTC))  # 36 months and a few days: not above
    assert worker.run_once(helpdesk, only={"asset_thresholds"})[0].handled == 0
    frozen.set(datetime(2029, 6, 20, 2, 0, tzinfo=UTC))
    assert worker.run_once(helpdesk, only={"asset_thresholds"})[0].handled == 1
    session.rollback()  # end the read snapshot taken before the worker wrote
    assert [r.title for r in _requests(session)] == ["Replace the battery of UPS-SRV-01"] * 2


def test_a_gauge_above_its_limit_fires_again_only_after_coming_back(session, people, frozen):
    seats = create_counter(session, people.admin, asset_type="licence", code="seats_used",
                           name="Seats in use", kind="gauge", max_value=500)
    lic = svc.create_asset(session, people.tech, tag="LIC-O365", type="licence",
                           model="Microsoft 365 E3")
    create_threshold_rule(session, people.admin, name="Seats nearly used up", counter=seats,
                          mode="above", amount=95, category="loan",
                          title="{tag}: {value} seats in use", requester="wang.fang",
                          details=LOAN)
    for used in (90, 96, 98, 94, 97, 99):
        _read(session, people, frozen, lic, seats, used)
    assert [r.title for r in _requests(session)] == ["LIC-O365: 96 seats in use",
                                                     "LIC-O365: 97 seats in use"]
    with pytest.raises(ValidationFailed):
        _read(session, people, frozen, lic, seats, 501)


def test_a_switched_off_category_defers_the_firing(helpdesk, session, people, frozen, printer):
    asset, counter = printer
    rule = _toner_rule(session, people, counter)
    _read(session, people, frozen, asset, counter, 1_000)
    svc.set_plugin_enabled(session, people.admin, "loans", False)
    reading = _read(session, people, frozen, asset, counter, 21_000)
    assert reading.id is not None and _requests(session) == []  # the reading is kept
    svc.set_plugin_enabled(session, people.admin, "loans", True)
    assert worker.run_once(helpdesk, only={"asset_thresholds"})[0].handled == 1
    session.rollback()
    update_threshold_rule(session, people.admin, rule, active=False)
    _read(session, people, frozen, asset, counter, 41_000)
    session.rollback()  # end the read snapshot taken before the worker wrote
    assert len(_requests(session)) == 1
