"""App fixtures of the plugin test kit: the web app with chosen plugins, signed-in clients.

Loaded by pytest through the ``pytest11`` entry point (beside the core's fixtures of
:mod:`hdcore.testing.pytest_plugin`):

``app``
    the Flask app around the test's ``helpdesk`` (CSRF on, as in production).
``browser``
    ``browser(username)`` makes a client signed in as ``username`` (password ``demo``; the kit's
    ``people`` have it), whose ``post`` sends the CSRF token of the form's page like a browser.

:class:`WebPluginContract` is the web half of the plugin contract: the plugin's forms render
with their labels, its requests' pages open for the requester and IT, and the administrator's
plugin page shows it with its workflow diagram and no doctor error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy.orm import Session

from hdcore import services as svc

if TYPE_CHECKING:
    from flask import Flask
    from flask.testing import FlaskClient

    from hdcore import HelpDesk


def csrf_of(html: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


class Browser:
    """A test client that signs in and posts forms with their CSRF token, like a browser."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, url: str, **kw: Any) -> Any:
        """GET ``url``."""
        return self.client.get(url, **kw)

    def post(self, url: str, data: dict | None = None, *, page: str | None = None,
             **kw: Any) -> Any:
        """POST ``data`` with the CSRF token read from ``page`` (default: the URL itself)."""
        html = self.client.get(page or url).get_data(as_text=True)
        return self.client.post(url, data={**(data or {}), "csrf_token": csrf_of(html)}, **kw)

    def login(self, username: str, password: str = "demo") -> Any:
        """Sign in through the login form."""
        return self.post("/login", {"username": username, "password": password})


@pytest.fixture
def app(helpdesk: HelpDesk) -> Flask:
    """The web app on the test's help desk (CSRF on, as in production)."""
    # Imported here: pytest loads this module at start-up, before any test needs the app.
    from web.app import create_app

    return create_app(helpdesk, {"TESTING": True})


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


class WebPluginContract:
    """The web half of the plugin contract; set ``plugin_name`` in a subclass (SQLite only)."""

    plugin_name: str = ""

    @pytest.fixture
    def database_url(self, tmp_path: Any) -> str:
        """The web contract runs on SQLite (the core contract covers PostgreSQL)."""
        return f"sqlite:///{tmp_path}/web.db"

    def categories(self, session: Session) -> list[str]:
        """The categories of the plugin under test."""
        assert self.plugin_name, "set plugin_name on the contract's subclass"
        return [c.name for c in svc.host_of(session).categories()
                if c.plugin == self.plugin_name]

    def test_the_doctor_finds_no_error_in_the_web_hooks(self, plugins: list[object]) -> None:
        from hdcore import PluginHost
        from hdcore.doctor import ERROR, diagnose
        from web import hookspecs

        host = PluginHost(plugins, discover=False)
        found = diagnose(dict(host.pm.list_name_plugin()), spec_modules=[hookspecs],
                         translations=False)
        errors = [str(f) for f in found if f.severity == ERROR and f.plugin == self.plugin_name]
        assert not errors, "\n".join(errors)

    def test_new_request_forms_render_every_field(self, session: Session,
                                                  people: SimpleNamespace,
                                                  browser: Callable[..., Browser]) -> None:
        b = browser(people.employee.username)
        host = svc.host_of(session)
        cats = self.categories(session)
        assert cats
        for cat in cats:
            page = b.get(f"/portal/new/{cat}")
            assert page.status_code == 200, cat
            html = page.get_data(as_text=True)
            for name, f in host.request_schema(cat)().fields.items():
                if not f.dump_only:
                    label = str(f.metadata.get("label", name))
                    assert label in html or _escaped(label) in html, f"{cat}: no {label!r}"

    def test_request_pages_open_for_the_requester_and_it(
            self, session: Session, people: SimpleNamespace,
            browser: Callable[..., Browser]) -> None:
        from hdcore.testing.contract import make_sample_vendors, walk_sample

        make_sample_vendors(session)
        host = svc.host_of(session)
        requester, lead = browser(people.employee.username), browser(people.lead.username)
        for cat in self.categories(session):
            sample = host.sample_requests(cat)[-1]
            req = walk_sample(session, people, cat, sample)
            mine = requester.get(f"/portal/r/{req.number}")
            assert mine.status_code == 200 and _escaped(req.title) in mine.get_data(
                as_text=True)
            theirs = lead.get(f"/desk/r/{req.number}")
            assert theirs.status_code == 200, f"/desk/r/{req.number}"

    def test_the_admin_page_shows_the_plugin_and_its_workflow(
            self, session: Session, people: SimpleNamespace,
            browser: Callable[..., Browser]) -> None:
        host = svc.host_of(session)
        html = browser(people.admin.username).get("/admin/plugins").get_data(as_text=True)
        plugin = host.plugin(self.plugin_name)
        assert f'id="plugin-{self.plugin_name}"' in html
        assert _escaped(str(plugin.title)) in html
        for cat in self.categories(session):
            assert f'id="workflow-{cat}"' in html, f"no workflow diagram of {cat}"
        section = html.split(f'id="plugin-{self.plugin_name}"', 1)[1].split("</section>", 1)[0]
        assert 'class="finding error' not in section, "the doctor reports an error"


def _escaped(text: str) -> str:
    from markupsafe import escape

    return str(escape(text))
