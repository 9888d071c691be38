"""Bookkeeping tables: plugin state (enabled flag and settings), named counters, and the stamp
of the settings every process keeps in memory."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from hdcore.models.base import Base, utcnow


class PluginState(Base):
    """Whether a plugin is enabled, and its settings; a missing row means enabled by default."""

    __tablename__ = "plugin_state"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    changed_by: Mapped[str | None] = mapped_column(String(64))


class Sequence(Base):
    """A named counter (request numbers per year), bumped in the writing transaction."""

    __tablename__ = "sequence"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


class ConfigStamp(Base):
    """One row whose token changes with every change to the settings processes keep in memory
    (plugins switched on or off, SLA policies and calendars; see :mod:`hdcore.shared_config`):
    a process compares it with the token its copy was read under."""

    __tablename__ = "config_stamp"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    token: Mapped[str] = mapped_column(String(32))
