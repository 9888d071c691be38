"""Alembic's environment: runs the revisions on the connection ``hdcore.migrate`` hands over.

Use :mod:`hdcore.migrate` (or ``helpdesk db upgrade``), not the ``alembic`` command: the
configuration, the revision folders of the plugins and the connection (with the help desk's
SQLite pragmas) come from the help desk.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import JSON, TypeDecorator
from sqlalchemy.dialects.postgresql import JSONB

from hdcore.migrate import MigrationError
from hdcore.models import Base


def render_item(type_: str, obj: Any, autogen_context: AutogenContext) -> str | bool:
    """Render the project's column types as plain SQLAlchemy, so revisions never import hdcore.

    A ``TypeDecorator`` such as ``UTCDateTime`` is what it stores: ``UTCDateTime`` is a
    ``DateTime(timezone=True)`` in the database (the conversion to UTC happens in Python).
    ``JSONType`` is JSON, stored as JSONB on PostgreSQL. Anything else is Alembic's default.
    """
    if type_ != "type":
        return False
    if isinstance(obj, TypeDecorator):
        impl = obj.impl_instance
        if type(impl).__module__ == "sqlalchemy.sql.sqltypes":
            return f"sa.{impl!r}"
        return False
    variants = getattr(obj, "_variant_mapping", {})
    if isinstance(obj, JSON) and isinstance(variants.get("postgresql"), JSONB):
        autogen_context.imports.add("from sqlalchemy.dialects import postgresql")
        return 'sa.JSON().with_variant(postgresql.JSONB(), "postgresql")'
    return False


def run_migrations() -> None:
    """Run the migrations on the help desk's connection, inside its transaction."""
    config = context.config
    connection = config.attributes.get("connection")
    if context.is_offline_mode() or connection is None:
        raise MigrationError(
            "run migrations through hdcore.migrate (helpdesk db upgrade) on a live database"
        )
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,  # carries the naming convention of every constraint
        # SQLite alters a table by rebuilding it; batch blocks do that there and plain ALTERs on
        # PostgreSQL, so a revision generated against either database runs on both.
        render_as_batch=True,
        render_item=render_item,
        include_object=config.attributes.get("include_object"),
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
