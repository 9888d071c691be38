"""Rich text of knowledge-base articles: sanitised on the way in, so it can be shown as is."""

from __future__ import annotations

import html
import re

import nh3

#: The tags an article may use: paragraphs, emphasis, lists, code, quotes, links, sub-headings.
ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "code", "pre", "blockquote",
    "a", "h3", "h4",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
_LOOKS_LIKE_HTML = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")


def plain_to_html(text: str) -> str:
    """Plain text as HTML: escaped, blank lines make paragraphs, line breaks stay."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", (text or "").replace("\r\n", "\n"))]
    return "".join(
        "<p>" + html.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs if p)


def sanitise(text: str) -> str:
    """What an author typed, as safe HTML: their tags cleaned by nh3, plain text escaped."""
    text = (text or "").strip()
    if not text:
        return ""
    if not _LOOKS_LIKE_HTML.search(text):
        return plain_to_html(text)
    return nh3.clean(text, tags=set(ALLOWED_TAGS), attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=set(URL_SCHEMES), link_rel="noopener noreferrer nofollow").strip()
