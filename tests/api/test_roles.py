"""Every endpoint, called by every role, on a request of the employee assigned to Li Na: who gets
what answer. (The other test modules check what each answer holds.)"""

from __future__ import annotations

import pytest

from tests.api.conftest import ApiClient, assert_error, sample_details

ROLE_COLUMNS = ("employee", "other", "head", "tech", "tech2", "lead", "manager", "admin", None)

#: (label, method, path, body) and the status each role gets, in ROLE_COLUMNS' order:
#: employee (the requester), other (an employee elsewhere), head (of the requester's
#: department), tech (the assignee), tech2 (another technician), lead, manager, admin, nobody.
#: The calls run in this order on one request, so later ones see what earlier ones did.
MATRIX = [
    ("categories", "GET", "categories", None,
     (200, 200, 200, 200, 200, 200, 200, 200, 401)),
    ("list", "GET", "requests", None,
     (200, 200, 200, 200, 200, 200, 200, 200, 401)),
    ("file", "POST", "requests", "new",
     (201, 201, 201, 201, 201, 201, 201, 201, 401)),
    ("read", "GET", "requests/{r}", None,
     (200, 404, 200, 200, 200, 200, 200, 200, 401)),
    ("edit", "PATCH", "requests/{r}", {"priority": "high"},
     (403, 404, 403, 200, 403, 200, 200, 200, 401)),
    ("comment", "POST", "requests/{r}/comments", {"body": "Any news?"},
     (201, 404, 201, 201, 201, 201, 201, 201, 401)),
    ("internal note", "POST", "requests/{r}/comments", {"body": "n", "internal": True},
     (403, 404, 403, 201, 201, 201, 201, 201, 401)),
    ("add task", "POST", "requests/{r}/tasks", {"title": "Check the phone"},
     (403, 404, 403, 201, 403, 201, 201, 201, 401)),
    ("move task", "POST", "tasks/{t}/transitions", {"action": "start"},
     (404, 404, 404, 200, 403, 200, 200, 200, 401)),
    ("escalate", "POST", "requests/{r}/escalate", {"reason": "Urgent"},
     (200, 404, 403, 200, 403, 200, 200, 200, 401)),
    ("step", "POST", "requests/{r}/transitions", {"transition": "start"},
     (403, 404, 403, 200, 403, 200, 200, 200, 401)),
    ("history", "GET", "requests/{r}/events", None,
     (200, 404, 200, 200, 200, 200, 200, 200, 401)),
    ("close too early", "POST", "requests/{r}/close", None,
     (409, 404, 409, 409, 409, 409, 409, 409, 401)),
    ("reopen an open request", "POST", "requests/{r}/reopen", {"reason": "again"},
     (409, 404, 409, 409, 409, 409, 409, 409, 401)),
    ("rate an open request", "POST", "requests/{r}/rating", {"score": 5},
     (409, 404, 403, 403, 403, 403, 403, 403, 401)),
    ("assign", "POST", "requests/{r}/assign", {"group": "Applications"},
     (403, 404, 403, 200, 403, 200, 200, 200, 401)),
]


@pytest.mark.parametrize("role", ROLE_COLUMNS, ids=lambda r: r or "anonymous")
def test_each_role_gets_the_answer_its_rights_give(api, helpdesk, role):
    lead = api("lead")
    req = api("employee").post("requests", {
        "category": "email_admin", "title": "Phone gets no mail",
        "details": sample_details(helpdesk, "email_admin")}).get_json()
    lead.post(f"requests/{req['id']}/assign", {"assignee": "li.na"})
    task = lead.post(f"requests/{req['id']}/tasks", {"title": "Call the user"}).get_json()
    client: ApiClient = api(role)
    column = ROLE_COLUMNS.index(role)

    for label, method, path, body, expected in MATRIX:
        url = path.format(r=req["id"], t=task["id"])
        headers = {}
        if method == "PATCH":
            current = lead.get(url).get_json()["version"]
            headers["If-Match"] = f'"{current}"'
        if body == "new":
            body = {"category": "email_admin", "title": f"Filed by {role}",
                    "details": sample_details(helpdesk, "email_admin")}
        resp = client.call(method, url, body, headers=headers)
        want = expected[column]
        assert resp.status_code == want, (label, role, resp.get_json())
        if want >= 400:
            assert_error(resp, want)
