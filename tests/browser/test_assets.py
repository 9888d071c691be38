"""An employee reports a broken printer from "My equipment"; the technician finds the request
on the printer's page."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from hdcore import services as svc

TITLE = "Printer streaks every page"


@pytest.fixture
def printer(session, people):
    """Finance's printer and Zhang Wei's laptop."""
    svc.create_asset(session, people.tech, tag="NB-0001", type="laptop", model="ThinkPad T14",
                     user="zhang.wei", status="in_use")
    return svc.create_asset(session, people.tech, tag="FIN-PRN-012", type="printer",
                            model="HP LaserJet Pro M404dn", department="FIN",
                            location="3F Finance", serial="VNB3K12345")


def test_an_employee_reports_a_printer_problem_and_the_technician_sees_it(
        as_user: Callable[[str], Page], printer) -> None:
    page = as_user("zhang.wei")
    page.get_by_role("link", name="My equipment").click()
    card = page.locator(".equipment").filter(has_text="FIN-PRN-012")
    expect(card).to_contain_text("HP LaserJet Pro M404dn")
    expect(page.locator(".equipment").filter(has_text="NB-0001")).to_contain_text("Yours")
    card.get_by_role("link", name="Report a problem").click()

    expect(page.get_by_role("heading", name="A problem with FIN-PRN-012")).to_be_visible()
    page.get_by_role("link", name=re.compile("Outsourced maintenance")).click()
    form = page.locator("form.form")
    expect(form.get_by_label(re.compile("FIN-PRN-012"))).to_be_checked()
    expect(form.get_by_label(re.compile("NB-0001"))).not_to_be_checked()
    # The form knows the device: its type, model, tag and place are filled in.
    expect(form.get_by_label("Equipment type")).to_have_value("printer")
    expect(form.get_by_label("Equipment or software (model)")).to_have_value(
        "HP LaserJet Pro M404dn")
    expect(form.get_by_label("Asset tag or serial number")).to_have_value("FIN-PRN-012")
    expect(form.get_by_label("Location")).to_have_value("3F Finance")
    form.get_by_label("Title").fill(TITLE)
    form.get_by_label("Fault description").fill("Black streaks down every page")
    form.get_by_label("Faulty since").fill((date.today() - timedelta(days=1)).isoformat())
    form.get_by_label("Impact on your work").select_option(index=1)
    form.get_by_role("button", name="Submit request").click()

    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    expect(page.locator("#assets")).to_contain_text("FIN-PRN-012")

    page = as_user("li.na")
    page.get_by_role("link", name="Assets").click()
    page.get_by_label("Search").fill("vnb3k")
    page.get_by_role("button", name="Apply").click()
    page.get_by_role("link", name="FIN-PRN-012").click()
    row = page.locator("#requests").get_by_role("row").filter(has_text=number)
    expect(row).to_contain_text(TITLE)
    expect(row).to_contain_text("Reported problem")
    row.get_by_role("link", name=number).click()
    expect(page.locator("#assets")).to_contain_text("FIN-PRN-012")
    expect(page.locator("main")).to_contain_text("named the equipment FIN-PRN-012")
