"""Who may call the vendor routes: the register (administrators), vendor work on the desk
(IT staff), the scorecards (the lead in dispatch, managers in management) and the API."""

from __future__ import annotations

from hdcore import services as svc
from tests.security.access_rules import DISPATCHERS, MANAGERS, STAFF, rule

#: Employees are told nothing exists in the vendor API; technicians may not read scorecards.
_NOT_THERE = 404
_SCORECARD_DENIED = {"employee": 404, "other": 404, "head": 404, "tech": 403, "tech2": 403}

RULES = [
    *rule("admin.vendors", "GET", DISPATCHERS),
    *rule("admin.new_vendor", "GET POST", DISPATCHERS),
    *rule("admin.edit_vendor", "GET POST", DISPATCHERS),
    *rule("admin.vendor_contact", "GET POST", DISPATCHERS),
    *rule("admin.delete_vendor_contact", "POST", DISPATCHERS, deletes=True),
    *rule("admin.vendor_contract", "GET POST", DISPATCHERS),
    *rule("desk.hand_to_vendor", "POST", STAFF),
    *rule("desk.record_vendor_progress", "POST", STAFF),
    *rule("dispatch.vendors", "GET", DISPATCHERS),
    *rule("dispatch.vendor_jobs", "GET", DISPATCHERS),
    *rule("manage.vendors", "GET", MANAGERS),
    *rule("manage.vendor_jobs", "GET", MANAGERS),
    *rule("api_vendors.list_vendors", "GET", STAFF, denied=_NOT_THERE),
    *rule("api_vendors.get_vendor", "GET", STAFF, denied=_NOT_THERE),
    *rule("api_vendors.vendor_scorecards", "GET", DISPATCHERS, denied=_SCORECARD_DENIED),
    *rule("api_vendors.list_engagements", "GET", STAFF, denied=_NOT_THERE),
    *rule("api_vendors.create_engagement", "POST", STAFF, denied=_NOT_THERE),
    *rule("api_vendors.patch_engagement", "PATCH", STAFF, denied=_NOT_THERE),
]

ARGS = {
    "vendor_id": lambda w: w.vendor_id,
    "contact_id": lambda w: w.vendor_contact_id,
    "contract_id": lambda w: w.vendor_contract_id,
    "engagement_id": lambda w: w.engagement_id,
}


def build(session, helpdesk, world):
    """A vendor with a contact and a contract, working on the employee's request."""
    people = world.people
    kind = svc.host_of(session).vendor_kinds()[0].name
    vendor = svc.create_vendor(session, None, name="Planted Vendor Co", kinds=[kind])
    world.vendor_id = vendor.id
    world.vendor_contact_id = svc.save_contact(session, None, vendor.id, name="Sun Li",
                                               phone="021-5555 0101").id
    world.vendor_contract_id = svc.save_contract(session, None, vendor.id, number="HT-1",
                                                 response_hours="4", repair_hours="16",
                                                 starts_on="2026-01-01").id
    world.engagement_id = svc.engage_vendor(session, people.lead, world.request.id,
                                            vendor=vendor.id, reference="PLANTED-REF").id
