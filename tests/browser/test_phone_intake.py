"""The lead takes a request by phone: finds the caller, picks the category, fills its form."""

from __future__ import annotations

import re
from collections.abc import Callable

from playwright.sync_api import Page, expect

TITLE = "Cannot post journals in GL"


def test_the_lead_files_a_phone_request_for_an_employee(
        as_user: Callable[[str], Page]) -> None:
    page = as_user("wang.fang")
    page.get_by_role("link", name="Take a phone request").click()
    expect(page.get_by_role("heading", name="Phone intake")).to_be_visible()

    # Search as you type: the list offers the matching people.
    page.get_by_label("Find the caller").press_sequentially("zhang")
    caller = page.get_by_role("option", name=re.compile("Zhang Wei"))
    expect(caller).to_contain_text("Finance")
    caller.click()
    step1 = page.locator(".phone-step").first
    expect(step1).to_contain_text("Zhang Wei")
    expect(step1.get_by_role("link", name="Change caller")).to_be_visible()

    page.get_by_role("link", name="ERP support").click()
    form = page.locator("form.form")
    expect(form.get_by_role("button", name="File the request for Zhang Wei")).to_be_visible()
    form.get_by_label("Title").fill(TITLE)
    form.get_by_label("Description").fill("Called at 9:10; error appears on every journal.")
    form.get_by_label("Request type").select_option(label="Fault")
    form.get_by_label("ERP module").select_option(label="GL – General Ledger")
    form.get_by_label("Environment").select_option(label="Production (PROD)")
    form.get_by_label("Business impact").select_option(label="A whole department")
    form.get_by_label("Form, report or program").fill("Enter Journals")
    form.get_by_label("Error message").fill("APP-SQLGL-10000: period not open")
    form.get_by_role("button", name="File the request for Zhang Wei").click()

    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    number = page.url.rstrip("/").rsplit("/", 1)[-1]
    expect(page.locator(".flash-success")).to_contain_text(
        f"Request {number} was filed for Zhang Wei.")
    side = page.locator("aside")
    expect(side).to_contain_text("Zhang Wei")
    expect(side).to_contain_text("Phone")
    expect(side).to_contain_text("entered by Wang Fang")
    expect(page.locator("main")).to_contain_text("Enter Journals")

    page.get_by_role("link", name="Dispatch").click()
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text(number)
    expect(row).to_contain_text("Phone")

    # The caller finds it among their own requests, as if they had filed it.
    page = as_user("zhang.wei")
    expect(page.get_by_role("row").filter(has_text=TITLE)).to_contain_text(number)
