"""CSV and XLSX in and out: encodings Excel uses, and no formula ever reaching a spreadsheet."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from hdcore import ValidationFailed
from hdcore.tabular import (
    Sheet,
    is_xlsx,
    read_grid,
    read_records,
    safe_text,
    write_csv,
    write_table,
    write_workbook,
    write_xlsx,
)

DANGEROUS = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\t=x", "\r=x"]


def test_csv_is_utf8_with_bom_and_crlf_for_excel():
    data = write_csv(["标签", "备注"], [["PRN-1", "打印机卡纸"]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == "标签,备注\r\nPRN-1,打印机卡纸\r\n"


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_like_text_gets_an_apostrophe_in_csv(value):
    data = write_csv(["x"], [[value]]).decode("utf-8-sig")
    cell = data.split("\r\n", 1)[1]
    assert cell.lstrip('"').startswith("'")


def test_numbers_and_dates_are_not_escaped():
    assert safe_text(-5) == "-5"
    assert safe_text(date(2026, 3, 1)) == "2026-03-01"
    assert safe_text(datetime(2026, 3, 1, 9, 30)) == "2026-03-01 09:30:00"
    assert safe_text(None) == ""
    assert safe_text("-") == "'-"


def test_xlsx_stores_formula_like_text_as_text():
    data = write_xlsx(["Note", "Count", "Bought"],
                      [[v, 3, date(2026, 3, 1)] for v in DANGEROUS], title="Assets")
    assert is_xlsx(data)
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.title == "Assets"
    for row, value in zip(ws.iter_rows(min_row=2), DANGEROUS, strict=True):
        # XML keeps a carriage return as a line feed: still text, still no formula.
        assert row[0].data_type == "s" and row[0].value == value.replace("\r", "\n")
        assert row[1].value == 3
        assert row[2].value == datetime(2026, 3, 1)
    assert ws.freeze_panes == "A2" and ws["A1"].font.bold


def test_workbooks_hold_several_sheets_with_valid_unique_titles():
    data = write_workbook([Sheet("By month: 2026/03", ["a"], [[1]]),
                           Sheet("By month: 2026/03", ["b"], [[2]])])
    titles = load_workbook(io.BytesIO(data)).sheetnames
    assert len(titles) == 2 and len(set(titles)) == 2
    assert all(":" not in t and "/" not in t for t in titles)


def test_reading_gbk_utf16_and_semicolons():
    text = "标签;型号\nPRN-1;惠普 M404\n"
    assert read_grid(text.encode("gbk")).encoding == "gbk"
    assert read_grid(text.encode("gb18030")).rows[1] == (2, ["PRN-1", "惠普 M404"])
    assert read_grid(text.encode("utf-16")).rows[1][1] == ["PRN-1", "惠普 M404"]


def test_what_is_written_reads_back_the_same_in_both_formats():
    rows = [["=1+2", "打印机", "-"], ["PC-1", "  two  spaces ", "x"]]
    for fmt in ("csv", "xlsx"):
        data, _mime = write_table(fmt, ["a", "b", "c"], rows)
        grid = read_grid(data)
        assert grid.rows[1][1] == ["=1+2", "打印机", "-"], fmt
        assert grid.rows[2][1] == ["PC-1", "two spaces", "x"], fmt


def test_records_map_headers_in_both_languages_and_keep_row_numbers():
    data = write_xlsx(["资产编号", "Model", "Unknown"], [["PC-1", "Dell", "?"], [None, None],
                                                      ["PC-2", 7010.0, None]])
    table = read_records(data, {"tag": ("tag", "资产编号"), "model": ("model",)})
    assert table.encoding == "xlsx" and table.ignored == ["Unknown"]
    assert [(r.line, r.values) for r in table.rows] == [
        (2, {"tag": "PC-1", "model": "Dell"}), (4, {"tag": "PC-2", "model": "7010"})]


def test_damaged_and_empty_files_are_refused_with_a_reason():
    for data in (b"", b"PK\x03\x04garbage", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old"):
        with pytest.raises(ValidationFailed) as exc:
            read_records(data, {"tag": ("tag",)})
        assert "file" in exc.value.errors
    with pytest.raises(ValidationFailed):
        write_table("pdf", ["a"], [])
