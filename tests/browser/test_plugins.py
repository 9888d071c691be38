"""The administrator switches a category plugin off and on; the portal follows at once."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect


def offered_categories(page: Page) -> Page:
    """Open the employee's "new request" page (from the menu) and return the tab."""
    page.get_by_role("link", name="New request").first.click()
    expect(page.get_by_role("heading", name="What do you need help with?")).to_be_visible()
    return page


def switch(page: Page, title: str, action: str) -> None:
    """Press the plugin's switch on the plugins page and wait for the new state."""
    card = page.locator("section.plugin").filter(
        has=page.get_by_role("heading", name=title, exact=True))
    expect(card).to_contain_text("Enabled" if action == "Disable" else "Disabled")
    card.get_by_role("switch", name=action).click()
    expect(page.locator(".flash-success")).to_contain_text(
        f"{title} is {'disabled' if action == 'Disable' else 'enabled'}")
    expect(card).to_contain_text("Disabled" if action == "Disable" else "Enabled")


def test_disabling_a_plugin_takes_its_category_off_the_portal_at_once(
        as_user: Callable[[str], Page]) -> None:
    page = offered_categories(as_user("zhang.wei"))
    expect(page.get_by_role("link", name="Outsourced maintenance")).to_be_visible()
    form_url = page.get_by_role("link", name="Outsourced maintenance").get_attribute("href")

    page = as_user("admin")
    expect(page.get_by_role("heading", name="Plugins")).to_be_visible()
    switch(page, "Outsourced maintenance", "Disable")

    page = offered_categories(as_user("zhang.wei"))
    expect(page.get_by_role("link", name="ERP support")).to_be_visible()
    expect(page.get_by_role("link", name="Outsourced maintenance")).to_have_count(0)
    # A bookmarked form of the switched-off category says so instead of taking requests.
    page.goto(form_url or "/")
    expect(page.get_by_text("This service category is switched off at the moment.")) \
        .to_be_visible()
    expect(page.get_by_role("heading", name="What do you need help with?")).to_be_visible()

    page = as_user("admin")
    switch(page, "Outsourced maintenance", "Enable")

    page = offered_categories(as_user("zhang.wei"))
    page.get_by_role("link", name="Outsourced maintenance").click()
    expect(page.get_by_role("heading", name="Outsourced maintenance")).to_be_visible()
    expect(page.get_by_role("button", name="Submit request")).to_be_visible()
