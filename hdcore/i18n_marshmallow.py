"""marshmallow's own error messages made translatable; installed once, when imported.

marshmallow ships its messages ("Missing data for required field.", "Must be one of:
{choices}.", ...) as plain English class attributes, copied into each field and validator when
it is built and filled in with ``message.format(...)`` when a value is refused. Replacing them
with :class:`~hdcore.i18n.LazyString` makes that ``format`` call translate first, in the locale
of the moment, so a refused value is explained in the user's language wherever the schema
comes from (the core, a plugin, the web forms or the API).

Import this module before any schema is declared: ``hdcore.host`` imports it first thing.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping

from marshmallow import Schema, fields, validate

from hdcore.i18n import LazyString
from hdcore.i18n import lazy_gettext as _

#: Every message installed below, spelled out so that ``scripts/translations`` extracts them
#: into the core catalog. The texts are marshmallow's own, word for word, so the English UI
#: does not change; ``tests/contract/test_translations.py`` checks that none is missing.
MESSAGES = (
    # Schema
    _("Invalid input type."),
    _("Unknown field."),
    # fields.Field and its subclasses
    _("Missing data for required field."),
    _("Field may not be null."),
    _("Invalid value."),
    _("Invalid type."),
    _("Not a valid list."),
    _("Not a valid tuple."),
    _("Not a valid string."),
    _("Not a valid utf-8 string."),
    _("Not a valid UUID."),
    _("Not a valid number."),
    _("Number too large."),
    _("Not a valid integer."),
    _("Special numeric values (nan or infinity) are not permitted."),
    _("Not a valid boolean."),
    _("Not a valid {obj_type}."),
    _("Not a valid {awareness} {obj_type}."),
    _('"{input}" cannot be formatted as a {obj_type}.'),
    _("Not a valid datetime."),
    _("Not a valid naive datetime."),
    _("Not a valid aware datetime."),
    _('"{input}" cannot be formatted as a datetime.'),
    _("Not a valid time."),
    _('"{input}" cannot be formatted as a time.'),
    _("Not a valid date."),
    _('"{input}" cannot be formatted as a date.'),
    _("Not a valid period of time."),
    _("{input!r} cannot be formatted as a timedelta."),
    _("Not a valid mapping type."),
    _("Not a valid URL."),
    _("Not a valid email address."),
    _("Not a valid IP address."),
    _("Not a valid IPv4 address."),
    _("Not a valid IPv6 address."),
    _("Not a valid IP interface."),
    _("Not a valid IPv4 interface."),
    _("Not a valid IPv6 interface."),
    _("Must be one of: {choices}."),
    # validate.*
    _("Must be greater than or equal to {min}."),
    _("Must be greater than {min}."),
    _("Must be less than or equal to {max}."),
    _("Must be less than {max}."),
    _("Must be greater than or equal to {min} and less than or equal to {max}."),
    _("Must be greater than or equal to {min} and less than {max}."),
    _("Must be greater than {min} and less than or equal to {max}."),
    _("Must be greater than {min} and less than {max}."),
    _("Shorter than minimum length {min}."),
    _("Longer than maximum length {max}."),
    _("Length must be between {min} and {max}."),
    _("Length must be {equal}."),
    _("Must be equal to {other}."),
    _("String does not match expected pattern."),
    _("Invalid input."),
    _("One or more of the choices you made was not in: {choices}."),
    _("One or more of the choices you made was in: {values}."),
)


class _RangeTemplate(LazyString):
    """A ``Range`` message that ``Range.__init__`` completes with the comparison words.

    marshmallow builds ``"Must be {min_op} {{min}}."`` into ``"Must be greater than {min}."``
    when the validator is declared, usually at import, long before anyone's locale is known.
    That first ``format`` therefore stays lazy: it yields the whole English sentence (a msgid
    of its own, so translators get full sentences rather than pieces to glue together), which
    is translated when the value is refused.
    """

    __slots__ = ()

    def format(self, *args: object, **kwargs: object) -> LazyString:  # type: ignore[override]
        """The completed English sentence, still to be translated."""
        words = {k: getattr(v, "msgid", v) for k, v in kwargs.items()}
        return LazyString(self.msgid.format(*args, **words))


def _lazy(message: object) -> object:
    """``message`` as a lazy string (idempotent; non-text messages are left alone)."""
    if isinstance(message, LazyString) or not isinstance(message, str):
        return message
    return LazyString(message)


def _lazy_all(messages: Mapping[str, object]) -> dict[str, object]:
    return {key: _lazy(msg) for key, msg in messages.items()}


def _install_fields() -> None:
    for cls in vars(fields).values():
        if inspect.isclass(cls) and issubclass(cls, fields.Field) \
                and "default_error_messages" in cls.__dict__:
            cls.default_error_messages = _lazy_all(cls.__dict__["default_error_messages"])
    # Date and time fields fill the English type name into a shared template ("Not a valid
    # {obj_type}."); give each its own whole sentence so it translates as one.
    for cls in vars(fields).values():
        if not (inspect.isclass(cls) and issubclass(cls, fields.DateTime | fields.Date
                                                    | fields.Time)):
            continue
        inherited: dict[str, object] = {}
        for base in reversed(cls.__mro__):
            inherited.update(getattr(base, "default_error_messages", {}))
        names = {"obj_type": cls.OBJ_TYPE, "input": "{input}"}
        if hasattr(cls, "AWARENESS"):
            names["awareness"] = cls.AWARENESS
        own = dict(cls.__dict__.get("default_error_messages", {}))
        for key, msg in inherited.items():
            text = getattr(msg, "msgid", msg)
            if isinstance(text, str) and "{obj_type}" in text \
                    and ("{awareness}" not in text or "awareness" in names):
                own[key] = LazyString(text.format(**names))
        cls.default_error_messages = own


def _install_validators() -> None:
    for cls in vars(validate).values():
        if not (inspect.isclass(cls) and issubclass(cls, validate.Validator)):
            continue
        for attr, msg in list(cls.__dict__.items()):
            if not isinstance(msg, str) or not (attr == "default_message"
                                                or attr.startswith("message_")):
                continue
            if cls is validate.Range:
                # The comparison words ("greater than") only ever appear inside the
                # sentences; the sentences are the ones to translate.
                if "{min_op}" in msg or "{max_op}" in msg:
                    setattr(cls, attr, _RangeTemplate(getattr(msg, "msgid", msg)))
                continue
            setattr(cls, attr, _lazy(msg))


def install() -> None:
    """Replace marshmallow's default messages with lazy, translatable ones (idempotent)."""
    Schema._default_error_messages = _lazy_all(Schema._default_error_messages)
    _install_fields()
    _install_validators()


def installed_messages() -> set[str]:
    """The English text of every default message marshmallow now uses (for the tests).

    ``Range`` contributes the sentences it builds for each kind of bound.
    """
    found: set[str] = set()
    for msg in Schema._default_error_messages.values():
        found.add(str.__str__(msg))
    for cls in vars(fields).values():
        if inspect.isclass(cls) and issubclass(cls, fields.Field):
            found.update(str.__str__(m) for m in cls.default_error_messages.values())
    for cls in vars(validate).values():
        if not (inspect.isclass(cls) and issubclass(cls, validate.Validator)):
            continue
        if cls is validate.Range:
            for lo in (True, False):
                for hi in (True, False):
                    r = validate.Range(0, 1, min_inclusive=lo, max_inclusive=hi)
                    found.update(str.__str__(m) for m in (r.message_min, r.message_max,
                                                          r.message_all))
            continue
        for attr, msg in cls.__dict__.items():
            if isinstance(msg, str) and (attr == "default_message" or attr.startswith("message_")):
                found.add(str.__str__(msg))
    return found


install()
