"""``helpdesk import users|departments FILE``, run as an operator would, on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from hdcore import Department, HelpDesk, Settings, User
from hdcore import services as svc
from hdcore.tabular import read_grid
from web.cli import main


@pytest.fixture(autouse=True)
def environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HELPDESK_DATABASE_URL", raising=False)
    monkeypatch.setenv("HELPDESK_HOME", str(tmp_path / "home"))


@pytest.fixture
def url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path}/cli.db"


def run(url: str, *args: str) -> Result:
    return CliRunner().invoke(main, ["--database-url", url, *args], catch_exceptions=False)


@pytest.fixture
def desk(url: str, tmp_path: Path) -> HelpDesk:
    assert run(url, "db", "upgrade").exit_code == 0
    hd = HelpDesk(Settings(database_url=url, home=tmp_path))
    with hd.session_scope() as s:
        svc.create_department(s, None, code="IT", name="IT")
        svc.create_group(s, None, name="Service Desk")
        svc.create_skill(s, None, name="Exchange")
    yield hd
    hd.dispose()


def test_import_users_shows_progress_imports_good_rows_and_reports_bad_ones(url, desk,
                                                                            tmp_path):
    staff = tmp_path / "staff.csv"
    staff.write_bytes(("用户名,姓名,邮箱,角色,部门,组,技能,容量\n"
                       "wu.hao,吴昊,wu.hao@example.com,技术人员,IT,Service Desk,Exchange:3,12\n"
                       "xu.ming,徐明,xu.ming@,技术人员,IT,Helpdesk,,\n").encode("gbk"))

    result = run(url, "import", "users", str(staff))

    assert result.exit_code == 1
    assert "Reading staff.csv (gbk): 2 rows." in result.stdout
    assert "Importing users" in result.stdout  # the progress bar
    assert "Imported 1 of 2 rows: 1 created, 0 updated, 0 unchanged." in result.stdout
    assert "line 3 (xu.ming):" in result.stderr
    assert "邮箱: Not a valid e-mail address." in result.stderr
    assert "组: Unknown IT group(s): Helpdesk." in result.stderr
    with desk.session_scope() as s:
        wu = s.scalar(select(User).where(User.username == "wu.hao"))
        assert wu.full_name == "吴昊" and wu.role == "technician"
        assert [g.name for g in wu.groups] == ["Service Desk"]
        assert s.scalar(select(User).where(User.username == "xu.ming")) is None

    # the rejected row is written beside the file, with the reasons, to correct and import
    rejected = tmp_path / "staff.rejected.csv"
    assert f"The rejected rows, with the reasons, are in {rejected}" in result.stderr
    (_n, header), (_m, row) = read_grid(rejected.read_bytes()).rows
    assert header[:3] == ["Row", "用户名", "姓名"] and header[-1] == "Errors"
    assert row[:4] == ["3", "xu.ming", "徐明", "xu.ming@"] and "Unknown IT group" in row[-1]
    rejected.write_text(rejected.read_text(encoding="utf-8-sig").replace(
        "xu.ming@,", "xu.ming@example.com,").replace("Helpdesk", "Service Desk"),
        encoding="utf-8-sig")
    fixed = run(url, "import", "users", str(rejected))
    assert fixed.exit_code == 0, fixed.output
    assert "Imported 1 of 1 rows: 1 created" in fixed.stdout

    staff.write_bytes(staff.read_bytes().replace(b"xu.ming@,", b"xu.ming@example.com,")
                      .replace(b"Helpdesk", b"Service Desk"))
    again = run(url, "import", "users", str(staff), "--encoding", "gbk")
    assert again.exit_code == 0, again.output
    assert "Imported 2 of 2 rows: 0 created, 0 updated, 2 unchanged." in again.stdout


def test_import_departments_then_an_hr_export(url, desk, tmp_path):
    departments = tmp_path / "departments.csv"
    departments.write_text("code,name,cost centre\nFIN,Finance,CC-1100\nPROD,Production,\n",
                           encoding="utf-8-sig")
    result = run(url, "import", "departments", str(departments))
    assert result.exit_code == 0, result.output
    assert "2 created" in result.stdout

    hr = tmp_path / "hr.csv"
    hr.write_text("Employee number,Name,Department code,Department name,E-mail,Phone,Remark\n"
                  "E1001,Zhang Wei,FIN,,zhang.wei@example.com,0512-1,\n"
                  "E1002,Gao Yan,QA,Quality,gao.yan@example.com,,new hire\n",
                  encoding="utf-8")
    result = run(url, "import", "users", str(hr))
    assert result.exit_code == 0, result.output
    assert "Departments created: QA." in result.stdout
    assert "Columns ignored (not understood): Remark." in result.stdout
    with desk.session_scope() as s:
        assert s.scalar(select(Department).where(Department.code == "QA")).name == "Quality"
        assert s.scalar(select(User).where(User.employee_no == "E1002")).username == "gao.yan"


def test_a_file_that_cannot_be_read_is_refused_with_the_reason(url, desk, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_bytes("姓名,邮箱\n张三,z@example.com\n".encode("gbk"))
    result = run(url, "import", "users", str(bad), "--encoding", "utf-8")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "cannot be read as UTF-8 (line 1)" in result.stderr
    result = run(url, "import", "users", str(bad))
    assert result.exit_code == 1 and "user names or of employee numbers" in result.stderr
