"""The installed base through the services: registering, changing, history, requests, repairs."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from hdcore import Conflict, NotFound, PermissionDenied, ValidationFailed, clock
from hdcore import services as svc
from hdcore.models import Asset, AssetHistory, Event, RequestAsset, Vendor

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # a Monday, 10:00 in Shanghai


@pytest.fixture
def vendors(session, people):
    """A PC supplier and a maintenance company."""
    supplier = svc.create_vendor(session, None, name="宏信电脑", kinds=["rental"])
    maintainer = svc.create_vendor(session, None, name="联想服务", kinds=["rental"])
    session.commit()
    return supplier, maintainer


@pytest.fixture
def frozen():
    with clock.frozen(START) as c:
        yield c


def _laptop(session, actor, **extra):
    fields = {"tag": "NB-0001", "type": "laptop", "model": "ThinkPad T14", "serial": "PF3ABC12"}
    fields.update(extra)
    return svc.create_asset(session, actor, **fields)


def test_a_technician_registers_an_asset_with_every_field(session, people, vendors, frozen):
    supplier, maintainer = vendors
    asset = svc.create_asset(
        session, people.tech, tag="NB-0001", type="laptop", model="ThinkPad T14",
        serial="PF3ABC12", status="in_use", user="zhang.wei", location="3F Finance",
        purchased_on="2025-06-01", warranty_end="2028-05-31", supplier="宏信电脑",
        maintainer=maintainer.id, notes="i7/16G")
    assert asset.department.code == "FIN"  # from the user
    assert asset.supplier is supplier and asset.maintainer is maintainer
    assert asset.under_warranty(date(2026, 3, 2))
    history = session.scalars(select(AssetHistory).where(AssetHistory.asset_id == asset.id)).all()
    assert [h.kind for h in history] == ["created"]
    assert history[0].actor_id == people.tech.id
    assert history[0].changes["user"] == [None, "zhang.wei"]


def test_every_bad_field_is_named_and_nothing_is_written(session, people, vendors, frozen):
    _laptop(session, people.tech)
    with pytest.raises(ValidationFailed) as exc:
        svc.create_asset(session, people.tech, tag="nb-0001", type="toaster", model="",
                         serial="pf3abc12", user="nobody", department="XX",
                         purchased_on="2027-01-01", warranty_end="2020-01-01",
                         supplier="Unknown Ltd", status="lost")
    errors = exc.value.errors
    assert set(errors) >= {"tag", "type", "model", "serial", "user", "department",
                           "purchased_on", "supplier", "status"}
    assert "NB-0001" in errors["tag"][0]
    assert session.scalar(select(Asset).where(Asset.tag != "NB-0001")) is None


def test_a_tag_is_made_up_when_none_is_given(session, people, frozen):
    first = svc.create_asset(session, people.tech, type="printer", model="HP M404dn")
    second = svc.create_asset(session, people.tech, type="printer", model="HP M404dn")
    assert first.tag == "PRN-000001" and second.tag == "PRN-000002"


def test_only_asset_staff_change_assets(session, people, frozen):
    for actor in (people.employee, people.manager):
        with pytest.raises(PermissionDenied):
            _laptop(session, actor)
    asset = _laptop(session, people.lead)
    with pytest.raises(PermissionDenied):
        svc.update_asset(session, people.employee, asset, location="Home")


def test_an_update_records_who_changed_what_and_refuses_a_stale_version(session, people,
                                                                       frozen):
    asset = _laptop(session, people.tech)
    seen = asset.version
    svc.update_asset(session, people.tech2, asset, expected_version=seen, user="liu.yang",
                     location="2F Sales")
    assert asset.department.code == "SALES"  # moved with its new user
    row = session.scalars(select(AssetHistory).where(AssetHistory.kind == "updated")).one()
    assert row.actor_id == people.tech2.id
    assert row.changes["user"] == [None, "liu.yang"]
    assert row.changes["department"] == [None, "SALES"]
    assert row.changes["location"] == [None, "2F Sales"]
    with pytest.raises(Conflict):
        svc.update_asset(session, people.tech, asset, expected_version=seen, notes="x")
    assert asset.notes is None


def test_status_rules(session, people, frozen):
    asset = _laptop(session, people.tech)
    with pytest.raises(ValidationFailed) as exc:
        svc.set_asset_status(session, people.tech, asset, "in_use")
    assert "status" in exc.value.errors  # in use by nobody
    svc.update_asset(session, people.tech, asset, user="zhang.wei", status="in_use")
    assert asset.status == "in_use"
    svc.set_asset_status(session, people.tech, asset, "retired", note="Screen broken")
    with pytest.raises(ValidationFailed):
        svc.set_asset_status(session, people.tech, asset, "in_use")
    kinds = session.scalars(select(AssetHistory.kind).where(AssetHistory.asset_id == asset.id)
                            .order_by(AssetHistory.id)).all()
    assert kinds == ["created", "updated", "status", "status"]


def test_employees_see_their_own_and_their_departments_equipment(session, people, frozen):
    mine = _laptop(session, people.tech, user="zhang.wei")
    dept = svc.create_asset(session, people.tech, tag="PRN-FIN", type="printer",
                            model="HP M404dn", department="FIN")
    sales = svc.create_asset(session, people.tech, tag="PRN-SALES", type="printer",
                             model="HP M404dn", department="SALES")
    seen = set(session.scalars(svc.visible_assets(people.employee)).all())
    assert seen == {mine, dept}
    assert set(session.scalars(svc.visible_assets(people.tech)).all()) == {mine, dept, sales}
    with pytest.raises(NotFound):
        svc.view_asset(session, people.employee, "prn-sales")
    assert svc.view_asset(session, people.head, "PRN-FIN") is dept


def test_a_request_names_assets_and_both_histories_show_it(session, people, frozen):
    printer = svc.create_asset(session, people.tech, tag="PRN-FIN", type="printer",
                               model="HP M404dn", department="FIN")
    req = svc.submit_request_about(session, people.employee, assets=["prn-fin"],
                                   **_any_request(session))
    assert [a.tag for a, _link in svc.assets_of_request(session, people.employee, req)] == [
        "PRN-FIN"]
    assert [r.number for r, _l in svc.requests_of_asset(session, people.tech, printer)] == [
        req.number]
    assert session.scalars(select(Event.kind).where(Event.request_id == req.id)).all().count(
        "asset_linked") == 1
    # The employee of another department does not see the request through the asset.
    assert svc.requests_of_asset(session, people.other, printer) == []
    # Linking again changes nothing; unlinking is for IT staff.
    svc.link_asset(session, people.tech, req, printer)
    assert session.scalar(select(RequestAsset).where(RequestAsset.request_id == req.id))
    with pytest.raises(PermissionDenied):
        svc.unlink_asset(session, people.employee, req, printer)
    svc.unlink_asset(session, people.tech, req, printer)
    assert svc.assets_of_request(session, people.tech, req) == []
    kinds = session.scalars(select(AssetHistory.kind).where(AssetHistory.asset_id == printer.id)
                            .order_by(AssetHistory.id)).all()
    assert kinds == ["created", "linked", "unlinked"]


def test_an_employee_cannot_name_someone_elses_equipment(session, people, frozen):
    sales = svc.create_asset(session, people.tech, tag="PRN-SALES", type="printer",
                             model="HP M404dn", department="SALES")
    with pytest.raises(ValidationFailed) as exc:
        svc.submit_request_about(session, people.employee, assets=[sales.tag],
                                 **_any_request(session))
    assert "assets" in exc.value.errors
    assert session.scalar(select(RequestAsset)) is None


def test_receiving_a_purchase_creates_linked_assets_all_or_nothing(session, people, vendors,
                                                                  frozen):
    supplier, maintainer = vendors
    req = svc.submit_request(session, people.employee, **_any_request(session))
    items = [{"type": "laptop", "model": "ThinkPad T14", "serial": "S1", "maintainer":
              maintainer},
             {"type": "laptop", "model": "ThinkPad T14", "serial": "S1"},
             {"type": "tablet", "model": "X", "serial": "S3"}]
    with pytest.raises(ValidationFailed) as exc:
        svc.receive_assets(session, people.tech, req, items, supplier=supplier)
    assert set(exc.value.errors) == {"items.1.serial", "items.2.type"}
    assert session.scalar(select(Asset)) is None
    items[1]["serial"], items[2]["type"] = "S2", "monitor"
    assets = svc.receive_assets(session, people.tech, req, items, supplier=supplier)
    assert [a.tag for a in assets] == ["NB-000001", "NB-000002", "MON-000001"]
    assert all(a.supplier is supplier and a.purchased_on == date(2026, 3, 2) for a in assets)
    links = session.scalars(select(RequestAsset).where(RequestAsset.request_id == req.id)).all()
    assert {link.role for link in links} == {"received"} and len(links) == 3


def test_a_repair_remembers_and_restores_the_status(session, people, vendors, frozen):
    _supplier, maintainer = vendors
    asset = _laptop(session, people.tech, user="zhang.wei", status="in_use",
                    maintainer=maintainer)
    req = svc.submit_request(session, people.employee, **_any_request(session))
    svc.start_repair(session, people.tech, asset, request=req, vendor=maintainer)
    svc.start_repair(session, people.tech, asset, request=req)  # again: harmless
    assert asset.status == "under_repair" and asset.status_before_repair == "in_use"
    svc.end_repair(session, people.tech, asset, request=req)
    assert asset.status == "in_use" and asset.status_before_repair is None
    rows = session.scalars(select(AssetHistory).where(AssetHistory.asset_id == asset.id,
                                                      AssetHistory.kind == "status")
                           .order_by(AssetHistory.id)).all()
    assert [r.changes["status"] for r in rows] == [["in_use", "under_repair"],
                                                   ["under_repair", "in_use"]]
    assert all(r.request_id == req.id for r in rows)
    assert "联想服务" in rows[0].data["note"]


def test_vendor_deleted_leaves_the_asset(session, people, vendors, frozen):
    supplier, _m = vendors
    asset = _laptop(session, people.tech, supplier=supplier)
    session.delete(session.get(Vendor, supplier.id))
    session.commit()
    session.refresh(asset)
    assert asset.supplier_id is None


# -- helpers -----------------------------------------------------------------------------------


def _any_request(session) -> dict:
    """A request of the test desk's one category (hardware loans)."""
    return {"category": "loan", "title": "Printer jams", "description": "Every page",
            "details": {"item": "laptop", "days": 3}}


def test_the_migration_builds_the_installed_bases_tables_as_modelled(helpdesk):
    """0008_assets creates exactly the models' tables (other areas' tables are theirs)."""
    from tests.core.test_migrations import schema_differences

    mine = ("asset", "request_asset", "asset_history", "asset_counter", "asset_reading",
            "asset_threshold_rule", "asset_threshold_firing")

    def table_of(diff: object) -> str | None:
        item = diff[0] if isinstance(diff, list) else diff
        for part in item[1:] if isinstance(item, tuple) else ():
            name = getattr(part, "name", None) if not isinstance(part, str) else part
            table = getattr(getattr(part, "table", None), "name", None)
            for candidate in (table, name):
                if candidate in mine:
                    return candidate
        return None

    assert [d for d in schema_differences(helpdesk) if table_of(d)] == []


def test_numbers_beyond_any_id_name_nothing(session, people, frozen):
    """A typed number too big for an id column is unknown, not a database error."""
    _laptop(session, people.tech)
    for ref in (2**40, "99999999999999999999"):
        with pytest.raises(NotFound):
            svc.get_asset(session, ref)
        with pytest.raises(ValidationFailed) as exc:
            svc.create_asset(session, people.tech, type="pc", model="X", user=ref,
                             department=ref, supplier=ref)
        assert {"user", "department", "supplier"} <= set(exc.value.errors)
