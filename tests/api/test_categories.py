"""``GET /api/v1/categories``: each enabled category with its fields as JSON Schema and its
workflow."""

from __future__ import annotations

import pytest

from hdcore import services as svc
from tests.api.conftest import ROLES, assert_error

CATEGORIES = {"erp_support", "email_admin", "network_security", "procurement", "outsourcing"}


def categories(client) -> dict[str, dict]:
    resp = client.get("categories")
    assert resp.status_code == 200, resp.get_json()
    return {c["name"]: c for c in resp.get_json()["items"]}


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_enabled_categories(api, role):
    found = categories(api(role))
    assert set(found) == CATEGORIES
    for cat in found.values():
        assert cat["label"] and cat["fields"]["type"] == "object"
        assert cat["fields"]["$schema"].endswith("2020-12/schema")
        assert {s["name"] for s in cat["workflow"]["states"]} >= {"new", "closed"}


def test_anonymous_callers_get_none(api, people):
    assert_error(api().get("categories"), 401)


def test_a_disabled_category_is_not_offered(api, session):
    svc.set_plugin_enabled(session, None, "procurement", False)
    assert "procurement" not in categories(api("employee"))


def test_fields_carry_types_requirements_choices_and_limits(api):
    procurement = categories(api("employee"))["procurement"]["fields"]
    assert procurement["additionalProperties"] is False
    assert {"items", "cost_centre", "justification"} <= set(procurement["required"])
    items = procurement["properties"]["items"]
    assert items["type"] == "array" and items["minItems"] == 1 and items["maxItems"] == 50
    assert items["title"] == "Items" and items["description"]
    row = items["items"]
    assert row["type"] == "object" and set(row["required"]) == {
        "description", "item_type", "quantity", "unit_price"}
    assert row["properties"]["quantity"] == {
        "type": "integer", "minimum": 1, "maximum": 9999, "title": "Quantity",
        "x-widget": "number"}
    item_type = row["properties"]["item_type"]
    assert "laptop" in item_type["enum"]
    assert {"value": "laptop", "label": "Laptop"} in item_type["x-choices"]
    assert row["properties"]["description"]["maxLength"] == 200
    assert procurement["properties"]["needed_by"]["format"] == "date"
    assert "null" in procurement["properties"]["needed_by"]["type"]
    assert procurement["properties"]["cost_centre"]["pattern"].startswith("^CC-")

    security = categories(api("employee"))["network_security"]["fields"]["properties"]
    assert security["port"]["x-show-when"] == {"kind": ["firewall_change"]}
    assert security["cvss_score"]["type"] == "number" and security["cvss_score"]["maximum"] == 10


def test_labels_and_help_follow_the_callers_language(api, people, session):
    chinese = categories(api("employee", language="zh-CN,zh;q=0.9,en;q=0.8"))
    items = chinese["procurement"]["fields"]["properties"]["items"]
    assert items["title"] == "采购明细"
    assert chinese["procurement"]["label"] != "Procurement"
    # Without a header, the user's own setting decides.
    svc.set_preferences(session, people.employee, locale="zh_Hans_CN")
    assert categories(api("employee"))["procurement"]["fields"]["properties"]["items"][
        "title"] == "采购明细"
    assert categories(api("employee", language="en"))["procurement"]["label"] == "Procurement"


def test_the_workflow_lists_states_steps_roles_and_step_fields(api, helpdesk):
    wf = categories(api("tech"))["email_admin"]["workflow"]
    kinds = {s["name"]: s["kind"] for s in wf["states"]}
    assert kinds["new"] == "new" and kinds["resolved"] == "resolved" and kinds["closed"] == "final"
    steps = {t["name"]: t for t in wf["transitions"]}
    resolve = steps["resolve"]
    assert "in_progress" in resolve["from"] and resolve["to"] == "resolved"
    assert "assignee" in resolve["roles"]
    assert resolve["fields"]["required"] == ["resolution"]
    assert resolve["endpoint"] == "/api/v1/requests/{id}/transitions"
    assert steps["start"]["fields"] is None
    assert steps["assign"]["endpoint"] == "/api/v1/requests/{id}/assign"
    # Steps only the help desk itself takes (such as closing silent requests) have none.
    for name, t in helpdesk.host.workflow("email_admin").transitions.items():
        if t.meta.get("via") not in (None, "assign"):
            assert steps[name]["endpoint"] is None
