"""Languages for the web: the locale selector and Flask-Babel fed from the core's catalogs.

The core, the plugins and the templates share one merged catalog per locale (read from the
``.po`` files by :mod:`hdcore.i18n`), so Flask-Babel's ``gettext`` in templates and the core's
lazy strings always agree.
"""

from __future__ import annotations

from pathlib import Path

from babel import Locale, UnknownLocaleError
from flask import Flask, g, request
from flask_babel import Babel, Domain, get_locale
from flask_login import current_user

from hdcore import i18n as core_i18n

SUPPORTED = core_i18n.LOCALES
LANG_COOKIE = "hd_lang"


class CoreDomain(Domain):
    """A Flask-Babel domain whose translations are the core's merged catalogs."""

    def get_translations(self):  # type: ignore[no-untyped-def]
        """The merged catalog of the request's locale."""
        return core_i18n.translations(str(get_locale() or core_i18n.DEFAULT_LOCALE))


_domain = CoreDomain()


def browser_locale() -> str | None:
    """The first supported language the browser asks for.

    ``best_match`` answers ``en`` for common Chinese browsers (``zh-CN,zh;q=0.9,en;q=0.8``), so
    walk the header in order and parse each tag.
    """
    for tag, _quality in request.accept_languages:
        try:
            loc = Locale.parse(tag, sep="-")
        except (ValueError, UnknownLocaleError):
            continue
        if loc.language == "zh" and loc.script in (None, "Hans"):
            return "zh_Hans_CN"
        if loc.language == "en":
            return "en"
    return None


def select_locale() -> str:
    """The user's own setting, then the language chosen in this browser, then the browser's."""
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in SUPPORTED:
        return user_locale
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in SUPPORTED:
        return chosen
    return browser_locale() or core_i18n.DEFAULT_LOCALE


def select_timezone() -> str:
    """The user's time zone (times are stored in UTC and shown in it)."""
    return getattr(current_user, "timezone", None) or "Asia/Shanghai"


def init_app(app: Flask) -> None:
    """Bind Flask-Babel and make every request render in its locale."""
    core_i18n.add_translation_dir(Path(__file__).parent / "translations")
    Babel(app, locale_selector=select_locale, timezone_selector=select_timezone)

    @app.before_request
    def _use_locale() -> None:
        # Set at the start of every request (a worker thread serves many in turn), so the
        # core's lazy strings render in the same language as the templates.
        _domain.as_default()
        g.hd_locale_token = core_i18n.set_locale(str(get_locale()))

    @app.teardown_request
    def _restore_locale(exc: BaseException | None = None) -> None:
        # Put the previous language back, so that whatever runs next on this thread (the
        # next request, or code calling the app in-process) does not inherit this one.
        token = g.pop("hd_locale_token", None)
        if token is not None:
            core_i18n.reset_locale(token)
