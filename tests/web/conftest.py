"""Web fixtures: the Flask app around the test's help desk, and signed-in clients per role."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from hdcore import HelpDesk
from web.app import create_app


@pytest.fixture
def database_url(tmp_path: object) -> str:
    """Web tests run on SQLite; the core's and plugins' tests cover PostgreSQL."""
    return f"sqlite:///{tmp_path}/web.db"


@pytest.fixture
def app(helpdesk: HelpDesk) -> Flask:
    """The web app on the test's help desk (CSRF on, as in production)."""
    return create_app(helpdesk, {"TESTING": True})


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Browser:
    """A test client that signs in and posts forms with their CSRF token, like a browser."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, url: str, **kw: object):
        return self.client.get(url, **kw)

    def post(self, url: str, data: dict | None = None, *, page: str | None = None, **kw: object):
        """POST ``data`` with the CSRF token read from ``page`` (default: the URL itself)."""
        html = self.client.get(page or url).get_data(as_text=True)
        return self.client.post(url, data={**(data or {}), "csrf_token": csrf_of(html)}, **kw)

    def login(self, username: str, password: str = "demo"):
        return self.post("/login", {"username": username, "password": password})


@pytest.fixture
def browser(app: Flask) -> Callable[[str | None], Browser]:
    """Make a browser, signed in as ``username`` when given."""

    def make(username: str | None = None) -> Browser:
        b = Browser(app.test_client())
        if username:
            resp = b.login(username)
            assert resp.status_code == 302, resp.get_data(as_text=True)
        return b

    return make
