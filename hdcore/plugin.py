"""The base class of help-desk plugins: metadata as class attributes, hooks as methods."""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, ClassVar

from marshmallow import Schema


class HelpdeskPlugin:
    """Subclass this, set the metadata, and implement ``hd_*`` hooks marked with ``@hookimpl``.

    Metadata are attributes, not hooks: the host reads them without calling the plugin.
    ``translations`` and ``migrations`` default to the folders of those names next to the
    module that defines the class, when they exist.
    """

    #: Stable key (also the entry-point name and the prefix of the plugin's tables).
    name: ClassVar[str] = ""
    title: ClassVar[str] = ""
    description: ClassVar[str] = ""
    version: ClassVar[str] = "0.1.0"
    #: Essential plugins cannot be disabled (the core's defaults are one).
    essential: ClassVar[bool] = False
    #: marshmallow schema of the plugin's settings (kept in ``plugin_state.settings``).
    settings_schema: ClassVar[type[Schema] | None] = None
    default_settings: ClassVar[dict[str, Any]] = {}

    def _folder(self, name: str) -> Path | None:
        path = Path(inspect.getfile(type(self))).parent / name
        return path if path.is_dir() else None

    @property
    def translations_dir(self) -> Path | None:
        """The plugin's ``translations`` folder, if it has one."""
        return self._folder("translations")

    @property
    def migrations_dir(self) -> Path | None:
        """The plugin's Alembic ``migrations`` folder (its own branch), if it has tables."""
        return self._folder("migrations")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"
