"""``/api/v1/requests``: filing, listing, reading and editing requests, for every role."""

from __future__ import annotations

import pytest

from hdcore import services as svc
from tests.api.conftest import assert_error as error_of
from tests.api.conftest import sample_details

STAFF = ("tech", "tech2", "lead", "manager", "admin")


# -- filing ---------------------------------------------------------------------------------------


def test_an_employee_files_a_request_and_gets_it_back(api, helpdesk, people):
    resp = api("employee").post("requests", {
        "category": "procurement", "title": "Toner for the finance printer",
        "description": "We run out on Friday.", "priority": "high",
        "details": sample_details(helpdesk, "procurement")})
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert resp.headers["Location"] == f"/api/v1/requests/{body['id']}"
    assert resp.headers["ETag"] == f'"{body["version"]}"'
    assert body["number"].startswith("SR-") and body["status"] == "new"
    assert body["status_label"] == "New" and body["channel"] == "api"
    assert body["priority"] == "high" and body["requester"]["username"] == "zhang.wei"
    assert body["entered_by"]["username"] == "zhang.wei" and body["assignee"] is None
    assert body["details"]["cost_centre"] == "CC-100"
    assert body["details"]["items"][0]["unit_price"] == "135.00"
    assert {"response_due_at", "resolve_due_at", "version"} <= set(body)
    assert body["tasks"] == [] and body["comments"] == []
    assert "cancel" in {t["name"] for t in body["transitions"]}


@pytest.mark.parametrize("role", ["lead", "tech", "admin"])
def test_it_staff_file_on_someones_behalf(api, helpdesk, role):
    resp = api(role).post("requests", {
        "category": "email_admin", "title": "Called: mailbox full", "requester": "zhang.wei",
        "details": sample_details(helpdesk, "email_admin")})
    assert resp.status_code == 201, resp.get_json()
    body = resp.get_json()
    assert body["requester"]["username"] == "zhang.wei"
    assert body["entered_by"]["username"] != "zhang.wei"
    assert api("employee").get(f"requests/{body['id']}").status_code == 200


def test_employees_cannot_file_for_someone_else(api, helpdesk):
    error = error_of(api("employee").post("requests", {
        "category": "email_admin", "title": "For Liu", "requester": "liu.yang",
        "details": sample_details(helpdesk, "email_admin")}), 403, "forbidden")
    assert error["message"] == "Only IT staff can do this."
    own = api("employee").post("requests", {
        "category": "email_admin", "title": "For me", "requester": "zhang.wei",
        "details": sample_details(helpdesk, "email_admin")})
    assert own.status_code == 201


def test_every_bad_field_is_named_at_once_and_nothing_is_filed(api, people):
    error = error_of(api("employee").post("requests", {
        "category": "procurement", "title": "   ", "priority": "asap",
        "details": {"items": [{"description": "PC", "item_type": "pc", "quantity": 0,
                               "unit_price": "1"}], "cost_centre": "100"}}), 422,
        "validation_failed")
    fields = error["fields"]
    assert {"priority", "details.items.0.quantity", "details.cost_centre",
            "details.justification"} <= set(fields)
    assert all(isinstance(m, str) and m for msgs in fields.values() for m in msgs)
    again = error_of(api("employee").post("requests", {
        "category": "procurement", "title": "   ", "details": {}}), 422)
    assert "title" in again["fields"]
    assert api("lead").get("requests").get_json()["total"] == 0


def test_shapes_are_checked_before_anything_else(api, helpdesk):
    cases = [
        ({"title": "x", "details": {}}, {"category"}),
        ({"category": "email_admin", "title": 5, "details": []}, {"title", "details"}),
        ({"category": "email_admin", "title": "x", "colour": "red"}, {"colour"}),
        ({"category": "email_admin", "title": "x" * 201, "details": None}, {"details"}),
    ]
    for body, bad in cases:
        assert set(error_of(api("employee").post("requests", body), 422)["fields"]) == bad
    # Then the values: a title too long is refused by the same rules as in the portal.
    error = error_of(api("employee").post("requests", {
        "category": "email_admin", "title": "x" * 201,
        "details": sample_details(helpdesk, "email_admin")}), 422)
    assert error["fields"] == {"title": ["At most 200 characters."]}


def test_unknown_and_disabled_categories(api, helpdesk, session):
    error = error_of(api("employee").post("requests", {
        "category": "plumbing", "title": "Leak", "details": {}}), 422)
    assert error["fields"] == {"category": ["Unknown service category."]}
    svc.set_plugin_enabled(session, None, "email_admin", False)
    error_of(api("employee").post("requests", {
        "category": "email_admin", "title": "x",
        "details": sample_details(helpdesk, "email_admin")}), 409, "category_disabled")


def test_anonymous_callers_cannot_file(api, helpdesk, people):
    error_of(api().post("requests", {"category": "email_admin", "title": "x"}), 401)


# -- reading --------------------------------------------------------------------------------------


def test_who_sees_a_request(api, file_request):
    req = file_request()
    for role in ("employee", "head", *STAFF):  # the requester, their department's head, IT
        resp = api(role).get(f"requests/{req['id']}")
        assert resp.status_code == 200, role
        assert resp.headers["ETag"] == f'"{req["version"]}"'
    # Someone else's request does not exist for an employee of another department.
    error = error_of(api("other").get(f"requests/{req['id']}"), 404, "not_found")
    assert error["message"] == error_of(api("other").get("requests/999999"), 404)["message"]
    error_of(api().get(f"requests/{req['id']}"), 401)


def test_a_request_is_found_by_its_number_too(api, file_request):
    req = file_request()
    by_number = api("employee").get(f"requests/{req['number']}").get_json()
    assert by_number["id"] == req["id"]
    assert api("employee").get(f"requests/{req['number'].lower()}").status_code == 200


@pytest.mark.parametrize("ref", ["0", "-1", "99999999999999999999", "2147483648", "SR 1",
                                 "a" * 21, "%00", "１"])
def test_what_cannot_name_a_request_is_not_found(api, people, ref):
    error_of(api("lead").get(f"requests/{ref}"), 404)


def test_list_shows_each_caller_only_what_they_may_see(api, file_request):
    mine = file_request(title="Mine")
    theirs = file_request("other", title="Theirs")
    assert {r["id"] for r in api("employee").get("requests").get_json()["items"]} == {mine["id"]}
    assert {r["id"] for r in api("other").get("requests").get_json()["items"]} == {theirs["id"]}
    for role in STAFF:
        listed = api(role).get("requests").get_json()
        assert listed["total"] == 2 and [r["id"] for r in listed["items"]] == [
            theirs["id"], mine["id"]]  # newest first
    assert "comments" not in listed["items"][0]


def test_list_filters(api, file_request):
    a = file_request(title="Printer toner")
    b = file_request(title="Mailbox quota")
    c = file_request("other", category="erp_support", title="AP invoice error")
    api("lead").post(f"requests/{a['id']}/assign", {"assignee": "li.na"})

    def ids(client, query: str) -> set[int]:
        resp = client.get(f"requests?{query}")
        assert resp.status_code == 200, resp.get_json()
        return {r["id"] for r in resp.get_json()["items"]}

    lead = api("lead")
    assert ids(lead, "status=assigned") == {a["id"]}
    assert ids(lead, "status=new,assigned") == {a["id"], b["id"], c["id"]}
    assert ids(lead, "category=erp_support") == {c["id"]}
    assert ids(api("tech"), "assignee=me") == {a["id"]}
    assert ids(lead, "assignee=li.na") == {a["id"]}
    assert ids(api("employee"), "requester=me") == {a["id"], b["id"]}
    assert ids(lead, "requester=liu.yang") == {c["id"]}
    assert ids(lead, "q=TONER") == {a["id"]}
    assert ids(lead, f"q={c['number']}") == {c["id"]}
    assert ids(lead, "q=%25") == set()  # LIKE wildcards are plain text
    assert ids(lead, "q=mail&category=email_admin&status=new") == {b["id"]}


def test_bad_filters_are_named(api, people):
    error = error_of(api("lead").get("requests?status=nonsense&category=x&assignee=nobody"
                                     "&per_page=101&page=0"), 422)
    assert {"status", "category", "assignee", "per_page", "page"} <= set(error["fields"])


def test_pages_and_totals(api, file_request):
    made = [file_request(title=f"Request {i}")["id"] for i in range(5)]
    lead = api("lead")
    first = lead.get("requests?per_page=2").get_json()
    assert (first["total"], first["pages"], first["page"], first["per_page"]) == (5, 3, 1, 2)
    third = lead.get("requests?per_page=2&page=3").get_json()
    assert [r["id"] for r in third["items"]] == [made[0]]
    beyond = lead.get("requests?per_page=2&page=9").get_json()
    assert beyond["items"] == [] and beyond["total"] == 5


# -- editing --------------------------------------------------------------------------------------


def test_patch_needs_the_version_it_is_based_on(api, file_request):
    req = file_request()
    url = f"requests/{req['id']}"
    error = error_of(api("employee").patch(url, {"title": "Phone still gets no mail"}), 428,
                     "precondition_required")
    assert "If-Match" in error["message"]
    error_of(api("employee").patch(url, {"title": "x"}, headers={"If-Match": "yesterday"}), 400,
             "bad_if_match")

    done = api("employee").patch(url, {"title": "Phone still gets no mail", "priority": "high"},
                                 headers={"If-Match": f'"{req["version"]}"'})
    assert done.status_code == 200, done.get_json()
    body = done.get_json()
    assert body["title"] == "Phone still gets no mail" and body["priority"] == "high"
    assert body["version"] == req["version"] + 1
    assert done.headers["ETag"] == f'"{body["version"]}"'

    stale = error_of(api("employee").patch(url, {"title": "Third try"},
                                           headers={"If-Match": f'"{req["version"]}"'}), 409,
                     "conflict")
    assert str(req["version"]) in stale["message"]
    assert api("employee").get(url).get_json()["title"] == "Phone still gets no mail"
    # A bare number and a weak tag name the version too.
    assert api("employee").patch(url, {"description": "since Monday"},
                                 headers={"If-Match": f'W/"{body["version"]}"'}).status_code == 200


def test_patch_checks_fields_and_who_may_edit(api, file_request):
    req = file_request()
    url = f"requests/{req['id']}"
    version = {"If-Match": str(req["version"])}
    error = error_of(api("employee").patch(url, {"details": {"action": "fly"}},
                                           headers=version), 422)
    assert "details.action" in error["fields"]
    error = error_of(api("employee").patch(url, {"status": "closed"}, headers=version), 422)
    assert set(error["fields"]) == {"status"}
    error_of(api("other").patch(url, {"title": "Mine now"}, headers=version), 404)
    error_of(api("tech2").patch(url, {"title": "Not my group"}, headers=version), 403)
    assigned = api("lead").post(f"{url}/assign", {"assignee": "li.na"}).get_json()
    # Once someone works on it, the requester no longer edits it; the assignee does.
    error_of(api("employee").patch(url, {"title": "More"},
                                   headers={"If-Match": str(assigned["version"])}), 403)
    resp = api("tech").patch(url, {"title": "Mobile mail sync"},
                             headers={"If-Match": str(assigned["version"])})
    assert resp.status_code == 200 and resp.get_json()["title"] == "Mobile mail sync"
