"""Settings of the help desk, read from the environment (``HELPDESK_*``)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path


def default_home() -> Path:
    """Where the embedded database and uploads live: ``$HELPDESK_HOME`` or ``./instance``."""
    return Path(os.environ.get("HELPDESK_HOME", "instance")).resolve()


@dataclass
class Settings:
    """What the core needs to run; every interface builds one with :meth:`from_env`."""

    database_url: str = ""
    home: Path = field(default_factory=default_home)
    timezone: str = "Asia/Shanghai"
    #: Discover plugins through the ``hdcore.plugins`` entry points.
    discover_plugins: bool = True

    def __post_init__(self) -> None:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.home / 'helpdesk.db'}"

    @cached_property
    def secret_key(self) -> str:
        """``HELPDESK_SECRET_KEY``, or one made once and kept in the home folder.

        Kept on disk so sessions and signed mail identifiers survive restarts and every
        process on the host shares it; several hosts must set the variable to one value.
        """
        if os.environ.get("HELPDESK_SECRET_KEY"):
            return os.environ["HELPDESK_SECRET_KEY"]
        path = self.home / "secret_key"
        if not path.exists():
            self.home.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip()

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        """Settings from ``HELPDESK_DATABASE_URL``, ``HELPDESK_HOME``, ``HELPDESK_TIMEZONE``."""
        values: dict[str, object] = {
            "database_url": os.environ.get("HELPDESK_DATABASE_URL", ""),
            "home": default_home(),
            "timezone": os.environ.get("HELPDESK_TIMEZONE", "Asia/Shanghai"),
        }
        values.update(overrides)
        return cls(**values)  # type: ignore[arg-type]
