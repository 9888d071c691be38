"""In a real browser, under the Content-Security-Policy: no page of any role has anything
refused (inline script or style, a handler, something from another site), and the scripts work."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from playwright.sync_api import Error as PlaywrightError
from werkzeug.serving import make_server

from tests.security.access_rules import all_rules
from tests.security.conftest import World
from tests.security.support import served_routes, url_for_rule

ROLES = {"employee": "zhang.wei", "tech": "li.na", "lead": "wang.fang",
         "manager": "chen.jie", "admin": "admin"}


@pytest.fixture
def served(world_state: World, world: SimpleNamespace) -> Iterator[str]:
    """The world's app on a real port."""
    server = make_server("127.0.0.1", 0, world_state.app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def pages_of(role: str, world_state: World, world: SimpleNamespace) -> list[str]:
    """The GET pages ``role`` may open, naming the world's objects."""
    rules = all_rules()
    urls = []
    for key, url_rule in sorted(served_routes(world_state.app).items()):
        rule = rules.get(key)
        if rule is None or rule.method != "GET" or role not in rule.allowed:
            continue
        skipped = key.split(" ")[0] in {"static", "healthz", "files.download"}
        if skipped or "fmt" in url_rule.arguments or (key.startswith("api_")
                                                      and "docs" not in key):
            continue
        urls.append(url_for_rule(url_rule, rule, world))
    return urls


@pytest.mark.parametrize("role", sorted(ROLES))
def test_no_page_breaks_the_policy_in_chromium(role: str, chromium: object,
                                               served: str, world_state: World,
                                               world: SimpleNamespace) -> None:
    context = chromium.new_context(locale="en-US")  # type: ignore[attr-defined]
    page = context.new_page()
    refused: list[str] = []
    page.on("console", lambda msg: refused.append(f"{page.url}: {msg.text}")
            if "Content Security Policy" in msg.text or "Refused to" in msg.text else None)
    page.on("pageerror", lambda exc: refused.append(f"{page.url}: script error {exc}"))
    try:
        page.goto(f"{served}/login")
        page.fill("input[name=username]", ROLES[role])
        page.fill("input[name=password]", "demo")
        with page.expect_navigation():
            page.click("section.login button[type=submit]")
        assert "/login" not in page.url, page.content()[:2000]
        for url in pages_of(role, world_state, world):
            try:
                page.goto(f"{served}{url}")
            except PlaywrightError as exc:
                if "Download is starting" in str(exc):
                    continue  # a file (raw e-mail, article attachment): nothing to render
                raise
            page.wait_for_load_state("load")
        seen = len(refused)
        # The watch works: an inline handler added now is refused, and reported.
        page.goto(f"{served}/me")
        page.evaluate("document.body.insertAdjacentHTML('beforeend', "
                      "'<img src=\"/static/none.png\" onerror=\"window.x=1\">')")
        page.wait_for_timeout(500)
        assert len(refused) > seen and page.evaluate("window.x") is None
        del refused[seen:]
    finally:
        context.close()
    assert not refused, "\n".join(refused)
