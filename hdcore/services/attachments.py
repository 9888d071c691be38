"""Attaching files to requests: checked for size and type, stored under generated names.

The file is written before the database row; if the transaction then rolls back, the file is
removed again, so storage never holds files no request knows.
"""

from __future__ import annotations

import hashlib
import mimetypes
import secrets
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, BinaryIO

from sqlalchemy import event
from sqlalchemy.orm import Session

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
    if ext not in ALLOWED_EXTENSIONS:
        raise ValidationFailed({"file": [str(_("Files of this type are not accepted: %(e)s."))
                                         % {"e": ext or "?"}]})
    folder = storage_dir(session)
    folder.mkdir(parents=True, exist_ok=True)
    stored = secrets.token_hex(16)
    path = folder / stored
    digest = hashlib.sha256()
    size = 0
    try:
        with path.open("xb") as out:
            while chunk := stream.read(1024 * 1024):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise ValidationFailed({"file": [str(_("The file is larger than %(n)d MB."))
                                                     % {"n": MAX_BYTES // (1024 * 1024)}]})
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
        content_type=content_type or mimetypes.guess_type(name)[0] or "application/octet-stream",
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
