"""Importing and exporting the installed base (and counter readings) as CSV or XLSX files.

**Assets** (:func:`import_assets`): one row per asset, headers in English or Chinese (the
export's own headers import back unchanged). A row is matched to an asset by its tag, or,
without a tag column, by its serial number: a match is updated, anything else is created, so
importing a file twice changes nothing the second time. In an update an empty cell keeps the
value and ``-`` clears it. Types and statuses are given by code (``printer``) or by name in
English or Chinese (``Printer``, ``打印机``); departments by code or name; users by user name
or employee number; vendors by name.

**Readings** (:func:`import_readings`): asset tag, counter (code or name), value, time read,
reset (yes/no, 是/否) and note; rows are taken in time order, so a file sorted any way works.

Rows are written in batches of :data:`BATCH_SIZE`, each batch one transaction and each row in
it a savepoint: a bad row rolls back alone and is reported with its row number and every bad
column; the good rows are kept. Batches keep the database's write lock short during a large
import; an import cut short keeps the batches written, and running the file again finishes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hdcore.errors import HelpdeskError, ValidationFailed
from hdcore.i18n import _, use_locale
from hdcore.models import Asset, AssetStatus, AssetType, CounterDefinition
from hdcore.services.assets import (
    create_asset,
    get_asset,
    require_asset_manager,
    update_asset,
    visible_assets,
)
from hdcore.services.base import company_timezone, service
from hdcore.services.counters import parse_time, record_reading
from hdcore.services.csv_input import CsvRow, CsvTable, normalise_header
from hdcore.services.imports import ImportReport, RejectedRow
from hdcore.tabular import read_records, write_table

BATCH_SIZE = 100
#: A cell holding only this clears the value in an update.
CLEAR = "-"

ASSET_COLUMNS: dict[str, tuple[str, ...]] = {
    "tag": ("tag", "asset tag", "asset no", "asset number", "资产编号", "资产标签", "标签",
            "资产号", "编号"),
    "type": ("type", "asset type", "kind", "类型", "资产类型", "设备类型", "类别"),
    "model": ("model", "make and model", "description", "型号", "品牌型号", "设备型号", "名称"),
    "serial": ("serial", "serial number", "serial no", "s/n", "sn", "序列号", "序列号码",
               "出厂编号"),
    "status": ("status", "state", "状态", "使用状态"),
    "department": ("department", "dept", "department code", "部门", "部门代码", "使用部门"),
    "user": ("user", "username", "user name", "assigned to", "employee number", "用户",
             "用户名", "使用人", "使用人工号", "工号"),
    "location": ("location", "place", "room", "位置", "存放位置", "地点", "存放地点"),
    "purchased_on": ("purchased on", "purchase date", "bought", "date purchased", "购买日期",
                     "采购日期", "购置日期"),
    "warranty_end": ("warranty end", "warranty until", "warranty", "warranty expires",
                     "保修截止", "保修到期", "保修截止日期", "保修期至"),
    "supplier": ("supplier", "vendor", "供应商", "供货商"),
    "maintainer": ("maintenance vendor", "maintainer", "maintained by", "service vendor",
                   "维保商", "维修商", "维保供应商", "维护商"),
    "notes": ("notes", "note", "remarks", "comment", "备注", "说明"),
}
#: The export's columns: field -> English header (imports read them back).
EXPORT_COLUMNS: tuple[tuple[str, str], ...] = (
    ("tag", "Tag"), ("type", "Type"), ("model", "Model"), ("serial", "Serial number"),
    ("status", "Status"), ("department", "Department"), ("user", "User"),
    ("user_name", "User name"), ("location", "Location"), ("purchased_on", "Purchased on"),
    ("warranty_end", "Warranty end"), ("supplier", "Supplier"),
    ("maintainer", "Maintenance vendor"), ("notes", "Notes"),
)
READING_COLUMNS: dict[str, tuple[str, ...]] = {
    "tag": ASSET_COLUMNS["tag"],
    "counter": ("counter", "counter code", "meter", "计数器", "计数器代码", "计数项"),
    "value": ("value", "reading", "count", "pages", "读数", "数值", "计数"),
    "read_at": ("read at", "time", "date", "reading date", "读取时间", "抄表时间", "日期",
                "时间"),
    "reset": ("reset", "is reset", "重置", "是否重置"),
    "note": ("note", "notes", "remarks", "备注"),
}
_YES = {"yes", "y", "true", "1", "x", "是", "重置", "√"}
_NO = {"", "no", "n", "false", "0", "否"}

#: Words people write for types and statuses besides their names in the catalogs.
TYPE_WORDS = {"台式机": "pc", "台式电脑": "pc", "电脑": "pc", "desktop": "pc",
              "笔记本": "laptop", "笔记本电脑": "laptop", "notebook": "laptop",
              "显示器": "monitor", "打印机": "printer", "复印机": "printer", "服务器": "server",
              "网络设备": "network", "交换机": "network", "路由器": "network",
              "防火墙": "network", "switch": "network", "不间断电源": "ups", "电话": "phone",
              "软件许可": "licence", "许可证": "licence", "license": "licence",
              "software licence": "licence", "其他": "other"}
STATUS_WORDS = {"库存": "in_stock", "在库": "in_stock", "闲置": "in_stock", "stock": "in_stock",
                "在用": "in_use", "使用中": "in_use", "in use": "in_use", "维修中": "under_repair",
                "送修": "under_repair", "repair": "under_repair", "报废": "retired",
                "已报废": "retired"}

Progress = Callable[[int], Any]


class _Rejected(Exception):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__("row rejected")
        self.errors = errors


def _words(enum: type[AssetType] | type[AssetStatus]) -> dict[str, str]:
    """Codes and names (English and Chinese) of an enum's members -> the code."""
    extra = TYPE_WORDS if enum is AssetType else STATUS_WORDS
    words: dict[str, str] = {normalise_header(k): v for k, v in extra.items()}
    for member in enum:
        words[normalise_header(member.value)] = member.value
        for locale in ("en", "zh_Hans_CN"):
            with use_locale(locale):
                words[normalise_header(member.label)] = member.value
    return words


# -- reading files -----------------------------------------------------------------------------


def read_assets(data: bytes, encoding: str = "auto") -> CsvTable:
    """Read an assets file (CSV or XLSX); refused without a tag or serial column, or, for new
    assets, without type and model columns."""
    table = read_records(data, ASSET_COLUMNS, encoding=encoding)
    problems = []
    if "tag" not in table.columns and "serial" not in table.columns:
        problems.append(str(_("The file needs a column of asset tags or of serial numbers "
                              "(like “tag” or “资产编号”).")))
    if problems:
        raise ValidationFailed({"file": problems})
    return table


def read_readings(data: bytes, encoding: str = "auto") -> CsvTable:
    """Read a counter readings file (CSV or XLSX); it needs tag, counter and value columns."""
    table = read_records(data, READING_COLUMNS, encoding=encoding)
    missing = [name for name in ("tag", "counter", "value") if name not in table.columns]
    if missing:
        raise ValidationFailed({"file": [str(_("The file needs the columns %(c)s (like "
                                               "“tag”, “counter”, “value”).")) % {
            "c": ", ".join(missing)}]})
    return table


# -- running -----------------------------------------------------------------------------------


RowHandler = Callable[[Session, Any, CsvRow, ImportReport], str]


@service
def _batch(session: Session, actor: Any, rows: Sequence[CsvRow], table: CsvTable,
           report: ImportReport, handler: RowHandler, key: Callable[[CsvRow], str],
           progress: Progress | None) -> None:
    """One batch: one transaction, a savepoint per row."""
    for row in rows:
        try:
            with session.begin_nested():
                if row.extra:
                    raise _Rejected({"_row": [str(_(
                        "The row has %(n)d cell(s) more than the header.")) % {"n": row.extra}]})
                outcome = handler(session, actor, row, report)
        except _Rejected as exc:
            report.rejected.append(RejectedRow(row.line, key(row), {
                table.label(k): v for k, v in exc.errors.items()}))
        except ValidationFailed as exc:
            report.rejected.append(RejectedRow(row.line, key(row), {
                table.label(k): v for k, v in exc.errors.items()}))
        except HelpdeskError as exc:
            report.rejected.append(RejectedRow(row.line, key(row), {"_row": [str(exc)]}))
        else:
            setattr(report, outcome, getattr(report, outcome) + 1)
        if progress is not None:
            progress(1)


def _run(session: Session, actor: Any, table: CsvTable, rows: Sequence[CsvRow], kind: str,
         handler: RowHandler, key: Callable[[CsvRow], str],
         progress: Progress | None) -> ImportReport:
    report = ImportReport(kind=kind, encoding=table.encoding, rows=len(table.rows),
                          ignored_columns=list(table.ignored))
    for start in range(0, len(rows), BATCH_SIZE):
        _batch(session, actor, rows[start:start + BATCH_SIZE], table, report, handler, key,
               progress)
    report.rejected.sort(key=lambda r: r.line)
    return report


def import_assets(session: Session, actor: Any, table: CsvTable, *,
                  progress: Progress | None = None) -> ImportReport:
    """Create or update the assets of a file (see the module's description)."""
    require_asset_manager(actor)
    types, statuses = _words(AssetType), _words(AssetStatus)
    seen: dict[str, int] = {}

    def handle(s: Session, a: Any, row: CsvRow, report: ImportReport) -> str:
        return _asset_row(s, a, row, table, types, statuses, seen)

    return _run(session, actor, table, table.rows, "assets", handle,
                lambda row: row.values.get("tag") or row.values.get("serial", ""), progress)


def _asset_row(session: Session, actor: Any, row: CsvRow, table: CsvTable,
               types: dict[str, str], statuses: dict[str, str], seen: dict[str, int]) -> str:
    v = row.values
    errors: dict[str, list[str]] = {}
    tag, serial = v.get("tag", ""), v.get("serial", "")
    ident = (tag or serial).upper()
    if ident and ident in seen:
        raise _Rejected({"tag" if tag else "serial": [str(_(
            "The same asset as row %(n)d.")) % {"n": seen[ident]}]})
    existing: Asset | None = None
    if tag and tag != CLEAR:
        existing = session.scalar(select(Asset).where(func.upper(Asset.tag) == tag.upper()))
    elif serial and "tag" not in table.columns:
        existing = session.scalar(select(Asset).where(
            func.upper(Asset.serial) == serial.upper()))
    elif "tag" in table.columns and not tag and not serial:
        raise _Rejected({"tag": [str(_("This field is required."))]})
    values: dict[str, Any] = {}
    for name in ("type", "model", "serial", "status", "department", "user", "location",
                 "purchased_on", "warranty_end", "supplier", "maintainer", "notes"):
        if name not in table.columns:
            continue
        cell = v.get(name, "")
        if cell == "" and existing is not None:
            continue  # an empty cell keeps the value
        if cell == CLEAR:
            if name in ("type", "model", "status"):
                errors.setdefault(name, []).append(str(_("This field is required.")))
                continue
            cell = ""
        if name == "type" and cell:
            cell = types.get(normalise_header(cell), cell)
        if name == "status" and cell:
            cell = statuses.get(normalise_header(cell), cell)
        values[name] = cell if cell != "" else None
    if errors:
        raise _Rejected(errors)
    if existing is None:
        values.setdefault("type", None)
        values.setdefault("model", None)
        if values.get("status") is None:
            values.pop("status", None)
        create_asset(session, actor, tag=tag or None, source="import", **values)
        outcome = "created"
    else:
        before = _snapshot(existing)
        update_asset(session, actor, existing, **values)
        outcome = "unchanged" if _snapshot(existing) == before else "updated"
    if ident:
        seen[ident] = row.line
    return outcome


def _snapshot(asset: Asset) -> tuple[Any, ...]:
    return tuple(getattr(asset, c.key) for c in Asset.__table__.columns
                 if c.key not in ("updated_at", "version"))


def import_readings(session: Session, actor: Any, table: CsvTable, *,
                    progress: Progress | None = None) -> ImportReport:
    """Enter the readings of a file through :func:`record_reading` (each checked alike)."""
    require_asset_manager(actor)
    zone = company_timezone(session)

    def when(row: CsvRow) -> datetime:
        parsed = parse_time(session, row.values.get("read_at") or None, {}, "read_at")
        return parsed or datetime.max.replace(tzinfo=zone)

    rows = sorted(table.rows, key=lambda r: (when(r), r.line))

    def handle(s: Session, a: Any, row: CsvRow, report: ImportReport) -> str:
        v = row.values
        reset_cell = v.get("reset", "").strip().lower()
        if reset_cell not in _YES | _NO:
            raise _Rejected({"reset": [str(_("Write yes or no (是/否)."))]})
        try:
            asset = get_asset(s, v.get("tag", ""))
        except HelpdeskError:
            raise _Rejected({"tag": [str(_("Unknown asset %(t)s.")) % {
                "t": v.get("tag", "")}]}) from None
        counter = v.get("counter", "")
        found = s.scalar(select(CounterDefinition).where(
            CounterDefinition.asset_type == asset.type,
            func.lower(CounterDefinition.name) == counter.lower()))
        record_reading(s, a, asset, found.id if found is not None else counter,
                       value=v.get("value", ""), read_at=v.get("read_at") or None,
                       reset=reset_cell in _YES, note=v.get("note") or None, source="csv")
        return "created"

    return _run(session, actor, table, rows, "readings", handle,
                lambda row: row.values.get("tag", ""), progress)


# -- reports and exports -----------------------------------------------------------------------


def export_rows(assets: Iterable[Asset]) -> Iterable[list[Any]]:
    """The export's rows (codes, user names and vendor names: what the import reads back)."""
    for a in assets:
        yield [a.tag, a.type, a.model, a.serial, a.status,
               a.department.code if a.department else None,
               a.user.username if a.user else None, a.user.full_name if a.user else None,
               a.location, a.purchased_on, a.warranty_end,
               a.supplier.name if a.supplier else None,
               a.maintainer.name if a.maintainer else None, a.notes]


def export_assets(session: Session, actor: Any, fmt: str = "csv", *,
                  query: Any = None) -> tuple[bytes, str]:
    """The assets ``actor`` may see (or those of ``query``, a select of Asset) as a CSV or
    XLSX file, and its MIME type."""
    base = query if query is not None else visible_assets(actor)
    assets = session.scalars(base.order_by(None).order_by(Asset.tag)).all()
    headers = [header for _field, header in EXPORT_COLUMNS]
    return write_table(fmt, headers, export_rows(assets), title="Assets")
