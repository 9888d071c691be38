"""Which version of each plugin the database was last upgraded for (see plugin_versions)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from hdcore.models.base import Base, utcnow


class PluginVersion(Base):
    """The version of a plugin whose state moves ``helpdesk db upgrade`` last applied."""

    __tablename__ = "plugin_version"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[str] = mapped_column(String(32))
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)
