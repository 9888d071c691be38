"""``/api/v1/assets``: listing, reading, registering and changing assets, and readings."""

from __future__ import annotations

import pytest

from hdcore import services as svc
from hdcore.services.counter_rules import create_threshold_rule
from hdcore.services.counters import create_counter
from tests.api.conftest import assert_error, sample_details


@pytest.fixture
def printer(session, people):
    """Finance's printer with a page counter, and a procurement rule every 20 000 pages."""
    counter = create_counter(session, None, asset_type="printer", code="page_count",
                             name="Page count", unit="pages")
    asset = svc.create_asset(session, people.tech, tag="PRN-FIN-01", type="printer",
                             model="HP LaserJet M404dn", department="FIN", serial="VNB3K1")
    return asset, counter


def test_staff_register_an_asset_and_read_it_back(api, people):
    resp = api("tech").post("assets", {"type": "laptop", "model": "ThinkPad T14",
                                       "serial": "PF3ABC", "user": "zhang.wei",
                                       "status": "in_use", "purchased_on": "2025-06-01"})
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert resp.headers["Location"] == f"/api/v1/assets/{body['id']}"
    assert resp.headers["ETag"] == f'"{body["version"]}"'
    assert (body["tag"], body["department"], body["user"]) == ("NB-000001", "FIN", "zhang.wei")
    assert body["requests"] == [] and body["counters"] == []
    assert api("employee").get(f"assets/{body['id']}").status_code == 200  # his own
    assert_error(api("other").get(f"assets/{body['id']}"), 404)


def test_every_bad_field_is_named(api, people, printer):
    resp = api("tech").post("assets", {"tag": "prn-fin-01", "type": "printer", "model": "X",
                                       "user": "nobody", "department": "NOPE",
                                       "purchased_on": "2020-02-02",
                                       "warranty_end": "2019-01-01"})
    error = assert_error(resp, 422)
    assert {"tag", "user", "department", "warranty_end"} <= set(error["fields"])
    assert_error(api("tech").post("assets", {"type": "toaster"}), 422)


def test_employees_and_the_manager_cannot_write(api, people, printer):
    asset, _c = printer
    assert_error(api("employee").post("assets", {"type": "pc", "model": "X"}), 403)
    assert_error(api("manager").post("assets", {"type": "pc", "model": "X"}), 403)
    resp = api("manager").patch(f"assets/{asset.id}", {"location": "x"},
                                headers={"If-Match": f'"{asset.version}"'})
    assert_error(resp, 403)


def test_the_list_filters_and_pages(api, people, printer):
    for n in range(3):
        svc_create = api("tech").post("assets", {"type": "pc", "model": f"OptiPlex {n}",
                                                 "department": "SALES"})
        assert svc_create.status_code == 201
    body = api("tech").get("assets?type=pc&per_page=2").get_json()
    assert (body["total"], body["pages"], len(body["items"])) == (3, 2, 2)
    assert [a["tag"] for a in api("tech").get("assets?q=vnb3k").get_json()["items"]] == [
        "PRN-FIN-01"]
    assert api("employee").get("assets").get_json()["total"] == 1  # Finance's printer
    assert api("other").get("assets?department=SALES").get_json()["total"] == 3


def test_a_patch_needs_the_version_and_records_history(api, people, printer):
    asset, _c = printer
    assert_error(api("tech").patch(f"assets/{asset.id}", {"location": "4F"}), 428)
    resp = api("tech").patch(f"assets/{asset.id}", {"location": "4F", "status": "retired"},
                             headers={"If-Match": f'"{asset.version}"'})
    assert resp.status_code == 200, resp.get_json()
    assert resp.get_json()["status"] == "retired" and resp.get_json()["location"] == "4F"
    stale = api("tech").patch(f"assets/{asset.id}", {"location": "5F"},
                              headers={"If-Match": f'"{asset.version}"'})
    assert_error(stale, 409)


def test_readings_are_checked_and_open_requests(api, helpdesk, session, people, printer):
    asset, counter = printer
    create_threshold_rule(session, people.admin, name="Toner", counter=counter, mode="every",
                          amount=20000, category="procurement", title="Toner for {tag}",
                          requester="wang.fang",
                          details=sample_details(helpdesk, "procurement"))
    tech = api("tech")
    url = f"assets/{asset.id}/readings"
    first = tech.post(url, {"counter": "page_count", "value": 15000,
                            "read_at": "2026-01-05T09:00:00+08:00"})
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["opened_requests"] == []
    down = tech.post(url, {"counter": "page_count", "value": 100})
    assert "value" in assert_error(down, 422)["fields"]
    assert "counter" in assert_error(tech.post(url, {"counter": "toner", "value": 1}),
                                     422)["fields"]
    crossed = tech.post(url, {"counter": "page_count", "value": 20100})
    assert crossed.status_code == 201
    opened = crossed.get_json()["opened_requests"]
    assert len(opened) == 1 and opened[0].startswith("SR-")
    body = tech.get(f"assets/{asset.id}").get_json()
    assert body["requests"] == opened
    assert body["counters"][0]["value"] == 20100
    readings = tech.get(url).get_json()["items"]
    assert [r["value"] for r in readings] == [20100, 15000]
    assert_error(api("employee").post(url, {"counter": "page_count", "value": 30000}), 403)
    assert api("employee").get(url).status_code == 200  # Finance's printer: he may read
