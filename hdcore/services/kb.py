"""Writing the knowledge base: articles, their lifecycle and versions, and "save as article"."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hdcore.errors import NotFound, PermissionDenied, TransitionRefused, ValidationFailed
from hdcore.i18n import _
from hdcore.models import (
    SUPERVISORS,
    ArticleStatus,
    KbArticle,
    KbArticleVersion,
    ServiceRequest,
    User,
    Visibility,
    utcnow,
)
from hdcore.search import index_article
from hdcore.services.access import require_view
from hdcore.services.attachments import Upload
from hdcore.services.base import get_request, host_of, record, service
from hdcore.services.kb_text import plain_to_html, sanitise
from hdcore.workflow import StateKind

TITLE_MAX = 200
TEXT_MAX = 50_000
TAG_MAX = 40
TAGS_MAX = 10
#: The fields an author edits; each save keeps a copy of them as a version.
CONTENT = ("title", "symptom", "cause", "solution", "category", "tags", "visibility")
RICH = ("symptom", "cause", "solution")

#: Who may move an article from one state to another: writers (IT staff) or publishers.
WRITERS, PUBLISHERS = "writers", "publishers"
STEPS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "submit": (("draft",), "review", WRITERS),
    "publish": (("draft", "review"), "published", PUBLISHERS),
    "send_back": (("review",), "draft", PUBLISHERS),
    "retire": (("published",), "retired", PUBLISHERS),
    "revive": (("retired",), "draft", WRITERS),
}


def may_write(actor: User) -> bool:
    """Technicians, the lead and the other supervisors write articles."""
    return actor.is_active and actor.role in ("technician", *SUPERVISORS)


def may_publish(actor: User) -> bool:
    """The help desk lead (and the supervisors above) publish, send back and retire."""
    return actor.is_active and actor.role in SUPERVISORS


def require_writer(actor: User) -> None:
    """Only technicians and the lead write the knowledge base."""
    if not may_write(actor):
        raise PermissionDenied(str(_("Only IT staff can write knowledge-base articles.")))


def get_article(session: Session, article_id: int | str) -> KbArticle:
    """The article by id; NotFound otherwise."""
    try:
        article = session.get(KbArticle, int(article_id))
    except (TypeError, ValueError):
        article = None
    if article is None:
        raise NotFound(f"no article {article_id}")
    return article


def _clean(session: Session, data: dict[str, Any]) -> dict[str, Any]:
    """The fields given, checked and normalised; one ValidationFailed naming every bad one."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}
    if "title" in data:
        title = data["title"]
        if not isinstance(title, str) or not title.strip():
            errors["title"] = [str(_("A title is required."))]
        elif len(title.strip()) > TITLE_MAX:
            errors["title"] = [str(_("At most %(n)d characters.")) % {"n": TITLE_MAX}]
        else:
            out["title"] = " ".join(title.split())
    for field in RICH:
        if field in data:
            value = data[field] if data[field] is not None else ""
            if not isinstance(value, str) or len(value) > TEXT_MAX:
                errors[field] = [str(_("At most %(n)d characters.")) % {"n": TEXT_MAX}]
            else:
                out[field] = sanitise(value)
    if "solution" in out and not out["solution"]:
        errors["solution"] = [str(_("Describe the solution."))]
    if "category" in data:
        category = data["category"] or None
        if category is not None:
            try:
                host_of(session).category(str(category))
            except NotFound:
                errors["category"] = [str(_("Unknown service category."))]
        out["category"] = category
    if "visibility" in data:
        if data["visibility"] not in {v.value for v in Visibility}:
            errors["visibility"] = [str(_("Choose one of: %(c)s."))
                                    % {"c": ", ".join(Visibility)}]
        else:
            out["visibility"] = data["visibility"]
    if "tags" in data:
        tags = data["tags"] or []
        if isinstance(tags, str):
            tags = tags.replace("，", ",").split(",")
        if not isinstance(tags, list | tuple) or not all(isinstance(t, str) for t in tags):
            errors["tags"] = [str(_("Give the tags as a list of words."))]
        else:
            cleaned = list(dict.fromkeys(" ".join(t.split()) for t in tags if t.strip()))
            if len(cleaned) > TAGS_MAX or any(len(t) > TAG_MAX for t in cleaned):
                errors["tags"] = [str(_("At most %(n)d tags of %(m)d characters each."))
                                  % {"n": TAGS_MAX, "m": TAG_MAX}]
            else:
                out["tags"] = cleaned
    unknown = set(data) - set(CONTENT)
    for field in unknown:
        errors[field] = [str(_("This field cannot be changed."))]
    if errors:
        raise ValidationFailed(errors)
    return out


def _snapshot(session: Session, article: KbArticle, actor: User, fields: list[str],
              note: str = "", restored_from: int | None = None,
              step: str | None = None) -> KbArticleVersion:
    number = (session.scalar(select(func.max(KbArticleVersion.number))
                             .where(KbArticleVersion.article_id == article.id)) or 0) + 1
    changes: dict[str, Any] = {"fields": fields}
    if note:
        changes["note"] = note
    if restored_from is not None:
        changes["restored_from"] = restored_from
    if step is not None:
        changes["step"] = step
    version = KbArticleVersion(
        article_id=article.id, number=number, title=article.title, symptom=article.symptom,
        cause=article.cause, solution=article.solution, category=article.category,
        tags=list(article.tags or []), visibility=article.visibility, status=article.status,
        author_id=actor.id, created_at=utcnow(), changes=changes)
    session.add(version)
    return version


def _check_version(article: KbArticle, expected: int | None) -> None:
    from hdcore.errors import Conflict

    if expected is not None and int(expected) != article.version:
        raise Conflict(str(_("Someone else changed this article in the meantime; reload and "
                             "retry.")))


@service
def create_article(session: Session, actor: User, *, title: str, solution: str,
                   symptom: str = "", cause: str = "", category: str | None = None,
                   tags: list[str] | str | None = None,
                   visibility: str = Visibility.EVERYONE.value,
                   source_request: int | str | None = None,
                   files: Sequence[Upload] = ()) -> KbArticle:
    """Write a new article, as a draft (IT staff), with ``files``; its first version is kept."""
    require_writer(actor)
    values = _clean(session, {"title": title, "symptom": symptom, "cause": cause,
                              "solution": solution, "category": category, "tags": tags,
                              "visibility": visibility})
    now = utcnow()
    article = KbArticle(**values, status=ArticleStatus.DRAFT.value, author_id=actor.id,
                        created_at=now, updated_at=now)
    if source_request is not None:
        req = get_request(session, source_request)
        require_view(actor, req)
        article.source_request_id = req.id
    session.add(article)
    session.flush()
    _snapshot(session, article, actor, list(CONTENT), step="write")
    _attach(session, actor, article, files)
    index_article(session, article)
    return article


def _attach(session: Session, actor: User, article: KbArticle, files: Sequence[Upload]) -> None:
    from hdcore.services.kb_files import add_article_file

    for upload in files:
        add_article_file(session, actor, article.id, upload)


@service
def update_article(session: Session, actor: User, article_id: int | str, *,
                   expected_version: int | None = None, note: str = "",
                   files: Sequence[Upload] = (), **changes: Any) -> KbArticle:
    """Edit an article's content (IT staff), adding ``files``; a save that changes the
    content adds a version."""
    require_writer(actor)
    article = get_article(session, article_id)
    _check_version(article, expected_version)
    values = _clean(session, changes)
    _attach(session, actor, article, files)
    changed = [f for f in CONTENT if f in values and values[f] != getattr(article, f)]
    if not changed:
        return article
    for field in changed:
        setattr(article, field, values[field])
    article.updated_at = utcnow()
    session.flush()
    _snapshot(session, article, actor, changed, (note or "").strip()[:200])
    index_article(session, article)
    return article


def allowed_steps(actor: User, article: KbArticle) -> list[str]:
    """The lifecycle steps ``actor`` may take on ``article`` now."""
    out = []
    for name, (sources, _target, who) in STEPS.items():
        if article.status not in sources:
            continue
        if (who == PUBLISHERS and may_publish(actor)) or (who == WRITERS and may_write(actor)):
            out.append(name)
    return out


@service
def change_article_status(session: Session, actor: User, article_id: int | str, step: str, *,
                          expected_version: int | None = None) -> KbArticle:
    """Take a lifecycle step: submit for review, publish, send back, retire, revive."""
    require_writer(actor)
    article = get_article(session, article_id)
    _check_version(article, expected_version)
    if step not in STEPS:
        raise ValidationFailed({"step": [str(_("Unknown step."))]})
    sources, target, who = STEPS[step]
    if who == PUBLISHERS and not may_publish(actor):
        raise PermissionDenied(str(_("Only the help desk lead publishes, sends back and "
                                     "retires articles.")))
    if article.status not in sources:
        raise TransitionRefused(str(_("This step is not possible for an article in this "
                                      "state.")))
    article.status = target
    article.updated_at = utcnow()
    if target == ArticleStatus.PUBLISHED.value:
        article.published_at = article.updated_at
    session.flush()
    _snapshot(session, article, actor, ["status"], step=step)
    index_article(session, article)
    return article


@service
def restore_version(session: Session, actor: User, article_id: int | str, number: int, *,
                    expected_version: int | None = None) -> KbArticle:
    """Bring back the content of an old version, saved as a new version (nothing is lost)."""
    require_writer(actor)
    article = get_article(session, article_id)
    _check_version(article, expected_version)
    old = session.scalar(select(KbArticleVersion).where(
        KbArticleVersion.article_id == article.id, KbArticleVersion.number == int(number)))
    if old is None:
        raise NotFound(f"no version {number} of article {article.id}")
    changed = [f for f in CONTENT if getattr(old, f) != getattr(article, f)]
    for field in changed:
        setattr(article, field, list(old.tags or []) if field == "tags" else getattr(old, field))
    article.updated_at = utcnow()
    session.flush()
    _snapshot(session, article, actor, changed, "", restored_from=old.number)
    index_article(session, article)
    return article


def _last_staff_reply(req: ServiceRequest) -> str:
    replies = [c.body for c in req.comments if not c.internal and c.author.is_staff]
    return replies[-1] if replies else ""


@service
def article_from_request(session: Session, actor: User, request_id: int | str) -> KbArticle:
    """"Save as article": a draft from a resolved request's description and solution.

    The draft links back to the request, and the request's history notes the article.
    """
    require_writer(actor)
    req = get_request(session, request_id)
    require_view(actor, req)
    kind = host_of(session).workflow(req.category).kind(req.status)
    if req.status == "cancelled" or kind not in (StateKind.RESOLVED, StateKind.FINAL):
        raise TransitionRefused(str(_("Only a resolved request can be saved as an article.")))
    solution = req.resolution or _last_staff_reply(req)
    if not solution.strip():
        raise ValidationFailed({"solution": [str(_(
            "The request has no solution written down; add it before saving as an article."))]})
    article = create_article(
        session, actor, title=req.title[:TITLE_MAX],
        symptom=plain_to_html(req.description) or f"<p>{html.escape(req.title)}</p>",
        solution=plain_to_html(solution), category=req.category, source_request=req.id)
    record(session, req, actor, "kb_article", data={"article_id": article.id,
                                                     "title": article.title}, public=False)
    return article


#: The step that brings an article to each state (for interfaces that name the target state).
STEP_TO = {"review": "submit", "published": "publish", "retired": "retire"}
#: Back to draft: from review the lead sends it back, from retirement it is revived.
BACK_TO_DRAFT = {"review": "send_back", "retired": "revive"}


@service
def patch_article(session: Session, actor: User, article_id: int | str, *,
                  expected_version: int | None, status: str | None = None,
                  **changes: Any) -> KbArticle:
    """Edit the content and/or move the article to ``status``, all or nothing."""
    require_writer(actor)
    article = get_article(session, article_id)
    _check_version(article, expected_version)
    if status is not None and status not in {s.value for s in ArticleStatus}:
        raise ValidationFailed({"status": [str(_("Choose one of: %(c)s."))
                                           % {"c": ", ".join(ArticleStatus)}]})
    if changes:
        update_article(session, actor, article.id, **changes)
    if status is not None and status != article.status:
        step = (BACK_TO_DRAFT.get(article.status) if status == ArticleStatus.DRAFT.value
                else STEP_TO.get(status))
        if step is None:
            raise ValidationFailed({"status": [str(_("This state cannot be reached from the "
                                                     "article's current state."))]})
        change_article_status(session, actor, article.id, step)
    return article


@service
def rebuild_search_index(session: Session, actor: User | None = None) -> int:
    """Index every article and request again (after an upgrade or a restore): how many.

    The operator (``actor`` None, from the command line) or an administrator.
    """
    from hdcore.search import rebuild

    if actor is not None and (not actor.is_active or actor.role != "admin"):
        raise PermissionDenied(str(_("Only an administrator can rebuild the search index.")))
    return rebuild(session)
