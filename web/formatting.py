"""Jinja filters and globals: times in the user's zone, labels of states, roles and priorities."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Flask
from flask_babel import format_datetime, get_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from hdcore import Channel, Priority, Role, TaskStatus, now
from web.context import host


def when(value: datetime | None, fmt: str = "medium") -> str:
    """A stored UTC time in the user's zone (empty for none)."""
    if value is None:
        return ""
    return format_datetime(value, "yyyy-MM-dd HH:mm" if fmt == "short" else fmt)


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
    app.jinja_env.filters.update(when=when, ago=ago, nl2br=nl2br)
    app.jinja_env.globals.update(
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
