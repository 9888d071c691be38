"""API fixtures: the app on the test's help desk, a bearer token per role, and clients that
send them, as an integration would."""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.test import TestResponse

from hdcore import HelpDesk
from hdcore import services as svc
from web.app import create_app

#: The roles of the ``people`` fixture, by attribute.
ROLES = ("employee", "other", "head", "tech", "tech2", "lead", "manager", "admin")


@pytest.fixture
def database_url(tmp_path: object) -> str:
    """API tests run on SQLite; ``test_storage.py`` repeats the database-sensitive ones on
    PostgreSQL."""
    return f"sqlite:///{tmp_path}/api.db"


@pytest.fixture
def app(helpdesk: HelpDesk) -> Flask:
    """The web app on the test's help desk (CSRF on, as in production)."""
    return create_app(helpdesk, {"TESTING": True})


class ApiClient:
    """A client of the API sending one user's bearer token (or none) with every call."""

    def __init__(self, client: FlaskClient, token: str | None = None,
                 language: str | None = None) -> None:
        self.client = client
        self.token = token
        self.language = language

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        out: dict[str, str] = {}
        if self.token:
            out["Authorization"] = f"Bearer {self.token}"
        if self.language:
            out["Accept-Language"] = self.language
        return {**out, **(extra or {})}

    def call(self, method: str, path: str, json: Any = None, *,
             headers: dict[str, str] | None = None, **kw: Any) -> TestResponse:
        url = path if path.startswith("/") else f"/api/v1/{path}"
        if json is not None:
            kw["json"] = json
        return self.client.open(url, method=method, headers=self.headers(headers), **kw)

    def get(self, path: str, **kw: Any) -> TestResponse:
        return self.call("GET", path, **kw)

    def post(self, path: str, json: Any = None, **kw: Any) -> TestResponse:
        return self.call("POST", path, json, **kw)

    def patch(self, path: str, json: Any = None, **kw: Any) -> TestResponse:
        return self.call("PATCH", path, json, **kw)


@pytest.fixture
def tokens(session: Session, people: SimpleNamespace) -> dict[str, str]:
    """A valid token for each person of the ``people`` fixture, by role attribute."""
    return {role: svc.issue_token(session, None, getattr(people, role), name="tests").secret
            for role in ROLES}


@pytest.fixture
def api(app: Flask, tokens: dict[str, str]) -> Callable[..., ApiClient]:
    """``api("employee")``: a client with that person's token; ``api()`` sends none."""

    def make(role: str | None = None, *, language: str | None = None) -> ApiClient:
        return ApiClient(app.test_client(), tokens[role] if role else None, language)

    return make


def sample_details(helpdesk: HelpDesk, category: str) -> dict[str, Any]:
    """Valid details of ``category``, from its plugin's first sample request."""
    return dict(helpdesk.host.sample_requests(category)[0].details)


@pytest.fixture
def file_request(api: Callable[..., ApiClient], helpdesk: HelpDesk) -> Callable[..., dict]:
    """File a request through the API (by default an e-mail request of the employee)."""

    def make(role: str = "employee", category: str = "email_admin", **fields: Any) -> dict:
        body = {"category": category, "title": fields.pop("title", "Phone gets no mail"),
                "details": sample_details(helpdesk, category), **fields}
        resp = api(role).post("requests", body)
        assert resp.status_code == 201, resp.get_json()
        return resp.get_json()

    return make


def assert_error(resp: TestResponse, status: int, code: str | None = None) -> dict[str, Any]:
    """The error body of ``resp``, checked to have the API's one shape."""
    assert resp.status_code == status, (resp.status_code, resp.get_data(as_text=True))
    assert resp.mimetype == "application/json"
    body = resp.get_json()
    assert set(body) == {"error"}
    error = body["error"]
    assert error["status"] == status and isinstance(error["message"], str) and error["message"]
    assert set(error) <= {"status", "code", "message", "fields", "allowed"}
    if code is not None:
        assert error["code"] == code, error
    return error
