"""Files on knowledge-base articles: checked and stored like request attachments."""

from __future__ import annotations

import hashlib
import mimetypes
import re
import secrets
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.orm import Session

from hdcore.errors import NotFound, ValidationFailed
from hdcore.i18n import _
from hdcore.models import KbAttachment, User, utcnow
from hdcore.queries.kb import visible_article
from hdcore.services import attachments as files
from hdcore.services.attachments import Upload, allowed_extensions, max_bytes, storage_dir
from hdcore.services.base import service
from hdcore.services.kb import get_article, require_writer

#: Stored names this module makes (only such names are ever opened).
_STORED = re.compile(r"kb-[0-9a-f]{32}")
_MB = 1024 * 1024


@service
def add_article_file(session: Session, actor: User, article_id: int | str,
                     upload: Upload) -> KbAttachment:
    """Attach a file to an article (IT staff); the file is removed again on rollback."""
    require_writer(actor)
    article = get_article(session, article_id)
    name = files._clean_name(upload.filename)
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if not name:
        raise ValidationFailed({"file": [str(_("The file has no name."))]})
    if ext not in allowed_extensions(session):
        raise ValidationFailed({"file": [str(_("Files of this type are not accepted: %(e)s."))
                                         % {"e": ext or "?"}]})
    folder = storage_dir(session)
    folder.mkdir(parents=True, exist_ok=True)
    stored = "kb-" + secrets.token_hex(16)
    path = folder / stored
    digest, size, limit = hashlib.sha256(), 0, max_bytes(session)
    try:
        with path.open("xb") as out:
            while chunk := upload.stream.read(_MB):
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
    session.info.setdefault(files._NEW_FILES, []).append(path)
    att = KbAttachment(
        article_id=article.id, filename=name, stored_name=stored,
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream",
        size=size, sha256=digest.hexdigest(), uploaded_by_id=actor.id, created_at=utcnow())
    session.add(att)
    session.flush()
    return att


@service
def remove_article_file(session: Session, actor: User, file_id: int) -> KbAttachment:
    """Take a file off an article (IT staff); its stored file goes once this commits."""
    require_writer(actor)
    att = session.get(KbAttachment, int(file_id))
    if att is None:
        raise NotFound(f"no file {file_id}")
    path = storage_dir(session) / att.stored_name
    session.delete(att)
    session.flush()
    _unlink_after_commit(session, path)
    return att


_REMOVED = "hd_kb_removed_files"


def _unlink_after_commit(session: Session, path: Path) -> None:
    """Delete the stored file once the removal is committed (never if it rolls back)."""
    if _REMOVED not in session.info:
        session.info[_REMOVED] = []

        @event.listens_for(session, "after_commit")
        def _gone(s: Session) -> None:
            for old in s.info.get(_REMOVED, []):
                Path(old).unlink(missing_ok=True)
            s.info[_REMOVED] = []

        @event.listens_for(session, "after_soft_rollback")
        def _kept(s: Session, previous: object) -> None:
            s.info[_REMOVED] = []
    session.info[_REMOVED].append(path)


def open_article_file(session: Session, actor: User, file_id: int) -> tuple[KbAttachment, Path]:
    """The file and its path, if ``actor`` may read its article (else NotFound)."""
    att = session.get(KbAttachment, int(file_id))
    if att is None or not _STORED.fullmatch(att.stored_name or ""):
        raise NotFound(f"no file {file_id}")
    visible_article(session, actor, att.article_id)
    return att, storage_dir(session) / att.stored_name
