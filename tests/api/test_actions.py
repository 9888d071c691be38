"""What the API does to a request: assign, workflow steps, comments, tasks, escalation, closing,
reopening, rating and the history; for each role, with its refusals."""

from __future__ import annotations

import json

import pytest

from tests.api.conftest import assert_error


@pytest.fixture
def assigned(api, file_request) -> dict:
    """An e-mail request of the employee, assigned to the technician Li Na."""
    req = file_request()
    resp = api("lead").post(f"requests/{req['id']}/assign", {"assignee": "li.na",
                                                            "reason": "mail is hers"})
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


def step(client, req: dict, name: str, **fields):
    return client.post(f"requests/{req['id']}/transitions", {"transition": name, **fields})


def resolved(api, req: dict) -> dict:
    assert step(api("tech"), req, "start").status_code == 200
    resp = step(api("tech"), req, "resolve", resolution="Re-added the account on the phone.")
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()


# -- assign ---------------------------------------------------------------------------------------


def test_the_lead_assigns_and_the_request_becomes_assigned(api, assigned):
    assert assigned["status"] == "assigned"
    assert assigned["assignee"]["username"] == "li.na"
    events = api("lead").get(f"requests/{assigned['id']}/events").get_json()["items"]
    assert events[-1]["kind"] == "assigned" and events[-1]["data"] == {"reason": "mail is hers"}


def test_assignment_refusals(api, file_request):
    req = file_request()
    url = f"requests/{req['id']}/assign"
    assert_error(api("employee").post(url, {"assignee": "li.na"}), 403)
    assert_error(api("other").post(url, {"assignee": "li.na"}), 404)
    error = assert_error(api("lead").post(url, {"assignee": "zhang.wei", "group": "Nobody"}), 422)
    assert set(error["fields"]) == {"assignee", "group"}
    assert set(assert_error(api("lead").post(url, {}), 422)["fields"]) == {"assignee"}
    stale = api("lead").post(url, {"group": "Applications"}, headers={"If-Match": '"99"'})
    assert_error(stale, 409, "conflict")
    # A technician takes an unassigned request for themselves, but gives none away.
    assert_error(api("tech").post(url, {"assignee": "zhao.lei"}), 403)
    taken = api("tech").post(url, {"assignee": "li.na"},
                             headers={"If-Match": f'"{req["version"]}"'})
    assert taken.status_code == 200 and taken.get_json()["assignee"]["username"] == "li.na"


# -- workflow steps -------------------------------------------------------------------------------


def test_steps_with_their_fields(api, assigned):
    started = step(api("tech"), assigned, "start")
    assert started.status_code == 200 and started.get_json()["status"] == "in_progress"
    assert started.headers["ETag"] == f'"{started.get_json()["version"]}"'
    missing = assert_error(step(api("tech"), assigned, "resolve"), 422)
    assert set(missing["fields"]) == {"resolution"}
    done = step(api("tech"), assigned, "resolve", resolution="Fixed the profile.")
    body = done.get_json()
    assert body["status"] == "resolved" and body["resolution"] == "Fixed the profile."
    assert "reopen" in {t["name"] for t in body["transitions"]}
    lead_view = api("lead").get(f"requests/{assigned['id']}").get_json()
    assert {"reopen", "force_close", "close"} <= {t["name"] for t in lead_view["transitions"]}


def test_a_step_the_workflow_refuses_lists_the_allowed_ones(api, assigned):
    error = assert_error(step(api("tech"), assigned, "close"), 409, "transition_refused")
    assert set(error["allowed"]) >= {"start", "resolve", "wait_requester"}
    assert "close" not in error["allowed"]
    unknown = assert_error(step(api("tech"), assigned, "teleport"), 409, "transition_refused")
    assert unknown["allowed"] == error["allowed"]
    # What a role may not do is refused as such, with the steps that role has.
    forbidden = assert_error(step(api("employee"), assigned, "start"), 403)
    assert "start" not in forbidden["allowed"] and "cancel" in forbidden["allowed"]


def test_a_stale_step_is_refused(api, assigned):
    resp = api("tech").post(f"requests/{assigned['id']}/transitions", {"transition": "start"},
                            headers={"If-Match": f'"{assigned["version"] - 1}"'})
    assert_error(resp, 409, "conflict")
    resp = api("tech").post(f"requests/{assigned['id']}/transitions", {"transition": "start"},
                            headers={"If-Match": f'"{assigned["version"]}"'})
    assert resp.status_code == 200


def test_the_step_name_is_required(api, assigned):
    error = assert_error(api("tech").post(f"requests/{assigned['id']}/transitions", {}), 422)
    assert set(error["fields"]) == {"transition"}


# -- comments and what employees never see -------------------------------------------------------


def test_comments_public_and_internal(api, assigned):
    url = f"requests/{assigned['id']}/comments"
    reply = api("employee").post(url, {"body": "It started on Monday."})
    assert reply.status_code == 201
    assert reply.get_json()["internal"] is False
    assert reply.get_json()["author"]["username"] == "zhang.wei"
    assert_error(api("employee").post(url, {"body": "psst", "internal": True}), 403)
    note = api("tech").post(url, {"body": "Exchange log shows 535 errors.", "internal": True})
    assert note.status_code == 201 and note.get_json()["internal"] is True
    assert set(assert_error(api("tech").post(url, {"body": ""}), 422)["fields"]) == {"body"}
    assert_error(api("other").post(url, {"body": "hello"}), 404)

    for role in ("tech", "lead", "manager"):
        bodies = [c["body"] for c in api(role).get(f"requests/{assigned['id']}").get_json()[
            "comments"]]
        assert "Exchange log shows 535 errors." in bodies


def test_internal_notes_tasks_and_events_never_reach_employees(api, assigned):
    rid = assigned["id"]
    api("tech").post(f"requests/{rid}/comments", {"body": "SECRET-NOTE", "internal": True})
    task = api("tech").post(f"requests/{rid}/tasks", {"title": "SECRET-TASK"}).get_json()
    api("tech").post(f"tasks/{task['id']}/transitions", {"action": "start"})
    api("tech").post(f"requests/{rid}/comments", {"body": "We are on it."})

    for role in ("employee", "head"):  # the requester and their department's head
        client = api(role)
        seen = json.dumps([client.get(f"requests/{rid}").get_json(),
                           client.get(f"requests/{rid}/events").get_json(),
                           client.get("requests").get_json()], ensure_ascii=False)
        assert "SECRET-NOTE" not in seen and "SECRET-TASK" not in seen, role
        assert "We are on it." in seen
        detail = client.get(f"requests/{rid}").get_json()
        assert detail["tasks"] == []
        events = client.get(f"requests/{rid}/events").get_json()["items"]
        assert all(e["public"] for e in events)
        assert not any(e["kind"].startswith("task_") for e in events)
        assert_error(client.post(f"tasks/{task['id']}/transitions", {"action": "complete"}), 404)

    staff_events = api("lead").get(f"requests/{rid}/events").get_json()["items"]
    kinds = [e["kind"] for e in staff_events]
    assert "task_created" in kinds and "task_start" in kinds
    notes = [e["comment"]["body"] for e in staff_events if e["comment"]]
    assert notes == ["SECRET-NOTE", "We are on it."]


def test_employees_cannot_write_on_a_closed_request(api, assigned):
    resolved(api, assigned)
    assert api("employee").post(f"requests/{assigned['id']}/close").status_code == 200
    error = assert_error(api("employee").post(f"requests/{assigned['id']}/comments",
                                              {"body": "One more thing"}), 409)
    assert "closed" in error["message"]


# -- tasks ----------------------------------------------------------------------------------------


def test_tasks_are_added_and_moved_by_it_staff(api, assigned):
    rid = assigned["id"]
    first = api("tech").post(f"requests/{rid}/tasks", {
        "title": "Reset the phone profile", "assignee": "li.na",
        "due_at": "2030-01-31T18:00:00+08:00"})
    assert first.status_code == 201, first.get_json()
    first = first.get_json()
    assert first["status"] == "open" and first["assignee"]["username"] == "li.na"
    assert first["due_at"] == "2030-01-31T10:00:00+00:00"  # every time is given in UTC
    second = api("lead").post(f"requests/{rid}/tasks", {
        "title": "Check with the user", "depends_on": [first["id"]]}).get_json()
    assert second["depends_on"] == [first["id"]] and second["blocked"] is True

    blocked = assert_error(api("tech").post(f"tasks/{second['id']}/transitions",
                                            {"action": "start"}), 409, "transition_refused")
    assert "Reset the phone profile" in blocked["message"]
    started = api("tech").post(f"tasks/{first['id']}/transitions", {"action": "start"})
    assert started.status_code == 200 and started.get_json()["status"] == "in_progress"
    assert started.headers["ETag"] == f'"{started.get_json()["version"]}"'
    stale = api("tech").post(f"tasks/{first['id']}/transitions", {"action": "complete"},
                             headers={"If-Match": f'"{first["version"]}"'})
    assert_error(stale, 409, "conflict")
    done = api("tech").post(f"tasks/{first['id']}/transitions", {"action": "complete",
                                                                "note": "done on site"})
    assert done.get_json()["status"] == "done"
    reopened = api("tech").post(f"tasks/{first['id']}/transitions", {"action": "reopen"})
    assert reopened.get_json()["status"] == "open"
    assert api("tech").post(f"tasks/{second['id']}/transitions",
                            {"action": "cancel"}).get_json()["status"] == "cancelled"
    tasks = api("tech").get(f"requests/{rid}").get_json()["tasks"]
    assert [t["title"] for t in tasks] == ["Reset the phone profile", "Check with the user"]


def test_task_refusals(api, assigned, file_request):
    rid = assigned["id"]
    assert_error(api("employee").post(f"requests/{rid}/tasks", {"title": "Mine"}), 403)
    assert_error(api("tech2").post(f"requests/{rid}/tasks", {"title": "Not my group"}), 403)
    error = assert_error(api("tech").post(f"requests/{rid}/tasks", {
        "title": "", "assignee": "zhang.wei", "due_at": "2030-01-31T18:00:00"}), 422)
    assert set(error["fields"]) == {"due_at"}  # a time without its zone is a shape error
    error = assert_error(api("tech").post(f"requests/{rid}/tasks", {
        "title": " ", "assignee": "zhang.wei"}), 422)
    assert set(error["fields"]) == {"title", "assignee"}
    other = file_request("other")
    foreign = api("lead").post(f"requests/{other['id']}/tasks", {"title": "x"}).get_json()
    error = assert_error(api("tech").post(f"requests/{rid}/tasks", {
        "title": "Depends elsewhere", "depends_on": [foreign["id"]]}), 422)
    assert set(error["fields"]) == {"depends_on"}
    task = api("tech").post(f"requests/{rid}/tasks", {"title": "t"}).get_json()
    error = assert_error(api("tech").post(f"tasks/{task['id']}/transitions",
                                          {"action": "explode"}), 422)
    assert set(error["fields"]) == {"action"}
    assert_error(api("tech2").post(f"tasks/{task['id']}/transitions", {"action": "start"}), 403)
    assert_error(api("tech").post("tasks/999999/transitions", {"action": "start"}), 404)
    assert_error(api("tech").post("tasks/99999999999/transitions", {"action": "start"}), 404)


# -- escalate, close, reopen, rate ----------------------------------------------------------------


def test_escalation_by_the_requester_and_the_technician(api, assigned):
    url = f"requests/{assigned['id']}/escalate"
    first = api("employee").post(url, {"reason": "Month-end close is tomorrow."})
    assert first.status_code == 200 and first.get_json()["escalation_level"] == 1
    assert api("tech").post(url, {"reason": "Needs the mail vendor."}).get_json()[
        "escalation_level"] == 2
    assert set(assert_error(api("employee").post(url, {"reason": ""}), 422)["fields"]) == {
        "reason"}
    assert_error(api("tech2").post(url, {"reason": "Not mine"}), 403)
    assert_error(api("other").post(url, {"reason": "Not mine"}), 404)


def test_close_reopen_and_rate(api, assigned):
    rid = assigned["id"]
    early = assert_error(api("employee").post(f"requests/{rid}/close"), 409,
                         "transition_refused")
    assert "close" not in early["allowed"]
    assert_error(api("employee").post(f"requests/{rid}/rating", {"score": 5}), 409)
    resolved(api, assigned)

    assert_error(api("tech").post(f"requests/{rid}/close"), 403)
    reopened = api("employee").post(f"requests/{rid}/reopen", {"reason": "Still no mail."})
    assert reopened.status_code == 200 and reopened.get_json()["status"] == "in_progress"
    assert "Still no mail." in [c["body"] for c in reopened.get_json()["comments"]]
    assert set(assert_error(api("employee").post(f"requests/{rid}/reopen", {}), 422)[
        "fields"]) == {"reason"}
    resolved_again = step(api("tech"), reopened.get_json(), "resolve", resolution="Really fixed.")
    version = resolved_again.get_json()["version"]

    stale = api("employee").post(f"requests/{rid}/close", headers={"If-Match": '"1"'})
    assert_error(stale, 409, "conflict")
    closed = api("employee").post(f"requests/{rid}/close", {},
                                  headers={"If-Match": f'"{version}"'})
    assert closed.status_code == 200 and closed.get_json()["status"] == "closed"

    assert_error(api("tech").post(f"requests/{rid}/rating", {"score": 5}), 403)
    bad = assert_error(api("employee").post(f"requests/{rid}/rating", {"score": 6}), 422)
    assert set(bad["fields"]) == {"score"}
    assert_error(api("employee").post(f"requests/{rid}/rating", {"score": "5"}), 422)
    rated = api("employee").post(f"requests/{rid}/rating", {"score": 4, "comment": "Quick."})
    assert rated.status_code == 200
    assert (rated.get_json()["rating"], rated.get_json()["rating_comment"]) == (4, "Quick.")
    assert_error(api("employee").post(f"requests/{rid}/rating", {"score": 5}), 409, "conflict")


def test_supervisors_reopen_closed_requests(api, assigned):
    resolved(api, assigned)
    api("employee").post(f"requests/{assigned['id']}/close")
    resp = api("manager").post(f"requests/{assigned['id']}/reopen", {"reason": "Audit found it"})
    assert resp.status_code == 200 and resp.get_json()["status"] == "in_progress"


# -- history --------------------------------------------------------------------------------------


def test_history_in_order_with_actors_and_comments(api, assigned):
    rid = assigned["id"]
    api("employee").post(f"requests/{rid}/comments", {"body": "Any news?"})
    events = api("employee").get(f"requests/{rid}/events").get_json()["items"]
    assert [e["kind"] for e in events] == ["created", "assigned", "comment"]
    assert events[0]["actor"]["username"] == "zhang.wei"
    assert events[1]["changes"]["status"] == ["new", "assigned"]
    assert events[2]["comment"]["body"] == "Any news?"
    assert events == sorted(events, key=lambda e: (e["at"], e["id"]))
    assert_error(api("other").get(f"requests/{rid}/events"), 404)
    assert_error(api().get(f"requests/{rid}/events"), 401)
