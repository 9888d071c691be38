"""The errors the core raises; each interface maps them to its own answer (HTTP, CLI)."""

from __future__ import annotations

from collections.abc import Mapping


class HelpdeskError(Exception):
    """Base of every error the core raises on purpose."""


class ValidationFailed(HelpdeskError):
    """Input was refused. ``errors`` maps each bad field (dotted path) to its reasons.

    One exception names *every* bad field, so a form or an API client can show them all at once.
    """

    def __init__(self, errors: Mapping[str, list[str] | str]):
        self.errors: dict[str, list[str]] = {
            field: [str(m) for m in (msgs if isinstance(msgs, list | tuple) else [msgs])]
            for field, msgs in errors.items()
        }
        summary = "; ".join(f"{f}: {', '.join(m)}" for f, m in self.errors.items())
        super().__init__(f"invalid input: {summary}")


class PermissionDenied(HelpdeskError):
    """The acting user may not do this."""


class NotFound(HelpdeskError):
    """The object does not exist (or, for the caller, must look as if it did not)."""


class Conflict(HelpdeskError):
    """The write was based on a stale version of the object, or clashes with a unique value."""


class TransitionRefused(HelpdeskError):
    """The workflow does not allow this step now; ``reasons`` says why.

    ``message`` and ``reasons`` stay apart, each a whole sentence in the user's language, so an
    interface shows the message with the reasons as a list (never glued into one string that
    no translation can get right). ``str(exc)`` puts them on separate lines, for logs.
    """

    def __init__(self, message: str, reasons: list[str] | None = None):
        self.message = message
        self.reasons = list(reasons or [])
        super().__init__(message, self.reasons)

    def __str__(self) -> str:
        return "\n".join([self.message, *(f"- {r}" for r in self.reasons)])


class CategoryDisabled(HelpdeskError):
    """The request's service category is switched off by the administrator."""


class PluginError(HelpdeskError):
    """A plugin is broken; the message names the plugin and what is wrong."""
