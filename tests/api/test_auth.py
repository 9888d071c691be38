"""Signing in to the API: tokens for passwords, bearer tokens on every call, never cookies."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from hdcore import clock
from hdcore import services as svc
from hdcore.models import ApiToken
from tests.api.conftest import ROLES, ApiClient, assert_error
from tests.web.conftest import Browser

START = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def sign_in(api, username: str, password: str = "demo", **extra):
    return api().post("auth/token", {"username": username, "password": password, **extra})


@pytest.mark.parametrize("role", ROLES)
def test_every_role_exchanges_its_password_for_a_working_token(api, people, role):
    username = getattr(people, role).username
    resp = sign_in(api, username, name="my script")
    assert resp.status_code == 200, resp.get_json()
    body = resp.get_json()
    assert body["token"].startswith("hd_") and body["token"].startswith(body["prefix"])
    expires = datetime.fromisoformat(body["expires_at"])
    assert timedelta(days=89) < expires - datetime.now(UTC) <= timedelta(days=90)

    client = ApiClient(api().client, body["token"])
    mine = client.get("requests")
    assert mine.status_code == 200 and mine.get_json()["total"] == 0


def test_only_the_hash_of_a_token_is_stored(api, people, session):
    secret = sign_in(api, "zhang.wei", name="phone app").get_json()["token"]
    row = session.scalars(select(ApiToken).where(ApiToken.name == "phone app")).one()
    assert row.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (row.token_hash, row.prefix, row.name)
    assert row.prefix == secret[:11] and row.user_id == people.employee.id


def test_wrong_password_and_unknown_user_are_refused_alike(api, people):
    wrong = assert_error(sign_in(api, "zhang.wei", "nope"), 401, "invalid_credentials")
    unknown = assert_error(sign_in(api, "nobody", "demo"), 401, "invalid_credentials")
    assert wrong["message"] == unknown["message"] == "Wrong user name or password."


def test_a_deactivated_account_gets_no_token(api, people, session):
    svc.update_user(session, None, people.other, active=False)
    assert_error(sign_in(api, "liu.yang"), 401, "invalid_credentials")


def test_missing_credentials_are_named(api, people):
    error = assert_error(api().post("auth/token", {"username": ""}), 422, "validation_failed")
    assert set(error["fields"]) == {"username", "password"}
    error = assert_error(api().post("auth/token", {"username": "a", "password": "b",
                                                   "role": "admin"}), 422)
    assert set(error["fields"]) == {"role"}


@pytest.mark.parametrize("path", ["categories", "requests", "requests/1", "requests/1/events"])
def test_calls_without_a_token_are_refused_with_a_bearer_challenge(api, people, path):
    resp = api().get(path)
    error = assert_error(resp, 401, "unauthorized")
    assert resp.headers["WWW-Authenticate"].startswith("Bearer")
    assert "Authorization: Bearer" in error["message"]


@pytest.mark.parametrize("header", ["Basic emhhbmcud2VpOmRlbW8=", "Bearer", "Bearer hd_short",
                                    "Bearer hd_" + "x" * 43, "Token abc"])
def test_malformed_or_unknown_tokens_are_refused(api, people, header):
    resp = api().get("requests", headers={"Authorization": header})
    assert_error(resp, 401)
    assert resp.headers["WWW-Authenticate"].startswith('Bearer realm="helpdesk"')
    assert "error=" in resp.headers["WWW-Authenticate"]


def test_a_token_stops_working_when_it_expires(app, people, session):
    with clock.frozen(START) as clk:
        secret = svc.issue_token(session, None, people.employee, days=1).secret
        client = ApiClient(app.test_client(), secret)
        assert client.get("requests").status_code == 200
        clk.advance(hours=23, minutes=59)
        assert client.get("requests").status_code == 200
        clk.advance(minutes=1)
        error = assert_error(client.get("requests"), 401, "invalid_token")
        assert error["message"] == "The token has expired."


def test_a_revoked_token_stops_working_at_once_and_others_go_on(app, people, session, tokens):
    extra = svc.issue_token(session, None, people.employee, name="second").secret
    client = ApiClient(app.test_client(), extra)
    assert client.get("requests").status_code == 200
    svc.revoke_token(session, people.employee, extra[:11])
    error = assert_error(client.get("requests"), 401, "invalid_token")
    assert error["message"] == "The token was revoked."
    assert ApiClient(app.test_client(), tokens["employee"]).get("requests").status_code == 200


def test_deactivating_an_account_refuses_its_tokens(api, people, session):
    client = api("other")
    assert client.get("requests").status_code == 200
    svc.update_user(session, None, people.other, active=False)
    error = assert_error(client.get("requests"), 401, "invalid_token")
    assert "deactivated" in error["message"]


def test_last_use_is_recorded_at_most_once_a_minute(app, people, session):
    def last_used() -> datetime | None:
        session.rollback()  # end any read snapshot: see what the app committed since
        session.refresh(issued.token)
        return issued.token.last_used_at

    with clock.frozen(START) as clk:
        issued = svc.issue_token(session, None, people.tech)
        client = ApiClient(app.test_client(), issued.secret)
        assert last_used() is None
        client.get("categories")
        assert last_used() == START
        clk.advance(seconds=30)
        client.get("categories")
        assert last_used() == START
        clk.advance(seconds=31)
        client.get("categories")
        assert last_used() == START + timedelta(seconds=61)


def test_a_signed_in_browser_session_is_not_accepted_by_the_api(app, people):
    browser = Browser(app.test_client())
    assert browser.login("wang.fang").status_code == 302
    assert browser.get("/dispatch/").status_code in (200, 302)  # the cookie works on pages
    resp = browser.client.get("/api/v1/requests")
    assert_error(resp, 401, "unauthorized")
    assert "Set-Cookie" not in resp.headers


def test_the_token_decides_who_calls_even_with_a_session_cookie(app, people, tokens):
    browser = Browser(app.test_client())
    browser.login("wang.fang")  # the lead's cookie...
    resp = browser.client.post("/api/v1/requests/1/assign", json={"assignee": "li.na"},
                               headers={"Authorization": f"Bearer {tokens['employee']}"})
    assert_error(resp, 404)  # ...but the employee's token: no such request for them


def test_writes_need_no_csrf_token(api, people, helpdesk):
    from tests.api.conftest import sample_details

    resp = api("employee").post("requests", {
        "category": "email_admin", "title": "Mailbox full",
        "details": sample_details(helpdesk, "email_admin")})
    assert resp.status_code == 201
