"""The life of one request in a real browser, through all five roles' pages.

Zhang Wei (employee) reports a virus through the portal; Wang Fang (lead) assigns it from the
intake; Zhang Wei escalates; Chen Jie (manager) sees it in the overview and the escalations;
Li Na (technician) works it through the network security steps with a task, an internal note
and a public reply, and resolves it; Zhang Wei reads the reply (not the note), confirms, closes
and rates it. Every action is a click or keystroke on what the page shows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

pytestmark = pytest.mark.slow

TITLE = "Antivirus alert on my PC, files renamed"
HOST = "FIN-PC-023"
INTERNAL_NOTE = "Same strain as on SALES-PC-007 last week; check the share logs."
PUBLIC_REPLY = "Your PC is isolated while we clean it; please use the spare laptop at the desk."
SOLUTION = "Virus removed, disk scanned clean; your files were restored from last night's backup."


def labelled(scope: Page | Locator, label: str) -> Locator:
    """The input labelled ``label`` exactly, or ``label *`` when it is a required one."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}( \*)?$"))


def field_of(form: Locator, label: str) -> Locator:
    """The form's field block (input, help and errors) whose label reads ``label``."""
    return form.locator(".field").filter(has=labelled(form.page, label))


def choose(select: Locator, text: str) -> None:
    """Pick the option whose visible text contains ``text`` (options carry extra details)."""
    option = select.locator("option").filter(has_text=text).first
    select.select_option(value=option.get_attribute("value"))


def take_step(page: Page, label: str, fields: dict[str, str] | None = None) -> None:
    """Take a desk step: open its form if it has fields, fill them, press its button."""
    if fields is None:
        page.locator(".step-quick").get_by_role("button", name=label, exact=True).click()
    else:
        step = page.locator("details.step-details").filter(
            has=page.locator("summary", has_text=label))
        step.locator("summary").click()
        form = step.locator("form")
        for field, value in fields.items():
            control = labelled(form, field)
            if control.evaluate("e => e.tagName") == "SELECT":
                control.select_option(label=value)
            else:
                control.fill(value)
        form.get_by_role("button", name=label, exact=True).click()
    expect(page.locator(".flash-success")).to_have_text(f"Done: {label}.")


def file_the_request(page: Page, attachment: Path) -> str:
    """The employee files a virus notice; a first try without the virus name is refused."""
    expect(page).to_have_url(re.compile(r"/portal/$"))
    page.get_by_role("link", name="New request").first.click()
    expect(page.get_by_role("heading", name="What do you need help with?")).to_be_visible()
    page.get_by_role("link", name="Network security").click()
    expect(page.get_by_role("heading", name="Network security")).to_be_visible()

    form = page.locator("form.form")
    form.get_by_label("Title").fill(TITLE)
    form.get_by_label("Description").fill("A red window said files were encrypted.")
    # The virus fields appear once the kind is chosen (they belong to that kind only).
    expect(form.get_by_label("Infected computer")).to_be_hidden()
    form.get_by_label("Kind of request").select_option(label="Virus notice")
    expect(form.get_by_label("Infected computer")).to_be_visible()
    form.get_by_label("Infected computer").fill(HOST)
    form.get_by_role("button", name="Submit request").click()

    expect(page.get_by_text("Please correct the marked fields.")).to_be_visible()
    expect(field_of(form, "Virus name")).to_contain_text("Required for the kind “Virus notice”.")
    expect(field_of(form, "Infected computer").locator(".error")).to_have_count(0)
    expect(form.get_by_label("Title")).to_have_value(TITLE)
    expect(form.get_by_label("Description")).to_have_value(
        "A red window said files were encrypted.")
    expect(form.get_by_label("Kind of request")).to_have_value("virus_notice")
    expect(form.get_by_label("Infected computer")).to_have_value(HOST)

    form.get_by_label("Virus name").fill("Trojan.Ransom.Gen")
    form.get_by_label("Priority").select_option(label="High")
    form.get_by_label("Attachments").set_input_files(attachment)
    form.get_by_role("button", name="Submit request").click()

    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    number = page.url.rsplit("/", 1)[-1]
    expect(page.locator(".flash-success")).to_contain_text(f"Request {number} was filed")
    expect(page.locator(".props")).to_contain_text(HOST)
    expect(page.get_by_role("link", name=attachment.name)).to_be_visible()

    page.get_by_role("link", name="My requests").first.click()
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text(number)
    expect(row).to_contain_text("New")
    expect(row).to_contain_text("High")
    return number


def assign_from_intake(page: Page, number: str) -> None:
    """The lead gives the request to Li Na from the intake list."""
    expect(page.get_by_role("heading", name="Intake", exact=True)).to_be_visible()
    row = page.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text("Zhang Wei")
    choose(row.get_by_label("Person"), "Li Na")
    row.get_by_role("button", name="Assign").click()
    expect(page.locator(".flash-success")).to_contain_text(f"{number} is now with Li Na")
    expect(page.get_by_role("row").filter(has_text=TITLE)).to_have_count(0)


def escalate_as_requester(page: Page) -> None:
    """The employee, tired of waiting, asks for the IT manager."""
    page.get_by_role("link", name=TITLE).click()
    expect(page.locator(".meta")).to_contain_text("Assigned")
    page.get_by_label("Why should the IT manager look at it?").fill(
        "Month-end close is tomorrow and I cannot open the ledgers.")
    page.get_by_role("button", name="Escalate").click()
    expect(page.get_by_text("The request was escalated; the IT manager is informed.")) \
        .to_be_visible()
    expect(page.locator(".meta .escalated")).to_be_visible()


def check_management(page: Page, number: str) -> None:
    """The manager finds the request in the overview and among the escalations."""
    expect(page.get_by_role("heading", name="Overview of open work")).to_be_visible()
    expect(page.locator(".oldest")).to_contain_text(TITLE)
    li_na = page.locator("#by-person").get_by_role("row").filter(has_text="Li Na")
    expect(li_na.locator("td.escalated")).to_have_text("1")
    page.get_by_role("link", name="Escalations", exact=True).click()
    card = page.locator("article").filter(has_text=TITLE)
    expect(card).to_contain_text(number)
    expect(card).to_contain_text("Month-end close is tomorrow")
    expect(card).to_contain_text("Escalated by Zhang Wei (the requester)")


def work_the_request(page: Page, attachment: Path) -> None:
    """The technician works it from the queue through the category's steps to resolved."""
    expect(page.get_by_role("heading", name="Work queue")).to_be_visible()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.locator(".props").first).to_contain_text(HOST)
    expect(page.locator("#attachments")).to_contain_text(attachment.name)
    expect(page.locator(".meta")).to_contain_text("Escalated, level 1")
    # the folded SLA panel fetches its explanation when it is opened
    page.locator("#sla summary").click()
    expect(page.locator("#sla .fragment-body")).to_contain_text("Clock started")

    take_step(page, "Start work")
    expect(page.locator(".meta")).to_contain_text("In progress")
    take_step(page, "Isolate the host", {"Isolation method": "Switch port shut down",
                                         "Notes": "Port Gi1/0/23 on the 3F switch."})
    expect(page.locator(".meta")).to_contain_text("Host isolated")

    # A task for a check that has to happen before the host goes back on the network.
    page.locator("summary", has_text="Add a task").click()
    task_form = page.locator("form.task-form")
    task_form.get_by_label("Title").fill("Check the file server for encrypted files")
    choose(task_form.get_by_label("Person"), "Li Na")
    task_form.get_by_role("button", name="Add task").click()
    task = page.locator("#tasks").get_by_role("row").filter(
        has_text="Check the file server for encrypted files")
    expect(task).to_contain_text("Open")
    task.get_by_role("button", name="Complete").click()
    expect(task).to_contain_text("Done")

    reply = page.locator("form.desk-reply")
    reply.get_by_label("Internal note (IT staff only)").check()
    reply.get_by_label("Message").fill(INTERNAL_NOTE)
    reply.get_by_role("button", name="Send").click()
    expect(page.locator(".tl-internal").filter(has_text=INTERNAL_NOTE)).to_contain_text(
        "Internal note")
    reply.get_by_label("Reply to the requester").check()
    reply.get_by_label("Message").fill(PUBLIC_REPLY)
    reply.get_by_role("button", name="Send").click()
    expect(page.locator(".tl-comment").filter(has_text=PUBLIC_REPLY)).to_be_visible()

    take_step(page, "Clean up the host", {"Clean-up": "Removed with the antivirus",
                                          "Clean-up notes": "Quarantined 3 files."})
    take_step(page, "Verify the host is clean", {"Scan tool": "Full scan, signatures of today",
                                                 "Scan result": "No threats found."})
    take_step(page, "Resolve", {"Solution": SOLUTION})
    expect(page.locator(".meta")).to_contain_text("Resolved")
    expect(page.locator(".description").filter(has_text=SOLUTION)).to_be_visible()


def confirm_and_rate(page: Page, number: str) -> None:
    """The employee reads IT's reply (never the internal note), closes and rates."""
    page.get_by_role("link", name=re.compile(r"^Awaiting my confirmation")).click()
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", name="IT says this is solved")).to_be_visible()
    expect(page.locator(".highlight")).to_contain_text(SOLUTION)
    expect(page.get_by_text(PUBLIC_REPLY)).to_be_visible()
    expect(page.get_by_text(INTERNAL_NOTE)).to_have_count(0)
    expect(page.get_by_text("Port Gi1/0/23")).to_have_count(0)

    page.get_by_role("button", name="Confirm and close").click()
    expect(page.get_by_text("Done: Confirm and close.")).to_be_visible()
    expect(page.locator(".meta")).to_contain_text("Closed")

    expect(page.get_by_role("heading", name="How did we do?")).to_be_visible()
    page.locator(".stars label[title='4']").click()
    page.get_by_label("Comment (optional)").fill("Quick help, thank you.")
    page.get_by_role("button", name="Send rating").click()
    expect(page.get_by_text("Thank you for your rating.")).to_be_visible()
    expect(page.locator(".stars-static")).to_have_text("★★★★☆")

    page.get_by_role("link", name="My requests").first.click()
    page.get_by_role("link", name=re.compile(r"^Closed")).click()
    expect(page.get_by_role("row").filter(has_text=TITLE)).to_contain_text(number)


def test_a_request_from_filing_to_rating(as_user: Callable[[str], Page], tmp_path: Path) -> None:
    attachment = tmp_path / "antivirus-alert.txt"
    attachment.write_text("Threat: Trojan.Ransom.Gen\nFile: C:\\Users\\zhang.wei\\invoice.exe\n")

    number = file_the_request(as_user("zhang.wei"), attachment)
    assign_from_intake(as_user("wang.fang"), number)
    escalate_as_requester(as_user("zhang.wei"))
    check_management(as_user("chen.jie"), number)
    work_the_request(as_user("li.na"), attachment)
    confirm_and_rate(as_user("zhang.wei"), number)
