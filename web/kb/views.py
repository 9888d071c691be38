"""Reading the knowledge base: browse by category, search (articles; requests for IT staff),
read an article and answer "did this help?"."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from hdcore import services as svc
from hdcore.models import ArticleStatus, KbArticle, ServiceRequest
from hdcore.queries.kb import (
    articles_from_request,
    category_counts,
    search_articles,
    sees_drafts,
    visible_article,
    visible_articles,
)
from hdcore.queries.kb_requests import search_requests
from hdcore.services.kb import may_publish, may_write
from web.context import db, host
from web.views_common import paginate

bp = Blueprint("kb", __name__, url_prefix="/kb")
RESULTS = 20


@bp.before_request
@login_required
def _signed_in() -> None:
    """Every knowledge-base page needs a signed-in user."""


@bp.app_context_processor
def _kb_helpers() -> dict[str, object]:
    return {"kb_status_label": lambda s: ArticleStatus(s).label,
            "kb_may_write": lambda: current_user.is_authenticated and may_write(current_user),
            "kb_from_request": lambda req_id: articles_from_request(db(), current_user, req_id)}


def _category_arg() -> str | None:
    value = request.args.get("category")
    if value is None:
        return None
    names = {c.name for c in host().categories()}
    return value if value in names or value == "" else None


@bp.route("/")
def index() -> str:
    """Search box, categories, and either the results or the chosen category's articles."""
    q = (request.args.get("q") or "").strip()[:500]
    where = request.args.get("in", "articles")
    if where != "requests" or not current_user.is_staff:
        where = "articles"
    category = _category_arg()
    status = request.args.get("status") if sees_drafts(current_user) else None
    if status not in {s.value for s in ArticleStatus}:
        status = None
    hits, request_hits, page = [], [], None
    if q and where == "requests":
        request_hits = search_requests(db(), current_user, q, limit=RESULTS)
    elif q:
        hits = search_articles(db(), current_user, q, limit=RESULTS, category=category,
                               status=status or ArticleStatus.PUBLISHED.value)
    else:
        query = visible_articles(current_user, status)
        if category == "":
            query = query.where(KbArticle.category.is_(None))
        elif category:
            query = query.where(KbArticle.category == category)
        if not status and sees_drafts(current_user):
            query = query.where(KbArticle.status == ArticleStatus.PUBLISHED.value)
        page = paginate(db(), query.order_by(KbArticle.helpful.desc(), KbArticle.views.desc(),
                                             KbArticle.id.desc()))
    return render_template(
        "kb/index.html", q=q, where=where, hits=hits, request_hits=request_hits, page=page,
        category=category, status=status, counts=category_counts(db(), current_user),
        categories=host().categories(), statuses=list(ArticleStatus))


@bp.route("/a/<int(max=2147483647):article_id>")
def article(article_id: int) -> str:
    """One article; each opening is counted."""
    art = svc.record_view(db(), current_user, article_id)
    return _article_page(art)


def _article_page(art: KbArticle) -> str:
    return render_template(
        "kb/article.html", art=art, steps=svc.allowed_steps(current_user, art),
        can_edit=may_write(current_user), can_publish=may_publish(current_user),
        deflect=request.args.get("deflect") == "1",
        deflect_category=request.args.get("category", ""),
        deflect_query=request.args.get("query", ""),
        source=(db().get(ServiceRequest, art.source_request_id)
                if current_user.is_staff and art.source_request_id else None))


@bp.route("/a/<int(max=2147483647):article_id>/vote", methods=["POST"])
def vote(article_id: int) -> Response:
    """Answer "did this help?"."""
    visible_article(db(), current_user, article_id)  # 404 before looking at the answer
    helpful = request.form.get("helpful")
    if helpful not in ("yes", "no"):
        abort(400)
    svc.vote(db(), current_user, article_id, helpful == "yes")
    flash(_("Thank you for your answer.") if helpful == "yes" else
          _("Thank you. If it did not solve your problem, ask IT for help."), "success")
    return redirect(url_for("kb.article", article_id=article_id))


@bp.route("/a/<int(max=2147483647):article_id>/solved", methods=["POST"])
def solved(article_id: int) -> str:
    """"This solved it" while writing a request: nothing is filed; the deflection is kept."""
    category = request.form.get("category") or None
    if category not in {c.name for c in host().categories()}:
        category = None
    art = visible_article(db(), current_user, article_id)
    svc.record_deflection(db(), current_user, art.id, category=category,
                          query=request.form.get("query", ""))
    return render_template("kb/solved.html", art=art)
