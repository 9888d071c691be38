"""The vendor register: contacts and contracts, with every bad field named and only the lead,
a manager or an administrator allowed to change it."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hdcore import PermissionDenied, ValidationFailed
from hdcore import services as svc
from hdcore.models import VendorContact, VendorContract
from tests.core.sla_support import plugins_fixture  # noqa: F401  (the fixture plugins)


@pytest.fixture
def vendor(session):
    return svc.create_vendor(session, None, name="Fix Co", kinds=["fixer"])


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_contacts_one_primary(session, people, vendor):
    a = svc.save_contact(session, people.lead, vendor.id, name="Sun Li", role="Account manager",
                         phone="+86 21 5555 0101", is_primary=True)
    b = svc.save_contact(session, people.manager, vendor.id, name="Hotline",
                         email="service@fixco.example.cn", is_primary=True)
    assert (a.is_primary, b.is_primary) == (False, True)
    svc.save_contact(session, people.lead, vendor.id, contact_id=a.id, name="Sun Li",
                     phone="+86 21 5555 0102")
    assert a.phone == "+86 21 5555 0102"
    svc.delete_contact(session, people.admin, b.id)
    assert [c.name for c in vendor.contacts] == ["Sun Li"]


def test_bad_contacts_and_contracts_name_every_field(session, people, vendor):
    with pytest.raises(ValidationFailed) as err:
        svc.save_contact(session, people.lead, vendor.id, name=" ", email="not-mail",
                         phone="call me")
    assert set(err.value.errors) == {"name", "email", "phone"}
    with pytest.raises(ValidationFailed) as err:
        svc.save_contract(session, people.lead, vendor.id, number="", coverage="magic",
                          response_hours="soon", repair_hours="-1", calendar_id="999",
                          price="12.345", price_basis="weekly", starts_on="2026-13-01",
                          categories=["nothing"])
    assert set(err.value.errors) == {"number", "coverage", "response_hours", "repair_hours",
                                     "calendar_id", "price", "price_basis", "starts_on",
                                     "categories"}
    with pytest.raises(ValidationFailed) as err:
        svc.save_contract(session, people.lead, vendor.id, number="M-1", response_hours="8",
                          repair_hours="4", starts_on="2026-06-01", ends_on="2026-01-01")
    assert set(err.value.errors) == {"repair_hours", "ends_on"}
    assert count(session, VendorContact) == count(session, VendorContract) == 0


def test_a_contract_with_its_terms(session, people, vendor):
    c = svc.save_contract(session, people.lead, vendor.id, number="M-2026", title="Printers",
                          coverage="maintenance", response_hours="0.5", repair_hours="12.5",
                          price="¥1,200.50", price_basis="per_job", asset_types=["printer"],
                          categories=["repair"], starts_on="2026-01-01")
    assert (c.response_minutes, c.repair_minutes, c.price_cents) == (30, 750, 120050)
    assert c.ends_on is None and c.serves("repair", "printer") and not c.serves("loan")
    with pytest.raises(ValidationFailed) as err:
        svc.save_contract(session, people.lead, vendor.id, number="M-2026",
                          starts_on="2026-01-01")
    assert set(err.value.errors) == {"number"}
    svc.save_contract(session, people.lead, vendor.id, contract_id=c.id, number="M-2026",
                      starts_on="2026-01-01", active=False)
    assert c.active is False and c.asset_types == []


def test_only_supervisors_keep_the_register(session, people, vendor):
    for who in (people.tech, people.employee):
        with pytest.raises(PermissionDenied):
            svc.save_contact(session, who, vendor.id, name="X", phone="12345")
        with pytest.raises(PermissionDenied):
            svc.update_vendor(session, who, vendor.id, name="Y", kinds=["fixer"])
    svc.update_vendor(session, people.lead, vendor.id, name="Fix Co Ltd", kinds=["fixer"],
                      phone="021-5555 0100", active=False)
    assert vendor.name == "Fix Co Ltd" and vendor.active is False
    with pytest.raises(ValidationFailed) as err:
        svc.update_vendor(session, people.lead, vendor.id, name="", kinds=["none"],
                          email="x")
    assert set(err.value.errors) == {"name", "kinds", "email"}
