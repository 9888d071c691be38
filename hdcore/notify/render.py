"""Rendering notification e-mails from the templates, in the recipient's language.

Each kind has one template, ``templates/mail/<kind>.html``, that fills the blocks ``subject``,
``message``, ``quote`` and ``actions``. It is rendered twice: in an HTML environment (values
escaped, laid out by ``layout.html``) and in a plain-text one (nothing escaped, laid out by
``layout_text.html``), so both bodies say the same thing and the strings are translated once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from hdcore import i18n

TEMPLATES = Path(__file__).resolve().parent / "templates"
_PARAGRAPHS = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Rendered:
    """A message's subject (without the request number), plain-text and HTML bodies."""

    subject: str
    text: str
    html: str


def _gettext(message: str) -> str:
    return i18n.translations().gettext(message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    return i18n.translations().ngettext(singular, plural, n)


def _paragraphs(value: str) -> Markup:
    """Escaped text as HTML paragraphs (blank lines part them, single newlines break lines)."""
    parts = [p.strip() for p in _PARAGRAPHS.split(str(escape(value)).strip()) if p.strip()]
    return Markup("".join(f"<p>{p.replace(chr(10), '<br>')}</p>" for p in parts))


def _lines(value: str) -> Markup:
    """Escaped text with its line breaks kept."""
    return Markup(str(escape(value)).strip().replace("\n", "<br>\n"))


def _quote_text(value: str) -> str:
    """Plain text quoted the way mail clients do (``> `` before each line)."""
    return "\n".join(f"> {line}".rstrip() for line in str(value).strip().splitlines())


def _html_button(label: str, url: str) -> Markup:
    return Markup(
        '<a href="{url}" style="display:inline-block;margin:0 8px 8px 0;padding:8px 14px;'
        'border-radius:4px;background:#1f5fa8;color:#ffffff;text-decoration:none">{label}</a>'
    ).format(url=url, label=label)


def _text_button(label: str, url: str) -> str:
    return f"{label}: {url}\n"


def _environment(html: bool) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=html,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_callables(_gettext, _ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.filters.update(paragraphs=_paragraphs, lines=_lines, quote_text=_quote_text)
    env.globals.update(
        layout="mail/layout.html" if html else "mail/layout_text.html",
        button=_html_button if html else _text_button,
    )
    return env


@cache
def environments() -> tuple[Environment, Environment]:
    """The (HTML, plain-text) environments, made once."""
    return _environment(True), _environment(False)


def when_in(tz: str, locale: str) -> Any:
    """A formatter of UTC times in the zone ``tz`` and the language ``locale``."""
    try:
        zone = ZoneInfo(tz)
    except Exception:
        zone = ZoneInfo("Asia/Shanghai")

    def when(value: datetime | None) -> str:
        if value is None:
            return ""
        return format_datetime(value, "yyyy-MM-dd HH:mm", tzinfo=zone, locale=locale)

    return when


def render(kind: str, context: Mapping[str, Any], locale: str) -> Rendered:
    """Render the e-mail of ``kind`` in ``locale`` (``en`` or ``zh_Hans_CN``)."""
    html_env, text_env = environments()
    name = f"mail/{kind}.html"
    with i18n.use_locale(locale):
        values = {**context, "locale": i18n.current_locale()}
        text_tpl = text_env.get_template(name)
        subject = "".join(text_tpl.blocks["subject"](text_tpl.new_context(values)))
        text = text_tpl.render(values)
        html = html_env.get_template(name).render(values)
    return Rendered(" ".join(subject.split()), text.strip() + "\n", html)
