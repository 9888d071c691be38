"""An outsourced repair in a real browser: the technician dispatches the broken laptop to its
own maintenance vendor (the contract sets the promised times), records the visit and the
repair, the employee verifies it works on the portal, and the manager sees the job on the
vendor's scorecard; the laptop is "under repair" while out and in use again after."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from hdcore import now
from hdcore import services as svc
from hdcore.models import Asset, VendorEngagement
from tests.browser.test_request_life import labelled

pytestmark = pytest.mark.slow

LENOVO = "联想（上海）授权服务站"


@pytest.fixture
def repair(session, people):
    """Zhang Wei's laptop under Lenovo's warranty contract, and his repair request, assigned
    to Li Na and started."""
    svc.create_vendor(session, None, name=LENOVO, kinds=["maintenance"], phone="021-5046 8800")
    lenovo = svc.find_vendor(session, LENOVO)
    svc.save_contract(session, None, lenovo.id, number="LNV-WTY", coverage="warranty",
                      response_hours="4", repair_hours="16",
                      starts_on=now().date() - timedelta(days=30))
    svc.create_asset(session, people.lead, tag="NB-0042", type="laptop", model="ThinkPad T14",
                     serial="PF3XK2LM", status="in_use", user="zhang.wei", maintainer=LENOVO,
                     warranty_end=now().date() + timedelta(days=300))
    req = svc.submit_request(session, people.employee, category="outsourcing",
                             title="Laptop screen flickering", description="屏幕一直闪",
                             details={"equipment_type": "laptop", "equipment": "ThinkPad T14",
                                      "asset_tag": "NB-0042", "location": "财务部 3F",
                                      "fault": "屏幕闪烁", "since": now().date().isoformat(),
                                      "impact": "degraded", "warranty": "yes"})
    svc.assign(session, people.lead, req.id, assignee="li.na")
    svc.transition(session, people.tech, req.id, "start")
    return req


def step(page: Page, label: str, fields: dict[str, str]) -> None:
    """Open a step's form on the request page, fill it, press its button."""
    details = page.locator("details.step-details").filter(
        has=page.locator("summary", has_text=label))
    details.locator("summary").click()
    form = details.locator("form")
    for name, value in fields.items():
        labelled(form, name).fill(value)
    form.get_by_role("button", name=label, exact=True).click()
    expect(page.locator(".flash-success")).to_have_text(f"Done: {label}.")


def test_an_outsourced_repair_in_the_browser(as_user, repair, session, people):
    page = as_user("li.na")
    page.goto(f"/desk/r/{repair.number}")
    # No vendor chosen and no times typed: the laptop's maintenance vendor and its contract.
    step(page, "Dispatch to a vendor", {"Vendor's job reference": "LNV-CASE-1"})
    vendors = page.locator("#vendors")
    expect(vendors).to_contain_text(LENOVO)
    expect(vendors).to_contain_text("LNV-CASE-1")
    session.rollback()  # a fresh snapshot: see what the web app committed
    assert session.scalar(select(Asset.status).where(Asset.tag == "NB-0042")) == "under_repair"

    step(page, "Vendor arrived", {"Engineer's name": "陈建华"})
    step(page, "Vendor finished the repair", {"Work done": "更换屏线"})

    page = as_user("zhang.wei")
    page.goto(f"/portal/r/{repair.number}")
    verify = page.locator("details#step-verify_fixed")
    verify.locator("summary").click()
    labelled(verify, "How it was checked").fill("屏幕正常了")
    verify.locator("form").get_by_role("button", name="Verified: it works").click()
    expect(page.locator(".flash-success")).to_contain_text("Verified: it works")
    session.rollback()  # a fresh snapshot: see what the web app committed
    assert session.scalar(select(Asset.status).where(Asset.tag == "NB-0042")) == "in_use"
    job = session.scalar(select(VendorEngagement))
    assert job.status == "done" and job.contract.number == "LNV-WTY"

    page = as_user("chen.jie")
    page.goto("/manage/vendors")
    row = page.get_by_role("row").filter(has_text=LENOVO)
    expect(row).to_contain_text("100%")
    row.get_by_role("link", name=LENOVO).click()
    expect(page.get_by_role("link", name=repair.number)).to_be_visible()
    expect(page.locator(".vendor-jobs")).to_contain_text(re.compile("On time"))
