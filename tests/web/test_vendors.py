"""The vendor pages over HTTP: the register (administrators), handing work to a vendor and
recording its progress on the desk, the scorecards (lead and manager), and the REST API."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hdcore import services as svc
from hdcore.models import Vendor, VendorContract, VendorEngagement
from tests.core.sla_support import (  # noqa: F401  (the fixtures clock and plugins)
    at,
    clock_fixture,
    local,
    plugins_fixture,
    repair,
)


def text(resp) -> str:
    return resp.get_data(as_text=True)


def reload_all(session):
    session.rollback()
    session.expire_all()


@pytest.fixture
def fixco(session, people):
    vendor = svc.create_vendor(session, None, name="Fix Co", kinds=["fixer"], phone="021-1234567")
    svc.save_contract(session, None, vendor.id, number="M-2026", response_hours="4",
                      repair_hours="16", price="800", starts_on="2026-01-01")
    return vendor


def test_the_register_for_supervisors(browser, people, session, fixco):
    for who in ("li.na", "zhang.wei"):
        assert browser(who).get("/admin/vendors").status_code == 403
    for who in ("wang.fang", "chen.jie"):
        assert "Fix Co" in text(browser(who).get("/admin/vendors"))
    admin = browser("admin")
    page = text(admin.get("/admin/vendors"))
    assert "Fix Co" in page and "M-2026" in page
    resp = admin.post("/admin/vendors/new", {"name": "", "kinds": [], "email": "nope"})
    assert resp.status_code == 200
    assert text(resp).count('class="error"') == 3  # name, kinds, e-mail
    resp = admin.post("/admin/vendors/new", {"name": "Lianxiang Service", "kinds": ["fixer"],
                                             "phone": "400-990-8888"})
    assert resp.status_code == 302
    reload_all(session)
    vendor = session.scalar(select(Vendor).where(Vendor.name == "Lianxiang Service"))
    base = f"/admin/vendors/{vendor.id}"
    assert admin.post(f"{base}/contacts/new", {"name": "Sun Li", "phone": "13800138000",
                                               "is_primary": "1"}).status_code == 302
    resp = admin.post(f"{base}/contracts/new", {
        "number": "W-1", "coverage": "warranty", "response_hours": "8", "repair_hours": "4",
        "starts_on": "2026-01-01", "price": "abc", "price_basis": "per_job"})
    assert resp.status_code == 200 and "has-error" in text(resp)
    assert 'value="W-1"' in text(resp)  # what was typed is kept
    resp = admin.post(f"{base}/contracts/new", {
        "number": "W-1", "coverage": "warranty", "response_hours": "4", "repair_hours": "8",
        "starts_on": "2026-01-01", "price": "1,500", "price_basis": "per_year",
        "asset_types": "laptop, pc", "categories": ["repair"], "active": "1"})
    assert resp.status_code == 302
    reload_all(session)
    contract = session.scalar(select(VendorContract).where(VendorContract.number == "W-1"))
    assert (contract.response_minutes, contract.price_cents, contract.asset_types) == (
        240, 150000, ["laptop", "pc"])
    page = text(admin.get(base))
    assert "Sun Li" in page and "W-1" in page


def test_hand_to_a_vendor_and_record_progress_on_the_desk(browser, people, session, fixco,
                                                          clock):
    req = repair(session, people)
    tech = browser("li.na")
    page = text(tech.get(f"/desk/r/{req.number}"))
    assert "Hand to a vendor" in page and "Fix Co" in page
    url = f"/desk/r/{req.number}/vendors"
    resp = tech.post(url, {"vendor": "", "promised_response_at": "tomorrow", "cost": "x"},
                     page=f"/desk/r/{req.number}")
    assert resp.status_code == 200
    assert text(resp).count('class="error"') >= 3
    resp = tech.post(url, {"vendor": str(fixco.id), "reference": "FX-77"},
                     page=f"/desk/r/{req.number}")
    assert resp.status_code == 302
    reload_all(session)
    eng = session.scalar(select(VendorEngagement))
    # Tuesday 09:00 + 4 business hours on the default calendar (08:30-12:00, 13:00-17:30).
    assert local(eng.promised_response_at) == "2026-12-01 14:00"
    assert eng.reference == "FX-77" and eng.contract.number == "M-2026"
    assert eng.cost_cents == 80000
    page = text(tech.get(f"/desk/r/{req.number}"))
    assert "Record progress of Fix Co" in page
    resp = tech.post(f"{url}/{eng.id}", {"reference": "FX-77", "responded_at":
                                         "2026-12-01T10:30", "completed_at": "",
                                         "status": "open", "cost": "800.00"},
                     page=f"/desk/r/{req.number}")
    assert resp.status_code == 302
    reload_all(session)
    assert local(eng.responded_at) == "2026-12-01 10:30" and eng.response_late is False
    # Someone who does not work on the request gets no form, and another request's job is 404.
    other = repair(session, people)
    assert tech.post(f"/desk/r/{other.number}/vendors/{eng.id}", {"status": "done"},
                     page=f"/desk/r/{other.number}").status_code == 404


def test_scorecards_for_the_lead_and_the_manager(browser, people, session, fixco, clock):
    req = repair(session, people)
    eng = svc.engage_vendor(session, people.tech, req.id, vendor="Fix Co")
    svc.update_engagement(session, people.tech, eng.id, responded_at=at("2026-12-01 11:00"),
                          completed_at=at("2026-12-01 15:00"), status="done")
    for who, base in (("wang.fang", "/dispatch/vendors"), ("chen.jie", "/manage/vendors")):
        page = text(browser(who).get(f"{base}?from=2026-12-01&to=2026-12-31"))
        assert "Fix Co" in page and "100%" in page and "¥800.00" in page
        drill = text(browser(who).get(f"{base}/{fixco.id}?from=2026-12-01&to=2026-12-31"))
        assert req.number in drill and "On time" in drill
    assert browser("li.na").get("/dispatch/vendors").status_code == 403
    assert browser("wang.fang").get("/manage/vendors").status_code == 403
    bad = text(browser("chen.jie").get("/manage/vendors?from=soon"))
    assert "Give dates like" in bad


def test_the_api(app, people, session, fixco, clock):
    token = svc.issue_token(session, None, people.tech, name="t").secret
    employee = svc.issue_token(session, None, people.employee, name="e").secret
    client = app.test_client()

    def call(method, url, secret=token, **kw):
        return client.open(url, method=method, headers={"Authorization": f"Bearer {secret}"},
                           **kw)

    listed = call("GET", "/api/v1/vendors?kind=fixer").get_json()
    assert [v["name"] for v in listed] == ["Fix Co"]
    assert call("GET", f"/api/v1/vendors/{fixco.id}").get_json()["contracts"][0]["number"] == (
        "M-2026")
    assert call("GET", "/api/v1/vendors", employee).status_code == 404
    req = repair(session, people)
    url = f"/api/v1/requests/{req.number}/vendor-engagements"
    bad = call("POST", url, json={"vendor": "Nobody", "task_id": 9999})
    assert bad.status_code == 422
    resp = call("POST", url, json={"vendor": "Fix Co", "reference": "FX-1"})
    assert resp.status_code == 201, resp.get_json()
    job = resp.get_json()
    assert job["contract"] == "M-2026" and job["promised_response_at"]
    resp = call("PATCH", f"{url}/{job['id']}", json={"responded_at": "2026-12-01T02:00:00Z"})
    assert resp.get_json()["response_late"] is False
    assert [j["reference"] for j in call("GET", url).get_json()["items"]] == ["FX-1"]
    assert call("GET", url, employee).status_code == 404


def test_overdue_vendor_work_shows_in_the_history(browser, people, session, fixco, clock):
    from hdcore.vendors.overdue import escalate_overdue

    req = repair(session, people)
    svc.engage_vendor(session, people.tech, req.id, vendor="Fix Co", reference="FX-9",
                      promised_response_at=at("2026-12-01 10:00"))
    clock.set(at("2026-12-01 10:30"))
    assert escalate_overdue(session, clock.current) == 1
    page = text(browser("li.na").get(f"/desk/r/{req.number}"))
    assert "escalated overdue vendor work to the technician" in page
    assert "Fix Co (reference FX-9) has not responded" in page
    assert "Overdue" in page
