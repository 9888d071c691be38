"""Exports are safe to open in a spreadsheet: no cell of any CSV or XLSX export the app offers
starts a formula, whatever people wrote (titles, comments, asset fields...)."""

from __future__ import annotations

import csv
import io
import re
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook

from hdcore.tabular import FORMULA_STARTS, write_csv, write_xlsx
from tests.security.access_rules import all_rules
from tests.security.conftest import FORMULAS, World
from tests.security.support import call, served_routes, url_for_rule

#: Who sees the most: each role's pages are searched for export links.
EXPORTERS = ("tech", "lead", "manager", "admin")
FORMATS = ("csv", "xlsx")
EXPORT_LINK = re.compile(r'href="([^"#]*(?:export|\.csv|\.xlsx)[^"#]*)"')


def cells(body: bytes, fmt: str) -> list[tuple[str, str]]:
    """Every text cell of an export, with its kind (``csv``, or openpyxl's data type)."""
    if fmt == "csv":
        text = body.decode("utf-8-sig")
        return [(cell, "csv") for row in csv.reader(io.StringIO(text)) for cell in row]
    book = load_workbook(io.BytesIO(body))
    out = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None and not isinstance(cell.value, (int, float)):
                    out.append((str(cell.value), cell.data_type))
    return out


def unsafe(body: bytes, fmt: str) -> list[str]:
    """The cells a spreadsheet would run as formulas."""
    bad = []
    for value, kind in cells(body, fmt):
        if kind == "f" or (fmt == "csv" and value.startswith(FORMULA_STARTS)):
            bad.append(value)
    return bad


def test_the_check_finds_formulas() -> None:
    rows = [[f] for f in FORMULAS]
    raw_csv = "\r\n".join(f'"{f}"' for f in FORMULAS).encode()
    assert len(unsafe(raw_csv, "csv")) == len(FORMULAS)
    assert unsafe(write_csv(["h"], rows), "csv") == []
    assert unsafe(write_xlsx(["h"], rows), "xlsx") == []
    # ... and the protected cells still hold what was written.
    assert {v.lstrip("'") for v, _k in cells(write_csv(["h"], rows), "csv")} >= set(FORMULAS)


def export_urls(world_state: World, world: SimpleNamespace,
                cookies: dict[str | None, tuple[str, str]]) -> dict[str, str]:
    """Every export link on every page the exporting roles open, with who found it; and the
    export routes themselves, in each format."""
    found: dict[str, str] = {}
    app = world_state.app
    served = served_routes(app)
    rules = all_rules()
    for key, url_rule in sorted(served.items()):
        if not key.endswith(" GET") or key not in rules:
            continue
        if "fmt" in url_rule.arguments and "name" not in url_rule.arguments:
            for fmt in FORMATS:
                rule = rules[key]
                args = {**rule.args, "fmt": lambda w, f=fmt: f}
                url = url_for_rule(url_rule, type(rule)(**{**rule.__dict__, "args": args}),
                                   world)
                found.setdefault(url, "admin")
        if url_rule.arguments - set(world.args):
            continue
        url = url_for_rule(url_rule, rules[key], world)
        for role in EXPORTERS:
            resp = call(app, world, cookies, role, "GET", url)
            if resp.mimetype == "text/html":
                for link in EXPORT_LINK.findall(resp.get_data(as_text=True)):
                    path = urlsplit(link.replace("&amp;", "&"))
                    if path.path.startswith("/") and not path.netloc:
                        found.setdefault(link.replace("&amp;", "&"), role)
            resp.close()
    return found


def test_every_export_is_safe(world_state: World, world: SimpleNamespace,
                              role_cookies: dict[str | None, tuple[str, str]]) -> None:
    urls = export_urls(world_state, world, role_cookies)
    exports = 0
    planted_seen = False
    problems = []
    for url, role in sorted(urls.items()):
        for fmt in FORMATS:
            target = re.sub(r"\.(csv|xlsx)(?=$|\?)", f".{fmt}", url)
            if f"format={'xlsx' if fmt == 'csv' else 'csv'}" in target:
                target = target.replace(f"format={'xlsx' if fmt == 'csv' else 'csv'}",
                                        f"format={fmt}")
            resp = call(world_state.app, world, role_cookies, role, "GET", target)
            body = resp.get_data()
            resp.close()
            kind = "xlsx" if body[:2] == b"PK" else "csv" if resp.mimetype == "text/csv" else ""
            if resp.status_code != 200 or not kind:
                continue
            exports += 1
            problems += [f"{target}: {cell!r}" for cell in unsafe(body, kind)]
            texts = " ".join(v for v, _k in cells(body, kind))
            planted_seen = planted_seen or any(f.strip() in texts for f in FORMULAS)
    assert exports >= 2, f"no exports found: {sorted(urls)}"
    assert not problems, "\n".join(problems)
    assert planted_seen, "no export carried the planted formulas: the check proved nothing"


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_asset_export_keeps_the_text_as_typed(
    fmt: str, world_state: World, world: SimpleNamespace,
    role_cookies: dict[str | None, tuple[str, str]],
) -> None:
    """The planted asset comes out protected, and reads back as what was typed."""
    resp = call(world_state.app, world, role_cookies, "tech", "GET",
                f"/desk/assets/export.{fmt}")
    if resp.status_code == 404:
        pytest.skip("no asset export")
    body = resp.get_data()
    resp.close()
    assert resp.status_code == 200
    values = [v for v, _k in cells(body, fmt)]
    assert unsafe(body, fmt) == []
    shown = {v[1:] if v.startswith("'") else v for v in values}
    assert FORMULAS[0] in shown and FORMULAS[1] in shown
