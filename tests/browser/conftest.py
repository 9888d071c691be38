"""Browser fixtures: the app served on a real port, driven by Debian's Chromium with Playwright.

One Chromium per test session (per xdist worker; ``tests/chromium.py``), one fresh browser
context per test, so no cookie or language choice leaks from one test into the next. The
browser is the system's ``/usr/bin/chromium`` (the test set-up installs it as root); Playwright
never downloads one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect
from werkzeug.serving import make_server

from hdcore import HelpDesk
from web.app import create_app

#: How long a click or an expectation waits for the page before failing. Generous for a
#: loaded two-core CI machine; a passing step takes a fraction of it.
TIMEOUT_MS = 10_000
PASSWORD = "demo"

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """Browser tests run on SQLite; the core's and plugins' tests cover PostgreSQL."""
    return f"sqlite:///{tmp_path}/browser.db"


@pytest.fixture
def app(helpdesk: HelpDesk) -> Flask:
    """The web app on the test's help desk, configured as in production (CSRF on)."""
    return create_app(helpdesk)


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The app served on a free local port in a background thread; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def context(chromium: Browser, live_server: str) -> Iterator[BrowserContext]:
    """A fresh browser profile for one test: an English browser in the company's time zone."""
    ctx = chromium.new_context(base_url=live_server, locale="en-US",
                               timezone_id="Asia/Shanghai",
                               viewport={"width": 1280, "height": 900})
    ctx.set_default_timeout(TIMEOUT_MS)
    try:
        yield ctx
    finally:
        ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A tab in the test's browser; the test fails on a script error or a server error."""
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda exc: problems.append(f"script error on {tab.url}: {exc}"))
    tab.on("response", lambda resp: problems.append(f"{resp.status} for {resp.url}")
           if resp.status >= 500 else None)
    yield tab
    assert not problems, "the browser met errors:\n" + "\n".join(problems)


def sign_out(page: Page) -> None:
    """Sign out with the top bar's button, if someone is signed in."""
    button = page.get_by_role("button", name="Sign out")
    if page.url.startswith("http") and button.count():
        button.click()
        expect(page.get_by_text("You are signed out.")).to_be_visible()


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign in on the sign-in page as ``username`` (signing out whoever was signed in)."""
    sign_out(page)
    page.goto("/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


@pytest.fixture
def as_user(page: Page, people: object) -> Callable[[str], Page]:
    """``as_user("li.na")`` signs the test's browser in as that person and returns the tab."""

    def switch(username: str) -> Page:
        sign_in(page, username)
        return page

    return switch
