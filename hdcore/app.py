"""``HelpDesk``: the core put together (settings, database, plugin host) for one process."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from hdcore.config import Settings
from hdcore.db import make_engine, make_session_factory
from hdcore.host import PluginHost
from hdcore.services.attachments import install_cleanup
from hdcore.services.text_guard import install_text_guard


class HelpDesk:
    """One per process: the engine, the session factory and the plugin host.

    ``plugins`` adds plugin objects to those discovered through entry points (set
    ``settings.discover_plugins`` False to use only the given ones, as tests do).
    """

    def __init__(self, settings: Settings | None = None, plugins: Iterable[object] = ()) -> None:
        self.settings = settings or Settings.from_env()
        self.host = PluginHost(plugins, discover=self.settings.discover_plugins)
        self.engine = make_engine(self.settings.database_url)
        self.sessions = make_session_factory(self.engine, host=self.host, settings=self.settings)
        install_cleanup(self.sessions)
        install_text_guard(self.sessions)
        #: Where reports read: a replica of the database when one is configured, so the
        #: managers' long queries do not compete with the desk's writes (else the same one).
        self.report_engine = (make_engine(self.settings.reports_database_url)
                              if self.settings.reports_database_url else self.engine)
        self.report_sessions = (
            make_session_factory(self.report_engine, host=self.host, settings=self.settings)
            if self.report_engine is not self.engine else self.sessions)

    def session(self) -> Session:
        """A new session (close it when done; services commit their own work)."""
        return self.sessions()

    @contextmanager
    def session_scope(self) -> Iterator[Session]:
        """A session closed at the end of the ``with`` block."""
        session = self.sessions()
        try:
            yield session
        finally:
            session.close()

    def create_schema(self) -> None:
        """Create every table directly (tests and throw-away databases; else use migrations)."""
        from hdcore.models import Base, ConfigStamp
        from hdcore.shared_config import new_token

        Base.metadata.create_all(self.engine)
        with self.sessions.begin() as session:
            if session.get(ConfigStamp, 1) is None:
                session.add(ConfigStamp(id=1, token=new_token()))

    def report_session(self) -> Session:
        """A new session for reading reports (on the replica when one is configured; it may
        lag the database by the replication delay, so never write or decide with it)."""
        return self.report_sessions()

    def dispose(self) -> None:
        """Close the database connections."""
        self.engine.dispose()
        if self.report_engine is not self.engine:
            self.report_engine.dispose()
