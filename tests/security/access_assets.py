"""Who may call the installed base's routes (desk, portal, administration, API)."""

from __future__ import annotations

from hdcore import services as svc
from hdcore.services.counter_rules import create_threshold_rule
from hdcore.services.counters import create_counter
from tests.security.access_rules import EVERYONE, LEAD_ADMIN, STAFF, VIEWERS, rule

#: Who registers and changes assets and enters readings (the manager reads).
KEEPERS = "tech tech2 lead admin"
_csv = {"fmt": lambda w: "csv"}

RULES = [
    *rule("desk.assets", "GET", STAFF),
    *rule("desk.export", "GET", STAFF, args=_csv),
    *rule("desk.asset", "GET", STAFF),
    *rule("desk.new_asset", "GET POST", KEEPERS),
    *rule("desk.edit_asset", "GET POST", KEEPERS),
    *rule("desk.asset_status", "POST", KEEPERS),
    *rule("desk.enter_reading", "POST", KEEPERS),
    *rule("desk.link_asset", "POST", STAFF),
    *rule("desk.unlink_asset", "POST", STAFF),
    *rule("portal.equipment", "GET", EVERYONE),
    # The world's asset is the employee's laptop (Finance): the head of Finance sees it too.
    *rule("portal.report_problem", "GET", VIEWERS, denied=404),
    *rule("admin.asset_counters", "GET POST", LEAD_ADMIN),
    *rule("admin.asset_counter", "GET POST", LEAD_ADMIN),
    *rule("admin.asset_rules", "GET", LEAD_ADMIN),
    *rule("admin.new_asset_rule", "GET POST", LEAD_ADMIN),
    *rule("admin.asset_rule", "GET POST", LEAD_ADMIN),
    *rule("admin.delete_asset_rule", "POST", LEAD_ADMIN, deletes=True),
    *rule("admin.asset_import", "GET POST", LEAD_ADMIN),
    *rule("admin.asset_import_rejected", "POST", LEAD_ADMIN, args=_csv),
    *rule("api_assets.list_assets", "GET", EVERYONE),
    *rule("api_assets.create_asset", "POST", KEEPERS, denied=(403, 422)),
    *rule("api_assets.AssetItem", "GET", VIEWERS, denied=404),
    *rule("api_assets.AssetItem", "PATCH", KEEPERS, denied=(403, 404, 428)),
    *rule("api_assets.list_readings", "GET", VIEWERS, denied=404),
    *rule("api_assets.create_reading", "POST", KEEPERS, denied=(403, 404, 422)),
]

ARGS = {
    "asset_id": lambda w: w.asset_id,
    "counter_id": lambda w: w.asset_counter_id,
    "threshold_id": lambda w: w.asset_rule_id,
}


def build(session, helpdesk, world):
    """The employee's laptop (named on the employee's request), a page counter and a rule."""
    people = world.people
    asset = svc.create_asset(session, people.tech, tag="NB-SECRET-01", type="laptop",
                             model="ThinkPad T14", user=people.employee, status="in_use",
                             notes="Planted asset note")
    world.asset_id = asset.id
    counter = create_counter(session, None, asset_type="printer", code="page_count",
                             name="Page count", unit="pages")
    world.asset_counter_id = counter.id
    category = "email_admin"
    details = dict(helpdesk.host.sample_requests(category)[0].details)
    world.asset_rule_id = create_threshold_rule(
        session, None, name="Toner", counter=counter, mode="every", amount=20000,
        category=category, title="Toner for {tag}", requester=people.lead, details=details).id
    svc.link_asset(session, people.tech, world.request, asset)
