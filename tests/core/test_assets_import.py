"""Importing and exporting assets and readings: good rows in, bad rows reported, round trips."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from hdcore import PermissionDenied, ValidationFailed, clock
from hdcore import services as svc
from hdcore.models import Asset, AssetHistory, CounterReading
from hdcore.services.assets_io import (
    export_assets,
    import_assets,
    import_readings,
    read_assets,
    read_readings,
)
from hdcore.services.counters import create_counter
from hdcore.services.rejected_rows import rejected_rows_file
from hdcore.tabular import read_grid, write_xlsx

START = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)

GOOD_AND_BAD = """资产编号,类型,型号,序列号,状态,部门,使用人,位置,购买日期,保修截止,供应商,备注
PC-0001,台式机,Dell OptiPlex 7010,CN0X1,在用,FIN,zhang.wei,3F 财务部,2024/3/5,2027/3/4,宏信电脑,
PC-0002,Desktop PC,Dell OptiPlex 7010,CN0X2,in_stock,,,IT 库房,2024-03-05,,,
PRN-0001,printer,HP M404dn,VNB3K1,in_use,FIN,,3F 打印间,2023-11-20,2026-11-19,,=HYPERLINK("x")
PC-0003,toaster,,CN0X3,,,,,,,,
PC-0004,pc,Lenovo M720,CN0X1,in_use,XX,nobody,,2030-01-01,2020-01-01,No Such Ltd,
PC-0001,pc,Dell OptiPlex 7010,CN0X9,,,,,,,,
"""


@pytest.fixture
def frozen():
    with clock.frozen(START) as c:
        yield c


@pytest.fixture
def supplier(session, people):
    vendor = svc.create_vendor(session, None, name="宏信电脑", kinds=["rental"])
    session.commit()
    return vendor


def _import(session, actor, data: bytes):
    return import_assets(session, actor, read_assets(data))


def test_good_rows_are_imported_and_bad_rows_reported_with_row_field_and_reason(
        session, people, supplier, frozen):
    ticks: list[int] = []
    table = read_assets(GOOD_AND_BAD.encode("gbk"))
    assert table.encoding == "gbk"
    report = import_assets(session, people.tech, table, progress=ticks.append)
    assert sum(ticks) == 6
    assert (report.rows, report.created, len(report.rejected)) == (6, 3, 3)
    by_line = {r.line: r for r in report.rejected}
    assert set(by_line) == {5, 6, 7}
    assert set(by_line[5].errors) == {"类型", "型号"}
    assert set(by_line[6].errors) == {"序列号", "部门", "使用人", "购买日期", "保修截止",
                                       "供应商"}
    assert "CN0X1" in by_line[6].errors["序列号"][0]
    assert "row 2" in by_line[7].errors["资产编号"][0]
    pc = session.scalar(select(Asset).where(Asset.tag == "PC-0001"))
    assert (pc.type, pc.status, pc.user.username, pc.supplier.name) == (
        "pc", "in_use", "zhang.wei", "宏信电脑")
    assert pc.purchased_on.isoformat() == "2024-03-05"
    printer = session.scalar(select(Asset).where(Asset.tag == "PRN-0001"))
    assert printer.notes == '=HYPERLINK("x")'
    sources = session.scalars(select(AssetHistory.data)).all()
    assert all(d == {"source": "import"} for d in sources)

    # The report of rejected rows: the rows as written, with the reasons, ready to correct.
    data, mimetype = rejected_rows_file(table, report, "csv")
    assert mimetype.startswith("text/csv")
    rows = read_grid(data).rows
    assert rows[0][1][0] == "Row" and rows[0][1][-1] == "Errors"
    assert [r[1][0] for r in rows[1:]] == ["5", "6", "7"]
    assert "序列号" in rows[2][1][-1]

    # The same file again: nothing new, the good rows unchanged.
    again = import_assets(session, people.tech, read_assets(GOOD_AND_BAD.encode("utf-8-sig")))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert session.scalar(select(func.count()).select_from(Asset)) == 3


def test_an_update_keeps_empty_cells_and_clears_dashes(session, people, supplier, frozen):
    _import(session, people.tech, GOOD_AND_BAD.encode())
    report = _import(session, people.tech, (
        b"tag,location,user,notes\nPC-0001,,-,Moved to stock\n"))
    assert (report.updated, report.rejected) == (1, [])
    pc = session.scalar(select(Asset).where(Asset.tag == "PC-0001"))
    assert pc.location == "3F 财务部" and pc.user is None and pc.notes == "Moved to stock"


def test_export_then_import_round_trips_in_csv_and_xlsx(session, people, supplier, frozen):
    _import(session, people.tech, GOOD_AND_BAD.encode())
    for fmt in ("csv", "xlsx"):
        data, _mime = export_assets(session, people.tech, fmt)
        if fmt == "csv":
            assert b"'=HYPERLINK" in data  # never a live formula in a spreadsheet
        grid = read_grid(data)
        assert grid.rows[0][1][:3] == ["Tag", "Type", "Model"]
        report = import_assets(session, people.tech, read_assets(data))
        assert (report.unchanged, report.rejected) == (3, []), fmt
    assert session.scalar(select(Asset.notes).where(Asset.tag == "PRN-0001")) == \
        '=HYPERLINK("x")'


def test_an_xlsx_file_imports_with_real_dates(session, people, frozen):
    data = write_xlsx(["Asset tag", "Type", "Model", "Purchase date"],
                      [["NB-7", "Laptop", "ThinkPad T14", datetime(2025, 6, 1)]])
    report = _import(session, people.tech, data)
    assert report.created == 1 and not report.rejected
    assert session.scalar(select(Asset.purchased_on)).isoformat() == "2025-06-01"


def test_a_file_without_identity_columns_and_an_employee_are_refused(session, people):
    with pytest.raises(ValidationFailed) as exc:
        read_assets(b"model,location\nX,Y\n")
    assert "file" in exc.value.errors
    with pytest.raises(PermissionDenied):
        _import(session, people.employee, b"tag,type,model\nPC-1,pc,X\n")


def test_employees_export_only_what_they_see(session, people, supplier, frozen):
    _import(session, people.tech, GOOD_AND_BAD.encode())
    data, _m = export_assets(session, people.employee, "csv")
    assert [r[1][0] for r in read_grid(data).rows[1:]] == ["PC-0001", "PRN-0001"]


def test_readings_import_in_time_order_with_checks(session, people, frozen):
    create_counter(session, people.admin, asset_type="printer", code="page_count",
                   name="Page count", unit="pages")
    svc.create_asset(session, people.tech, tag="PRN-1", type="printer", model="HP M404dn")
    data = ("资产编号,计数器,读数,读取时间,重置,备注\n"
            "PRN-1,page_count,\"12,000\",2026-02-01 09:00,否,\n"
            "PRN-1,Page count,10000,2026-01-01 09:00,,\n"
            "PRN-1,page_count,900,2026-02-15 09:00,是,new board\n"
            "PRN-1,page_count,800,2026-02-20 09:00,,\n"
            "PRN-9,page_count,5,2026-02-20 09:00,,\n"
            "PRN-1,toner,5,2026-02-21 09:00,maybe,\n").encode()
    report = import_readings(session, people.tech, read_readings(data))
    assert report.created == 3
    reasons = {r.line: set(r.errors) for r in report.rejected}
    assert reasons == {5: {"读数"}, 6: {"资产编号"}, 7: {"重置"}}
    totals = session.scalars(select(CounterReading.total).order_by(CounterReading.read_at)).all()
    assert totals == [10_000, 12_000, 12_900]
