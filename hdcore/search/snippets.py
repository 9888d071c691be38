"""Highlighted snippets, cut from the original text: HTML-escaped, matches wrapped in <mark>."""

from __future__ import annotations

import html
import re
import unicodedata

from hdcore.search.tokenise import is_cjk

#: Characters of context shown around the best stretch of matches.
WIDTH = 140


def _spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """Where the query's terms occur in ``text`` (merged, in order)."""
    # NFKC keeps the length of CJK and ASCII text, so positions found in the folded copy
    # point into the original; where it would not (ligatures), fall back to plain lower().
    folded = unicodedata.normalize("NFKC", text).lower()
    if len(folded) != len(text):
        folded = text.lower()
    found: list[tuple[int, int]] = []
    for term in terms:
        # A Latin word is matched from a word start (printer also marks printers).
        pattern = (re.escape(term) if is_cjk(term)
                   else rf"(?<![a-z0-9]){re.escape(term)}[a-z0-9]*")
        found.extend(m.span() for m in re.finditer(pattern, folded))
    found.sort()
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _window(length: int, spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """The stretch of ``width`` characters holding the most matches (the first on a tie)."""
    if length <= width or not spans:
        return 0, min(length, width)
    best, best_count = 0, -1
    for start, _end in spans:
        begin = max(0, start - width // 4)
        count = sum(1 for s, e in spans if s >= begin and e <= begin + width)
        if count > best_count:
            best, best_count = begin, count
    return best, min(length, best + width)


def highlight(text: str, terms: list[str], width: int | None = None) -> str:
    """``text`` (or the best ``width`` characters of it) escaped, with matches in <mark>.

    The result is safe HTML: everything from ``text`` is escaped before the marks are added.
    """
    text = " ".join((text or "").split())
    spans = _spans(text, terms)
    begin, end = (0, len(text)) if width is None else _window(len(text), spans, width)
    out: list[str] = ["…" if begin > 0 else ""]
    pos = begin
    for s, e in spans:
        if e <= begin or s >= end:
            continue
        s, e = max(s, begin), min(e, end)
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
    if end < len(text):
        out.append("…")
    return "".join(out)


def snippet(parts: list[str], terms: list[str], width: int = WIDTH) -> str:
    """The best snippet from the first of ``parts`` that matches (else the first part's start)."""
    for part in parts:
        if part and _spans(" ".join(part.split()), terms):
            return highlight(part, terms, width)
    first = next((p for p in parts if p), "")
    return highlight(first, terms, width)
