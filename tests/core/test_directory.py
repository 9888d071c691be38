"""Managing people and the organisation: accounts, departments, IT groups, plugin settings and
each person's own preferences, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from marshmallow import Schema, fields, validate
from sqlalchemy import select

from hdcore import HelpDesk, NotFound, PermissionDenied, ValidationFailed
from hdcore import services as svc
from hdcore.models import Group, PluginState, User
from tests.core.sample_plugin import LoanPlugin


class LoanSettings(Schema):
    """Settings of the loans desk (a plugin with a settings schema)."""

    max_days = fields.Integer(required=True, validate=validate.Range(min=1, max=90))
    notify = fields.Email(load_default=None, allow_none=True)
    deposit = fields.Boolean(load_default=False)


class TunedLoans(LoanPlugin):
    """The loans test plugin with settings."""

    settings_schema = LoanSettings
    default_settings = {"max_days": 14, "deposit": False}


@pytest.fixture
def plugins() -> list[object]:
    return [TunedLoans()]


def fresh(helpdesk: HelpDesk, model: type, key: object) -> object:
    """The row as another connection sees it now (what was really committed)."""
    with helpdesk.session_scope() as other:
        obj = other.get(model, key)
        if obj is not None:
            other.expunge(obj)
        return obj


# -- accounts ------------------------------------------------------------------------------


def test_update_user_changes_every_field(session, people, helpdesk):
    svc.update_user(session, people.admin, people.tech.id, full_name=" Li Na (Apps) ",
                    email="na.li@example.com", phone="0512-1234", employee_no="E777",
                    role="lead", department="SALES", groups=["Applications", "Infrastructure"],
                    locale="zh_Hans_CN", timezone="Europe/Berlin")
    with helpdesk.session_scope() as other:
        u = other.scalar(select(User).where(User.username == "li.na"))
        assert (u.full_name, u.email, u.phone, u.employee_no, u.role) == (
            "Li Na (Apps)", "na.li@example.com", "0512-1234", "E777", "lead")
        assert u.department.code == "SALES"
        assert sorted(g.name for g in u.groups) == ["Applications", "Infrastructure"]
        assert (u.locale, u.timezone) == ("zh_Hans_CN", "Europe/Berlin")


def test_fields_left_out_stay_as_they_are(session, people, helpdesk):
    svc.update_user(session, None, "zhang.wei", phone="110")
    u = fresh(helpdesk, User, people.employee.id)
    assert (u.phone, u.full_name, u.email, u.role) == ("110", "Zhang Wei",
                                                      "zhang.wei@example.com", "employee")


def test_every_bad_field_is_reported_at_once_and_nothing_is_written(session, people,
                                                                    helpdesk):
    svc.update_user(session, None, people.other, employee_no="E100")
    with pytest.raises(ValidationFailed) as err:
        svc.update_user(session, people.admin, people.employee, full_name="  ",
                        email="not-mail", employee_no="E100", role="boss", department="XX",
                        groups=["Nobody"], locale="fr", timezone="Mars/Olympus")
    assert set(err.value.errors) == {"full_name", "email", "employee_no", "role", "department",
                                     "groups", "locale", "timezone"}
    u = fresh(helpdesk, User, people.employee.id)
    assert (u.full_name, u.email, u.employee_no) == ("Zhang Wei", "zhang.wei@example.com", None)


def test_time_zone_must_be_a_real_iana_zone(session, people):
    for bad in ("Asia", "../etc/passwd", "asia/shanghai", "localtime", ""):
        with pytest.raises(ValidationFailed) as err:
            svc.update_user(session, None, people.employee, timezone=bad)
        assert "timezone" in err.value.errors
    svc.update_user(session, None, people.employee, timezone="UTC")
    assert svc.valid_timezone("Asia/Shanghai") and "Asia/Shanghai" in svc.timezone_names()


def test_admin_cannot_deactivate_or_demote_themselves(session, people):
    with pytest.raises(ValidationFailed) as err:
        svc.update_user(session, people.admin, people.admin, role="technician", active=False)
    assert set(err.value.errors) == {"role", "active"}
    root2 = svc.create_user(session, None, username="root2", full_name="Second admin",
                            role="admin")
    with pytest.raises(ValidationFailed):  # still themselves, even with another admin around
        svc.update_user(session, people.admin, people.admin, active=False)
    # Another administrator may do it.
    svc.update_user(session, root2, people.admin, role="manager")
    assert people.admin.role == "manager"


def test_the_last_active_administrator_remains(session, people):
    with pytest.raises(ValidationFailed) as err:
        svc.update_user(session, None, people.admin, role="lead")
    assert "At least one active administrator must remain." in err.value.errors["role"]
    with pytest.raises(ValidationFailed) as err:
        svc.update_user(session, None, people.admin, active=False)
    assert list(err.value.errors) == ["active"]


def test_only_administrators_grant_privileged_roles(session, people):
    with pytest.raises(ValidationFailed) as err:
        svc.update_user(session, people.lead, people.tech, role="manager")
    assert err.value.errors["role"] == ["Only an administrator can grant this role."]
    svc.update_user(session, people.lead, people.tech, role="lead")  # the lead may do this
    with pytest.raises(PermissionDenied):  # ... but not touch an administrator's account
        svc.update_user(session, people.lead, people.admin, phone="1")
    with pytest.raises(PermissionDenied):
        svc.set_password(session, people.lead, people.manager, "takeover")
    with pytest.raises(PermissionDenied):
        svc.update_user(session, people.tech2, people.employee, phone="1")
    svc.update_user(session, people.admin, people.tech2, role="admin")
    assert people.tech2.role == "admin"


def test_employees_cannot_sit_in_it_groups(session, people):
    with pytest.raises(ValidationFailed) as err:
        svc.update_user(session, people.admin, people.tech, role="employee")
    assert list(err.value.errors) == ["groups"]
    svc.update_user(session, people.admin, people.tech, role="employee", groups=[])
    assert people.tech.groups == []


def test_a_deactivated_account_cannot_sign_in(session, people):
    assert svc.authenticate(session, "liu.yang", "demo") is not None
    svc.update_user(session, people.admin, people.other, active=False)
    assert svc.authenticate(session, "liu.yang", "demo") is None
    svc.update_user(session, people.admin, people.other, active=True)
    assert svc.authenticate(session, "liu.yang", "demo").id == people.other.id


def test_unknown_account_is_not_found(session, people):
    with pytest.raises(NotFound):
        svc.update_user(session, people.admin, "nobody", phone="1")


def test_create_user_reports_a_taken_employee_number_on_its_field(session, people):
    svc.update_user(session, None, people.other, employee_no="E1")
    with pytest.raises(ValidationFailed) as err:
        svc.create_user(session, people.admin, username="new.one", full_name="New",
                        employee_no="E1", timezone="Nowhere/City", groups=["Applications"])
    assert set(err.value.errors) == {"employee_no", "timezone", "groups"}
    user = svc.create_user(session, people.admin, username="new.one", full_name="New")
    assert (user.timezone, user.locale) == ("Asia/Shanghai", None)


# -- passwords and preferences ---------------------------------------------------------------


def test_change_own_password_needs_the_current_one(session, people):
    with pytest.raises(ValidationFailed) as err:
        svc.change_password(session, people.employee, "wrong", "abc", "abd")
    assert set(err.value.errors) == {"current_password", "password"}
    with pytest.raises(ValidationFailed) as err:
        svc.change_password(session, people.employee, "demo", "secret1", "secret2")
    assert list(err.value.errors) == ["confirm"]
    svc.change_password(session, people.employee, "demo", "secret1", "secret1")
    assert svc.authenticate(session, "zhang.wei", "demo") is None
    assert svc.authenticate(session, "zhang.wei", "secret1") is not None


def test_preferences_are_the_users_own(session, people, helpdesk):
    svc.set_preferences(session, people.employee, "zh_Hans_CN", "Asia/Tokyo")
    u = fresh(helpdesk, User, people.employee.id)
    assert (u.locale, u.timezone) == ("zh_Hans_CN", "Asia/Tokyo")
    svc.set_preferences(session, people.employee, locale=None)  # back to the browser's
    u = fresh(helpdesk, User, people.employee.id)
    assert (u.locale, u.timezone) == (None, "Asia/Tokyo")
    with pytest.raises(ValidationFailed) as err:
        svc.set_preferences(session, people.employee, "de", "Atlantis")
    assert set(err.value.errors) == {"locale", "timezone"}
    svc.update_user(session, people.admin, people.other, active=False)
    with pytest.raises(PermissionDenied):
        svc.set_preferences(session, people.other, "en", "UTC")


# -- finding people --------------------------------------------------------------------------


def test_user_query_searches_names_numbers_and_departments(session, people):
    svc.update_user(session, None, people.employee, employee_no="E10042")
    svc.create_user(session, None, username="wang.li", full_name="王丽", department="SALES")

    def names(**kw: str) -> list[str]:
        return [u.username for u in session.scalars(svc.user_query(**kw))]

    assert names(text="ZHANG") == ["zhang.wei"]
    assert names(text="10042") == ["zhang.wei"]
    assert names(text="王") == ["wang.li"]
    assert names(text="sales") == ["liu.yang", "wang.li"]
    assert names(department="FIN") == ["zhang.wei", "zhou.min"]
    assert names(role="technician") == ["li.na", "zhao.lei"]
    assert names(text="%") == []  # typed wildcards are text, not patterns
    svc.update_user(session, None, people.tech2, active=False)
    assert names(role="technician", status="active") == ["li.na"]
    assert names(role="technician", status="inactive") == ["zhao.lei"]


# -- departments -----------------------------------------------------------------------------


def test_update_department_name_cost_centre_and_head(session, people, helpdesk):
    dept = svc.update_department(session, people.admin, "SALES", name="Sales & Marketing",
                                 cost_centre="CC-210", head="liu.yang")
    assert (dept.name, dept.cost_centre, dept.head_id) == ("Sales & Marketing", "CC-210",
                                                           people.other.id)
    svc.update_department(session, people.admin, dept.id, head=None)
    assert fresh(helpdesk, type(dept), dept.id).head_id is None
    with pytest.raises(ValidationFailed) as err:
        svc.update_department(session, people.admin, "SALES", name="", cost_centre="x" * 40,
                              head="ghost")
    assert set(err.value.errors) == {"name", "cost_centre", "head"}
    svc.update_user(session, None, people.other, active=False)
    with pytest.raises(ValidationFailed) as err:
        svc.update_department(session, people.admin, "SALES", head=people.other.id)
    assert err.value.errors["head"] == ["This account is deactivated."]
    with pytest.raises(PermissionDenied):
        svc.update_department(session, people.tech, "SALES", name="Mine")
    with pytest.raises(NotFound):
        svc.update_department(session, people.admin, "NOPE", name="x")


# -- groups ----------------------------------------------------------------------------------


def test_update_group_name_email_and_members(session, people, helpdesk):
    svc.update_group(session, people.admin, "Applications", name="ERP team",
                     email="erp@example.com", description="ERP and reports",
                     members=["li.na", people.tech2.id])
    g = session.scalar(select(Group).where(Group.name == "ERP team"))
    assert {u.username for u in g.members} == {"li.na", "zhao.lei"}
    assert g.email == "erp@example.com"
    assert "ERP team" in [x.name for x in people.tech2.groups]


def test_update_group_refuses_bad_input_at_once(session, people):
    with pytest.raises(ValidationFailed) as err:
        svc.update_group(session, people.admin, "Applications", name="Infrastructure",
                         email="nope", members=["zhang.wei", "ghost"])
    assert set(err.value.errors) == {"name", "email", "members"}
    assert any("Zhang Wei" in m for m in err.value.errors["members"])
    assert [u.username for u in people.apps.members] == ["li.na"]


def test_a_group_with_work_cannot_be_deleted(session, people, helpdesk):
    req = svc.submit_request(session, people.employee, category="loan", title="Projector",
                             details={"item": "projector", "days": 1})
    svc.assign(session, people.lead, req.id, group="Applications")
    with pytest.raises(ValidationFailed) as err:
        svc.delete_group(session, people.admin, "Applications")
    assert err.value.errors["group"] == [
        "Assigned to this group: 1 request(s) and 0 task(s). Reassign them first."]
    assert svc.group_usage(session, people.apps)["requests"] == 1

    svc.delete_group(session, people.admin, people.infra.id)
    assert fresh(helpdesk, Group, people.infra.id) is None
    with helpdesk.session_scope() as other:
        assert other.get(User, people.tech2.id).groups == []  # the memberships went with it
    with pytest.raises(PermissionDenied):
        svc.delete_group(session, people.tech, "Applications")


def test_create_group_checks_members_and_email(session, people):
    with pytest.raises(ValidationFailed) as err:
        svc.create_group(session, people.admin, name="Desk", email="x@", members=["zhang.wei"])
    assert set(err.value.errors) == {"email", "members"}
    g = svc.create_group(session, people.admin, name="Desk", email="desk@example.com",
                         members=["li.na"])
    assert (g.email, [u.username for u in g.members]) == ("desk@example.com", ["li.na"])


# -- plugin settings -------------------------------------------------------------------------


def test_plugin_settings_are_validated_and_read_back(session, people, helpdesk):
    host = helpdesk.host
    assert host.plugin_settings(session, "loans") == {"max_days": 14, "deposit": False}
    saved = svc.set_plugin_settings(session, people.admin, "loans",
                                    {"max_days": 30, "notify": "loans@example.com"})
    assert saved == {"max_days": 30, "notify": "loans@example.com", "deposit": False}
    with helpdesk.session_scope() as other:
        assert host.plugin_settings(other, "loans")["max_days"] == 30
        assert other.get(PluginState, "loans").enabled is True

    with pytest.raises(ValidationFailed) as err:
        svc.set_plugin_settings(session, people.admin, "loans",
                                {"max_days": 0, "notify": "nope", "colour": "red"})
    assert set(err.value.errors) == {"max_days", "notify", "colour"}
    assert host.plugin_settings(session, "loans")["max_days"] == 30


def test_plugin_settings_need_the_right_and_a_schema(session, people):
    with pytest.raises(PermissionDenied):
        svc.set_plugin_settings(session, people.lead, "loans", {"max_days": 3})
    with pytest.raises(ValidationFailed):
        svc.set_plugin_settings(session, people.admin, "core", {})
    with pytest.raises(NotFound):
        svc.set_plugin_settings(session, people.admin, "nothing", {})
    svc.set_plugin_settings(session, None, "loans", {"max_days": 3})  # the operator's CLI


def test_settings_survive_switching_the_plugin(session, people, helpdesk):
    svc.set_plugin_settings(session, people.admin, "loans", {"max_days": 5})
    svc.set_plugin_enabled(session, people.admin, "loans", False)
    svc.set_plugin_enabled(session, people.admin, "loans", True)
    assert helpdesk.host.plugin_settings(session, "loans")["max_days"] == 5
