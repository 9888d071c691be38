"""Security headers on every response, no inline script or style on any page, cookie flags."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import Flask

from hdcore import HelpDesk, Settings
from tests.security.access_rules import all_rules
from tests.security.conftest import ROLES, World, plugins
from tests.security.support import call, served_routes, url_for_rule
from web.app import create_app
from web.security import CONTENT_SECURITY_POLICY

STATIC = Path(__file__).resolve().parents[2] / "web" / "static"
GET_ROUTES = sorted(key for key in all_rules() if key.endswith(" GET"))

#: What a Content-Security-Policy without 'unsafe-inline' blocks, found in a page.
INLINE = {
    "inline <script>": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "<style> element": re.compile(r"<style[\s>]", re.I),
    "style= attribute": re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I),
    "on*= handler": re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I),
    "javascript: URL": re.compile(r"(href|src|action)\s*=\s*[\"']?\s*javascript:", re.I),
}


def inline_code(html: str) -> list[str]:
    """What in ``html`` a strict CSP would refuse, with the offending text."""
    found = []
    for what, pattern in INLINE.items():
        for match in pattern.finditer(html):
            found.append(f"{what}: {match.group(0)[:120]}")
    return found


def test_the_policy_allows_nothing_inline() -> None:
    directives = dict(d.split(" ", 1) for d in CONTENT_SECURITY_POLICY.split("; "))
    assert directives["script-src"] == "'self'" and directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY


def test_the_checker_finds_inline_code() -> None:
    bad = ('<p style="color:red" onclick="x()">a</p><script>alert(1)</script>'
           '<style>p{}</style><a href="javascript:alert(1)">x</a>')
    assert len(inline_code(bad)) == 5
    assert inline_code('<script src="/static/app.js" defer></script><p class="x">a</p>') == []


@pytest.mark.parametrize("key", GET_ROUTES)
def test_every_page_has_the_headers_and_no_inline_code(
        key: str, world_state: World, world: SimpleNamespace,
        role_cookies: dict[str | None, tuple[str, str]]) -> None:
    """Every GET route, anonymously and as every role: the headers are there, and the HTML
    holds nothing the policy would block (so the page works as it looks)."""
    rule = all_rules()[key]
    url = url_for_rule(served_routes(world_state.app)[key], rule, world)
    for role in (None, *ROLES):
        resp = call(world_state.app, world, role_cookies, role, "GET", url)
        who = f"{url} as {role or 'anonymous'}"
        policy = resp.headers.get("Content-Security-Policy")
        # A downloaded file gets a stricter policy of its own: a sandbox that runs nothing.
        download = resp.headers.get("Content-Disposition", "").startswith("attachment")
        assert policy == CONTENT_SECURITY_POLICY or (
            download and policy.startswith("sandbox")), who
        assert resp.headers.get("X-Frame-Options") == "DENY", who
        assert resp.headers.get("X-Content-Type-Options") == "nosniff", who
        assert resp.headers.get("Referrer-Policy") == "strict-origin-when-cross-origin", who
        assert "camera=()" in resp.headers.get("Permissions-Policy", ""), who
        if resp.mimetype == "text/html":
            assert inline_code(resp.get_data(as_text=True)) == [], who
            assert resp.headers.get("Cache-Control") == "no-store", who
        resp.close()


def test_error_pages_and_api_errors_carry_the_headers(world_state: World,
                                                      world: SimpleNamespace) -> None:
    client = world_state.app.test_client()
    for url in ("/no/such/page", "/api/v1/requests", "/api/v1/no-such-thing"):
        resp = client.get(url)
        assert resp.status_code in {401, 404}
        assert resp.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
        assert resp.headers["X-Content-Type-Options"] == "nosniff", url


def test_static_scripts_build_no_inline_code() -> None:
    """The scripts neither evaluate strings nor write inline styles or handlers into pages."""
    for path in sorted(STATIC.glob("*.js")):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"\beval\s*\(", r"new\s+Function\s*\(", r"setAttribute\(\s*[\"']on",
                        r"setAttribute\(\s*[\"']style", r"style\s*=\s*\\?[\"']",
                        r"\bon[a-z]+\s*=\s*\\?[\"']", r"javascript:"):
            assert not re.search(pattern, text), f"{path.name}: {pattern}"


def test_the_api_documentation_page_works_under_the_policy(world_state: World) -> None:
    client = world_state.app.test_client()
    page = client.get("/api/v1/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and inline_code(html) == []
    sheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert sheets and all(href.startswith("/static/") for href in sheets)
    for href in sheets:
        css = client.get(href)
        assert css.status_code == 200 and css.mimetype == "text/css"
        css.close()


def session_cookie(resp) -> str:
    return next(c for c in resp.headers.getlist("Set-Cookie") if c.startswith("session="))


def _login(app: Flask, base_url: str = "http://localhost") -> str:
    from tests.web.conftest import csrf_of

    client = app.test_client()
    html = client.get("/login", base_url=base_url).get_data(as_text=True)
    # Over HTTPS the CSRF check also wants the page the form came from, as browsers send it.
    resp = client.post("/login", base_url=base_url, headers={"Referer": f"{base_url}/login"},
                       data={"username": "zhang.wei", "password": "demo",
                             "csrf_token": csrf_of(html)})
    assert resp.status_code == 302
    return session_cookie(resp)


def test_session_cookie_is_httponly_and_samesite(world_state: World, world: SimpleNamespace,
                                                 ) -> None:
    cookie = _login(world_state.app)
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    # Over plain HTTP (an intranet without TLS) Secure would lose the session: not set.
    assert "Secure" not in cookie


def test_session_cookie_is_secure_over_https(world_state: World, world: SimpleNamespace) -> None:
    cookie = _login(world_state.app, "https://localhost")
    assert "Secure" in cookie and "HttpOnly" in cookie
    resp = world_state.app.test_client().get("/login", base_url="https://localhost")
    assert resp.headers["Strict-Transport-Security"].startswith("max-age=")


def test_secure_cookies_when_configured(world_state: World, world: SimpleNamespace) -> None:
    for config, settings in (({"SESSION_COOKIE_SECURE": True}, {}),
                             ({}, {"secure_cookies": True})):
        hd = HelpDesk(Settings(database_url=f"sqlite:///{world_state.db}", home=world_state.home,
                               discover_plugins=False, **settings), plugins=plugins())
        try:
            app = create_app(hd, {"TESTING": True, **config})
            assert "Secure" in _login(app)
            assert app.config["REMEMBER_COOKIE_SECURE"] is True
        finally:
            hd.dispose()
