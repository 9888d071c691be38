"""Plugins' own pages, menu entries and request panels follow the plugin's enabled flag."""

from __future__ import annotations

import pytest
from flask import Blueprint
from markupsafe import Markup, escape

from hdcore import hookimpl
from hdcore import services as svc
from tests.core.sample_plugin import LoanPlugin
from web.plugins import Panel, PluginMenuItem

pages = Blueprint("loans_pages", __name__, url_prefix="/loans")


@pages.route("/calendar")
def calendar() -> str:
    return "Loan calendar"


class LoanPluginWithPages(LoanPlugin):
    """The loans test plugin with a page, a menu entry and a panel."""

    @hookimpl
    def hd_web_blueprints(self):
        return [pages]

    @hookimpl
    def hd_web_menu_items(self):
        return [PluginMenuItem("loans_pages.calendar", "Loan calendar",
                               frozenset({"employee"}))]

    @hookimpl
    def hd_web_request_panels(self, request, viewer):
        if request.category != "loan":
            return None
        return [Panel("Loan", Markup("<p>Due back in {} days</p>").format(
            escape(request.details["days"])))]


@pytest.fixture
def plugins():
    return [LoanPluginWithPages()]


def test_pages_menu_and_panels_switch_off_with_the_plugin(browser, people, session):
    req = svc.submit_request(session, people.employee, category="loan", title="Laptop",
                             details={"item": "laptop", "days": 3})
    b = browser("zhang.wei")
    assert b.get("/loans/calendar").get_data(as_text=True) == "Loan calendar"
    page = b.get(f"/portal/r/{req.number}").get_data(as_text=True)
    assert "Due back in 3 days" in page and 'href="/loans/calendar"' in page

    svc.set_plugin_enabled(session, people.admin, "loans", False)
    assert b.get("/loans/calendar").status_code == 404
    page = b.get(f"/portal/r/{req.number}").get_data(as_text=True)
    assert "Due back in" not in page and "/loans/calendar" not in page
    assert req.title in page  # the request itself stays readable

    svc.set_plugin_enabled(session, people.admin, "loans", True)
    assert b.get("/loans/calendar").status_code == 200
