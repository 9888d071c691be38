"""The calls whose answers depend on the database, on SQLite and PostgreSQL: a request's life
through the API, and input PostgreSQL would refuse (refused first, never a server error)."""

from __future__ import annotations

import pytest

from tests.api.conftest import assert_error


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: object) -> str:
    """Both databases."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/api.db"
    return request.getfixturevalue("postgres_url")


def test_a_request_from_filing_to_rating(api, file_request):
    req = file_request(title="打印机卡纸 / Printer jam")
    rid = req["id"]
    assert api("lead").post(f"requests/{rid}/assign", {"assignee": "li.na"}).status_code == 200
    for name, fields in (("start", {}), ("resolve", {"resolution": "清理了搓纸轮。"})):
        resp = api("tech").post(f"requests/{rid}/transitions", {"transition": name, **fields})
        assert resp.status_code == 200, resp.get_json()
    assert api("employee").post(f"requests/{rid}/close").get_json()["status"] == "closed"
    rated = api("employee").post(f"requests/{rid}/rating", {"score": 5, "comment": "很快"})
    assert rated.get_json()["rating"] == 5
    found = api("lead").get("requests?q=打印机&status=closed").get_json()
    assert [r["id"] for r in found["items"]] == [rid]
    kinds = [e["kind"] for e in api("employee").get(f"requests/{rid}/events").get_json()["items"]]
    assert kinds == ["created", "assigned", "transition", "transition", "transition", "rated"]


@pytest.mark.parametrize("path", ["requests/2147483648", "requests/99999999999999999999/events",
                                  "requests/SR-NUL%00", "tasks/4294967296/transitions"])
def test_ids_beyond_the_database_are_not_found(api, people, path):
    method = "POST" if path.startswith("tasks") else "GET"
    assert_error(api("lead").call(method, path, json={"action": "start"}), 404)


@pytest.mark.parametrize("body", [
    {"title": "a\x00b"}, {"description": "\ud83d"}, {"details": {"mailbox": "\x00"}},
])
def test_unstorable_text_is_refused_before_the_database(api, helpdesk, people, body):
    from tests.api.conftest import sample_details

    full = {"category": "email_admin", "title": "t",
            "details": sample_details(helpdesk, "email_admin"), **body}
    error = assert_error(api("employee").post("requests", full), 422)
    assert error["fields"]
    assert api("lead").get("requests").get_json()["total"] == 0


def test_unstorable_filters_and_comments_are_refused(api, file_request):
    req = file_request()
    assert_error(api("lead").get("requests?q=%00"), 422)
    assert_error(api("lead").get("requests?assignee=a%00"), 422)
    assert_error(api("employee").post(f"requests/{req['id']}/comments", {"body": "x\x00"}), 422)
    assert_error(api("employee").post(f"requests/{req['id']}/escalate",
                                      {"reason": "\udfff"}), 422)
