"""The administration area over HTTP: plugins, accounts, departments, groups; and My settings."""

from __future__ import annotations

import importlib.metadata
import re

import pytest
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from hdcore import Department, Group, User
from hdcore import lazy_gettext as _
from hdcore import services as svc
from hdcore.host import ENTRY_POINT_GROUP
from tests.core.sample_plugin import LoanPlugin


class LoanSettings(Schema):
    """Settings of the loans desk, to exercise the settings form."""

    max_days = fields.Integer(required=True, validate=validate.Range(min=1, max=90),
                              metadata={"label": _("Longest loan (days)")})
    notify = fields.Email(load_default=None, allow_none=True,
                          metadata={"label": _("Notify this address")})
    deposit = fields.Boolean(load_default=False, metadata={"label": _("Ask for a deposit")})
    sites = fields.List(fields.String(), load_default=list,
                        metadata={"label": _("Pick-up sites"), "widget": "textarea"})


class TunedLoans(LoanPlugin):
    """The loans test plugin, with settings."""

    title = "Loans"
    description = "Lends laptops and projectors."
    version = "2.1.0"
    settings_schema = LoanSettings
    default_settings = {"max_days": 14, "deposit": False, "sites": ["Suzhou"]}


@pytest.fixture
def plugins():
    """Every installed category plugin, and the loans desk with settings."""
    installed = [ep.load() for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)]
    return [*installed, TunedLoans()]


def errors_on(html: str) -> dict[str, list[str]]:
    """The error messages shown under each input, by the input's name."""
    out: dict[str, list[str]] = {}
    blocks = re.findall(r'<div class="field[^"]*has-error.*?</div>', html, re.S) + re.findall(
        r'<fieldset class="field[^"]*has-error.*?</fieldset>', html, re.S)
    for block in blocks:
        name = re.search(r'name="([^"]+)"', block)
        out[name.group(1) if name else "?"] = re.findall(r'class="error">([^<]*)<', block)
    return out


def reload(session, obj):
    session.rollback()
    session.refresh(obj)
    return obj


ROLES = ("employee", "tech", "lead", "manager")
#: Where the area's front door takes each role (None: refused).
FRONT_DOOR = {"employee": None, "tech": None, "lead": "/admin/resources",
              "manager": "/admin/vendors"}


def get_pages(people):
    return ["/admin/plugins", "/admin/users", "/admin/users/new",
            f"/admin/users/{people.employee.id}", "/admin/departments",
            "/admin/departments/new", f"/admin/departments/{people.employee.department_id}",
            "/admin/groups", "/admin/groups/new", f"/admin/groups/{people.apps.id}"]


def post_pages(people):
    return [f"/admin/users/{people.other.id}/active", f"/admin/users/{people.other.id}/password",
            "/admin/plugins/loans/switch", "/admin/plugins/loans/settings",
            f"/admin/groups/{people.infra.id}/delete"]


# -- who gets in -----------------------------------------------------------------------------


def test_administrator_sees_every_page(browser, people):
    b = browser("admin")
    assert b.get("/admin/").location == "/admin/plugins"
    for url in get_pages(people):
        assert b.get(url).status_code == 200, url
    assert b.get("/admin/users/99999").status_code == 404
    assert b.get("/admin/groups/99999").status_code == 404
    assert b.get("/admin/departments/99999").status_code == 404
    assert b.client.post("/admin/plugins/nothing/switch", data={
        "csrf_token": csrf(b, "/admin/plugins")}).status_code == 404


@pytest.mark.parametrize("who", ROLES)
def test_everyone_else_is_refused(browser, people, session, who):
    username = getattr(people, who).username
    b = browser(username)
    for url in get_pages(people):
        assert b.get(url).status_code == 403, url
    door = b.get("/admin/")
    assert (door.location if FRONT_DOOR[who] else door.status_code) == (FRONT_DOOR[who] or 403)
    token = csrf(b, "/portal/")
    for url in post_pages(people):
        resp = b.client.post(url, data={"csrf_token": token, "enabled": "0", "active": "0",
                                        "password": "owned!", "confirm": "owned!"})
        assert resp.status_code == 403, url
    assert svc.authenticate(session, "liu.yang", "demo") is not None
    assert svc.authenticate(session, "liu.yang", "owned!") is None
    tabs = b.get("/portal/").get_data(as_text=True)
    assert ("Administration" in tabs) == (FRONT_DOOR[who] is not None)


def test_signed_out_visitors_are_sent_to_sign_in(browser, people):
    b = browser()
    for url in ["/admin/plugins", "/admin/users", "/me"]:
        resp = b.get(url)
        assert resp.status_code == 302 and resp.location.startswith("/login"), url


def csrf(b, page):
    from tests.web.conftest import csrf_of

    return csrf_of(b.get(page).get_data(as_text=True))


# -- plugins ---------------------------------------------------------------------------------


def test_plugins_page_lists_what_each_plugin_provides(browser, people):
    html = browser("admin").get("/admin/plugins").get_data(as_text=True)
    assert 'id="plugin-core"' in html and 'id="plugin-loans"' in html
    assert "Version 2.1.0" in html and "Lends laptops and projectors." in html
    assert "Equipment loan" in html and "Rental company" in html
    assert "Receive returned devices" in html and "Lent out" in html and "Hand over" in html
    for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
        assert f'id="plugin-{ep.name}"' in html, ep.name
    core = html.split('id="plugin-core"')[1].split("</section>")[0]
    assert "Essential" in core and "/admin/plugins/core/switch" not in core
    # The core's states and steps, each under its own heading.
    states = core.index("States it adds to every category")
    steps = core.index("Steps it adds to every category")
    assert states < core.index('class="badge state-new"') < steps < core.index("<table")
    # Each category with its picture (inline, no file to fetch).
    loans = html.split('id="plugin-loans"')[1].split("</section>")[0]
    assert re.search(r'<span class="cat-icon cat-loan[^"]*" aria-hidden="true"><svg ', loans)
    loans = html.split('id="plugin-loans"')[1].split("</section>")[0]
    assert "/admin/plugins/loans/switch" in loans and 'name="settings.max_days"' in loans


def test_disabling_a_plugin_withdraws_its_category_at_once(browser, people, session, helpdesk):
    admin, employee = browser("admin"), browser("zhang.wei")
    assert "/portal/new/loan" in employee.get("/portal/new").get_data(as_text=True)

    resp = admin.post("/admin/plugins/loans/switch", {"enabled": "0"}, page="/admin/plugins")
    assert resp.status_code == 302 and resp.location.endswith("#plugin-loans")
    page = admin.get("/admin/plugins").get_data(as_text=True)
    assert "Loans is disabled" in page
    assert not helpdesk.host.is_enabled(session, "loans")
    assert "/portal/new/loan" not in employee.get("/portal/new").get_data(as_text=True)
    assert employee.get("/portal/new/loan").location == "/portal/new"

    admin.post("/admin/plugins/loans/switch", {"enabled": "1"}, page="/admin/plugins")
    assert "/portal/new/loan" in employee.get("/portal/new").get_data(as_text=True)
    assert employee.get("/portal/new/loan").status_code == 200


def test_the_essential_plugin_cannot_be_switched_off_even_by_a_forged_form(browser, people,
                                                                           session, helpdesk):
    admin = browser("admin")
    resp = admin.post("/admin/plugins/core/switch", {"enabled": "0"}, page="/admin/plugins")
    assert resp.status_code == 302
    page = admin.get("/admin/plugins").get_data(as_text=True)
    assert "This plugin is essential and cannot be disabled." in page
    assert helpdesk.host.is_enabled(session, "core")


def test_settings_form_shows_errors_next_to_fields_and_saves_good_values(browser, people,
                                                                         session, helpdesk):
    admin = browser("admin")
    page = admin.get("/admin/plugins").get_data(as_text=True)
    assert 'name="settings.max_days"' in page and 'value="14"' in page
    assert re.search(r'<textarea name="settings.sites"[^>]*>Suzhou</textarea>', page)

    resp = admin.post("/admin/plugins/loans/settings",
                      {"settings.max_days": "400", "settings.notify": "not-an-address",
                       "settings.sites": "Suzhou\nWuxi"}, page="/admin/plugins")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    errors = errors_on(html)
    assert errors["settings.max_days"] == ["Must be greater than or equal to 1 and less than "
                                           "or equal to 90."]
    assert errors["settings.notify"] == ["Not a valid email address."]
    assert 'value="not-an-address"' in html and 'value="400"' in html  # what was typed stays
    assert helpdesk.host.plugin_settings(session, "loans")["max_days"] == 14

    resp = admin.post("/admin/plugins/loans/settings",
                      {"settings.max_days": "30", "settings.deposit": "1",
                       "settings.sites": "Suzhou\nWuxi\n"}, page="/admin/plugins")
    assert resp.status_code == 302
    session.rollback()
    assert helpdesk.host.plugin_settings(session, "loans") == {
        "max_days": 30, "notify": None, "deposit": True, "sites": ["Suzhou", "Wuxi"]}
    assert "The settings of Loans were saved." in admin.get("/admin/plugins").get_data(
        as_text=True)


# -- accounts --------------------------------------------------------------------------------


def test_users_list_searches_and_filters(browser, people, session):
    b = browser("admin")
    html = b.get("/admin/users?q=zhang").get_data(as_text=True)
    assert "Zhang Wei" in html and "Li Na" not in html
    html = b.get("/admin/users?department=SALES").get_data(as_text=True)
    assert "Liu Yang" in html and "Zhang Wei" not in html
    html = b.get("/admin/users?role=technician").get_data(as_text=True)
    assert "Li Na" in html and "Zhao Lei" in html and "Zhang Wei" not in html
    svc.update_user(session, None, people.other, active=False)
    html = b.get("/admin/users?status=inactive").get_data(as_text=True)
    assert "Liu Yang" in html and "Zhang Wei" not in html


def test_users_list_is_paginated(browser, people, session):
    for i in range(30):
        svc.create_user(session, None, username=f"temp{i:02d}", full_name=f"Temp {i:02d}")
    b = browser("admin")
    first = b.get("/admin/users?q=temp").get_data(as_text=True)
    assert "30 accounts" in first and "Page 1 of 2" in first
    assert "Temp 00" in first and "Temp 29" not in first
    second = b.get("/admin/users?q=temp&page=2").get_data(as_text=True)
    assert "Temp 29" in second and "Temp 00" not in second


def test_create_user_with_bad_fields_keeps_the_input(browser, people, session):
    b = browser("admin")
    resp = b.post("/admin/users/new", {
        "username": "Bad Name!", "full_name": "Wu Gang", "email": "wu.gang(at)example",
        "role": "employee", "department": "FIN", "timezone": "Asia/Shanghai",
        "password": "secret1", "confirm": "secret2", "phone": "0512-1"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    errors = errors_on(html)
    assert set(errors) == {"username", "email", "confirm"}
    assert errors["email"] == ["Not a valid e-mail address."]
    assert 'value="Wu Gang"' in html and 'value="wu.gang(at)example"' in html
    assert 'value="0512-1"' in html and 'value="secret1"' not in html  # passwords not echoed
    assert session.scalar(select(User).where(User.full_name == "Wu Gang")) is None

    resp = b.post("/admin/users/new", {
        "username": "wu.gang", "full_name": "Wu Gang", "email": "wu.gang@example.com",
        "role": "technician", "department": "FIN", "groups": [str(people.apps.id)],
        "locale": "zh_Hans_CN", "timezone": "Asia/Shanghai", "password": "secret1",
        "confirm": "secret1"}, page="/admin/users/new")
    assert resp.status_code == 302
    session.rollback()
    user = session.scalar(select(User).where(User.username == "wu.gang"))
    assert (user.role, user.department.code, [g.name for g in user.groups], user.locale) == (
        "technician", "FIN", ["Applications"], "zh_Hans_CN")
    assert browser().login("wu.gang", "secret1").status_code == 302  # can sign in


def test_edit_role_and_groups(browser, people, session):
    b = browser("admin")
    url = f"/admin/users/{people.tech.id}"
    html = b.get(url).get_data(as_text=True)
    assert 'value="Li Na"' in html
    resp = b.post(url, {"full_name": "Li Na", "email": "li.na@example.com", "role": "lead",
                        "department": "", "groups": [str(people.apps.id), str(people.infra.id)],
                        "locale": "", "timezone": "Europe/London"})
    assert resp.status_code == 302
    reload(session, people.tech)
    assert people.tech.role == "lead" and people.tech.timezone == "Europe/London"
    assert sorted(g.name for g in people.tech.groups) == ["Applications", "Infrastructure"]

    # An employee cannot be put in an IT group; the error sits on the groups.
    resp = b.post(url, {"full_name": "Li Na", "role": "employee", "groups": [
        str(people.apps.id)], "timezone": "Asia/Shanghai"})
    assert errors_on(resp.get_data(as_text=True)) == {
        "groups": ["Employees cannot be members of IT groups."]}
    assert reload(session, people.tech).role == "lead"


def test_deactivated_account_can_no_longer_sign_in(browser, people, session):
    signed_in = browser("liu.yang")
    assert signed_in.get("/portal/").status_code == 200
    admin = browser("admin")
    url = f"/admin/users/{people.other.id}"
    resp = admin.post(f"{url}/active", {"active": "0"}, page=url)
    assert resp.location == url
    assert "can no longer sign in" in admin.get(url).get_data(as_text=True)
    assert signed_in.get("/portal/").status_code == 302  # the open session ends too
    assert browser().login("liu.yang").status_code == 200  # refused: the form again

    admin.post(f"{url}/active", {"active": "1"}, page=url)
    assert browser().login("liu.yang").status_code == 302


def test_administrator_cannot_deactivate_or_demote_themselves(browser, people, session):
    b = browser("admin")
    url = f"/admin/users/{people.admin.id}"
    html = b.get(url).get_data(as_text=True)
    assert "Deactivate account" not in html and "You cannot change your own role." in html
    b.post(f"{url}/active", {"active": "0"}, page=url)  # forged
    assert "You cannot deactivate your own account." in b.get(url).get_data(as_text=True)
    resp = b.post(url, {"full_name": "Administrator", "role": "employee",
                        "timezone": "Asia/Shanghai"})
    assert "You cannot change your own role." in errors_on(resp.get_data(as_text=True))["role"]
    assert reload(session, people.admin).role == "admin" and people.admin.is_active


def test_reset_password(browser, people):
    admin = browser("admin")
    url = f"/admin/users/{people.employee.id}"
    admin.post(f"{url}/password", {"password": "new-pass", "confirm": "other"}, page=url)
    assert "The two passwords differ." in admin.get(url).get_data(as_text=True)
    admin.post(f"{url}/password", {"password": "x", "confirm": "x"}, page=url)
    assert "At least 4 characters." in admin.get(url).get_data(as_text=True)
    admin.post(f"{url}/password", {"password": "new-pass", "confirm": "new-pass"}, page=url)
    assert browser().login("zhang.wei", "demo").status_code == 200
    assert browser().login("zhang.wei", "new-pass").status_code == 302


# -- departments and groups ------------------------------------------------------------------


def test_departments_create_and_choose_a_head(browser, people, session):
    b = browser("admin")
    resp = b.post("/admin/departments/new", {"code": "FIN", "name": ""})
    assert set(errors_on(resp.get_data(as_text=True))) == {"code", "name"}
    resp = b.post("/admin/departments/new", {"code": "LOG", "name": "Logistics",
                                             "cost_centre": "CC-300"},
                  page="/admin/departments/new")
    dept = session.scalar(select(Department).where(Department.code == "LOG"))
    assert resp.location == f"/admin/departments/{dept.id}"
    html = b.get(resp.location).get_data(as_text=True)
    assert f'<option value="{people.other.id}"' in html
    b.post(resp.location, {"name": "Logistics", "cost_centre": "CC-301",
                           "head": str(people.other.id)})
    reload(session, dept)
    assert (dept.head_id, dept.cost_centre) == (people.other.id, "CC-301")
    listing = b.get("/admin/departments").get_data(as_text=True)
    assert "Logistics" in listing and "Liu Yang" in listing


def test_groups_members_and_deletion(browser, people, session):
    b = browser("admin")
    html = b.get("/admin/groups").get_data(as_text=True)
    assert "Applications" in html and "Li Na" in html
    resp = b.post("/admin/groups/new", {"name": "Desk", "email": "bad",
                                        "members": [str(people.employee.id)]})
    assert set(errors_on(resp.get_data(as_text=True))) == {"email", "members"}
    resp = b.post("/admin/groups/new", {"name": "Desk", "email": "desk@example.com",
                                        "members": [str(people.tech.id), str(people.lead.id)]},
                  page="/admin/groups/new")
    assert resp.location == "/admin/groups"
    desk = session.scalar(select(Group).where(Group.name == "Desk"))
    assert sorted(u.username for u in desk.members) == ["li.na", "wang.fang"]

    url = f"/admin/groups/{desk.id}"
    b.post(url, {"name": "Service desk", "members": [str(people.tech2.id)]})
    reload(session, desk)
    assert desk.name == "Service desk" and [u.username for u in desk.members] == ["zhao.lei"]

    req = svc.submit_request(session, people.employee, category="loan", title="Beamer",
                             details={"item": "projector", "days": 1})
    svc.assign(session, people.lead, req.id, group="Service desk")
    b.post(f"{url}/delete", page=url)
    assert "Reassign them first." in b.get(url).get_data(as_text=True)
    assert session.get(Group, desk.id) is not None

    infra = people.infra.id
    b.post(f"/admin/groups/{infra}/delete", page="/admin/groups")
    session.rollback()
    assert session.scalar(select(Group).where(Group.id == infra)) is None


# -- my settings -----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["employee", "tech", "lead", "manager", "admin"])
def test_everyone_has_their_settings_page(browser, people, who):
    html = browser(getattr(people, who).username).get("/me").get_data(as_text=True)
    assert "My settings" in html and 'name="timezone"' in html


def test_preferences_change_the_language_and_time_zone(browser, people, session):
    b = browser("zhang.wei")
    assert 'lang="en"' in b.get("/portal/").get_data(as_text=True)
    resp = b.post("/me", {"locale": "zh_Hans_CN", "timezone": "Europe/Paris"})
    assert resp.status_code == 302
    assert 'lang="zh-CN"' in b.get("/portal/").get_data(as_text=True)
    reload(session, people.employee)
    assert (people.employee.locale, people.employee.timezone) == ("zh_Hans_CN", "Europe/Paris")

    resp = b.post("/me", {"locale": "en", "timezone": "Mars/Base"})
    # refused whole, so the page still speaks the saved language (Chinese)
    assert errors_on(resp.get_data(as_text=True)) == {
        "timezone": ["不是已知的时区（如 Asia/Shanghai）。"]}
    assert reload(session, people.employee).timezone == "Europe/Paris"


def test_top_bar_language_switch_is_saved_for_the_user(browser, people, session):
    b = browser("zhang.wei")
    b.post("/language/zh_Hans_CN", {"next": "/portal/"}, page="/portal/")
    assert reload(session, people.employee).locale == "zh_Hans_CN"
    other_browser = browser("zhang.wei")  # the choice follows the person, not the browser
    assert 'lang="zh-CN"' in other_browser.get("/portal/").get_data(as_text=True)
    b.post("/language/en", {"next": "/portal/"}, page="/portal/")
    assert reload(session, people.employee).locale == "en"
    assert 'lang="en"' in other_browser.get("/portal/").get_data(as_text=True)


def test_change_my_password(browser, people):
    b = browser("zhang.wei")
    resp = b.post("/me/password", {"current_password": "wrong", "password": "newer1",
                                   "confirm": "newer1"}, page="/me")
    assert errors_on(resp.get_data(as_text=True)) == {
        "current_password": ["This is not your current password."]}
    resp = b.post("/me/password", {"current_password": "demo", "password": "newer1",
                                   "confirm": "newer1"}, page="/me")
    assert resp.status_code == 302
    assert browser().login("zhang.wei", "newer1").status_code == 302


@pytest.mark.parametrize(("who", "tabs"), [
    ("lead", ["Resources", "Routing", "Vendors", "Assets"]),
    ("manager", ["Vendors", "Surveys"]),
    ("admin", ["Plugins", "Users", "Departments", "IT groups", "Calendars", "Service levels",
               "Resources", "Routing", "Outgoing mail", "Incoming mail", "Vendors", "Surveys",
               "Assets"]),
])
def test_each_role_sees_and_opens_its_own_sections(browser, people, who, tabs):
    """The lead and managers reach the sections whose work the services give them, with
    only those tabs; every tab opens."""
    b = browser(getattr(people, who).username)
    first = b.get("/admin/").location
    html = b.get(first).get_data(as_text=True)
    nav = html[html.index('class="tabs admin-tabs"'):]
    nav = nav[:nav.index("</nav>")]
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav)
    assert [label for _url, label in links] == tabs
    for url, label in links:
        assert b.get(url).status_code == 200, (who, label)
