"""Why a message was held, refused or ignored, said in the reader's language.

Processing stores a code and its particulars (``inbound_message.reason`` and
``reason_detail``); the sentence is made when someone reads it, in their language.
"""

from __future__ import annotations

from typing import Any

from hdcore.i18n import _

_MALFORMED = {
    "empty": _("it is empty"),
    "no_headers": _("it has no header fields"),
    "no_sender": _("it has no sender address"),
    "broken_structure": _("its parts are broken"),
    "unreadable": _("it is not a readable e-mail message"),
}

_BY_CATEGORY = {
    "address": _("by the address it was sent to"),
    "subject": _("by a word in its subject"),
    "default": _("as the default category"),
    "follow_up": _("as a follow-up of a closed request"),
    "lead": _("by hand"),
}


def _mb(n: Any) -> str:
    return f"{int(n) / (1024 * 1024):.1f}"


def reason_text(code: str | None, detail: dict[str, Any] | None = None) -> str:
    """The sentence for a reason ``code`` with its ``detail`` ("" for no reason)."""
    d = dict(detail or {})
    if not code:
        return ""
    if code == "oversized":
        return str(_("The message is %(size)s MB; messages over %(limit)s MB are refused.")) % {
            "size": _mb(d.get("size", 0)), "limit": _mb(d.get("limit", 0))}
    if code == "malformed":
        problem = _MALFORMED.get(d.get("problem", ""), _MALFORMED["unreadable"])
        text = str(_("The message cannot be read: %(problem)s.")) % {"problem": str(problem)}
        return f"{text} {d['detail']}" if d.get("detail") else text
    if code == "ours":
        return str(_("One of the help desk's own messages came back; it is never answered."))
    if code == "bounce":
        return str(_("A delivery failure report (bounce), recognised by %(by)s; it is never "
                     "answered.")) % {"by": d.get("by", "?")}
    if code == "auto_reply":
        return str(_("An automatic reply, recognised by %(by)s; it is never answered.")) % {
            "by": d.get("by", "?")}
    if code == "list":
        return str(_("Mailing-list mail, recognised by %(by)s; it is never answered.")) % {
            "by": d.get("by", "?")}
    if code == "bulk":
        return str(_("Bulk mail, recognised by %(by)s; it is never answered.")) % {
            "by": d.get("by", "?")}
    if code == "flood":
        return str(_("More than %(limit)s messages from this sender within an hour: held so "
                     "that a flood does not open requests.")) % {"limit": d.get("limit", "?")}
    if code == "unknown_sender":
        return str(_("No active account has the address %(sender)s.")) % {
            "sender": d.get("sender", "?")}
    if code == "ambiguous_sender":
        return str(_("%(count)s active accounts have the address %(sender)s; choose the right "
                     "person.")) % {"count": d.get("count", "?"), "sender": d.get("sender", "?")}
    if code == "not_allowed":
        return str(_("It replies to %(number)s, which the sender may not see.")) % {
            "number": d.get("number", "?")}
    if code == "no_category":
        return str(_("Neither the address nor the subject says which service category it "
                     "belongs to."))
    if code == "category_off":
        return str(_("Its service category (%(category)s) is switched off.")) % {
            "category": d.get("category", "?")}
    if code == "empty":
        return str(_("The reply has no text and no files."))
    if code == "refused":
        return str(_("The help desk refused it: %(error)s")) % {"error": d.get("error", "?")}
    if code == "processing_failed":
        return str(_("It could not be processed (%(attempts)s attempts): %(error)s")) % {
            "attempts": d.get("attempts", "?"), "error": d.get("error", "?")}
    if code == "discarded":
        return str(_("Discarded by %(who)s.")) % {"who": d.get("by", "?")}
    return code


def category_by_text(by: str | None) -> str:
    """How the category of an opened request was chosen, for people."""
    return str(_BY_CATEGORY.get(by or "", "")) if by in _BY_CATEGORY else ""
