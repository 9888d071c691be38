"""Database migrations: bring a help desk's database to the head of every branch (Alembic).

The Alembic revisions live inside the package, in ``hdcore/migrations/`` (a package of its own,
so an installed wheel carries them, with ``env.py`` and ``script.py.mako``). The core's branch,
labelled ``core``, starts at revision ``0001``. A plugin with tables of its own ships a
``migrations`` folder next to its module (with an ``__init__.py``, so its wheel carries it too;
revision files directly inside it, or in a ``versions`` subfolder): its own branch, labelled with
the plugin's name and depending on the core's ``0001``. :func:`revision` starts that branch.

The Alembic configuration is built in code for one :class:`~hdcore.app.HelpDesk`, and the
migrations run on that help desk's own engine (its SQLite pragmas included), as one transaction.
"""

from __future__ import annotations

import functools
import importlib
import os
import pkgutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import Script, ScriptDirectory
from sqlalchemy import Connection, Table, inspect, text

from hdcore.errors import HelpdeskError

if TYPE_CHECKING:
    from hdcore.app import HelpDesk

#: The Alembic environment (``env.py``, ``script.py.mako``) and the core's revisions.
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
CORE_VERSIONS_DIR = MIGRATIONS_DIR / "versions"
#: The branch label of the core's revisions, and the first of them (plugin branches depend on it).
CORE_BRANCH = "core"
BASE_REVISION = "0001"
#: Key of the PostgreSQL advisory lock that keeps two processes from migrating at once.
_LOCK_KEY = 0x4844_434F  # "HDCO"

IncludeObject = Callable[[Any, str | None, str, bool, Any], bool]


class MigrationError(HelpdeskError):
    """The database cannot be migrated as asked; the message says why and what to do."""


# -- branches and the tables they own ----------------------------------------------------------


@functools.cache
def core_tables() -> frozenset[str]:
    """Names of the core's own tables: those declared in the modules of ``hdcore.models``."""
    import hdcore.models as models

    names: set[str] = set()
    for info in pkgutil.iter_modules(models.__path__, models.__name__ + "."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            if isinstance(value, Table):
                names.add(value.name)
            elif isinstance(getattr(value, "__table__", None), Table):
                names.add(value.__table__.name)
    return frozenset(names)


def branch_folders(helpdesk: HelpDesk) -> dict[str, Path]:
    """Each branch's revision folder: the core's, then one per registered plugin that has one."""
    folders = {CORE_BRANCH: CORE_VERSIONS_DIR}
    for plugin in helpdesk.host.plugins():
        folder = plugin.migrations_dir
        # The core's built-in plugin lives in ``hdcore/`` too: its "migrations" are the core's.
        if folder is None or folder.resolve() == MIGRATIONS_DIR:
            continue
        if (folder / "versions").is_dir():
            folder = folder / "versions"
        folders[plugin.name] = folder.resolve()
    return folders


def table_owner(helpdesk: HelpDesk, table: str) -> str | None:
    """The branch that owns ``table``: ``core``, a plugin's name (by prefix), or None."""
    if table in core_tables():
        return CORE_BRANCH
    owners = [p.name for p in helpdesk.host.plugins() if p.name and table.startswith(p.name + "_")]
    # The longest prefix wins, so a plugin "erp_support" owns "erp_support_x", not "erp".
    return max(owners, key=len) if owners else None


def include_object(helpdesk: HelpDesk, branch: str | None = None) -> IncludeObject:
    """An Alembic ``include_object`` filter over the tables of ``branch`` (or of every branch).

    With a branch, autogenerate writes only that branch's tables into its revision; without one,
    the tables of the core and of the registered plugins are compared, and a table in the
    database that nobody owns is reported too (it should not be there). The search's full-text
    structures (FTS5 tables, the tsvector column) are never compared.
    """
    from hdcore.models.search import full_text_object

    def include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
        if full_text_object(obj, name, type_):
            return False  # made by the search's own DDL, not by the models
        if type_ != "table" or name is None:
            return True
        owner = table_owner(helpdesk, name)
        if branch is not None:
            return owner == branch
        return owner is not None or (reflected and compare_to is None)

    return include


# -- configuration ------------------------------------------------------------------------------


def make_config(helpdesk: HelpDesk, connection: Connection | None = None) -> Config:
    """An Alembic ``Config`` for ``helpdesk``, built in code (no ``alembic.ini`` needed).

    Its ``attributes`` hand ``env.py`` the help desk, the connection to migrate on and the
    table filter that keeps each branch to its own tables.
    """
    cfg = Config()

    def option(name: str, value: str) -> None:
        cfg.set_main_option(name, value.replace("%", "%%"))  # the ini parser interpolates %

    option("script_location", str(MIGRATIONS_DIR))
    option("path_separator", "os")
    option("version_locations", os.pathsep.join(str(f) for f in branch_folders(helpdesk).values()))
    cfg.attributes["helpdesk"] = helpdesk
    cfg.attributes["connection"] = connection
    cfg.attributes["include_object"] = include_object(helpdesk)
    return cfg


def scripts(helpdesk: HelpDesk) -> ScriptDirectory:
    """The revisions of the core and of ``helpdesk``'s plugins."""
    return ScriptDirectory.from_config(make_config(helpdesk))


@contextmanager
def _migrating(helpdesk: HelpDesk) -> Iterator[Connection]:
    """A connection in one transaction, committed only if everything in the block succeeded.

    On SQLite, foreign keys are switched off around it (the pragma is a no-op inside a
    transaction) because batch migrations rebuild tables, and checked before committing: the
    procedure the SQLite manual gives for schema changes. On PostgreSQL an advisory lock makes a
    second process wait for the first one's migration instead of racing it.
    """
    with helpdesk.engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        raw = conn.connection.driver_connection
        if sqlite:
            raw.execute("PRAGMA foreign_keys=OFF")  # type: ignore[union-attr]
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
                yield conn
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise MigrationError(
                            "the migration left rows whose foreign keys point nowhere: "
                            + ", ".join(f"{r[0]} row {r[1]} -> {r[2]}" for r in broken[:10])
                        )
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys=ON")  # type: ignore[union-attr]


def _run(helpdesk: HelpDesk, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    with _migrating(helpdesk) as conn:
        return fn(make_config(helpdesk, conn), *args, **kwargs)


# -- what the database is at ---------------------------------------------------------------------


def current_heads(helpdesk: HelpDesk) -> frozenset[str]:
    """The revisions recorded in the database (empty for a database never migrated).

    Alembic records the newest revision of each line only: a plugin's revision that depends on
    the core's ``0001`` stands for both.
    """
    with helpdesk.engine.connect() as conn:
        return frozenset(MigrationContext.configure(conn).get_current_heads())


def script_heads(helpdesk: HelpDesk) -> frozenset[str]:
    """The newest revision of every branch the code knows."""
    return frozenset(scripts(helpdesk).get_heads())


def pending(helpdesk: HelpDesk) -> list[str]:
    """The revisions an upgrade would apply, in the order it would apply them."""
    directory = scripts(helpdesk)
    current = tuple(current_heads(helpdesk)) or None
    steps = directory.iterate_revisions("heads", current, implicit_base=True)
    return [script.revision for script in reversed(list(steps))]


def is_up_to_date(helpdesk: HelpDesk) -> bool:
    """Whether the database is at the head of every branch."""
    return not pending(helpdesk)


# -- changing it --------------------------------------------------------------------------------


def upgrade(helpdesk: HelpDesk, target: str = "heads") -> None:
    """Bring the database to ``target`` (by default the head of every branch).

    An empty database gets every table; an up-to-date one is left alone. A database whose
    tables were made without migrations (``HelpDesk.create_schema``) is refused: :func:`stamp`
    it first if its tables are known to match the current models.
    """
    if target == "heads" and is_up_to_date(helpdesk):
        return
    if not current_heads(helpdesk):
        with helpdesk.engine.connect() as conn:
            present = set(inspect(conn).get_table_names()) & core_tables()
        if present:
            raise MigrationError(
                "the database has help-desk tables but no migration history (it was created "
                "without migrations); if its tables match this version, stamp it at 'heads' "
                f"first. Tables found: {', '.join(sorted(present))}"
            )
    _run(helpdesk, command.upgrade, target)
    _new_stamp(helpdesk)


def _new_stamp(helpdesk: HelpDesk) -> None:
    # Migrations may change settings without the ORM: processes still running re-read them.
    from hdcore import shared_config

    with helpdesk.engine.begin() as conn:
        if inspect(conn).has_table("config_stamp"):
            shared_config.bump(conn)


def downgrade(helpdesk: HelpDesk, target: str) -> None:
    """Take the database back to ``target`` (``base`` removes every table the migrations made)."""
    _run(helpdesk, command.downgrade, target)
    _new_stamp(helpdesk)


def stamp(helpdesk: HelpDesk, target: str = "heads") -> None:
    """Record ``target`` as the database's revision without running any migration."""
    _run(helpdesk, command.stamp, target)


def revision(
    helpdesk: HelpDesk,
    message: str,
    *,
    plugin: str | None = None,
    autogenerate: bool = True,
) -> Script:
    """Write a new revision of the core's branch, or of ``plugin``'s, and return it.

    With ``autogenerate`` the revision holds the difference between the models and the
    database (which must be at the branch's head), limited to the branch's own tables. A
    plugin's first revision starts its branch in its ``migrations`` folder, depending on the
    core's ``0001``. Revision ids are sequential: ``0002`` for the core, ``<plugin>_0001`` for a
    plugin. Review every generated revision before committing it.
    """
    branch = plugin or CORE_BRANCH
    folders = branch_folders(helpdesk)
    if branch not in folders:
        raise MigrationError(
            f"plugin {branch!r} has no migrations folder: create "
            f"'migrations/' (with an __init__.py) next to its module first"
        )
    existing = [s for s in scripts(helpdesk).walk_revisions() if branch in s.branch_labels]
    number = len(existing) + 1
    kwargs: dict[str, Any] = {
        "message": message,
        "autogenerate": autogenerate,
        "rev_id": f"{number:04d}" if branch == CORE_BRANCH else f"{branch}_{number:04d}",
    }
    if existing:
        kwargs["head"] = f"{branch}@head"
    else:
        kwargs.update(head="base", branch_label=branch, version_path=str(folders[branch]))
        if branch != CORE_BRANCH:
            kwargs["depends_on"] = BASE_REVISION

    def write(cfg: Config) -> Script:
        cfg.attributes["include_object"] = include_object(helpdesk, branch)
        script = command.revision(cfg, **kwargs)
        assert isinstance(script, Script)
        return script

    with _migrating(helpdesk) as conn:
        return write(make_config(helpdesk, conn))

