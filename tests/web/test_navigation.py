"""The main menu: each role's entries, and the one entry that marks the page open."""

from __future__ import annotations

import re

import pytest

from web.testing import Browser


def active_entries(html: str) -> list[str]:
    """The labels of the menu entries marked as the open page."""
    menu = html[html.index('<nav class="mainnav">'):html.index("</nav>")]
    return re.findall(r'<a href="[^"]*" class="active" aria-current="page">([^<]+)</a>', menu)


@pytest.mark.parametrize(("username", "path", "entry"), [
    ("li.na", "/desk/", "Work queue"),
    ("li.na", "/desk/dashboard", "My figures"),      # under /desk/, but its own entry
    ("wang.fang", "/dispatch/", "Dispatch"),
    ("wang.fang", "/dispatch/dashboard", "Dashboard"),  # under /dispatch/, its own entry
    ("zhang.wei", "/portal/", "My requests"),
    ("zhang.wei", "/portal/new", "New request"),
    ("admin", "/admin/plugins", "Administration"),
])
def test_one_menu_entry_is_marked_as_the_open_page(browser, people, username: str, path: str,
                                                   entry: str) -> None:
    b: Browser = browser(username)
    page = b.get(path)
    assert page.status_code == 200
    assert active_entries(page.get_data(as_text=True)) == [entry]


def test_a_page_outside_the_menu_marks_no_entry(browser, people) -> None:
    page = browser("zhang.wei").get("/me")
    assert page.status_code == 200
    assert active_entries(page.get_data(as_text=True)) == []
