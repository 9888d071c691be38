"""The access matrix: every route of the app, called anonymously and as every role against
someone else's objects, answers as declared in ``access_rules*.py``, and no page shows a role
what it may not see."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from werkzeug.test import TestResponse

from tests.security import access_rules
from tests.security.access_rules import LOGIN, OK, Rule
from tests.security.conftest import (
    MARK_INCIDENT,
    MARK_INTERNAL,
    MARK_KB_INTERNAL,
    MARK_PUBLIC,
    MARK_REQUEST,
    ROLES,
    World,
)
from tests.security.support import call, served_routes, to_login, url_for_rule

DECLARED = access_rules.all_rules()

#: Who may see each planted text; anyone else seeing it anywhere is a leak.
MARKERS = {
    MARK_REQUEST: set(access_rules.VIEWERS.split()),
    MARK_PUBLIC: set(access_rules.VIEWERS.split()),
    MARK_INTERNAL: set(access_rules.STAFF.split()),
    MARK_INCIDENT: {"employee", "tech", "lead", "manager", "admin"},
    # A published knowledge article meant for IT staff only.
    MARK_KB_INTERNAL: set(access_rules.STAFF.split()),
}

#: Answers that refuse the caller; an allowed role must never get one.
REFUSALS = {401, 403, 404, 405}


def check(rule: Rule, role: str | None, resp: TestResponse, *, done: bool = False) -> str | None:
    """What is wrong with ``resp`` (None: as declared); ``done``: an allowed role already
    did what the route does."""
    status = resp.status_code
    if status >= 500:
        return f"server error {status}"
    body = resp.get_data(as_text=True) if not resp.is_streamed else ""
    for mark, viewers in MARKERS.items():
        if mark in body and (role is None or role not in viewers):
            return f"shows {mark} (answered {status})"
    if role is None:
        if rule.anonymous == LOGIN:
            return None if to_login(resp) else f"{status}, expected a redirect to the login page"
        if rule.anonymous == OK:
            return None if status not in REFUSALS and not to_login(resp) else f"refused: {status}"
        return None if status == rule.anonymous else f"{status}, expected {rule.anonymous}"
    if role in rule.allowed:
        if rule.deletes and done and status == 404:
            return None  # already deleted by a colleague
        if rule.expect is not None:
            return None if status == rule.expect else f"{status}, expected {rule.expect}"
        if status in REFUSALS or to_login(resp):
            return f"refused: {status} {resp.location or ''}".strip()
        return None
    expected = rule.denial(role)
    return None if status in expected else f"{status}, expected {' or '.join(map(str, expected))}"


def test_every_route_is_declared(world_state: World) -> None:
    """A new route fails here until its expected answers are declared."""
    served = served_routes(world_state.app)
    missing = sorted(set(served) - set(DECLARED))
    assert not missing, "routes without a declaration in tests/security/access_*.py:\n" + \
        "\n".join(f"  {key}  {served[key].rule}" for key in missing)
    stale = sorted(set(DECLARED) - set(served))
    assert not stale, f"declared routes the app does not serve: {stale}"


@pytest.mark.parametrize("key", sorted(DECLARED))
def test_route_answers_as_declared(key: str, world_state: World, world: SimpleNamespace,
                                   role_cookies: dict[str | None, tuple[str, str]]) -> None:
    """Anonymous first, then every role from the least privileged up."""
    rule = DECLARED[key]
    served = served_routes(world_state.app)
    if key not in served:
        pytest.fail(f"{key} is declared but not served")
    url = url_for_rule(served[key], rule, world)
    problems = []
    done = False
    for role in (None, *ROLES):
        resp = call(world_state.app, world, role_cookies, role, rule.method, url)
        wrong = check(rule, role, resp, done=done)
        done = done or (role in rule.allowed and wrong is None)
        resp.close()
        if wrong:
            problems.append(f"{role or 'anonymous'}: {wrong}")
    assert not problems, f"{rule.method} {url}\n" + "\n".join(problems)


def test_the_planted_texts_are_shown_to_those_allowed(
    world_state: World, world: SimpleNamespace, role_cookies: dict[str | None, tuple[str, str]]
) -> None:
    """The leak check above looks for texts that really are on the pages of those allowed."""
    app, number = world_state.app, world.args["number"]

    def page(role: str, url: str) -> str:
        resp = call(app, world, role_cookies, role, "GET", url)
        assert resp.status_code == 200, (role, url)
        return resp.get_data(as_text=True)

    mine = page("employee", f"/portal/r/{number}")
    assert MARK_REQUEST in mine and MARK_PUBLIC in mine and MARK_INTERNAL not in mine
    assert MARK_INTERNAL in page("tech2", f"/desk/r/{number}")
    assert MARK_INCIDENT in page("tech", f"/desk/r/{world.incident.number}")
    assert MARK_INCIDENT in page("employee", f"/portal/r/{world.incident.number}")
    assert MARK_KB_INTERNAL in page("tech", f"/kb/a/{world.staff_article.id}")


def test_routes_naming_the_incident_hide_it(
    world_state: World, world: SimpleNamespace,
    role_cookies: dict[str | None, tuple[str, str]],
) -> None:
    """Every route naming a request, called with the security incident: the department head
    and the other technician (allowed on the employee's ordinary request) are refused (404, or
    as on the ordinary request), and no answer shows them the incident."""
    number = world.incident.number
    problems, checked = [], 0
    for key, url_rule in sorted(served_routes(world_state.app).items()):
        rule = DECLARED.get(key)
        if rule is None or not {"number", "request_id"} & set(url_rule.arguments):
            continue
        args = {**rule.args, "number": lambda w: number, "request_id": lambda w: number}
        url = url_for_rule(url_rule, Rule(**{**rule.__dict__, "args": args}), world)
        for role in ("head", "tech2"):
            resp = call(world_state.app, world, role_cookies, role, rule.method, url)
            # The API checks a body before it looks the request up (as for one that does not
            # exist): the empty body may be refused first.
            refusals = {404, *rule.denial(role)} | ({422, 428} if key.startswith("api_") else set())
            if resp.status_code not in refusals:
                problems.append(f"{rule.method} {url} {role}: {resp.status_code}")
            if MARK_INCIDENT in resp.get_data(as_text=True):
                problems.append(f"{rule.method} {url} {role}: shows the incident")
            resp.close()
        checked += 1
    assert checked >= 30
    assert not problems, "\n".join(problems)


def test_every_form_post_needs_its_csrf_token(
    world_state: World, world: SimpleNamespace, role_cookies: dict[str | None, tuple[str, str]]
) -> None:
    """Without the token, every page POST is refused (400) before it does anything, even for
    an administrator; only the API (bearer tokens, no cookies) does without one."""
    problems, checked = [], 0
    for key, url_rule in sorted(served_routes(world_state.app).items()):
        rule = DECLARED.get(key)
        if rule is None or rule.method != "POST" or key.startswith("api_"):
            continue
        url = url_for_rule(url_rule, rule, world)
        for role in ("admin", None):
            resp = call(world_state.app, world, role_cookies, role, "POST", url, csrf=False)
            if resp.status_code != 400:
                problems.append(f"POST {url} as {role or 'anonymous'}: {resp.status_code}")
            resp.close()
        checked += 1
    assert checked >= 40
    assert not problems, "\n".join(problems)


#: Searches and suggestions whose words match the hidden objects' texts.
SEARCHES = (
    "/kb/?q=VPN", "/kb/suggest.json?q=VPN+appliance", "/api/v1/kb/articles?q=VPN",
    "/kb/?q=Mailbox&in=requests", "/kb/?q=Strange+logins&in=requests", "/forum/?q=Mailbox",
    "/api/v1/requests?q=Mailbox", "/api/v1/requests?q=Strange", "/desk/?scope=all&text=Strange",
    "/portal/?q=Mailbox", "/dispatch/people?q=zhang",
)


def test_searches_show_nothing_hidden(
    world_state: World, world: SimpleNamespace, role_cookies: dict[str | None, tuple[str, str]]
) -> None:
    """Search results and suggestions (pages and API), for every role, hold none of the
    texts that role may not see; and staff do find the internal article."""
    problems = []
    for url in SEARCHES:
        for role in ROLES:
            resp = call(world_state.app, world, role_cookies, role, "GET", url)
            body = resp.get_data(as_text=True)
            resp.close()
            problems += [f"{url} as {role}: shows {mark}" for mark, viewers in MARKERS.items()
                         if mark in body and role not in viewers]
    assert not problems, "\n".join(problems)
    found = call(world_state.app, world, role_cookies, "tech", "GET", "/kb/?q=VPN")
    assert MARK_KB_INTERNAL in found.get_data(as_text=True)
