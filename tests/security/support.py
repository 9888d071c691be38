"""Helpers of the security tests: the app's routes, their URLs over the world, and calls as
each role."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import SimpleNamespace

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.routing import Rule as UrlRule
from werkzeug.test import TestResponse

from tests.security.access_rules import Rule


def served_routes(app: Flask) -> dict[str, UrlRule]:
    """Every endpoint and method the app serves, by ``"endpoint METHOD"``."""
    out = {}
    for url_rule in app.url_map.iter_rules():
        for method in sorted((url_rule.methods or set()) - {"HEAD", "OPTIONS"}):
            out[f"{url_rule.endpoint} {method}"] = url_rule
    return out


def url_for_rule(url_rule: UrlRule, rule: Rule, world: SimpleNamespace) -> str:
    """The route's URL naming the world's objects."""
    values = {}
    for name in url_rule.arguments:
        make = rule.args.get(name)
        values[name] = make(world) if make else world.args[name]
    _domain, url = url_rule.build(values, append_unknown=False)  # type: ignore[misc]
    return url


def call(app: Flask, world: SimpleNamespace, cookies: dict[str | None, tuple[str, str]],
         role: str | None, method: str, url: str, *, csrf: bool = True) -> TestResponse:
    """Call ``url`` as ``role`` (None: anonymous): pages with the role's session (and forms
    with its CSRF token, nothing else), the API with its bearer token and ``{}`` as body."""
    client: FlaskClient = app.test_client()
    headers = {}
    api = url.startswith("/api/")
    cookie, token = cookies[role]
    if api:
        if role is not None:
            headers["Authorization"] = f"Bearer {world.tokens[role]}"
    else:
        client.set_cookie("session", cookie)
    kw: dict[str, object] = {}
    if method in {"POST", "PATCH", "PUT", "DELETE"}:
        kw = {"json": {}} if api else {"data": {"csrf_token": token} if csrf else {}}
    return client.open(url, method=method, headers=headers, **kw)


def to_login(resp: TestResponse) -> bool:
    """Whether ``resp`` sends the caller to the login page."""
    return resp.status_code in {301, 302, 303} and "/login" in (resp.location or "")


def wait_for(condition: Callable[[], bool], seconds: float = 20) -> bool:
    """Whether ``condition`` came true within ``seconds`` (checked every 50 ms)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()
