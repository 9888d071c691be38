"""``helpdesk assets import|export`` and ``helpdesk counters import``, run as an operator would
on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from hdcore import HelpDesk, Settings
from hdcore import services as svc
from hdcore.models import Asset, AssetHistory, CounterReading
from hdcore.services.counters import create_counter
from hdcore.tabular import read_grid, write_xlsx
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
        svc.create_department(s, None, code="FIN", name="Finance")
        svc.create_user(s, None, username="li.na", full_name="Li Na", role="technician",
                        password="demo")
        svc.create_user(s, None, username="zhang.wei", full_name="Zhang Wei", password="demo",
                        department="FIN")
        create_counter(s, None, asset_type="printer", code="page_count", name="Page count")
    yield hd
    hd.dispose()


def test_import_shows_progress_keeps_good_rows_and_writes_the_rejected_ones(url, desk,
                                                                           tmp_path):
    data = tmp_path / "资产.csv"
    data.write_bytes(("资产编号,类型,型号,序列号,使用人,购买日期\n"
                      "FIN-PC-001,台式机,Dell OptiPlex 7010,CN01,zhang.wei,2024-03-05\n"
                      "FIN-PC-002,toaster,Dell OptiPlex 7010,CN02,nobody,2024-13-05\n"
                      "FIN-PRN-012,打印机,HP LaserJet M404dn,VNB3K,,\n").encode("gbk"))

    result = run(url, "assets", "import", str(data), "--as", "li.na")

    assert result.exit_code == 1
    assert "Reading 资产.csv (gbk): 3 rows." in result.stdout
    assert "Importing assets" in result.stdout  # the progress bar
    assert "Imported 2 of 3 rows: 2 created, 0 updated, 0 unchanged." in result.stdout
    assert "row 3 (FIN-PC-002):" in result.stderr
    assert "类型: Choose one of:" in result.stderr and "使用人:" in result.stderr
    assert "购买日期: Not a valid date" in result.stderr
    report = tmp_path / "资产.rejected.csv"
    rows = read_grid(report.read_bytes()).rows
    assert rows[1][1][:2] == ["3", "FIN-PC-002"] and "类型" in rows[1][1][-1]
    with desk.session_scope() as s:
        pc = s.scalar(select(Asset).where(Asset.tag == "FIN-PC-001"))
        assert pc.user.username == "zhang.wei" and pc.department.code == "FIN"
        history = s.scalar(select(AssetHistory).where(AssetHistory.asset_id == pc.id))
        assert history.actor.username == "li.na"

    again = run(url, "assets", "import", str(data), "--report", str(tmp_path / "bad.xlsx"))
    assert "0 created, 0 updated, 2 unchanged" in again.stdout
    assert (tmp_path / "bad.xlsx").read_bytes().startswith(b"PK")


def test_export_then_readings_from_an_excel_file(url, desk, tmp_path):
    run(url, "assets", "import", str(_write(tmp_path / "a.csv", (
        "tag,type,model\nFIN-PRN-012,printer,HP LaserJet M404dn\n"))))
    out = tmp_path / "assets.xlsx"
    result = run(url, "assets", "export", str(out))
    assert result.exit_code == 0 and out.read_bytes().startswith(b"PK")
    assert read_grid(out.read_bytes()).rows[1][1][:2] == ["FIN-PRN-012", "printer"]

    readings = tmp_path / "readings.xlsx"
    readings.write_bytes(write_xlsx(["Tag", "Counter", "Value", "Read at"], [
        ["FIN-PRN-012", "page_count", 1200, "2026-01-05 09:00"],
        ["FIN-PRN-012", "page_count", 900, "2026-02-05 09:00"],
        ["FIN-PRN-012", "page_count", 2500, "2026-03-05 09:00"]]))
    result = run(url, "counters", "import", str(readings))
    assert result.exit_code == 1
    assert "Entered 2 of 3 readings." in result.stdout
    assert "row 3 (FIN-PRN-012):" in result.stderr and "cannot go down" in result.stderr
    with desk.session_scope() as s:
        assert sorted(s.scalars(select(CounterReading.value))) == [1200, 2500]


def test_an_unreadable_file_and_an_unknown_account_fail_clearly(url, desk, tmp_path):
    bad = _write(tmp_path / "x.csv", "model,location\nX,Y\n")
    result = run(url, "assets", "import", str(bad))
    assert result.exit_code == 1 and "tag" in result.output
    result = run(url, "assets", "import", str(bad), "--as", "nobody")
    assert result.exit_code == 1 and "no active account nobody" in result.output


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
