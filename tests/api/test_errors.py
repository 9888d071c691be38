"""One error shape everywhere, in the caller's language; no input answered with a server error;
and the HTML pages keep their own error pages."""

from __future__ import annotations

import pytest

from hdcore import services as svc
from tests.api.conftest import assert_error

CHINESE = "zh-CN,zh;q=0.9,en;q=0.8"


@pytest.mark.parametrize(("method", "path", "allow"), [
    ("DELETE", "requests", {"GET", "POST"}),
    ("PUT", "requests/1", {"GET", "PATCH"}),
    ("GET", "requests/1/comments", {"POST"}),
    ("GET", "auth/token", {"POST"}),
    ("POST", "openapi.json", {"GET"}),
])
def test_a_wrong_method_answers_405_with_the_allowed_ones(api, people, method, path, allow):
    resp = api("lead").call(method, path)
    assert_error(resp, 405, "method_not_allowed")
    assert allow <= {m.strip() for m in resp.headers["Allow"].split(",")}


@pytest.mark.parametrize("path", ["/api/v1/nothing", "/api/v1/requests/1/nothing", "/api/v2",
                                  "/api/v1/tasks/abc/transitions"])
def test_unknown_api_addresses_answer_json(api, people, path):
    assert_error(api("lead").get(path), 404, "not_found")


def test_the_html_pages_keep_their_own_error_pages(app, people):
    resp = app.test_client().get("/portal/nothing-here")
    assert resp.status_code == 404 and resp.mimetype == "text/html"
    resp = app.test_client().delete("/login")
    assert resp.status_code == 405 and resp.mimetype == "text/html"


@pytest.mark.parametrize("body", ['{"title": ', "[1, 2", "\xff\xfe", '{"a": 1}{"b": 2}',
                                  "[" * 100_000])
def test_malformed_json_is_a_400(api, people, body):
    resp = api("employee").call("POST", "requests", data=body.encode("latin-1"),
                                headers={"Content-Type": "application/json"})
    assert_error(resp, 400, "malformed_json")


@pytest.mark.parametrize("body", ["[]", "3", '"text"', "null"])
def test_a_body_that_is_not_an_object_is_refused(api, people, body):
    resp = api("employee").call("POST", "requests", data=body,
                                headers={"Content-Type": "application/json"})
    assert resp.status_code in (400, 422)
    assert_error(resp, resp.status_code)


def test_a_body_without_the_json_content_type_is_missing(api, people):
    resp = api("employee").call("POST", "requests", data='{"title": "x"}',
                                headers={"Content-Type": "text/plain"})
    error = assert_error(resp, 422)
    assert {"category", "title"} <= set(error["fields"])


def test_messages_follow_accept_language(api, people):
    error = assert_error(api(language=CHINESE).get("requests"), 401)
    assert error["message"] == "请先登录：发送请求头 Authorization: Bearer <token>。"
    error = assert_error(api("employee", language=CHINESE).post("requests", {
        "category": "procurement", "title": "", "details": {"items": [], "colour": 1}}), 422)
    assert error["message"] == "输入未被接受，请查看各字段。"
    joined = " ".join(m for msgs in error["fields"].values() for m in msgs)
    assert "required" not in joined and "Unknown" not in joined  # no English left
    assert error["fields"]["details.colour"] == ["未知字段。"]
    assert_error(api("employee", language=CHINESE).get("requests/987654"), 404)


def test_marshmallow_messages_come_out_as_translated_text(api, people):
    error = assert_error(api("employee", language="zh-CN").post("requests", {
        "category": 1, "title": None, "priority": []}), 422)
    assert error["fields"]["category"] == ["不是有效的文本。"]
    assert error["fields"]["title"] == ["此项不能为空。"]


def test_without_a_header_the_users_own_language_is_used(api, people, session):
    svc.set_preferences(session, people.employee, locale="zh_Hans_CN")
    error = assert_error(api("employee").get("requests?per_page=1000"), 422)
    assert error["message"] == "输入未被接受，请查看各字段。"
    english = assert_error(api("employee", language="en-GB").get("requests?per_page=1000"), 422)
    assert english["message"] == "The input was refused; see the fields."


@pytest.mark.parametrize("title", ["nul\x00byte", "lone \ud800 surrogate"])
def test_text_the_database_cannot_store_is_refused(api, people, title):
    error = assert_error(api("employee").post("requests", {
        "category": "email_admin", "title": title, "details": {"x\x00": "y"}}), 422)
    assert "title" in error["fields"] and "details" in error["fields"]


def test_query_text_the_database_cannot_store_is_refused(api, people):
    error = assert_error(api("lead").get("requests?q=a%00b"), 422)
    assert set(error["fields"]) == {"q"}


@pytest.mark.parametrize("value", ["*", "abc", '"1', "W/", '"99999999999"'])
def test_if_match_that_names_no_version_is_a_400(api, file_request, value):
    req = file_request()
    resp = api("employee").patch(f"requests/{req['id']}", {"title": "x"},
                                 headers={"If-Match": value})
    assert_error(resp, 400, "bad_if_match")


@pytest.mark.parametrize("bad", [
    {"assignee": 12}, {"group": ["a"]}, {"reason": "x" * 2001},
])
def test_assign_shapes(api, file_request, bad):
    req = file_request()
    assert set(assert_error(api("lead").post(f"requests/{req['id']}/assign", bad), 422)[
        "fields"]) == set(bad)


@pytest.mark.parametrize("bad", [
    {"title": "t", "depends_on": [2**40]}, {"title": "t", "depends_on": ["1"]},
    {"title": "t", "due_at": "0001-01-01T00:00:00+05:00"},
    {"title": "t", "due_at": "tomorrow"},
])
def test_task_input_beyond_what_can_be_stored_is_refused(api, file_request, bad):
    req = file_request()
    api("lead").post(f"requests/{req['id']}/assign", {"assignee": "li.na"})
    error = assert_error(api("lead").post(f"requests/{req['id']}/tasks", bad), 422)
    assert error["fields"] and all(f.split(".")[0] in bad for f in error["fields"])


def test_huge_numbers_do_not_reach_the_database(api, people):
    assert_error(api("lead").get("requests?page=99999999999999999999"), 422)
    assert_error(api("lead").get("requests?per_page=-1"), 422)
    assert_error(api("lead").get("requests/2147483648/events"), 404)
