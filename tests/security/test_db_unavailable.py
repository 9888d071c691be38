"""The database out of reach: pages and the API answer 503 and recover by themselves; the
worker waits and tries again without losing or repeating its work.

The outage is real: the test PostgreSQL server is stopped (connections are refused) and
started again; the SQLite file's folder disappears (the file cannot be opened) and comes back;
another process holds SQLite's write lock beyond the busy timeout. The same app and the same
worker object are used before, during and after, with no restart.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from hdcore import HelpDesk, clock, worker
from hdcore import services as svc
from hdcore.models import OutboxMessage
from tests.core.sample_plugin import LoanPlugin
from tests.security.support import wait_for
from tests.web.conftest import Browser
from web.app import create_app

MESSAGE_EN = "The help desk cannot reach its database at the moment."
MESSAGE_ZH = "服务台暂时无法连接数据库"


@pytest.fixture
def plugins() -> list[object]:
    return [LoanPlugin()]


@pytest.fixture
def app(helpdesk: HelpDesk) -> Flask:
    return create_app(helpdesk, {"TESTING": True})


@pytest.fixture
def outage(request: pytest.FixtureRequest, helpdesk: HelpDesk,
           database_url: str) -> Callable[[], contextlib.AbstractContextManager[None]]:
    """``with outage(): ...``: the test's database cannot be reached inside the block."""
    if database_url.startswith("postgresql"):
        server = request.getfixturevalue("postgres_server")
        return server.unreachable

    @contextlib.contextmanager
    def folder_gone() -> Iterator[None]:
        # The folder holding the file goes away (an unmounted volume); connections this
        # process had are closed first, as they are when such a volume drops.
        folder = Path(make_url(database_url).database or "").parent
        helpdesk.engine.dispose()
        away = folder.with_name(folder.name + "-away")
        folder.rename(away)
        try:
            yield
        finally:
            away.rename(folder)

    return folder_gone


@pytest.fixture
def req(session: Session, people: SimpleNamespace) -> Any:
    r = svc.submit_request(session, people.employee, category="loan", title="Laptop please",
                           details={"item": "laptop", "days": 3})
    svc.assign(session, people.lead, r.id, assignee="li.na")
    return r


@pytest.fixture
def token(session: Session, people: SimpleNamespace) -> str:
    return svc.issue_token(session, None, people.tech, name="t").secret


def api(app: Flask, token: str, method: str, path: str, language: str = "en",
        etag: str | None = None, **kw: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": language}
    if etag:
        headers["If-Match"] = etag
    return app.test_client().open(f"/api/v1/{path}", method=method, headers=headers, **kw)


def test_pages_and_api_answer_503_then_recover(app, outage, people, req, token):
    li = Browser(app.test_client())
    assert li.login("li.na").status_code == 302
    zh = Browser(app.test_client())
    zh.client.set_cookie("hd_lang", "zh_Hans_CN")
    assert zh.login("zhao.lei").status_code == 302
    page = f"/desk/r/{req.number}"
    assert li.get(page).status_code == 200
    assert api(app, token, "GET", f"requests/{req.id}").status_code == 200

    with outage():
        resp = li.get(page)
        assert resp.status_code == 503
        assert resp.mimetype == "text/html"
        assert int(resp.headers["Retry-After"]) > 0
        assert MESSAGE_EN in resp.get_data(as_text=True)
        chinese = zh.get(page)
        assert chinese.status_code == 503 and MESSAGE_ZH in chinese.get_data(as_text=True)

        for method, path, body in (("GET", f"requests/{req.id}", None),
                                   ("POST", "requests", {"category": "loan", "title": "x",
                                                         "details": {"item": "laptop",
                                                                     "days": 1}})):
            resp = api(app, token, method, path, json=body)
            assert resp.status_code == 503, resp.get_data(as_text=True)
            assert resp.headers["Retry-After"]
            error = resp.get_json()["error"]
            assert error["code"] == "database_unavailable" and MESSAGE_EN in error["message"]
        error = api(app, token, "GET", "requests", language="zh-CN").get_json()["error"]
        assert MESSAGE_ZH in error["message"]

    # Back, with no restart: the same app serves the same signed-in person again.
    resp = li.get(page)
    assert resp.status_code == 200 and "Laptop please" in resp.get_data(as_text=True)
    assert api(app, token, "GET", f"requests/{req.id}").status_code == 200
    resp = api(app, token, "POST", "requests", json={
        "category": "loan", "title": "After the outage", "details": {"item": "laptop",
                                                                     "days": 2}})
    assert resp.status_code == 201


def test_sqlite_locked_beyond_the_busy_timeout_is_503_not_a_conflict(
        app, helpdesk, database_url, people, req, token):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite's write lock")

    def short_busy_timeout(dbapi_conn: Any, record: Any) -> None:
        dbapi_conn.execute("PRAGMA busy_timeout=300")

    event.listen(helpdesk.engine, "connect", short_busy_timeout)
    helpdesk.engine.dispose()
    li = Browser(app.test_client())
    assert li.login("li.na").status_code == 302
    url = f"/desk/r/{req.number}/edit"
    form = {"title": "Renamed", "priority": "normal", "details.item": "laptop",
            "details.days": "3", "version": str(req.version)}
    # Another process (a backup tool, a long import) holds the write lock.
    other = sqlite3.connect(make_url(database_url).database or "", isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        assert li.get(f"/desk/r/{req.number}").status_code == 200  # reading goes on
        resp = li.post(url, form)
        assert resp.status_code == 503 and MESSAGE_EN in resp.get_data(as_text=True)
        resp = api(app, token, "PATCH", f"requests/{req.id}", etag=f'"{req.version}"',
                   json={"title": "Renamed"})
        assert resp.status_code == 503
        assert resp.get_json()["error"]["code"] == "database_unavailable"
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert li.post(url, form).status_code == 302
    with helpdesk.session_scope() as s:
        assert s.get(type(req), req.id).title == "Renamed"


# -- the worker --------------------------------------------------------------------------------

def outbox(helpdesk: HelpDesk) -> list[tuple[str, str, int]]:
    with helpdesk.session_scope() as s:
        return [(m.message_id, m.status, m.attempts)
                for m in s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_worker_waits_for_the_database_and_loses_nothing(
        helpdesk, outage, session, people, smtp_server, caplog):
    smtp_server.configure(helpdesk.settings)
    r = svc.submit_request(session, people.employee, category="loan", title="Mail me",
                           details={"item": "laptop", "days": 3})
    svc.assign(session, people.lead, r.id, assignee="li.na")
    svc.transition(session, people.tech, r.id, "start")
    written = outbox(helpdesk)
    assert written and {s for _id, s, _n in written} == {"pending"}
    stop = threading.Event()
    thread = threading.Thread(target=worker.run_forever, args=(helpdesk, stop),
                              kwargs={"tick": 0.05, "max_backoff": 0.4}, daemon=True)
    caplog.set_level(logging.INFO, logger="hdcore.worker")
    try:
        with outage():
            thread.start()
            assert wait_for(lambda: sum("trying again" in m for m in caplog.messages) >= 3)
            assert thread.is_alive() and smtp_server.messages == []
            waits = [float(m.split("trying again in ")[1].split()[0])
                     for m in caplog.messages if "trying again" in m]
            # It backs off, doubling the wait up to the cap.
            assert waits[2] > waits[1] > waits[0] and max(waits) <= 0.4
        assert wait_for(lambda: {s for _id, s, _n in outbox(helpdesk)} == {"sent"})
        assert wait_for(lambda: "the database is reachable again" in caplog.messages)
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()
    # Every message once: nothing lost, nothing sent twice.
    assert sorted(smtp_server.message_ids()) == sorted(i for i, _s, _n in written)
    assert {n for _i, _s, n in outbox(helpdesk)} == {1}


def test_worker_losing_the_database_mid_batch_sends_each_message_again_at_most_once(
        request, helpdesk, database_url, session, people, smtp_server, caplog):
    """The database goes away just after the mail server accepted a message, before the worker
    could note it. The claimed messages wait for their lease to end, then go out; only the
    one in flight is sent a second time, under its own Message-ID (mail clients show it once).
    """
    if not database_url.startswith("postgresql"):
        pytest.skip("SQLite keeps working on the connection it has open")
    postgres_server = request.getfixturevalue("postgres_server")
    smtp_server.configure(helpdesk.settings)
    r = svc.submit_request(session, people.employee, category="loan", title="Mail me",
                           details={"item": "laptop", "days": 3})
    svc.assign(session, people.lead, r.id, assignee="li.na")
    svc.transition(session, people.tech, r.id, "start")
    svc.add_comment(session, people.tech, r.id, "Which building?")
    written = outbox(helpdesk)
    assert len(written) >= 3
    down = contextlib.ExitStack()
    cut = threading.Event()

    def after_first_accepted() -> None:
        if not cut.is_set():
            cut.set()
            down.enter_context(postgres_server.unreachable())

    smtp_server.handler.after_accept = after_first_accepted
    stop = threading.Event()
    caplog.set_level(logging.INFO, logger="hdcore.worker")
    with clock.frozen(datetime.now(UTC)) as frozen:
        thread = threading.Thread(target=worker.run_forever, args=(helpdesk, stop),
                                  kwargs={"tick": 0.05, "max_backoff": 0.2}, daemon=True)
        thread.start()
        try:
            assert wait_for(lambda: sum("trying again" in m for m in caplog.messages) >= 2)
            assert len(smtp_server.messages) == 1 and thread.is_alive()
            down.close()  # the database is back
            assert wait_for(lambda: "the database is reachable again" in caplog.messages)
            states = outbox(helpdesk)
            # Nothing lost: the claimed messages are still claimed, none marked sent.
            assert {s for _i, s, _n in states} == {"sending"}
            frozen.advance(minutes=11)  # the claims' lease ends
            assert wait_for(lambda: {s for _i, s, _n in outbox(helpdesk)} == {"sent"})
        finally:
            stop.set()
            thread.join(10)
    received = smtp_server.message_ids()
    first = received[0]
    assert sorted(set(received)) == sorted(i for i, _s, _n in written)
    assert received.count(first) == 2
    assert all(received.count(i) == 1 for i in set(received) - {first})


def test_a_mistaken_statement_is_a_server_error_not_an_outage(app, people):
    """SQLite reports a missing table as OperationalError too: that is a bug, not a 503."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    from web.context import db

    @app.route("/test-only/broken-statement")
    def broken_statement() -> str:
        db().execute(text("SELECT * FROM no_such_table"))
        return "unreachable"

    # Testing apps let server errors through to the client: it meets the error itself.
    with pytest.raises(DBAPIError, match="no_such_table"):
        app.test_client().get("/test-only/broken-statement")
