"""Signing in: lockout without account enumeration, sessions renewed and ended, safe "next"."""

from __future__ import annotations

import re
import statistics
import time
from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore import NotFound, clock
from hdcore import security as hashing
from hdcore import services as svc
from hdcore.models import LoginThrottle, User

START = datetime(2026, 6, 1, 2, 0, tzinfo=UTC)
WRONG = "Wrong user name or password."
LOCKED = "Too many failed sign-ins"


def page_text(resp: Any) -> str:
    """The page without its CSRF token (which differs on every page)."""
    html = resp.get_data(as_text=True)
    return re.sub(r'name="csrf_token"[^>]*value="[^"]+"', "", html)


def test_unknown_name_and_wrong_password_get_the_same_answer(people: SimpleNamespace,
                                                             visitor: Any) -> None:
    known = visitor().login("zhang.wei", "not-his-password")
    unknown = visitor().login("nobody.here", "not-his-password")
    assert known.status_code == unknown.status_code == 200
    assert WRONG in known.get_data(as_text=True)
    # Same page, word for word, but for the name typed back into the form.
    assert page_text(known).replace("zhang.wei", "X") == page_text(unknown).replace(
        "nobody.here", "X")


def test_unknown_names_cost_a_password_hash_too(session: Session, people: SimpleNamespace,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = hashing._hasher
    dummy = hashing._dummy_hash()  # made with the real hasher, at the first sign-in

    class Counting:
        def verify(self, stored: str, password: str) -> bool:
            calls.append(stored)
            return real.verify(stored, password)

    monkeypatch.setattr(hashing, "_hasher", Counting())
    assert svc.sign_in(session, "zhang.wei", "wrong", address="192.0.2.1") is None
    assert svc.sign_in(session, "nobody.here", "wrong", address="192.0.2.1") is None
    assert len(calls) == 2 and calls[1] == dummy


def test_unknown_and_known_names_take_about_as_long(session: Session,
                                                    people: SimpleNamespace) -> None:
    def timing(name: str) -> float:
        runs = []
        for _ in range(9):
            started = time.perf_counter()
            svc.authenticate(session, name, "wrong password")
            runs.append(time.perf_counter() - started)
        return statistics.median(runs)

    timing("zhang.wei")  # warm up
    known, unknown = timing("zhang.wei"), timing("nobody.here")
    assert 0.4 < unknown / known < 2.5, (known, unknown)


def test_an_account_is_locked_after_five_failures_then_free_again(
        session: Session, people: SimpleNamespace, visitor: Any) -> None:
    with clock.frozen(START) as clk:
        v = visitor()
        answers = [v.login("zhang.wei", f"guess-{i}") for i in range(5)]
        assert [a.status_code for a in answers] == [200, 200, 200, 200, 429]
        assert LOCKED in answers[-1].get_data(as_text=True)
        assert answers[-1].headers["Retry-After"] == str(15 * 60)
        # Locked: even the right password, from another address, is refused.
        right = visitor("198.51.100.7").login("zhang.wei", "demo")
        assert right.status_code == 429
        assert "/login" in v.get("/me").location
        clk.advance(minutes=15, seconds=1)
        assert visitor().login("zhang.wei", "demo").status_code == 302
        session.expire_all()
        # A success forgets the account's failures.
        assert session.scalar(select(LoginThrottle).where(
            LoginThrottle.kind == "account", LoginThrottle.key == "zhang.wei")) is None


def test_unknown_names_lock_exactly_like_real_ones(people: SimpleNamespace,
                                                   visitor: Any) -> None:
    with clock.frozen(START):
        real = [visitor().login("zhang.wei", "x").status_code for _ in range(6)]
        fake = [visitor().login("no.such.person", "x").status_code for _ in range(6)]
        assert real == fake == [200, 200, 200, 200, 429, 429]
        a = visitor().login("zhang.wei", "x")
        b = visitor().login("no.such.person", "x")
        assert page_text(a).replace("zhang.wei", "X") == page_text(b).replace(
            "no.such.person", "X")


def test_one_address_guessing_many_names_is_held_back(people: SimpleNamespace,
                                                      visitor: Any) -> None:
    with clock.frozen(START):
        attacker = visitor("203.0.113.66")
        statuses = [attacker.login(f"name{i}", "123456").status_code for i in range(20)]
        assert statuses[:19] == [200] * 19 and statuses[19] == 429
        # The address is held back, even for a real account's right password...
        assert attacker.login("liu.yang", "demo").status_code == 429
        # ...while everyone else signs in as usual.
        assert visitor("192.0.2.44").login("liu.yang", "demo").status_code == 302


def test_failures_spread_over_time_never_lock(people: SimpleNamespace, visitor: Any) -> None:
    with clock.frozen(START) as clk:
        for _ in range(8):
            assert visitor().login("zhang.wei", "typo").status_code == 200
            clk.advance(minutes=16)
        assert visitor().login("zhang.wei", "demo").status_code == 302


def test_signing_in_starts_a_new_session(app: Flask, people: SimpleNamespace,
                                         visitor: Any) -> None:
    v = visitor()
    v.get("/login")
    with v.client.session_transaction() as sess:
        sess["planted"] = "by an attacker"
        before = dict(sess)
    assert v.login("zhang.wei").status_code == 302
    with v.client.session_transaction() as sess:
        assert "planted" not in sess
        assert sess["_user_id"] == f"{people.employee.id}:1"
        assert sess.get("csrf_token") != before.get("csrf_token")


def test_signing_out_ends_the_session_even_for_a_copied_cookie(
        app: Flask, people: SimpleNamespace, visitor: Any) -> None:
    v = visitor()
    assert v.login("zhang.wei").status_code == 302
    stolen = v.cookie()
    other_device = visitor()
    assert other_device.login("zhang.wei").status_code == 302
    assert v.post("/logout", page="/me").status_code == 302
    thief = app.test_client()
    thief.set_cookie("session", stolen)
    resp = thief.get("/portal/")
    assert resp.status_code == 302 and "/login" in resp.location
    # Signing out ends the account's other sessions too.
    assert "/login" in other_device.get("/portal/").location


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(
        people: SimpleNamespace, visitor: Any) -> None:
    laptop, phone = visitor(), visitor()
    assert laptop.login("zhang.wei").status_code == 302
    assert phone.login("zhang.wei").status_code == 302
    resp = laptop.post("/me/password", {"current_password": "demo",
                                        "password": "a much longer one",
                                        "confirm": "a much longer one"}, page="/me")
    assert resp.status_code == 302
    assert laptop.get("/portal/").status_code == 200
    gone = phone.get("/portal/")
    assert gone.status_code == 302 and "/login" in gone.location


def test_an_administrators_reset_ends_the_users_sessions(session: Session,
                                                         people: SimpleNamespace,
                                                         visitor: Any) -> None:
    v = visitor()
    assert v.login("zhang.wei", remember="y").status_code == 302
    remember = v.cookie("remember_token")
    assert remember is not None
    svc.set_password(session, people.admin, people.employee, "new password 123")
    assert "/login" in v.get("/portal/").location
    # Nor does the "keep me signed in" cookie bring the old session back.
    again = visitor()
    again.client.set_cookie("remember_token", remember)
    assert "/login" in again.get("/portal/").location


def test_a_deactivated_account_is_signed_out(session: Session, people: SimpleNamespace,
                                             visitor: Any) -> None:
    v = visitor()
    assert v.login("zhang.wei").status_code == 302
    user = session.get(User, people.employee.id)
    user.is_active = False
    session.commit()
    assert "/login" in v.get("/portal/").location
    assert v.login("zhang.wei").status_code == 200


@pytest.mark.parametrize("target", [
    "https://evil.example/", "//evil.example/", "/\\evil.example/", "\\\\evil.example",
    "http:/evil.example", "javascript:alert(1)", "/\n/evil.example", "/\t/evil.example",
    " //evil.example", "evil.example",
])
def test_next_never_leaves_the_site(people: SimpleNamespace, visitor: Any,
                                    target: str) -> None:
    from urllib.parse import quote

    resp = visitor().login("zhang.wei", next_url=quote(target, safe=""))
    assert resp.status_code == 302
    assert resp.location in {"/", "http://localhost/"}, resp.location


def test_next_within_the_site_is_followed(people: SimpleNamespace, visitor: Any) -> None:
    resp = visitor().login("zhang.wei", next_url="/me/notifications")
    assert resp.location.endswith("/me/notifications")


def test_cookies_are_httponly_and_samesite(people: SimpleNamespace, visitor: Any) -> None:
    v = visitor()
    resp = v.login("zhang.wei", remember="y")
    cookies = resp.headers.getlist("Set-Cookie")
    assert cookies
    for cookie in cookies:
        assert "HttpOnly" in cookie, cookie
        assert "SameSite=Lax" in cookie, cookie


# -- API tokens ----------------------------------------------------------------------------


def test_tokens_are_stored_only_as_hashes(session: Session, people: SimpleNamespace) -> None:
    issued = svc.issue_token(session, people.employee, people.employee, name="laptop")
    session.commit()
    row = issued.token
    assert issued.secret not in (row.token_hash, row.prefix)
    assert row.token_hash == svc.tokens.hash_token(issued.secret)
    assert len(row.prefix) < len(issued.secret) // 3
    assert svc.authenticate_token(session, issued.secret).id == people.employee.id


def test_a_revoked_or_expired_token_is_refused(app: Flask, session: Session,
                                               people: SimpleNamespace) -> None:
    with clock.frozen(START) as clk:
        revoked = svc.issue_token(session, people.employee, people.employee, days=30)
        expiring = svc.issue_token(session, people.employee, people.employee, days=1)
        session.commit()
        client = app.test_client()

        def status(secret: str) -> int:
            return client.get("/api/v1/requests",
                              headers={"Authorization": f"Bearer {secret}"}).status_code

        assert status(revoked.secret) == status(expiring.secret) == 200
        svc.revoke_token(session, people.employee, revoked.token.prefix)
        session.commit()
        assert status(revoked.secret) == 401
        clk.advance(days=1, seconds=1)
        assert status(expiring.secret) == 401
        # Nobody revokes someone else's token.
        other = svc.issue_token(session, people.other, people.other)
        session.commit()
        with pytest.raises(NotFound):
            svc.revoke_token(session, people.employee, other.token.prefix)
        session.rollback()
        assert status(other.secret) == 200


def test_the_token_endpoint_is_rate_limited_alike_for_every_name(
        app: Flask, people: SimpleNamespace) -> None:
    with clock.frozen(START):
        client = app.test_client()

        def ask(name: str, password: str) -> Any:
            return client.post("/api/v1/auth/token", json={"username": name,
                                                            "password": password})

        real = [ask("zhang.wei", "guess").status_code for _ in range(5)]
        fake = [ask("not.a.user", "guess").status_code for _ in range(5)]
        assert real == fake == [401, 401, 401, 401, 429]
        locked = ask("zhang.wei", "demo")
        assert locked.status_code == 429 and locked.headers["Retry-After"]
        assert locked.get_json()["error"]["code"] == "too_many_attempts"
        assert ask("liu.yang", "demo").status_code == 200


def test_behind_a_load_balancer_the_lockout_follows_the_forwarded_address(
        helpdesk: Any, plugins: list[object], people: SimpleNamespace) -> None:
    from dataclasses import replace

    from hdcore import HelpDesk
    from web.app import create_app

    behind = HelpDesk(replace(helpdesk.settings, proxies=1), plugins=plugins)
    try:
        app = create_app(behind, {"TESTING": True})

        def login_from(client_address: str, username: str, password: str) -> int:
            # every request reaches the app from the balancer's own address
            client = app.test_client()
            env = {"REMOTE_ADDR": "10.0.0.5", "HTTP_X_FORWARDED_FOR": client_address}
            html = client.get("/login", environ_base=env).get_data(as_text=True)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
            assert token is not None
            return client.post("/login", environ_base=env, data={
                "username": username, "password": password,
                "csrf_token": token.group(1)}).status_code

        with clock.frozen(START):
            statuses = [login_from("203.0.113.66", f"name{i}", "x") for i in range(20)]
            assert statuses[-1] == 429
            # another client behind the same balancer is not held back with the attacker
            assert login_from("198.51.100.7", "liu.yang", "demo") == 302
    finally:
        behind.dispose()


def test_passwords_are_hashed_with_owasp_argon2id_and_old_hashes_upgrade(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    monkeypatch.delenv("HELPDESK_FAST_HASHING", raising=False)
    hasher = hashing._make_hasher()
    made = hasher.hash("correct horse")
    assert made.startswith("$argon2id$") and "m=7168,t=5,p=1" in made
    # a hash from before (argon2-cffi's default, 64 MiB) still signs in, and is redone
    old = PasswordHasher().hash("correct horse")
    assert hasher.verify(old, "correct horse")
    assert hasher.check_needs_rehash(old) and not hasher.check_needs_rehash(made)


@pytest.mark.parametrize("password", ["wrong", "demo"])
def test_a_sign_in_counts_when_someone_else_saved_meanwhile(
        helpdesk: Any, session: Session, people: SimpleNamespace,
        monkeypatch: pytest.MonkeyPatch, password: str) -> None:
    """While the password is checked, someone else saves something: the failure is still
    counted (a success still clears the name's earlier failure). On SQLite, a write that
    upgraded the sign-in's read snapshot would be refused at once ("database is locked")."""
    from hdcore.services import directory

    svc.sign_in(session, "zhang.wei", "wrong")  # one earlier failure
    real = directory.verify_password
    made = iter(range(100))

    def verify_while_someone_saves(stored: str | None, given: str) -> bool:
        with helpdesk.session_scope() as other:
            svc.create_department(other, None, code=f"D{next(made)}", name="Elsewhere",
                                  cost_centre="CC-900")
        return real(stored, given)

    monkeypatch.setattr(directory, "verify_password", verify_while_someone_saves)
    user = svc.sign_in(session, "zhang.wei", password, address="192.0.2.7")
    assert (user is not None) == (password == "demo")
    session.expire_all()
    failures = {(row.kind, row.key): row.failures for row in session.scalars(
        select(LoginThrottle))}
    if password == "demo":
        assert ("account", "zhang.wei") not in failures
    else:
        assert failures[("account", "zhang.wei")] == 2
        assert failures[("address", "192.0.2.7")] == 1
