"""The resource manager's and routing's pages over HTTP, the CSV upload, and the reasons of an
automatic assignment on the desk's request page."""

from __future__ import annotations

import html as html_lib
import io
import re

from sqlalchemy import select

from hdcore import Department, User
from hdcore import services as svc
from hdcore.models import RoutingRule, Skill, StaffCapacity
from hdcore.queries.resources import capacities, leaves_of, skill_levels
from hdcore.routing import rules_of, setting_of
from hdcore.tabular import read_grid, write_xlsx
from web.testing import Browser

ERP_DETAILS = {"request_type": "question", "module": "INV", "environment": "production",
               "business_impact": "one_user"}


def text(resp) -> str:
    return resp.get_data(as_text=True)


def fresh(session) -> None:
    """Forget what the test's session read: the app wrote since."""
    session.rollback()
    session.expire_all()


def errors_on(html: str) -> list[str]:
    return re.findall(r'class="error">([^<]*)<', html)


def test_the_lead_and_administrators_open_the_pages(browser, people):
    pages = ("/admin/resources", "/admin/skills", "/admin/routing",
             f"/admin/resources/{people.tech.id}", "/admin/routing/erp_support")
    for url in pages:
        assert browser("wang.fang").get(url).status_code == 200, url
        assert browser("admin").get(url).status_code == 200, url
        for other in ("li.na", "chen.jie", "zhang.wei"):
            assert browser(other).get(url).status_code == 403, (other, url)
    # importing accounts stays the administrator's
    assert browser("wang.fang").get("/admin/users/import").status_code == 403
    assert browser("admin").get("/admin/users/import").status_code == 200


def test_the_lead_manages_routing_from_the_web(browser, people, session):
    lead = browser("wang.fang")
    page = text(lead.get(f"/admin/resources/{people.tech.id}"))
    assert "Li Na" in page and "/admin/users/" not in page  # no link to the account page
    resp = lead.post(f"/admin/resources/{people.tech.id}/capacity", {"capacity": "7"},
                     page=f"/admin/resources/{people.tech.id}")
    assert resp.status_code == 302
    session.expire_all()
    assert session.get(StaffCapacity, people.tech.id).capacity == 7


def test_the_overview_shows_capacity_skills_and_leave(browser, people, session):
    svc.create_skill(session, people.admin, name="SQL")
    svc.set_skills(session, people.admin, people.tech, {"SQL": 3})
    svc.set_capacity(session, people.admin, people.tech2, 0)
    svc.add_leave(session, people.admin, people.lead, starts_on="2000-01-01",
                  ends_on="2999-12-31", note="sabbatical")

    html = text(browser("admin").get("/admin/resources"))

    rows = {m.group(1): m.group(0) for m in re.finditer(
        r'<tr>\s*<td><a href="/admin/resources/\d+">([^<]+)</a>.*?</tr>', html, re.S)}
    assert "SQL · 3" in rows["Li Na"] and "Available" in rows["Li Na"]
    assert "At capacity" in rows["Zhao Lei"] and "0 / 0" in rows["Zhao Lei"]
    assert "On leave until 2999-12-31" in rows["Wang Fang"]
    assert "Zhang Wei" not in rows  # employees take no IT work


def test_role_capacities_are_validated_and_saved(browser, people, session):
    admin = browser("admin")
    resp = admin.post("/admin/resources/capacities", {"capacity-technician": "many",
                                                      "capacity-lead": "4"},
                      page="/admin/resources")
    assert resp.status_code == 200 and errors_on(text(resp)) == [
        "A whole number from 0 to 999."]
    admin.post("/admin/resources/capacities", {"capacity-technician": "12",
                                               "capacity-lead": ""}, page="/admin/resources")
    fresh(session)
    assert capacities(session, [people.tech, people.lead]) == {people.tech.id: 12,
                                                                people.lead.id: 5}


def test_a_persons_skills_capacity_and_leave(browser, people, session):
    svc.create_skill(session, people.admin, name="SQL")
    svc.create_skill(session, people.admin, name="Exchange")
    sql = session.scalar(select(Skill).where(Skill.name == "SQL"))
    admin = browser("admin")
    page = f"/admin/resources/{people.tech.id}"

    admin.post(f"{page}/skills", {f"skill-{sql.id}": "2"}, page=page)
    resp = admin.post(f"{page}/capacity", {"capacity": "-3"}, page=page)
    assert "A whole number from 0 to 999." in errors_on(text(resp))
    admin.post(f"{page}/capacity", {"capacity": "6"}, page=page)
    admin.post(f"{page}/leave", {"starts_on": "2030-05-01", "ends_on": "2030-05-05",
                                 "note": "Labour Day"}, page=page)
    resp = admin.post(f"{page}/leave", {"starts_on": "2030-05-04", "ends_on": "2030-05-02"},
                      page=page)
    assert "The last day cannot be before the first." in errors_on(text(resp))

    fresh(session)
    assert list(skill_levels(session, [people.tech.id])[people.tech.id].values()) == [2]
    assert capacities(session, [people.tech])[people.tech.id] == 6
    (leave,) = leaves_of(session, people.tech.id)
    html = text(admin.get(page))
    assert "Labour Day" in html and "2030-05-01" in html
    admin.post(f"{page}/leave/{leave.id}/delete", page=page)
    fresh(session)
    assert leaves_of(session, people.tech.id) == []
    # The account page shows the summary and links here.
    account = text(admin.get(f"/admin/users/{people.tech.id}"))
    assert f'href="{page}"' in account and "SQL (2)" in account


def test_skills_are_added_renamed_and_kept_while_rules_ask_for_them(browser, people, session):
    admin = browser("admin")
    resp = admin.post("/admin/skills", {"name": ""})
    assert "This field is required." in errors_on(text(resp))
    admin.post("/admin/skills", {"name": "Firewalls", "description": "FortiGate"})
    skill = session.scalar(select(Skill).where(Skill.name == "Firewalls"))
    assert skill is not None and skill.description == "FortiGate"
    admin.post(f"/admin/skills/{skill.id}", {"name": "Firewall rules", "description": ""})
    fresh(session)
    svc.create_rule(session, people.admin, category="network_security", name="Firewall work",
                    group=people.infra, skill=skill.id)

    admin.post(f"/admin/skills/{skill.id}/delete", page=f"/admin/skills/{skill.id}")
    html = text(admin.get(f"/admin/skills/{skill.id}"))
    assert "Firewall rules" in html and "Firewall work" in html
    fresh(session)
    assert session.get(Skill, skill.id) is not None


def import_people(admin: Browser, data: bytes, filename: str) -> tuple[str, str]:
    """Upload a people file on the import page: the page, and its table of rejected rows."""
    resp = admin.post("/admin/users/import", {
        "kind": "users", "encoding": "auto", "file": (io.BytesIO(data), filename)},
        content_type="multipart/form-data")
    html = text(resp)
    assert resp.status_code == 200, html
    rejected = re.search(r'<table class="table compact rejected-rows">.*?</table>', html, re.S)
    return html, rejected.group(0) if rejected else ""


def test_uploading_a_gbk_file_imports_good_rows_and_reports_the_bad(browser, people, session):
    admin = browser("admin")
    assert 'action="/admin/users/import"' in text(admin.get("/admin/users"))
    data = ("工号,姓名,部门代码,部门名称,邮箱\n"
            "E3001,钱多多,PROD,生产部,qian@example.com\n"
            "E3002,,FIN,,bad-address\n").encode("gbk")

    html, rejected = import_people(admin, data, "员工.csv")

    assert "encoding: gbk" in html
    assert ">3<" in rejected and "姓名" in rejected and "邮箱" in rejected
    # the rejected row comes back as a file to correct: its cells as read, and why
    carried = html_lib.unescape(re.search(r'name="rejected" value="([^"]+)"', html).group(1))
    download = admin.post("/admin/users/import/rejected.csv", {"rejected": carried},
                          page="/admin/users/import")
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == "attachment; filename=rejected-rows.csv"
    header, row = read_grid(download.data).rows[0][1], read_grid(download.data).rows[1][1]
    assert header[:3] == ["Row", "工号", "姓名"] and header[-1] == "Errors"
    assert row[:3] == ["3", "E3002", ""] and "姓名" in row[-1] and "邮箱" in row[-1]
    assert admin.post("/admin/users/import/rejected.csv", {"rejected": "[1"},
                      page="/admin/users/import").status_code == 400
    fresh(session)
    new = session.scalar(select(User).where(User.employee_no == "E3001"))
    assert new.full_name == "钱多多" and new.department.code == "PROD"
    assert session.scalar(select(Department).where(Department.code == "PROD")).name == "生产部"

    resp = admin.post("/admin/users/import", {"kind": "users"},
                      content_type="multipart/form-data")
    assert resp.status_code == 400 and "Choose the file to import." in text(resp)


def test_an_hr_export_in_excel_imports_as_a_csv_file_does(browser, people, session):
    admin = browser("admin")
    workbook = write_xlsx(["工号", "姓名", "部门代码", "部门名称", "邮箱"], [
        ["E5001", "周芷若", "HR", "人力资源部", "zhou@example.com"],
        ["E5002", "", "HR", "", "zhao@example.com"]])

    html, rejected = import_people(admin, workbook, "花名册.xlsx")

    assert "format: Excel" in html and ">3<" in rejected and "姓名" in rejected
    fresh(session)
    new = session.scalar(select(User).where(User.employee_no == "E5001"))
    assert new.full_name == "周芷若" and new.department.name == "人力资源部"


def test_rules_are_built_from_the_categorys_fields(browser, people, session):
    admin = browser("admin")
    page = "/admin/routing/erp_support/new"
    html = text(admin.get(page))
    assert 'value="details.module"' in html and 'value="requester.department"' in html

    # Choosing a field re-draws the form with its choices as boxes to tick.
    resp = admin.post(page, {"cond-count": "1", "cond-0-field": "details.module",
                             "action": "refresh", "name": "INV"})
    html = text(resp)
    assert 'name="cond-0-values" value="INV"' in html and 'value="INV"' in html

    resp = admin.post(page, {"cond-count": "1", "cond-0-field": "details.module",
                             "cond-0-op": "in", "action": "save", "name": "",
                             "group": ""})
    assert set(errors_on(text(resp))) >= {"This field is required.", "Give a value.",
                                          "Choose the group the requests go to."}

    resp = admin.post(page, {
        "cond-count": "2", "cond-0-field": "details.module", "cond-0-op": "in",
        "cond-0-values": ["INV", "WIP"], "cond-1-field": "priority", "cond-1-op": "in",
        "cond-1-values": ["high", "urgent"], "action": "save", "name": "Logistics",
        "group": str(people.apps.id), "enabled": "1"})
    assert resp.status_code == 302
    (rule,) = rules_of(session, "erp_support")
    assert rule.conditions == [
        {"field": "details.module", "op": "in", "value": ["INV", "WIP"]},
        {"field": "priority", "op": "in", "value": ["high", "urgent"]}]
    html = text(admin.get("/admin/routing/erp_support"))
    assert "Logistics" in html and "is one of INV – Inventory, WIP – Work in Process" in html

    fresh(session)
    second = svc.create_rule(session, people.admin, category="erp_support", name="Rest",
                             group=people.infra)
    admin.post(f"/admin/routing/rules/{second.id}/move", {"direction": "up"},
               page="/admin/routing/erp_support")
    fresh(session)
    assert [r.name for r in rules_of(session, "erp_support")] == ["Rest", "Logistics"]
    rule_id = rule.id
    admin.post(f"/admin/routing/rules/{rule_id}/delete", page="/admin/routing/erp_support")
    fresh(session)
    assert session.get(RoutingRule, rule_id) is None


def test_the_switch_and_group_policies(browser, people, session):
    admin = browser("admin")
    admin.post("/admin/routing/erp_support/switch", {"enabled": "1", "use_suggestion": "1"},
               page="/admin/routing/erp_support")
    admin.post(f"/admin/routing/groups/{people.apps.id}", {"policy": "round_robin",
                                                          "kind": "site"},
               page="/admin/routing")
    admin.post(f"/admin/routing/groups/{people.infra.id}", {"policy": "coin_toss"},
               page="/admin/routing")
    fresh(session)
    assert setting_of(session, "erp_support").enabled
    assert (people.apps.assignment_policy, people.apps.kind) == ("round_robin", "site")
    assert people.infra.assignment_policy == "least_loaded"
    html = text(admin.get("/admin/routing"))
    assert re.search(r'ERP[^<]*</a></td>\s*<td><span class="badge on">', html)


def test_the_desk_shows_why_a_request_was_assigned(browser, people, session):
    svc.create_skill(session, people.admin, name="ERP INV")
    svc.set_group_routing(session, people.admin, people.apps, policy="least_loaded")
    svc.create_rule(session, people.admin, category="erp_support", name="INV questions",
                    group=people.apps, conditions=[
                        {"field": "details.module", "op": "in", "value": ["INV"]}])
    svc.set_routing(session, people.admin, "erp_support", enabled=True)
    req = svc.submit_request(session, people.employee, category="erp_support",
                             title="Stock transfer fails", details=ERP_DETAILS)
    assert req.assignee == people.tech

    lead = browser("wang.fang")
    html = text(lead.get(f"/desk/r/{req.number}"))
    why = re.search(r'<section class="card routing-why".*?</section>', html, re.S).group(0)
    assert "INV questions" in why and "Least open work" in why
    assert "INV – Inventory" in why and "Li Na" in why and "0 / 10" in why

    page = f"/desk/r/{req.number}"
    lead.post(f"{page}/assign", {"assignee": str(people.tech2.id), "group": "",
                                 "version": str(req.version)}, page=page)
    why = re.search(r'<section class="card routing-why".*?</section>',
                    text(lead.get(page)), re.S).group(0)
    assert "Since reassigned by hand by Wang Fang" in why

    fresh(session)
    other = svc.submit_request(session, people.employee, category="erp_support",
                               title="GL question",
                               details={**ERP_DETAILS, "module": "GL"})
    html = text(lead.get(f"/desk/r/{other.number}"))
    assert "No rule matched; the category suggested Applications." in html
