"""The installed base over HTTP: desk list and asset page, forms, links on requests, the portal's
"My equipment", and the administration of counters, rules and imports."""

from __future__ import annotations

import io
import json
import re

import pytest
from sqlalchemy import select

from hdcore import services as svc
from hdcore.models import Asset, CounterReading, RequestAsset, ServiceRequest
from hdcore.services.counters import create_counter
from hdcore.tabular import read_grid
from tests.core.sample_plugin import LoanPlugin

LOAN = {"details.item": "laptop", "details.days": "3"}


@pytest.fixture
def plugins():
    return [LoanPlugin()]


@pytest.fixture
def base(session, people):
    """A Finance printer with a page counter, a Sales PC, Zhang Wei's laptop."""
    create_counter(session, None, asset_type="printer", code="page_count", name="Page count",
                   unit="pages")
    printer = svc.create_asset(session, people.tech, tag="PRN-FIN-01", type="printer",
                               model="HP LaserJet M404dn", department="FIN",
                               location="3F Finance", serial="VNB3K12345")
    laptop = svc.create_asset(session, people.tech, tag="NB-0001", type="laptop",
                              model="ThinkPad T14", user="zhang.wei", status="in_use")
    pc = svc.create_asset(session, people.tech, tag="PC-SALES-01", type="pc",
                          model="Dell OptiPlex 7010", department="SALES")
    return printer, laptop, pc


def errors_on(html: str) -> list[str]:
    return re.findall(r'class="error">([^<]*)<', html)


def test_the_desk_list_filters_and_searches(browser, base):
    b = browser("li.na")
    html = b.get("/desk/assets").get_data(as_text=True)
    assert all(tag in html for tag in ("PRN-FIN-01", "NB-0001", "PC-SALES-01"))
    html = b.get("/desk/assets?type=printer").get_data(as_text=True)
    assert "PRN-FIN-01" in html and "NB-0001" not in html
    for q in ("vnb3k", "Zhang Wei", "zhang.wei", "3F fin", "optiplex"):
        html = b.get(f"/desk/assets?q={q}").get_data(as_text=True)
        assert len(re.findall(r'href="/desk/assets/\d+"', html)) == 1, q


def test_employees_and_the_desk(browser, base):
    assert browser("zhang.wei").get("/desk/assets").status_code == 403
    printer, _laptop, _pc = base
    # The manager reads but does not change.
    m = browser("chen.jie")
    html = m.get(f"/desk/assets/{printer.id}").get_data(as_text=True)
    assert "PRN-FIN-01" in html and "Change status" not in html
    assert m.get("/desk/assets/new").status_code == 403


def test_registering_an_asset_names_every_bad_field_and_keeps_the_input(browser, base, session):
    b = browser("li.na")
    resp = b.post("/desk/assets/new", {"tag": "PRN-FIN-01", "type": "", "model": "",
                                       "user": "nobody", "purchased_on": "2099-01-01",
                                       "notes": "keep me"})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert len(errors_on(html)) >= 5 and "keep me" in html
    resp = b.post("/desk/assets/new", {"type": "monitor", "model": "Dell P2422H",
                                       "user": "zhang.wei", "status": "in_use"})
    assert resp.status_code == 302
    session.rollback()
    monitor = session.scalar(select(Asset).where(Asset.type == "monitor"))
    assert monitor.tag == "MON-000001" and monitor.department.code == "FIN"


def test_edit_history_and_a_stale_edit(browser, base, session):
    printer, _l, _p = base
    b = browser("li.na")
    form = b.get(f"/desk/assets/{printer.id}/edit").get_data(as_text=True)
    assert 'value="PRN-FIN-01"' in form
    version = printer.version
    resp = b.post(f"/desk/assets/{printer.id}/edit", {
        "tag": "PRN-FIN-01", "type": "printer", "model": "HP LaserJet M404dn",
        "location": "4F Finance", "department": str(printer.department_id),
        "version": str(version)})
    assert resp.status_code == 302
    html = b.get(f"/desk/assets/{printer.id}").get_data(as_text=True)
    assert "4F Finance" in html and "Li Na" in html and "3F Finance" in html  # history
    resp = b.post(f"/desk/assets/{printer.id}/edit", {
        "tag": "PRN-FIN-01", "type": "printer", "model": "Other", "version": str(version)},
        page=f"/desk/assets/{printer.id}/edit")
    assert resp.status_code == 409
    session.rollback()
    assert session.get(Asset, printer.id).model == "HP LaserJet M404dn"


def test_a_reading_is_checked_and_entered_on_the_asset_page(browser, base, session):
    printer, _l, _p = base
    b = browser("li.na")
    page = f"/desk/assets/{printer.id}"
    counter_id = re.search(r'<option value="(\d+)"[^>]*>Page count', b.get(page).get_data(
        as_text=True)).group(1)
    assert b.post(f"{page}/readings", {"counter": counter_id, "value": "12,000"},
                  page=page).status_code == 302
    resp = b.post(f"{page}/readings", {"counter": counter_id, "value": "100"}, page=page)
    assert resp.status_code == 400
    assert any("cannot go down" in e for e in errors_on(resp.get_data(as_text=True)))
    session.rollback()
    assert [r.value for r in session.scalars(select(CounterReading))] == [12_000]
    assert "12,000" in b.get(page).get_data(as_text=True)


def test_naming_assets_on_a_request_at_the_desk(browser, base, people, session):
    printer, _l, _pc = base
    req = svc.submit_request(session, people.employee, category="loan", title="Jams",
                             details={"item": "laptop", "days": 3})
    b = browser("li.na")
    page = f"/desk/r/{req.number}"
    assert b.post(f"{page}/assets", {"asset": "VNB3K12345"}, page=page).status_code == 302
    resp = b.post(f"{page}/assets", {"asset": "NOPE-1"}, page=page)
    assert resp.status_code == 200 and errors_on(resp.get_data(as_text=True))
    html = b.get(page).get_data(as_text=True)
    assert 'id="assets"' in html and "PRN-FIN-01" in html
    assert req.number in b.get(f"/desk/assets/{printer.id}").get_data(as_text=True)
    b.post(f"{page}/assets/{printer.id}/unlink", page=page)
    session.rollback()
    assert session.scalar(select(RequestAsset)) is None


def test_my_equipment_and_reporting_a_problem(browser, base, session):
    printer, _laptop, pc = base
    b = browser("zhang.wei")
    html = b.get("/portal/equipment").get_data(as_text=True)
    assert "NB-0001" in html and "PRN-FIN-01" in html and "PC-SALES-01" not in html
    assert "/portal/equipment" in b.get("/portal/").get_data(as_text=True)  # in the menu
    assert b.get(f"/portal/equipment/{pc.id}/report").status_code == 404
    report = b.get(f"/portal/equipment/{printer.id}/report").get_data(as_text=True)
    assert "/portal/new/loan?asset=PRN-FIN-01" in report
    form = b.get("/portal/new/loan?asset=PRN-FIN-01").get_data(as_text=True)
    assert re.search(r'value="PRN-FIN-01" checked', form)
    # Someone else's equipment cannot be named, and nothing is filed.
    resp = b.post("/portal/new/loan", {"title": "Jams", **LOAN, "assets": ["PC-SALES-01"]},
                  page="/portal/new/loan")
    assert resp.status_code == 200 and errors_on(resp.get_data(as_text=True))
    session.rollback()
    assert session.scalar(select(ServiceRequest)) is None
    resp = b.post("/portal/new/loan", {"title": "Printer jams", **LOAN,
                                       "assets": ["PRN-FIN-01"]}, page="/portal/new/loan")
    assert resp.status_code == 302
    detail = b.get(resp.location).get_data(as_text=True)
    assert 'id="assets"' in detail and "PRN-FIN-01" in detail
    # Another employee of Sales cannot open Finance's printer.
    assert browser("liu.yang").get(f"/portal/equipment/{printer.id}/report").status_code == 404


def test_export_downloads(browser, base):
    b = browser("li.na")
    resp = b.get("/desk/assets/export.csv?type=printer")
    assert resp.status_code == 200 and resp.mimetype == "text/csv"
    rows = read_grid(resp.data).rows
    assert [r[1][0] for r in rows[1:]] == ["PRN-FIN-01"]
    resp = b.get("/desk/assets/export.xlsx")
    assert resp.status_code == 200 and resp.data.startswith(b"PK")
    assert b.get("/desk/assets/export.pdf").status_code == 404


def test_admin_counters_rules_and_import(browser, base, session):
    a = browser("admin")
    assert browser("li.na").get("/admin/assets/counters").status_code == 403
    resp = a.post("/admin/assets/counters", {"asset_type": "ups", "name": "", "code": "bad code!",
                                             "kind": "age"})
    assert resp.status_code == 400 and len(errors_on(resp.get_data(as_text=True))) == 2
    resp = a.post("/admin/assets/counters", {"asset_type": "ups", "name": "Battery age",
                                             "code": "battery_age", "kind": "age",
                                             "unit": "months"})
    assert resp.status_code == 302
    html = a.get("/admin/assets/counters").get_data(as_text=True)
    counter_id = re.search(r'/admin/assets/counters/(\d+)">\s*<strong>Page count', html)
    assert counter_id
    resp = a.post("/admin/assets/rules/new", {
        "name": "Toner", "counter": counter_id.group(1), "mode": "every", "amount": "20000",
        "category": "loan", "title": "Toner for {tag}", "requester": "wang.fang",
        "details": "{not json"}, page="/admin/assets/rules/new")
    assert resp.status_code == 400 and "JSON" in resp.get_data(as_text=True)
    resp = a.post("/admin/assets/rules/new", {
        "name": "Toner", "counter": counter_id.group(1), "mode": "every", "amount": "20000",
        "category": "loan", "title": "Toner for {tag}", "requester": "wang.fang",
        "details": json.dumps({"item": "laptop", "days": 2}), "active": "1"},
        page="/admin/assets/rules/new")
    assert resp.status_code == 302
    assert "Toner for {tag}" in a.get("/admin/assets/rules").get_data(as_text=True)

    data = (b"tag,type,model,user\nPC-9,pc,Lenovo M720,zhang.wei\nPC-10,toaster,,nobody\n"
            )
    page = a.get("/admin/assets/import").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    resp = a.client.post("/admin/assets/import", data={
        "csrf_token": token, "kind": "assets", "encoding": "auto",
        "file": (io.BytesIO(data), "assets.csv")}, content_type="multipart/form-data")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "PC-10" in html and "toaster" not in html.split(
        "rejected-rows")[0]
    rejected = re.search(r'name="rejected" value="([^"]+)"', html).group(1)
    import html as html_lib

    resp = a.client.post("/admin/assets/import/rejected.csv", data={
        "csrf_token": token, "rejected": html_lib.unescape(rejected)})
    rows = read_grid(resp.data).rows
    assert rows[1][1][:2] == ["3", "PC-10"] and "type" in rows[1][1][-1]
    session.rollback()
    assert session.scalar(select(Asset).where(Asset.tag == "PC-9")) is not None
