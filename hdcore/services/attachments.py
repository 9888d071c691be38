"""Attaching files to requests: checked for size and type, stored under generated names.

The file is written before the database row; if the transaction then rolls back, the file is
removed again, so storage never holds files no request knows.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import secrets
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, BinaryIO

from sqlalchemy import event
from sqlalchemy.orm import Session

from hdcore.config import Settings
from hdcore.errors import NotFound, PermissionDenied, ValidationFailed
from hdcore.i18n import _
from hdcore.models import Attachment, Comment, User
from hdcore.services.access import require_view
from hdcore.services.base import get_request, record, service

#: Extensions accepted by default: documents, images, logs and archives people send to IT.
ALLOWED_EXTENSIONS = frozenset({
    "pdf", "png", "jpg", "jpeg", "gif", "bmp", "webp", "txt", "log", "csv", "json", "xml",
    "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "zip", "7z", "rar", "eml", "msg",
})
MAX_BYTES = 20 * 1024 * 1024
_MB = 1024 * 1024

#: Types a browser is told a downloaded file has; anything else (HTML, SVG, XML, scripts: types
#: a browser could run) is sent as ``application/octet-stream``.
SAFE_TYPES = frozenset({
    "application/pdf", "image/png", "image/jpeg", "image/gif", "image/bmp", "image/webp",
    "text/plain", "text/csv", "application/json", "application/zip",
    "application/x-7z-compressed", "application/vnd.rar", "application/x-rar-compressed",
    "message/rfc822", "application/vnd.ms-outlook", "application/msword",
    "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
})
#: A stored file's name: what :func:`add_attachment` generates, nothing else is ever opened.
_STORED_NAME = re.compile(r"[0-9a-f]{32}")


def max_bytes(session: Session) -> int:
    """The largest file accepted (``HELPDESK_ATTACHMENT_MAX_MB``; :data:`MAX_BYTES` if unset)."""
    settings = session.info.get("settings")
    configured = getattr(settings, "attachment_max_mb", None)
    if not configured or configured == Settings.attachment_max_mb:
        return MAX_BYTES
    return configured * _MB


def allowed_extensions(session: Session) -> frozenset[str]:
    """The file name extensions accepted (``HELPDESK_ATTACHMENT_EXTENSIONS``, else the default
    list)."""
    settings = session.info.get("settings")
    configured = getattr(settings, "attachment_extensions", "") or ""
    chosen = {e.strip().lstrip(".").lower() for e in re.split(r"[\s,;]+", configured)}
    return frozenset(chosen - {""}) or ALLOWED_EXTENSIONS


def download_type(content_type: str | None) -> str:
    """The type to send a stored file with: its own if harmless, else octet-stream."""
    kind = (content_type or "").split(";", 1)[0].strip().lower()
    return kind if kind in SAFE_TYPES else "application/octet-stream"


@dataclass(frozen=True)
class Upload:
    """A file as an interface received it: its name, its content, its declared type."""

    filename: str
    stream: BinaryIO
    content_type: str | None = None

_NEW_FILES = "hd_new_files"


def storage_dir(session: Session) -> Path:
    """Where attachments are kept (``<home>/attachments``)."""
    return Path(session.info["settings"].home) / "attachments"


def _clean_name(filename: str) -> str:
    # Keep the person's own name (Chinese included) but drop any folder part and control
    # characters; it is only ever shown and sent back, never used as a path.
    name = PurePath((filename or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|').strip()
    return name[:255]


@service
def add_attachment(
    session: Session,
    actor: User,
    request_id: int | str,
    *,
    filename: str,
    stream: BinaryIO,
    content_type: str | None = None,
    internal: bool = False,
    comment: Comment | None = None,
) -> Attachment:
    """Attach a file to a request the actor may see (internal ones: IT staff only)."""
    req = get_request(session, request_id)
    require_view(actor, req)
    if internal and not actor.is_staff:
        raise PermissionDenied(str(_("Only IT staff can add internal attachments.")))
    name = _clean_name(filename)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not name:
        raise ValidationFailed({"file": [str(_("The file has no name."))]})
    if ext not in allowed_extensions(session):
        raise ValidationFailed({"file": [str(_("Files of this type are not accepted: %(e)s."))
                                         % {"e": ext or "?"}]})
    folder = storage_dir(session)
    folder.mkdir(parents=True, exist_ok=True)
    stored = secrets.token_hex(16)
    path = folder / stored
    digest = hashlib.sha256()
    size = 0
    limit = max_bytes(session)
    try:
        with path.open("xb") as out:
            while chunk := stream.read(1024 * 1024):
                size += len(chunk)
                if size > limit:
                    raise ValidationFailed({"file": [str(_("The file is larger than %(n)d MB."))
                                                     % {"n": max(1, limit // _MB)}]})
                digest.update(chunk)
                out.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if size == 0:
        path.unlink(missing_ok=True)
        raise ValidationFailed({"file": [str(_("The file is empty."))]})
    session.info.setdefault(_NEW_FILES, []).append(path)
    att = Attachment(
        request_id=req.id, comment_id=comment.id if comment is not None else None,
        uploaded_by_id=actor.id, filename=name, stored_name=stored,
        # The type follows the name's extension (checked above), not what the sender claimed.
        content_type=mimetypes.guess_type(name)[0] or content_type or "application/octet-stream",
        size=size, sha256=digest.hexdigest(), internal=internal,
    )
    session.add(att)
    session.flush()
    record(session, req, actor, "attachment", data={"attachment_id": att.id, "filename": name,
                                                    "size": size}, public=not internal)
    return att


def open_attachment(session: Session, actor: User, attachment_id: int) -> tuple[Attachment, Path]:
    """The attachment and its file, if ``actor`` may read it (else NotFound)."""
    att = session.get(Attachment, attachment_id)
    if att is None:
        raise NotFound(f"no attachment {attachment_id}")
    require_view(actor, get_request(session, att.request_id))
    if att.internal and not actor.is_staff:
        raise NotFound(f"no attachment {attachment_id}")
    if not _STORED_NAME.fullmatch(att.stored_name or ""):
        # Only names this module generated are opened: never a path from anywhere else.
        raise NotFound(f"no attachment {attachment_id}")
    return att, storage_dir(session) / att.stored_name


def install_cleanup(factory: object) -> None:
    """Remove files written by a transaction that rolled back; forget them on commit."""

    @event.listens_for(factory, "after_commit")
    def _keep(session: Session) -> None:
        session.info.pop(_NEW_FILES, None)

    @event.listens_for(factory, "after_soft_rollback")
    def _remove(session: Session, previous_transaction: Any) -> None:
        if previous_transaction.parent is not None:
            return  # only a savepoint rolled back
        for path in session.info.pop(_NEW_FILES, []):
            Path(path).unlink(missing_ok=True)
