"""Importing staff, HR exports and departments from CSV: good rows in, bad rows reported with
their line and every bad field, Excel's encodings, and a second import updating in place."""

from __future__ import annotations

import codecs
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hdcore import Department, PermissionDenied, User, ValidationFailed
from hdcore import services as svc
from hdcore.queries.resources import capacities, skill_levels
from hdcore.services.csv_input import decode

STAFF = """username,name,e-mail,role,department,groups,skills,capacity
ann,Ann Lee,ann@example.com,technician,FIN,Applications;Infrastructure,SQL:2;Exchange,8
bob,Bob,not-an-email,wizard,NOPE,Nowhere,Cobol:5;SQL:9,lots

,Nobody,,employee,,,,
"cat","Cat
Chen",cat@example.com,lead,SALES,Applications,SQL(3),
dan,Dan,dan@example.com,employee,FIN,Applications,,
"""

HR_GBK = """工号,姓名,部门代码,部门名称,邮箱,电话
E2001,王小明,PROD,生产部,wang.xm@example.com,0512-1111
E2002,李华,PROD,生产部,lihua@example.com,0512-2222
E2003,赵六,QA,,zhao6@example.com,
E2004,孙七,FIN,,,
"""


@pytest.fixture
def skills(session: Session, people: SimpleNamespace) -> None:
    for name in ("SQL", "Exchange"):
        svc.create_skill(session, people.admin, name=name)


def users(session: Session, data: bytes, actor: object = None, encoding: str = "auto"):
    return svc.import_users(session, actor, svc.read_users(data, encoding))


def user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def test_good_rows_go_in_and_bad_rows_are_reported_with_every_reason(session, people, skills):
    ticks: list[int] = []
    table = svc.read_users(codecs.BOM_UTF8 + STAFF.encode())
    report = svc.import_users(session, people.admin, table, progress=ticks.append)

    assert report.encoding == "utf-8-sig" and report.rows == 5 and len(ticks) == 5
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    rejected = {r.line: r for r in report.rejected}
    assert set(rejected) == {3, 5, 8}
    bob = rejected[3]
    assert bob.key == "bob"
    assert set(bob.errors) == {"e-mail", "role", "department", "groups", "skills", "capacity"}
    assert "Nowhere" in bob.errors["groups"][0]
    assert any("Cobol" in m for m in bob.errors["skills"])
    assert any("SQL:9" in m for m in bob.errors["skills"])
    assert set(rejected[5].errors) == {"username"}  # the blank line 4 is skipped
    assert set(rejected[8].errors) == {"groups"}  # an employee cannot be in an IT group
    assert user(session, "bob") is None and user(session, "dan") is None

    ann = user(session, "ann")
    assert ann.full_name == "Ann Lee" and ann.role == "technician"
    assert ann.department.code == "FIN"
    assert sorted(g.name for g in ann.groups) == ["Applications", "Infrastructure"]
    levels = skill_levels(session, [ann.id])[ann.id]
    assert sorted(levels.values()) == [1, 2]
    assert capacities(session, [ann])[ann.id] == 8
    cat = user(session, "cat")
    assert cat.full_name == "Cat Chen" and cat.role == "lead"  # a quoted cell on two lines
    assert list(skill_levels(session, [cat.id])[cat.id].values()) == [3]
    assert capacities(session, [cat])[cat.id] == 5  # the lead's default


def test_importing_the_same_file_again_updates_instead_of_duplicating(session, people, skills):
    first = users(session, STAFF.encode(), people.admin)
    count = session.scalar(select(func.count()).select_from(User))

    again = users(session, STAFF.encode(), people.admin)

    assert (again.created, again.updated, again.unchanged) == (0, 0, first.created)
    assert session.scalar(select(func.count()).select_from(User)) == count
    changed = STAFF.replace("ann,Ann Lee,ann@example.com", "ann,Ann Li,ann@example.com")
    changed = changed.replace("SQL:2;Exchange,8", ",-")  # skills kept, capacity cleared
    third = users(session, changed.encode(), people.admin)
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    ann = user(session, "ann")
    assert ann.full_name == "Ann Li" and len(skill_levels(session, [ann.id])[ann.id]) == 2
    assert capacities(session, [ann])[ann.id] == 10  # back to the technician's default


def test_an_hr_export_in_gbk_creates_departments_and_matches_by_employee_number(session,
                                                                                 people):
    data = HR_GBK.encode("gbk")
    assert decode(data)[1] == "gbk"

    report = users(session, data, people.lead)

    assert report.encoding == "gbk" and report.created == 3
    assert report.departments_created == ["PROD"]
    assert [(r.line, set(r.errors)) for r in report.rejected] == [(4, {"部门代码"})]
    wang = session.scalar(select(User).where(User.employee_no == "E2001"))
    assert wang.full_name == "王小明" and wang.username == "wang.xm" and wang.role == "employee"
    assert wang.department.name == "生产部" and wang.phone == "0512-1111"
    sun = session.scalar(select(User).where(User.employee_no == "E2004"))
    assert sun.username == "e2004" and sun.department.code == "FIN"

    again = users(session, HR_GBK.replace("0512-2222", "0512-3333").encode("gbk"), people.lead)
    assert (again.created, again.updated, again.unchanged) == (0, 1, 2)
    assert session.scalar(select(User).where(User.employee_no == "E2002")).phone == "0512-3333"
    assert session.scalar(select(func.count()).select_from(Department).where(
        Department.code == "PROD")) == 1


def test_the_encoding_can_be_chosen_and_a_wrong_one_is_reported(session, people):
    data = HR_GBK.encode("gbk")
    assert users(session, data, people.admin, encoding="gbk").created == 3
    with pytest.raises(ValidationFailed) as exc:
        svc.read_users(data, "utf-8")
    assert "line 1" in exc.value.errors["file"][0]
    with pytest.raises(ValidationFailed) as exc:
        svc.read_users(data, "latin-9")
    assert set(exc.value.errors) == {"encoding"}


def test_excel_unicode_text_and_semicolons_are_read(session, people):
    text = "用户名\t姓名\t角色\r\nliu.qiang\t刘强\t员工\r\n"
    report = users(session, codecs.BOM_UTF16_LE + text.encode("utf-16-le"), people.admin)
    assert report.encoding == "utf-16" and report.created == 1
    report = users(session, b"username;name\nma.li;Ma Li\n", people.admin)
    assert report.created == 1 and user(session, "ma.li").full_name == "Ma Li"


def test_a_file_without_the_key_columns_is_refused_whole(session, people):
    with pytest.raises(ValidationFailed) as exc:
        svc.read_users(b"e-mail,phone\nx@example.com,1\n")
    assert len(exc.value.errors["file"]) == 2
    with pytest.raises(ValidationFailed):
        svc.read_users(b"\n\n")


def test_rows_with_extra_cells_or_a_taken_number_are_rejected(session, people):
    svc.update_user(session, None, people.employee, employee_no="E-FIN-1")
    data = (b"username,name,employee no\n"
            b"new.one,New One,E1,surplus\n"
            b"new.two,New Two,E-FIN-1\n")

    report = users(session, data, people.admin)

    assert report.created == 0
    assert [(r.line, set(r.errors)) for r in report.rejected] == [
        (2, {"_row"}), (3, {"employee no"})]


def test_only_the_administrator_and_the_lead_import(session, people):
    table = svc.read_users(b"username,name\nx.y,X Y\n")
    with pytest.raises(PermissionDenied):
        svc.import_users(session, people.tech, table)
    with pytest.raises(PermissionDenied):
        svc.import_departments(session, people.manager,
                               svc.read_departments(b"code,name\nX,Y\n"))


def test_departments_are_created_and_updated_by_code(session, people):
    data = ("部门代码,部门名称,成本中心,负责人工号\n"
            "PROD,生产部,CC-1300,\n"
            "FIN,财务部,CC-1100,zhou.min\n"
            "QA,,CC-1700,\n"
            "LOG,物流部,,E404\n").encode("gbk")

    report = svc.import_departments(session, people.admin, svc.read_departments(data))

    assert (report.created, report.updated) == (1, 1)
    assert [(r.line, sorted(r.errors)) for r in report.rejected] == [
        (4, ["部门名称"]), (5, ["负责人工号"])]
    fin = session.scalar(select(Department).where(Department.code == "FIN"))
    assert fin.name == "财务部" and fin.head == people.head and fin.cost_centre == "CC-1100"
    again = svc.import_departments(session, people.admin, svc.read_departments(data))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
