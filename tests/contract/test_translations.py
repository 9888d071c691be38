"""The UI speaks Simplified Chinese everywhere: every marked string has a Chinese translation.

For the core, the web layer and each plugin, the strings marked in its sources are extracted the
way ``scripts/translations`` does (babel, the method map of ``babel.cfg``) and must each have a
non-empty translation in that package's ``zh_Hans_CN`` catalog, with the same placeholders and
no fuzzy entry. marshmallow's own validation messages must come out in the user's language too,
and a few pages rendered in Chinese must show no English UI text.
"""

from __future__ import annotations

import ast
import re
import zoneinfo
from collections.abc import Iterator
from datetime import date, timedelta
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.pofile import read_po
from flask import Flask
from marshmallow import Schema, ValidationError, fields, validate

from hdcore import HelpDesk, ValidationFailed, use_locale
from hdcore import services as svc
from hdcore.i18n import catalog_files, lazy_gettext
from hdcore.i18n_marshmallow import MESSAGES, installed_messages
from tests.web.conftest import Browser
from web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
LOCALE = "zh_Hans_CN"
#: Every package with a catalog of its own: the core, the web layer, each built-in plugin.
PACKAGES = ["hdcore", "web", *sorted(
    f"plugins/{p.name}" for p in (ROOT / "plugins").iterdir() if (p / "__init__.py").is_file()
)]
# The same extraction as scripts/translations: babel.cfg's method map and pybabel's keywords
# plus ``-k _l -k lazy_gettext``. Template syntax errors are reported, not skipped.
METHOD_MAP = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
OPTIONS_MAP = {"**/templates/**.html": {"silent": "false"}}
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "ngettext": (1, 2)}
TRANSLATING_FUNCTIONS = {"_", "_l", "lazy_gettext", "gettext", "ngettext", "lazy_ngettext"}

#: ``%(name)s`` / ``%(n)d`` placeholders, and ``{name}`` ones (marshmallow, str.format).
PERCENT = re.compile(r"%\([A-Za-z_]\w*\)[-#0 +]*\d*(?:\.\d+)?[sdiouxXeEfFgGcra]")
BRACES = re.compile(r"\{[A-Za-z_]\w*(?:![rsa])?(?::[^{}]*)?\}")
CJK = re.compile(r"[\u4e00-\u9fff]")


def catalog_path(package: str) -> Path:
    """The package's Chinese catalog."""
    return ROOT / package / "translations" / LOCALE / "LC_MESSAGES" / "messages.po"


@cache
def catalog(package: str) -> Catalog:
    """The package's Chinese catalog, parsed."""
    merged: Catalog | None = None
    for path in catalog_files(ROOT / package / "translations", LOCALE):
        with path.open("rb") as fh:
            part = read_po(fh)
        if merged is None:
            merged = part
            continue
        for message in part:
            if message.id:
                merged[message.id] = message
    assert merged is not None, f"{catalog_path(package)} is missing"
    return merged


@cache
def extracted(package: str) -> dict[tuple[str | tuple[str, ...], str | None], list[str]]:
    """The strings marked in the package's sources, with their context (``pgettext``'s, or
    None), each with where it is marked."""
    found: dict[tuple[str | tuple[str, ...], str | None], list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        ROOT / package, METHOD_MAP, OPTIONS_MAP, KEYWORDS
    ):
        key = message if isinstance(message, str) else tuple(message)
        found.setdefault((key, context), []).append(f"{package}/{filename}:{lineno}")
    return found


def text_of(msg: str | tuple[str, ...] | list[str]) -> str:
    """A message's (first) text."""
    return msg if isinstance(msg, str) else msg[0]


def placeholders(text: str, brace: bool) -> set[str]:
    """The placeholders of ``text``: ``%(name)x`` always, ``{name}`` in brace-format texts."""
    found = set(PERCENT.findall(text))
    if brace:
        found |= set(BRACES.findall(text))
    return found


def entries(package: str) -> Iterator[Any]:
    """The catalog's messages, without the header."""
    return (m for m in catalog(package) if m.id)


# -- every catalog ------------------------------------------------------------------------------


@pytest.mark.parametrize("package", PACKAGES)
def test_catalog_header_says_simplified_chinese(package: str) -> None:
    """Babel reads the language and the (single) plural form from the header."""
    cat = catalog(package)
    assert str(cat.locale) == LOCALE, f"{catalog_path(package)}: Language is {cat.locale}"
    assert cat.plural_forms == "nplurals=1; plural=0;", catalog_path(package)
    assert not cat.fuzzy, f"{catalog_path(package)}: the header is marked fuzzy"


@pytest.mark.parametrize("package", PACKAGES)
def test_every_marked_string_is_translated(package: str) -> None:
    """A string marked in the sources without a Chinese translation shows up in English."""
    cat = catalog(package)
    missing = []
    for (key, context), where in sorted(extracted(package).items(), key=lambda kv: kv[1][0]):
        msg = cat.get(key, context=context)
        strings = [] if msg is None else (
            [msg.string] if isinstance(msg.string, str) else list(msg.string))
        if not strings or not all(s.strip() for s in strings):
            missing.append(f"{where[0]}: {key!r}" + (f" ({context})" if context else ""))
    assert not missing, (
        f"{len(missing)} string(s) of {package} have no translation in {catalog_path(package)}; "
        "run scripts/translations and translate them:\n" + "\n".join(missing))


@pytest.mark.parametrize("package", PACKAGES)
def test_translations_keep_the_placeholders(package: str) -> None:
    """A lost or misspelt ``%(name)s`` breaks the message (or the page) at run time."""
    wrong = []
    for m in entries(package):
        ids = [m.id] if isinstance(m.id, str) else list(m.id)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        brace = "python-brace-format" in m.flags or any(BRACES.search(i) for i in ids)
        expected = placeholders(ids[-1], brace)  # one plural form: it must fit the plural
        for s in strings:
            if s and placeholders(s, brace) != expected:
                wrong.append(f"{ids[0]!r}: {s!r}")
    assert not wrong, f"placeholders differ in {catalog_path(package)}:\n" + "\n".join(wrong)


@pytest.mark.parametrize("package", PACKAGES)
def test_no_fuzzy_entries(package: str) -> None:
    """Fuzzy translations are left out of the compiled catalog: the UI would show English."""
    fuzzy = [repr(text_of(m.id)) for m in entries(package) if m.fuzzy]
    assert not fuzzy, f"fuzzy entries in {catalog_path(package)}:\n" + "\n".join(fuzzy)


def _is_text(node: ast.expr) -> bool:
    return isinstance(node, ast.JoinedStr) or (
        isinstance(node, ast.Constant) and isinstance(node.value, str))


def _built_text(node: ast.expr) -> bool:
    """An f-string, a literal glued to something (``+``, ``%``) or ``"...".format(...)``.

    A variable (``gettext(str(message))``) is fine: it translates a msgid marked elsewhere.
    """
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _is_text(node.left) or _is_text(node.right) or _built_text(node.left) \
            or _built_text(node.right)
    return (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and _is_text(node.func.value))


@pytest.mark.parametrize("package", PACKAGES)
def test_marked_strings_are_literals(package: str) -> None:
    """``_(f"...")``, ``_("a" + b)`` or ``_("...".format())`` cannot be extracted or looked up."""
    bad = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in TRANSLATING_FUNCTIONS and node.args):
                continue
            for arg in node.args[:2] if node.func.id.endswith("ngettext") else node.args[:1]:
                if _built_text(arg):
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno}: {ast.unparse(node)}")
    assert not bad, "mark whole literal sentences, with named placeholders:\n" + "\n".join(bad)


# -- marshmallow's own messages -----------------------------------------------------------------


def test_every_marshmallow_message_is_marked() -> None:
    """A message a new marshmallow release adds must join ``MESSAGES`` (and be translated)."""
    marked = {m.msgid for m in MESSAGES}
    assert installed_messages() - marked == set()
    assert marked <= {text_of(k) for k, _context in extracted("hdcore")}


class Sample(Schema):
    """Fields with marshmallow's default messages."""

    count = fields.Integer(required=True)
    size = fields.Integer(validate=validate.Range(min=1, max=10))
    kind = fields.String(validate=validate.OneOf(["pc", "printer"]))
    code = fields.String(validate=validate.Length(min=2, max=4))
    mail = fields.Email()
    at = fields.AwareDateTime()


BAD = {"size": 11, "kind": "tv", "code": "x", "mail": "nobody", "at": "2026-03-01T10:00:00",
       "extra": 1}


def errors_of(data: dict[str, Any]) -> dict[str, list[str]]:
    """The messages ``Sample`` refuses ``data`` with."""
    with pytest.raises(ValidationError) as exc:
        Sample().load(data)
    return exc.value.messages  # type: ignore[return-value]


def test_marshmallow_messages_follow_the_locale() -> None:
    """The same schema explains itself in Chinese or English, decided when the value is refused."""
    with use_locale(LOCALE):
        zh = errors_of(BAD)
        # The schema-level message ("unknown field") is kept as a lazy string: shown, it is
        # translated in the locale of the moment.
        zh["extra"] = [str(m) for m in zh["extra"]]
    en = errors_of(BAD)
    assert zh == {
        "count": ["此项为必填项。"],
        "size": ["必须大于或等于 1 且小于或等于 10。"],
        "kind": ["必须是以下之一：pc, printer。"],
        "code": ["长度必须在 2 到 4 之间。"],
        "mail": ["不是有效的邮箱地址。"],
        "at": ["不是有效的日期时间（须带时区）。"],
        "extra": ["未知字段。"],
    }
    assert en["count"] == ["Missing data for required field."]
    assert en["size"] == ["Must be greater than or equal to 1 and less than or equal to 10."]
    assert en["kind"] == ["Must be one of: pc, printer."]
    assert en["at"] == ["Not a valid aware datetime."]
    assert en["extra"] == ["Unknown field."]


def test_lazy_strings_translate_before_formatting() -> None:
    """``format`` and ``%`` fill the translation, not the English text."""
    choice = lazy_gettext("Must be one of: {choices}.")
    limit = lazy_gettext("At most %(n)d characters.")
    with use_locale(LOCALE):
        assert choice.format(choices="a, b") == "必须是以下之一：a, b。"
        assert limit % {"n": 5} == "最多 5 个字符。"
    assert choice.format(choices="a, b") == "Must be one of: a, b."
    assert limit % {"n": 5} == "At most 5 characters."


REPAIR = "outsourcing"


def repair_details(**overrides: Any) -> dict[str, Any]:
    """A valid repair request of the outsourcing category."""
    return {"equipment_type": "laptop", "equipment": "联想 T14", "asset_tag": "",
            "location": "研发中心 B 栋 5F", "fault": "屏幕闪烁",
            "since": (date.today() - timedelta(days=2)).isoformat(), "impact": "degraded",
            "warranty": "yes", **overrides}


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """These checks need a database, not a particular one: SQLite."""
    return f"sqlite:///{tmp_path}/i18n.db"


def refused(session: Any, people: SimpleNamespace, details: dict[str, Any]) -> dict[str, list[str]]:
    """The field errors ``submit_request`` refuses ``details`` with."""
    with pytest.raises(ValidationFailed) as exc:
        svc.submit_request(session, people.employee, category=REPAIR, title="笔记本坏了",
                           details=details)
    return exc.value.errors


def test_submitted_details_are_refused_in_the_users_language(session: Any,
                                                             people: SimpleNamespace) -> None:
    """A missing field and a bad choice, through the service layer, in Chinese and in English."""
    missing = repair_details()
    del missing["fault"]
    bad_choice = repair_details(impact="terrible")
    with use_locale(LOCALE):
        assert refused(session, people, missing) == {"details.fault": ["此项为必填项。"]}
        assert refused(session, people, bad_choice) == {
            "details.impact": ["必须是以下之一：can_work, degraded, cannot_work。"]}
        assert refused(session, people, repair_details(since="yesterday")) == {
            "details.since": ["不是有效的日期。"]}
    with use_locale("en"):
        assert refused(session, people, missing) == {
            "details.fault": ["This field is required."]}
        assert refused(session, people, bad_choice) == {
            "details.impact": ["Must be one of: can_work, degraded, cannot_work."]}


# -- pages rendered in Chinese ------------------------------------------------------------------


class VisibleText(HTMLParser):
    """The text a person sees on a page: text nodes, the title, and the placeholder, title, alt
    and aria-label attributes and button values.

    Scripts and styles are not text, nor what people typed into a textarea; nor are technical
    names shown as such: ``<code>`` and
    identifiers in tooltips (``title="in_progress"``).
    """

    HIDDEN = {"script", "style", "code", "kbd", "samp", "textarea"}
    ATTRS = {"placeholder", "title", "alt", "aria-label"}
    IDENTIFIER = re.compile(r"[a-z][a-z0-9_.-]*")

    def __init__(self) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self.headings: list[str] = []
        self.nav: list[str] = []
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in {"br", "hr", "img", "input", "meta", "link", "wbr"}:
            self._open.append(tag)
        a = dict(attrs)
        for name in sorted(self.ATTRS & a.keys()):
            value = " ".join((a[name] or "").split())
            if value and not self.IDENTIFIER.fullmatch(value):
                self.chunks.append(value)
        if tag == "input" and a.get("type") in {"submit", "button"} and a.get("value"):
            self.chunks.append(a["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._open:
            while self._open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self.HIDDEN & set(self._open):
            return
        text = " ".join(data.split())
        if not text:
            return
        self.chunks.append(text)
        if {"h1", "h2"} & set(self._open):
            self.headings.append(text)
        if "nav" in self._open:
            self.nav.append(text)


def visible(html: str) -> VisibleText:
    """The visible text of ``html``."""
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser


def _pattern(msgid: str) -> str:
    parts = re.split(f"({PERCENT.pattern}|{BRACES.pattern})", " ".join(msgid.split()))
    return "".join(".+?" if PERCENT.fullmatch(p) or BRACES.fullmatch(p) else re.escape(p)
                   for p in parts if p)


@cache
def english_ui() -> tuple[set[str], re.Pattern[str], set[str]]:
    """The English UI texts (exact ones, and a pattern for those with placeholders), and the
    English words that only English UI text uses (words a Chinese translation also contains,
    such as IT or ERP, are left out)."""
    exact: set[str] = set()
    patterns: list[str] = []
    english_words: set[str] = set()
    chinese_words: set[str] = set()
    for package in PACKAGES:
        for m in entries(package):
            ids = [m.id] if isinstance(m.id, str) else list(m.id)
            strings = [m.string] if isinstance(m.string, str) else list(m.string)
            for s in strings:
                chinese_words |= {w.lower() for w in re.findall(r"[A-Za-z]{2,}", s)}
            for i in ids:
                if strings and " ".join(i.split()) == " ".join(strings[0].split()):
                    continue  # the same in both languages (a code, a product name)
                bare = BRACES.sub(" ", PERCENT.sub(" ", i))
                english_words |= {w.lower() for w in re.findall(r"[A-Za-z]{2,}", bare)}
                if not re.search(r"[A-Za-z]{2,}", bare):
                    continue
                if PERCENT.search(i) or BRACES.search(i):
                    patterns.append(_pattern(i))
                else:
                    exact.add(" ".join(i.split()))
    return exact, re.compile("|".join(f"(?:{p})" for p in patterns)), english_words - chinese_words


#: Not UI text: data (e-mail addresses, time zone names, request numbers) and the language
#: switch, which names English in English.
NOT_UI = re.compile(r"\S+@\S+|\b[A-Za-z_]+/[A-Za-z_/+\-0-9]+|\b[A-Z]{2,}-\d{4}-\d+\b|\bEnglish\b"
                    r"|\bHD\b")
TIME_ZONES = frozenset(zoneinfo.available_timezones())


def english_left(html: str, data: set[str]) -> list[str]:
    """Visible texts of ``html`` that are English UI text (``data``: texts and words that are
    people's data, lower-case)."""
    exact, pattern, words = english_ui()
    left = []
    for chunk in visible(html).chunks:
        if chunk.lower() in data or chunk in TIME_ZONES:
            continue
        if chunk in exact or pattern.fullmatch(chunk):
            left.append(chunk)
            continue
        rest = NOT_UI.sub(" ", chunk)
        found = [w for w in re.findall(r"[A-Za-z]{2,}", rest)
                 if w.lower() in words and w.lower() not in data]
        if found:
            left.append(f"{chunk}  [{', '.join(found)}]")
    return left


@pytest.fixture
def app(helpdesk: HelpDesk) -> Flask:
    """The web app on the test's help desk."""
    return create_app(helpdesk, {"TESTING": True})


def chinese_browser(app: Flask, username: str) -> Browser:
    """A browser that asks for Chinese the way Chinese browsers do, signed in as ``username``."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN,zh;q=0.9,en;q=0.8"
    b = Browser(client)
    assert b.login(username).status_code == 302
    return b


#: Pages per person, and the Chinese menu entries each must see.
PAGES = {
    "zhang.wei": (["/portal/", "/portal/?tab=closed", "/portal/new", f"/portal/new/{REPAIR}",
                   "/portal/r/{number}", "/me"],
                  ["我的服务请求", "新建服务请求"]),
    "li.na": (["/desk/", "/desk/r/{number}", "/desk/r/{number}/edit"], ["工作队列"]),
    "wang.fang": (["/dispatch/", "/dispatch/workload", "/dispatch/work", "/dispatch/phone",
                   "/dispatch/r/{number}/split", "/dispatch/r/{number}/close"],
                  ["工作队列", "调度"]),
    "chen.jie": (["/manage/", "/manage/escalations"], ["工作队列", "管理"]),
    "admin": (["/admin/plugins", "/admin/users", "/admin/users/new", "/admin/groups",
               "/admin/groups/new", "/admin/departments", "/admin/departments/new"],
              ["工作队列", "系统管理"]),
}


def test_pages_show_no_english_to_a_chinese_browser(app: Flask, session: Any,
                                                     people: SimpleNamespace) -> None:
    """Menus, headings and every label in Chinese; only people's data stays as typed."""
    req = svc.submit_request(session, people.employee, category=REPAIR, title="笔记本屏幕闪烁",
                             description="偶尔黑屏", details=repair_details())
    svc.assign(session, people.lead, req.id, assignee="li.na", group="Applications")
    svc.add_task(session, people.lead, req.id, title="检查屏幕排线", assignee="li.na")
    svc.escalate(session, people.employee, req.id, "三天没有进展")
    # People's names, departments and groups are data, typed in English in the fixtures.
    names = [n for u in vars(people).values() if hasattr(u, "full_name")
             for n in (u.full_name, u.username)]
    names += ["Finance", "Sales", "Applications", "Infrastructure", "FIN", "SALES"]
    data = {n.lower() for n in names} | {w.lower() for n in names
                                          for w in re.findall(r"[A-Za-z]{2,}", n)}

    problems = []
    anonymous = app.test_client()
    anonymous.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN,zh;q=0.9,en;q=0.8"
    login = anonymous.get("/login").get_data(as_text=True)
    problems += [f"/login: {t}" for t in english_left(login, data)]
    for username, (urls, menu) in PAGES.items():
        b = chinese_browser(app, username)
        for url in urls:
            url = url.format(number=req.number)
            resp = b.get(url)
            assert resp.status_code == 200, f"{username} {url}: {resp.status_code}"
            html = resp.get_data(as_text=True)
            page = visible(html)
            assert '<html lang="zh-CN">' in html, url
            missing_menu = [m for m in menu if m not in page.nav]
            if missing_menu:
                problems.append(f"{url}: menu lacks {missing_menu} (has {page.nav})")
            if not any(CJK.search(h) for h in page.headings):
                problems.append(f"{url}: no heading in Chinese ({page.headings})")
            problems += [f"{url}: {t}" for t in english_left(html, data)]
    assert not problems, "English on Chinese pages:\n" + "\n".join(problems)
