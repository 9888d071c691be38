"""Reading an RFC 822 message as Chinese mail clients really write it: headers, body, files.

Parsing is lenient (``compat32``, the parser that survives what real clients send) and the
decoding is done here: encoded-words and RFC 2231 parameters in any charset, raw 8-bit
headers, and the GB family read as GB18030 (a message labelled ``gb2312`` routinely holds
GBK-only characters, which a strict GB2312 decoder turns into garbage). HTML is sanitised with
nh3 and turned into plain text; :func:`trim_quoted` cuts the quoted history off a reply.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import mimetypes
import re
from dataclasses import dataclass, field
from datetime import datetime
from email import errors as email_errors
from email import message_from_bytes, policy
from email.header import Header, decode_header
from email.message import Message
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from html.parser import HTMLParser

import nh3

#: Charsets read as another, wider one (what the sending clients actually meant).
_CHARSET_ALIASES = {
    "gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030",
    "euc-cn": "gb18030", "gb_2312-80": "gb18030", "csgb2312": "gb18030", "x-euc-cn": "gb18030",
    "big5": "big5hkscs", "ks_c_5601-1987": "cp949", "iso-8859-1": "cp1252",
    "us-ascii": "utf-8", "ascii": "utf-8", "unknown-8bit": "", "x-unknown": "",
}


class MalformedMail(ValueError):
    """The bytes are not a message that can be read; ``code`` says what is wrong with it."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


def decode_bytes(data: bytes, charset: str | None) -> str:
    """``data`` as text: in its declared charset (widened), else UTF-8, else GB18030."""
    name = (charset or "").strip().strip('"').lower()
    name = _CHARSET_ALIASES.get(name, name)
    tries: list[str] = []
    if name:
        with contextlib.suppress(LookupError):
            tries.append(codecs.lookup(name).name)
    tries += [c for c in ("utf-8", "gb18030") if c not in tries]
    for codec in tries:
        try:
            return data.decode(codec)
        except UnicodeDecodeError:
            continue
    return data.decode(tries[0], errors="replace")


def _unescape_8bit(value: str) -> str:
    """A header holding raw 8-bit bytes (parsed as surrogate escapes) read as UTF-8 or GBK."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    return decode_bytes(value.encode("ascii", "surrogateescape"), None)


def decode_words(value: object) -> str:
    """A header value as text: encoded-words (any charset) and raw 8-bit bytes decoded."""
    if value is None:
        return ""
    if isinstance(value, Header):  # what compat32 hands back for raw 8-bit header bytes
        text = "".join(decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk
                       for chunk, charset in decode_header(value))
        return decode_words(text) if "=?" in text else " ".join(text.split())
    text = _unescape_8bit(str(value))
    if "=?" not in text:
        return " ".join(text.split()) if "\n" in text else text
    try:
        parts = decode_header(text)
    except (email_errors.HeaderParseError, ValueError, LookupError):
        return text
    out = []
    for chunk, charset in parts:
        out.append(decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk)
    return " ".join("".join(out).split())


def _address(value: str) -> tuple[str, str]:
    """``(display name, lower-cased address)`` of a From-like header."""
    name, addr = parseaddr(decode_words(value))
    return name.strip(), addr.strip().lower()


def _addresses(values: list[str]) -> list[str]:
    found = []
    for _name, addr in getaddresses([decode_words(v) for v in values]):
        addr = addr.strip().lower()
        if "@" in addr and addr not in found:
            found.append(addr)
    return found


def normalise_message_id(value: str | None) -> str:
    """The first ``<...>`` identifier of a Message-ID header (kept to 500 characters)."""
    text = decode_words(value).strip()
    match = re.search(r"<[^<>\s]+>", text)
    ident = match.group(0) if match else (f"<{text.split()[0]}>" if text.split() else "")
    return ident[:500]


@dataclass(frozen=True)
class Envelope:
    """What storage needs from a message's headers alone (read without parsing the body)."""

    message_id: str
    sender: str
    sender_name: str
    subject: str


def peek(raw: bytes) -> Envelope:
    """Message-ID, sender and subject from the headers; never fails (missing parts are "").

    A message without a Message-ID gets ``sha256:<digest of the bytes>``, so the same bytes
    delivered twice are still recognised.
    """
    try:
        headers = BytesHeaderParser(policy=policy.compat32).parsebytes(raw)
        message_id = normalise_message_id(headers.get("Message-ID"))
        name, sender = _address(headers.get("From") or headers.get("Sender") or "")
        subject = decode_words(headers.get("Subject"))
    except Exception:  # storage must never fail because of the headers
        message_id, name, sender, subject = "", "", "", ""
    if not message_id:
        message_id = "sha256:" + hashlib.sha256(raw).hexdigest()
    return Envelope(message_id, sender[:254], name[:200], subject[:500])


@dataclass(frozen=True)
class MailFile:
    """A file that came with a message."""

    filename: str
    content_type: str
    data: bytes
    inline: bool = False


@dataclass
class ParsedMail:
    """A message read and decoded: addresses, subject, threading headers, body, files."""

    message_id: str
    sender: str
    sender_name: str
    subject: str
    to: list[str]
    cc: list[str]
    delivered_to: list[str]
    in_reply_to: str
    references: str
    date: datetime | None
    content_type: str
    #: Every header, decoded, in order (for display).
    headers: list[tuple[str, str]]
    #: The body as plain text (the text part, or the HTML part converted).
    text: str
    #: The HTML part, sanitised ("" when there is none).
    html: str
    files: list[MailFile] = field(default_factory=list)
    _raw_headers: Message | None = field(default=None, repr=False)

    def header(self, name: str) -> str:
        """The first header called ``name``, decoded ("" when absent)."""
        if self._raw_headers is None:
            return ""
        return decode_words(self._raw_headers.get(name, ""))

    def header_all(self, name: str) -> list[str]:
        """Every header called ``name``, decoded."""
        if self._raw_headers is None:
            return []
        return [decode_words(v) for v in self._raw_headers.get_all(name, [])]

    def has_header(self, name: str) -> bool:
        """Whether the header ``name`` is present at all."""
        return self._raw_headers is not None and name in self._raw_headers

    @property
    def recipients(self) -> list[str]:
        """Where it was delivered to: Delivered-To / X-Original-To, then To, then Cc."""
        out: list[str] = []
        for addr in self.delivered_to + self.to + self.cc:
            if addr not in out:
                out.append(addr)
        return out


#: Defects after which the body cannot be trusted to be what the sender wrote.
_FATAL_DEFECTS = (
    email_errors.NoBoundaryInMultipartDefect,
    email_errors.StartBoundaryNotFoundDefect,
    email_errors.MultipartInvariantViolationDefect,
)


def _filename(part: Message) -> str:
    raw = part.get_filename() or part.get_param("name") or ""
    if isinstance(raw, tuple):  # an RFC 2231 value the library could not collapse
        charset, _lang, value = raw
        raw = decode_bytes(value.encode("latin-1", "replace"), charset)
    return decode_words(raw).strip()


def _payload(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    if isinstance(data, bytes):
        return data
    return str(part.get_payload() or "").encode("utf-8", "surrogateescape")


@dataclass
class _Body:
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    files: list[MailFile] = field(default_factory=list)


def _walk(part: Message, body: _Body, in_alternative: bool = False) -> None:
    ctype = part.get_content_type()
    if ctype == "message/rfc822" or (ctype.startswith("message/") and part.is_multipart()):
        inner = part.get_payload(0) if part.is_multipart() else None
        data = inner.as_bytes() if isinstance(inner, Message) else _payload(part)
        subject = decode_words(inner.get("Subject", "")) if isinstance(inner, Message) else ""
        name = _filename(part) or f"{_safe_stem(subject) or 'message'}.eml"
        body.files.append(MailFile(name, "message/rfc822", data))
        return
    if part.is_multipart():
        alternative = ctype == "multipart/alternative"
        for sub in part.get_payload():
            if isinstance(sub, Message):
                _walk(sub, body, alternative)
        return
    name = _filename(part)
    disposition = part.get_content_disposition()
    if name or disposition == "attachment" or not ctype.startswith("text/"):
        if not name:
            ext = mimetypes.guess_extension(ctype) or ".bin"
            name = f"attachment-{len(body.files) + 1}{ext}"
        body.files.append(MailFile(name, ctype, _payload(part), inline=disposition == "inline"))
        return
    text = decode_bytes(_payload(part), part.get_content_charset())
    if ctype == "text/html":
        body.html.append(text)
    elif ctype == "text/plain":
        body.plain.append(text)
    else:  # text/calendar, text/csv without a name: keep them as files, not as the body
        body.files.append(MailFile(f"attachment-{len(body.files) + 1}.txt", ctype,
                                   _payload(part)))


def _safe_stem(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\r\n\t]+', " ", text).strip()[:80]


def parse(raw: bytes) -> ParsedMail:
    """Read a whole message; :class:`MalformedMail` when it cannot be read as one."""
    if not raw.strip():
        raise MalformedMail("empty", "the message has no content")
    try:
        msg = message_from_bytes(raw, policy=policy.compat32)
    except Exception as exc:  # the parser is lenient; anything escaping it is fatal
        raise MalformedMail("unreadable", f"{type(exc).__name__}: {exc}") from exc
    if not msg.keys():
        raise MalformedMail("no_headers", "the message has no header fields")
    fatal = [d for p in msg.walk() for d in p.defects if isinstance(d, _FATAL_DEFECTS)]
    if fatal:
        raise MalformedMail("broken_structure", type(fatal[0]).__name__)
    name, sender = _address(msg.get("From") or msg.get("Sender") or "")
    if "@" not in sender:
        raise MalformedMail("no_sender", "the message has no sender address")

    body = _Body()
    _walk(msg, body)
    html = "\n".join(body.html)
    clean_html = sanitise_html(html) if html else ""
    text = "\n\n".join(t.strip("\r\n") for t in body.plain) if body.plain else (
        html_to_text(html) if html else "")
    date = None
    if msg.get("Date"):
        try:
            date = parsedate_to_datetime(str(msg.get("Date")))
        except (TypeError, ValueError, IndexError):
            date = None
    return ParsedMail(
        message_id=normalise_message_id(msg.get("Message-ID")),
        sender=sender[:254],
        sender_name=name[:200],
        subject=decode_words(msg.get("Subject")),
        to=_addresses(msg.get_all("To", [])),
        cc=_addresses(msg.get_all("Cc", [])),
        delivered_to=_addresses(msg.get_all("Delivered-To", []) + msg.get_all("X-Original-To",
                                                                                  [])),
        in_reply_to=decode_words(msg.get("In-Reply-To")),
        references=decode_words(msg.get("References")),
        date=date,
        content_type=msg.get_content_type(),
        headers=[(k, decode_words(v)) for k, v in msg.items()],
        text=normalise_text(text),
        html=clean_html,
        files=body.files,
        _raw_headers=msg,
    )


# -- HTML -----------------------------------------------------------------------------------

#: Tags kept when an HTML body is shown: structure and emphasis; no images (tracking pixels,
#: and ``cid:`` parts are attachments anyway), no forms, no styles, no scripts.
SAFE_TAGS = {
    "a", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "i", "li", "ol", "p", "pre", "s", "span", "strong", "sub", "sup", "table", "tbody",
    "td", "tfoot", "th", "thead", "tr", "u", "ul",
}


def sanitise_html(html: str) -> str:
    """The HTML with only harmless tags left: scripts, handlers, images and styles removed."""
    return nh3.clean(
        html, tags=SAFE_TAGS, attributes={"a": {"href"}, "td": {"colspan", "rowspan"},
                                          "th": {"colspan", "rowspan"}},
        url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


_BLOCKS = {"p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "table",
           "ul", "ol", "pre", "blockquote"}
#: Blocks followed by an empty line, like paragraphs in a plain-text mail.
_PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "pre",
               "blockquote"}


class _TextMaker(HTMLParser):
    """Sanitised HTML to text: blocks become lines, quotes get "> ", links keep their target."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current: list[str] = []
        self.quote = 0
        self.pre = 0
        self.href: str | None = None
        self.link_text: list[str] = []

    def _flush(self, force: bool = False) -> None:
        line = "".join(self.current)
        if not self.pre:
            line = " ".join(line.replace("\xa0", " ").split())
        if line or force:
            self.lines.append(("> " * self.quote) + line if line or self.quote else line)
        self.current = []

    def _paragraph(self) -> None:
        if self.lines and self.lines[-1].strip("> "):
            self.lines.append("> " * self.quote if self.quote else "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self._flush(force=True)
        elif tag in _BLOCKS:
            self._flush()
        if tag == "blockquote":
            self._paragraph()
            self.quote += 1
        elif tag == "pre":
            self.pre += 1
        elif tag == "li":
            self.current.append("- ")
        elif tag in ("td", "th") and self.current:
            self.current.append(" | ")
        elif tag == "a":
            self.href = dict(attrs).get("href")
            self.link_text = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.href:
            text = "".join(self.link_text).strip()
            target = self.href.removeprefix("mailto:")
            if target and target != text and self.href.startswith(("http", "mailto")):
                self.current.append(f" <{target}>")
            self.href = None
        if tag in _BLOCKS:
            self._flush()
        if tag == "blockquote" and self.quote:
            self.quote -= 1
        elif tag == "pre" and self.pre:
            self.pre -= 1
        if tag in _PARAGRAPHS:
            self._paragraph()

    def handle_data(self, data: str) -> None:
        self.current.append(data)
        if self.href is not None:
            self.link_text.append(data)

    def text(self) -> str:
        self._flush()
        return normalise_text("\n".join(self.lines))


def html_to_text(html: str) -> str:
    """An HTML body as readable plain text (sanitised first: no script or style text)."""
    maker = _TextMaker()
    maker.feed(sanitise_html(html))
    maker.close()
    return maker.text()


def normalise_text(text: str) -> str:
    """Line ends unified, trailing spaces dropped, runs of blank lines cut to one."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip("\n")


# -- quoted history -------------------------------------------------------------------------

_SEPARATOR = re.compile(
    r"^\s*-{2,}\s*(original message|原始邮件|原始郵件|forwarded message|转发邮件)\s*-{2,}\s*$",
    re.IGNORECASE)
_UNDERSCORES = re.compile(r"^\s*_{10,}\s*$")
_FROM = re.compile(r"^\s*\**(from|发件人|寄件者|發件人)\**\s*[:：]", re.IGNORECASE)
_SENT = re.compile(r"^\s*\**(sent|date|发送时间|日期|時間|寄件日期|发送日期)\**\s*[:：]",
                   re.IGNORECASE)
_WROTE = re.compile(r"(wrote|写道|寫道)\s*[:：]\s*$", re.IGNORECASE)
_ON = re.compile(r"^\s*(on\b|在\s*\d|\S.*于\s*\d{4})", re.IGNORECASE)


def _reply_header_at(lines: list[str], i: int) -> bool:
    line = lines[i]
    if _SEPARATOR.match(line):
        return True
    if _UNDERSCORES.match(line):
        return any(_FROM.match(x) for x in lines[i + 1:i + 4])
    if _FROM.match(line):
        return any(_SENT.match(x) for x in lines[i + 1:i + 7])
    if _ON.match(line) and len(line) < 300:
        if _WROTE.search(line):
            return True
        # Gmail wraps a long "On ..., Name <address> wrote:" over two lines
        return i + 1 < len(lines) and bool(_WROTE.search(lines[i + 1])) and len(lines[i + 1]) < 200
    return False


def trim_quoted(text: str) -> str:
    """A reply without the history it quotes (Outlook, Foxmail, Gmail, "> " lines).

    Cuts at the first reply header (``-----原始邮件-----``, Foxmail's ``---- 原始邮件 ----``,
    Outlook's ``From: ... Sent:`` block, Gmail's ``On ... wrote:``) and drops "> " lines.
    A message that is nothing but quotation is returned whole.
    """
    lines = normalise_text(text).split("\n")
    for i in range(len(lines)):
        if _reply_header_at(lines, i):
            lines = lines[:i]
            break
    kept = [line for line in lines if not line.lstrip().startswith(">")]
    trimmed = normalise_text("\n".join(kept))
    return trimmed or normalise_text(text)
