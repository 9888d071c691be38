"""Stored XSS: script written into every text a user can write reaches no page as markup."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from hdcore.models import OutboxMessage
from tests.security.access_rules import all_rules
from tests.security.conftest import ROLES, XSS, World
from tests.security.support import call, served_routes, url_for_rule

GET_ROUTES = sorted(key for key in all_rules() if key.endswith(" GET"))

#: Markup the attempts would turn into if a page printed them unescaped.
LIVE = re.compile(
    r"<script>alert\('Xq9|<img src=x onerror|<svg/onload|<iframe"
    r"|<[a-z][^<>]*\sonmouseover\s*=\s*'alert"
    r"|<[a-z][^<>]*\s(href|src|action)\s*=\s*[\"']?\s*javascript:", re.I)


def live_markup(html: str) -> list[str]:
    """Each place where an attempt is markup in ``html``."""
    return [html[max(0, m.start() - 60):m.end() + 20] for m in LIVE.finditer(html)]


def test_the_detector_sees_unescaped_attempts() -> None:
    from markupsafe import escape

    for attempt in XSS:
        # Printed raw as text, or inside a quoted attribute, each one is live markup.
        assert live_markup(f"<p>{attempt}</p>") or live_markup(f"<b title='{attempt}'>"), attempt
        assert not live_markup(f"<p>{escape(attempt)}</p>"), attempt
        assert not live_markup(f'<input value="{escape(attempt)}">'), attempt
        assert not live_markup(f"<input value='{escape(attempt)}'>"), attempt
    # Text that only looks like an attribute is harmless outside a tag.
    assert not live_markup("<p>' onmouseover='alert(5)' x='</p>")


@pytest.mark.parametrize("key", GET_ROUTES)
def test_no_page_renders_an_attempt_as_markup(
    key: str, world_state: World, world: SimpleNamespace,
    role_cookies: dict[str | None, tuple[str, str]],
) -> None:
    """Every GET route, as every role: the request, comments, task, file name, e-mail, article
    and forum thread holding the attempts are shown as text."""
    rule = all_rules()[key]
    url_rule = served_routes(world_state.app)[key]
    urls = {url_for_rule(url_rule, rule, world)}
    # The same pages about the objects holding the attempts.
    x = world.xss
    planted = {"number": x.request.number, "request_id": x.request.number,
               "message_id": x.mail_id, "article_id": x.article.id, "thread_id": x.thread.id}
    if planted.keys() & set(url_rule.arguments):
        args = {**rule.args, **{k: (lambda w, v=v: v) for k, v in planted.items()}}
        urls.add(url_for_rule(url_rule, type(rule)(**{**rule.__dict__, "args": args}), world))
    for url in sorted(urls):
        for role in (None, *ROLES):
            resp = call(world_state.app, world, role_cookies, role, "GET", url)
            if resp.mimetype == "text/html":
                found = live_markup(resp.get_data(as_text=True))
                assert not found, (url, role, found)
            resp.close()


@pytest.mark.parametrize("url,role", [
    ("/kb/?q=alert", "employee"),
    ("/kb/?q=alert+Xq9&in=requests", "tech"),
    ("/kb/?q=%3Cscript%3E", "tech"),
    ("/desk/?scope=all&status=all&text=script", "lead"),
    ("/dispatch/people?q=%3Cscript%3E", "lead"),
    ("/portal/?q=alert", "employee"),
    ("/forum/?q=alert", "employee"),
    ("/login?next=%22%3E%3Cscript%3Ealert(1)%3C/script%3E", None),
])
def test_search_results_and_echoed_queries_are_inert(
    url: str, role: str | None, world_state: World, world: SimpleNamespace,
    role_cookies: dict[str | None, tuple[str, str]],
) -> None:
    """Search highlighting builds HTML around the words found: what it wraps stays text."""
    resp = call(world_state.app, world, role_cookies, role, "GET", url)
    if resp.status_code == 404:
        pytest.skip(f"{url} is not served")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200, url
    assert not live_markup(html), (url, live_markup(html))
    assert "<script>alert(1)" not in html


def test_notification_mail_carries_the_attempts_as_text(world_state: World,
                                                        world: SimpleNamespace) -> None:
    """The HTML part of the mail sent about the request shows the title as text."""
    with world_state.hd.session_scope() as s:
        rows = s.scalars(select(OutboxMessage).where(
            OutboxMessage.request_id == world.xss.request.id)).all()
        assert rows
        for row in rows:
            assert not live_markup(row.body_html), row.kind
            assert "\n" not in row.subject and "\r" not in row.subject


def test_downloaded_files_are_never_rendered(world_state: World, world: SimpleNamespace,
                                             role_cookies: dict[str | None, tuple[str, str]],
                                             ) -> None:
    """A file claiming to be HTML is sent as an attachment the browser must not sniff."""
    from hdcore.models import Attachment

    with world_state.hd.session_scope() as s:
        file_id = s.scalar(select(Attachment.id).where(
            Attachment.request_id == world.xss.request.id))
    resp = call(world_state.app, world, role_cookies, "employee", "GET",
                f"/attachments/{file_id}")
    assert resp.status_code == 200
    assert resp.headers["Content-Disposition"].startswith("attachment")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.mimetype != "text/html"
    resp.close()
