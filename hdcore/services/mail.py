"""Triage of e-mail the desk held or refused: file it for an employee, or discard it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hdcore.errors import (
    CategoryDisabled,
    NotFound,
    PermissionDenied,
    TransitionRefused,
    ValidationFailed,
)
from hdcore.i18n import _, use_locale
from hdcore.mail.intake import content_of, file_request, locale_for, people_with_address
from hdcore.mail.parse import MalformedMail, ParsedMail, parse
from hdcore.models import InboundMessage, MailStatus, ServiceRequest, User, utcnow
from hdcore.services.access import can_view
from hdcore.services.base import get_request, get_user, host_of, service
from hdcore.services.conversation import COMMENT_MAX, add_comment

#: Messages a person may still file or discard.
OPEN_STATUSES = (MailStatus.HELD.value, MailStatus.REJECTED.value)
NOTE_MAX = 500


def require_triage(session: Session, actor: User) -> None:
    """Only holders of ``mail.triage`` (the lead, managers, administrators) handle held mail."""
    if not actor.is_active or not host_of(session).has_permission(actor, "mail.triage"):
        raise PermissionDenied(str(_("Only the help desk lead or an administrator can handle "
                                     "held e-mail.")))


def get_message(session: Session, message_id: int) -> InboundMessage:
    """The stored message ``message_id``; NotFound otherwise."""
    row = session.get(InboundMessage, message_id)
    if row is None:
        raise NotFound(f"no message {message_id}")
    return row


def _open_message(session: Session, actor: User, message_id: int) -> InboundMessage:
    require_triage(session, actor)
    row = get_message(session, message_id)
    if row.status not in OPEN_STATUSES:
        raise ValidationFailed({"message": [str(_("This message was already handled."))]})
    return row


def _readable(row: InboundMessage) -> ParsedMail:
    try:
        return parse(row.raw)
    except MalformedMail:
        raise ValidationFailed({"message": [str(_(
            "This message cannot be read, so it cannot be filed; download it to look at it."
        ))]}) from None


def _person(session: Session, requester: int | str | User) -> User | None:
    """The account named by id, user name or e-mail address."""
    if isinstance(requester, str) and "@" in requester:
        found = people_with_address(session, requester.strip())
        if len(found) == 1:
            return found[0]
        raise ValidationFailed({"requester": [str(
            _("Several accounts have this address; give the user name.") if found
            else _("Unknown or inactive user."))]})
    if isinstance(requester, str) and requester.strip().isdigit():
        requester = int(requester.strip())
    return get_user(session, requester.strip() if isinstance(requester, str) else requester,
                    "requester")


@service
def file_held_message(
    session: Session,
    actor: User,
    message_id: int,
    *,
    requester: int | str | User | None,
    category: str | None = None,
    request: str | None = None,
    title: str | None = None,
) -> InboundMessage:
    """File a held (or refused) message: as a new request of ``category`` for ``requester``
    (an account's id, user name or e-mail address), or, with ``request`` (a number), as
    ``requester``'s reply on that request.

    A new request is filed on the requester's behalf with its category's details left to
    complete, like any request that came by e-mail.
    """
    row = _open_message(session, actor, message_id)
    errors: dict[str, list[str]] = {}
    person: User | None = None
    if requester in (None, ""):
        errors["requester"] = [str(_("Choose the person the message is from."))]
    else:
        try:
            person = _person(session, requester)
        except ValidationFailed as exc:
            errors.update(exc.errors)
    target: ServiceRequest | None = None
    if request:
        try:
            target = get_request(session, request.strip().upper())
        except NotFound:
            errors["request"] = [str(_("There is no request %(n)s.")) % {"n": request}]
    elif not category:
        errors["category"] = [str(_("Choose a service category."))]
    if errors:
        raise ValidationFailed(errors)
    assert person is not None
    mail = _readable(row)

    if target is not None:
        if not can_view(person, target):
            raise ValidationFailed({"requester": [str(_(
                "%(name)s is not on %(n)s and cannot reply to it.")) % {
                    "name": person.full_name, "n": target.number}]})
        with use_locale(locale_for(person, mail)):
            content = content_of(session, mail, reply=True, limit=COMMENT_MAX)
            body = content.text.strip() or str(_("(files sent by e-mail)"))
        try:
            comment = add_comment(session, person, target.id, body, attachments=content.uploads)
        except TransitionRefused as exc:
            raise ValidationFailed({"request": [exc.message]}) from exc
        row.request_id, row.comment_id, row.action = target.id, comment.id, "replied"
    else:
        assert category is not None
        try:
            req = file_request(session, actor, person, mail, category,
                               title=title.strip() if title and title.strip() else None)
        except CategoryDisabled as exc:
            raise ValidationFailed({"category": [str(exc)]}) from exc
        row.request_id, row.comment_id, row.action = req.id, None, "opened"
    row.status = MailStatus.PROCESSED.value
    row.handled_by_id = actor.id
    row.processed_at = utcnow()
    row.reason_detail = {**row.reason_detail, "held_as": row.reason, "filed_by": actor.username}
    return row


@service
def discard_message(session: Session, actor: User, message_id: int,
                    note: str = "") -> InboundMessage:
    """Put a held (or refused) message aside for good; it stays stored, marked ignored."""
    row = _open_message(session, actor, message_id)
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationFailed({"note": [str(_("At most %(n)d characters.")) % {"n": NOTE_MAX}]})
    row.reason_detail = {"was": row.reason, **row.reason_detail, "by": actor.full_name,
                         **({"note": note} if note else {})}
    row.reason = "discarded"
    row.status = MailStatus.IGNORED.value
    row.handled_by_id = actor.id
    row.processed_at = utcnow()
    return row
