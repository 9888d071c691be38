"""Jinja filters and globals: times in the user's zone, labels of states, roles and priorities."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from typing import Any

from babel import Locale
from flask import Flask
from flask_babel import format_date, format_datetime, get_locale, get_timezone
from flask_babel import gettext as _
from markupsafe import Markup, escape

from hdcore import Channel, Priority, Role, TaskStatus, now
from hdcore.i18n import gettext as catalog_gettext
from web.context import host


def parse_time(value: Any) -> datetime | date | None:
    """A time or a day as stored in JSON (ISO 8601 text), or None when it is not one."""
    if isinstance(value, datetime | date):
        return value
    if not isinstance(value, str) or len(value) < 10 or not value[:4].isdigit():
        return None
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    # Stored times are UTC; a time without a zone can only have come from there.
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


def when(value: datetime | date | str | None, fmt: str = "medium") -> str:
    """A stored UTC time in the user's zone (empty for none); ISO text is read first.

    A day without a time is shown as that day (no zone applies to it).
    """
    parsed = parse_time(value)
    if parsed is None:
        return "" if value in (None, "") else str(value)
    if not isinstance(parsed, datetime):
        return _format_day(parsed, fmt, get_locale())
    return _format_time(parsed, fmt, get_locale(), get_timezone())


# A page shows a hundred times and more, and the same ones again on the next page and the next
# refresh. The text depends only on the value, the format, the locale and the zone (the keys),
# so each is formatted once per process; the locale and the zone are still looked up per call.
@lru_cache(maxsize=8192)
def _format_time(value: datetime, fmt: str, locale: Locale | None, zone: tzinfo | None) -> str:
    if fmt != "short":
        return format_datetime(value, fmt)  # in this request's locale and zone (the keys)
    # Babel's "yyyy-MM-dd HH:mm" written directly: the digits are the same in every locale.
    if value.tzinfo is None:  # stored times are UTC
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(zone) if zone is not None else value
    return (f"{local.year:04d}-{local.month:02d}-{local.day:02d} "
            f"{local.hour:02d}:{local.minute:02d}")


@lru_cache(maxsize=2048)
def _format_day(value: date, fmt: str, locale: Locale | None) -> str:
    if fmt != "short":
        return format_date(value, fmt)  # in this request's locale (the key)
    return f"{value.year:04d}-{value.month:02d}-{value.day:02d}"


def _chinese() -> bool:
    return str(get_locale() or "").startswith("zh")


def join_words(items: Iterable[Any]) -> str:
    """Names or short values as one list: "A, B, C" in English, "A、B、C" in Chinese."""
    return ("、" if _chinese() else ", ").join(str(i) for i in items if i not in (None, ""))


def join_phrases(items: Iterable[Any]) -> str:
    """Whole phrases one after the other: "3 requests, 2 tasks"; "3 个请求，2 个任务"."""
    return ("，" if _chinese() else ", ").join(str(i) for i in items if i not in (None, ""))


def stored_text(text: str | None, from_template: bool) -> str:
    """Text a plugin's template wrote (kept in English, its msgid) in the viewer's language.

    Text people typed is shown as typed; so is a template text the catalog does not know.
    """
    if not text:
        return ""
    return catalog_gettext(text) if from_template else text


def task_title(task: Any) -> str:
    """A task's title in the viewer's language when a workflow template created it."""
    return stored_text(task.title, bool(getattr(task, "template", None)))


def task_description(task: Any) -> str:
    """A task's description in the viewer's language when a workflow template created it."""
    return stored_text(task.description, bool(getattr(task, "template", None)))


def ago(value: datetime | None) -> str:
    """How long ago, roughly (for lists)."""
    if value is None:
        return ""
    seconds = int((now() - value).total_seconds())
    if seconds < 60:
        return _("just now")
    if seconds < 3600:
        return _("%(n)d min ago", n=seconds // 60)
    if seconds < 86400:
        return _("%(n)d h ago", n=seconds // 3600)
    return _("%(n)d d ago", n=seconds // 86400)


def state_label(category: str, status: str) -> str:
    """The translated name of ``status`` in ``category``'s workflow."""
    try:
        return str(host().workflow(category).state(status).label)
    except KeyError:
        return status


def state_kind(category: str, status: str) -> str:
    """The kind of ``status`` (new, active, waiting, resolved, final), for styling."""
    try:
        return host().workflow(category).kind(status).value
    except KeyError:
        return "active"


def category_label(name: str) -> str:
    """The translated name of a category."""
    try:
        return str(host().category(name).label)
    except Exception:
        return name


def enum_label(enum_cls: type, value: str) -> str:
    """The translated label of an enum value (priority, channel, role, task status)."""
    try:
        return enum_cls(value).label
    except ValueError:
        return value


def nl2br(text: str | None) -> Markup:
    """Escape text and keep its line breaks."""
    return Markup("<br>").join(escape(text or "").split("\n"))


def init_app(app: Flask) -> None:
    """Register the filters and globals."""
    app.jinja_env.filters.update(when=when, ago=ago, nl2br=nl2br, join_words=join_words,
                                 join_phrases=join_phrases, task_title=task_title)
    app.jinja_env.globals.update(
        task_title=task_title, task_description=task_description,
        state_label=state_label, state_kind=state_kind, category_label=category_label,
        priority_label=lambda v: enum_label(Priority, v),
        channel_label=lambda v: enum_label(Channel, v),
        role_label=lambda v: enum_label(Role, v),
        task_status_label=lambda v: enum_label(TaskStatus, v),
        Priority=Priority, current_locale=lambda: str(get_locale()),
    )


def label_of(value: Any) -> str:
    """Render a lazy label (core or plugin) in the current locale."""
    return str(value) if value is not None else ""
