"""Translations for the core and plugins without Flask: lazy strings and per-locale catalogs.

The core and the plugins mark strings with :func:`lazy_gettext` (extracted by ``pybabel``);
they are translated when rendered, in the locale set with :func:`use_locale` (the web layer
sets it per HTTP request, the CLI once). Catalogs are read from ``.po`` files at first use,
so no compiled ``.mo`` files are kept in the repository.
"""

from __future__ import annotations

import contextlib
import contextvars
import io
import threading
from collections.abc import Iterator
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

DEFAULT_LOCALE = "en"
#: The locales the UI ships in. Babel names simplified Chinese ``zh_Hans_CN``.
LOCALES = ("en", "zh_Hans_CN")
DOMAIN = "messages"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("hd_locale", default=DEFAULT_LOCALE)
_dirs: list[Path] = [Path(__file__).parent / "translations"]
_cache: dict[str, NullTranslations] = {}
_lock = threading.Lock()


def add_translation_dir(path: str | Path) -> None:
    """Add a ``translations`` folder (``<locale>/LC_MESSAGES/messages.po``) to the catalog."""
    p = Path(path)
    with _lock:
        if p not in _dirs:
            _dirs.append(p)
            _cache.clear()


def translation_dirs() -> list[Path]:
    """The folders read for catalogs, the core's first."""
    return list(_dirs)


def _load(locale: str) -> NullTranslations:
    merged: NullTranslations | None = None
    for d in _dirs:
        for po in catalog_files(d, locale):
            with po.open("rb") as fh:
                catalog = read_po(fh, locale=locale)
            buf = io.BytesIO()
            write_mo(buf, catalog)
            buf.seek(0)
            t = Translations(buf, domain=DOMAIN)
            if merged is None:
                merged = t
            else:
                merged.merge(t)  # type: ignore[union-attr]
    return merged or NullTranslations()


def catalog_files(directory: Path, locale: str) -> list[Path]:
    """The ``.po`` files of ``locale`` in a translations folder: ``messages.po`` first, then any
    other catalog beside it (an area being written may keep its strings in a file of its own)."""
    folder = directory / locale / "LC_MESSAGES"
    main = folder / f"{DOMAIN}.po"
    extra = sorted(p for p in folder.glob("*.po") if p != main) if folder.is_dir() else []
    return ([main] if main.is_file() else []) + extra


def translations(locale: str | None = None) -> NullTranslations:
    """The merged translations (core and every registered plugin) for ``locale``."""
    loc = locale or _current.get()
    with _lock:
        if loc not in _cache:
            _cache[loc] = _load(loc) if loc != DEFAULT_LOCALE else NullTranslations()
        return _cache[loc]


def current_locale() -> str:
    """The locale strings are rendered in now."""
    return _current.get()


def set_locale(locale: str) -> contextvars.Token[str]:
    """Render strings in ``locale`` from now on in this context; returns a token for reset."""
    return _current.set(locale if locale in LOCALES else DEFAULT_LOCALE)


def reset_locale(token: contextvars.Token[str]) -> None:
    """Undo the :func:`set_locale` that returned ``token``."""
    try:
        _current.reset(token)
    except ValueError:  # set in another context (a different thread): just go back to default
        _current.set(DEFAULT_LOCALE)


@contextlib.contextmanager
def use_locale(locale: str) -> Iterator[None]:
    """Render strings in ``locale`` inside the ``with`` block."""
    token = set_locale(locale)
    try:
        yield
    finally:
        _current.reset(token)


def gettext(message: str) -> str:
    """Translate ``message`` now, in the current locale."""
    return translations().gettext(message)


class LazyString(str):
    """A string translated each time it is rendered; compares and hashes by its English text.

    Subclassing ``str`` keeps it usable wherever a plain string is expected (marshmallow
    metadata, JSON) while ``str(x)`` and formatting give the translation.
    """

    __slots__ = ()

    def __str__(self) -> str:
        return gettext(str.__str__(self))

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def format(self, *args: object, **kwargs: object) -> str:  # type: ignore[override]
        """Translate, then fill the ``{placeholders}``: ``msg.format(choices=...)``.

        Libraries such as marshmallow call ``message.format(...)`` on their error messages;
        filling the English text would lose the translation, so translate first.
        """
        return str(self).format(*args, **kwargs)

    def __mod__(self, values: object) -> str:
        """Translate, then fill the ``%(name)s`` placeholders: ``_("%(n)d left") % {"n": 3}``."""
        return str(self) % values

    @property
    def msgid(self) -> str:
        """The untranslated English text."""
        return str.__str__(self)


def lazy_gettext(message: str) -> LazyString:
    """Mark ``message`` for translation, translated when rendered."""
    return LazyString(message)


_ = lazy_gettext
