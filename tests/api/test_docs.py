"""The OpenAPI document and the browsable reference: complete, and served from the desk itself."""

from __future__ import annotations

import re

from tests.api.conftest import assert_error

#: Every operation the issue promises to integrations.
CONTRACT = {
    ("post", "/api/v1/auth/token"), ("get", "/api/v1/categories"),
    ("get", "/api/v1/requests"), ("post", "/api/v1/requests"),
    ("get", "/api/v1/requests/{request_id}"), ("patch", "/api/v1/requests/{request_id}"),
    *(("post", f"/api/v1/requests/{{request_id}}/{action}") for action in (
        "assign", "transitions", "comments", "tasks", "escalate", "close", "reopen", "rating")),
    ("get", "/api/v1/requests/{request_id}/events"),
    ("post", "/api/v1/tasks/{task_id}/transitions"),
    # The knowledge base, the installed base and the vendors.
    ("get", "/api/v1/kb/articles"), ("post", "/api/v1/kb/articles"),
    ("get", "/api/v1/kb/articles/{article_id}"), ("patch", "/api/v1/kb/articles/{article_id}"),
    ("get", "/api/v1/assets"), ("post", "/api/v1/assets"),
    ("get", "/api/v1/assets/{asset_id}"), ("patch", "/api/v1/assets/{asset_id}"),
    ("get", "/api/v1/assets/{asset_id}/readings"), ("post", "/api/v1/assets/{asset_id}/readings"),
    ("get", "/api/v1/vendors"), ("get", "/api/v1/vendors/{vendor_id}"),
    ("get", "/api/v1/vendor-scorecards"),
    ("get", "/api/v1/requests/{request_id}/vendor-engagements"),
    ("post", "/api/v1/requests/{request_id}/vendor-engagements"),
    ("patch", "/api/v1/requests/{request_id}/vendor-engagements/{engagement_id}"),
}


def test_the_document_describes_every_operation(api, people):
    resp = api().get("openapi.json")  # no token needed to read it
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    doc = resp.get_json()
    assert doc["openapi"].startswith("3.") and doc["info"]["version"] == "1"
    found = {(m, p) for p, item in doc["paths"].items() for m in item if m != "parameters"}
    assert found == CONTRACT
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer",
        "description": "A token from POST /api/v1/auth/token or `helpdesk token create`."}
    assert doc["security"] == [{"bearerAuth": []}]
    assert doc["paths"]["/api/v1/auth/token"]["post"]["security"] == []
    assert sorted(t["name"] for t in doc["tags"]) == [
        "Assets", "Authentication", "Categories", "Knowledge base", "Requests", "Tasks",
        "Vendors"]
    for (method, path) in CONTRACT:
        op = doc["paths"][path][method]
        assert op.get("summary"), (method, path)
        errors = {code for code in op["responses"] if code.startswith("4")}
        if path != "/api/v1/auth/token":
            assert "401" in errors, (method, path)
        for code in errors:
            schema = op["responses"][code]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/Error"}
    patch = doc["paths"]["/api/v1/requests/{request_id}"]["patch"]
    assert {"409", "428"} <= set(patch["responses"])
    assert patch["parameters"][0]["name"] == "If-Match" and patch["parameters"][0]["required"]


def test_the_reference_page_needs_nothing_from_elsewhere(api, people):
    resp = api().get("docs")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    html = resp.get_data(as_text=True)
    for _method, path in CONTRACT:
        assert path in html, path
    assert "<script" not in html
    assert not re.search(r'(src|href)="(https?:)?//', html)  # no CDN, no other site
    assert 'id="schema-Request"' in html and "If-Match" in html


def test_the_reference_page_speaks_chinese(api, people):
    html = api(language="zh-CN").get("docs").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html and "请求体" in html


def test_documents_take_only_get(api, people):
    assert_error(api().post("docs"), 405)
