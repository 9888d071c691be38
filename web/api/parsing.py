"""Reading what a client sends: JSON bodies and query strings the database can store, request
references in paths, and the If-Match header of optimistic locking."""

from __future__ import annotations

import re
from typing import Any

from flask import request
from webargs.flaskparser import FlaskParser, abort

from hdcore import lazy_gettext as _
from web.api.errors import ApiError

#: Ids are 32-bit in the database (PostgreSQL's integer): a larger one cannot exist.
MAX_ID = 2**31 - 1
NUMBER_RE = re.compile(r"^[A-Za-z0-9-]{1,20}$")
ETAG_RE = re.compile(r'^\s*(?:W/)?(?:"(\d{1,9})"|(\d{1,9}))\s*$')


def bad_text(value: str) -> bool:
    """Whether ``value`` holds a NUL or a lone surrogate: no database column can store those."""
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def unstorable(data: Any, path: str = "") -> dict[str, list[str]]:
    """The places in a decoded JSON value (keys too) holding text that cannot be stored."""
    found: dict[str, list[str]] = {}
    message = str(_("Contains a character that cannot be stored (NUL or a lone surrogate)."))
    if isinstance(data, str):
        if bad_text(data):
            found[path or "_schema"] = [message]
    elif isinstance(data, dict):
        for key, value in data.items():
            key_text = str(key)
            where = f"{path}.{key_text}" if path else key_text
            if bad_text(key_text):
                found[path or "_schema"] = [message]
                continue
            found.update(unstorable(value, where))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            found.update(unstorable(value, f"{path}.{i}" if path else str(i)))
    return found


class ApiParser(FlaskParser):
    """webargs' Flask parser, refusing what would fail in the database instead of storing it."""

    def _raw_load_json(self, req: Any) -> Any:
        try:
            return super()._raw_load_json(req)
        except RecursionError:  # absurdly deep nesting: the JSON decoder gives up
            abort(400, messages={"json": ["Invalid JSON body."]})

    def load_json(self, req: Any, schema: Any) -> Any:
        """The decoded body; text that cannot be stored is refused, naming where it is."""
        data = super().load_json(req, schema)
        bad = unstorable(data) if isinstance(data, dict | list | str) else {}
        if bad:
            raise ApiError(422, fields=bad)
        return data

    def load_querystring(self, req: Any, schema: Any) -> Any:
        """The query parameters; text that cannot be stored is refused, naming the parameter."""
        bad = {k: v for k, vs in req.args.lists() for k, v in unstorable(vs, k).items()}
        if bad:
            raise ApiError(422, fields={k.split(".")[0]: v for k, v in bad.items()})
        return super().load_querystring(req, schema)


def request_ref(raw: str) -> int | str:
    """A request's id or number from the path; 404 for what cannot name a request."""
    if raw.isdigit() and raw.isascii():
        value = int(raw)
        if 1 <= value <= MAX_ID:
            return value
    elif NUMBER_RE.match(raw):
        return raw.upper()
    raise ApiError(404)


def object_id(value: int) -> int:
    """An id from the path; 404 beyond what the database can hold."""
    if not 1 <= value <= MAX_ID:
        raise ApiError(404)
    return value


def if_match(*, required: bool) -> int | None:
    """The version named by ``If-Match`` (an ETag such as ``"3"``), or None if not sent.

    Missing while ``required``: 428. Not a version: 400. Several tags: the first one, since a
    write is based on one version.
    """
    raw = request.headers.get("If-Match")
    if raw is None or not raw.strip():
        if required:
            raise ApiError(428)
        return None
    match = ETAG_RE.match(raw.split(",")[0])
    if match is None:
        raise ApiError(400, "bad_if_match", str(_(
            'If-Match must carry the ETag of the version you saw, e.g. "3".')))
    return int(match.group(1) or match.group(2))
