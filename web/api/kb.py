"""``/api/v1/kb/articles``: search and read the knowledge base; IT staff write it."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from marshmallow import Schema, fields, validate

from hdcore import services as svc
from hdcore.models import ArticleStatus, KbArticle, ServiceRequest, Visibility
from hdcore.queries.kb import search_articles, sees_drafts, visible_article, visible_articles
from hdcore.search import CANDIDATES
from hdcore.services.kb import TAG_MAX, TAGS_MAX, TEXT_MAX, TITLE_MAX
from web.api import serialise
from web.api.auth import current_user
from web.api.blueprint import ApiBlueprint, header, seen_version
from web.api.parsing import MAX_ID
from web.context import db

bp = ApiBlueprint("api_kb", __name__, url_prefix="/api/v1/kb", tag="Knowledge base",
                  description="Knowledge-base articles: ranked search with snippets, reading, "
                              "and writing for IT staff.")

STATUSES = [s.value for s in ArticleStatus]
VISIBILITIES = [v.value for v in Visibility]
MAX_PER_PAGE = 50
ARTICLE_PARAMETER = {"in": "path", "name": "article_id", "required": True,
                     "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID}}


class ArticleQuerySchema(Schema):
    """Search text, filters and paging."""

    q = fields.String(validate=validate.Length(max=500), metadata={
        "description": "Words to search for (Chinese, English or mixed); ranked by relevance."})
    category = fields.String(validate=validate.Length(max=64), metadata={
        "description": "A category's name; with `q` its articles rank higher, without it only "
                       "they are listed."})
    status = fields.String(validate=validate.OneOf(STATUSES), metadata={
        "description": "IT staff only: articles in this state (default: published)."})
    page = fields.Integer(load_default=1, validate=validate.Range(1, 1000))
    per_page = fields.Integer(load_default=20, validate=validate.Range(1, MAX_PER_PAGE))


class ArticleWriteSchema(Schema):
    """An article's content (every field optional when changing one)."""

    title = fields.String(validate=validate.Length(min=1, max=TITLE_MAX))
    symptom = fields.String(validate=validate.Length(max=TEXT_MAX), metadata={
        "description": "Plain text or simple HTML (sanitised)."})
    cause = fields.String(validate=validate.Length(max=TEXT_MAX))
    solution = fields.String(validate=validate.Length(max=TEXT_MAX))
    category = fields.String(allow_none=True, validate=validate.Length(max=64), metadata={
        "description": "A category's name, or null for a general article."})
    tags = fields.List(fields.String(validate=validate.Length(min=1, max=TAG_MAX)),
                       validate=validate.Length(max=TAGS_MAX))
    visibility = fields.String(validate=validate.OneOf(VISIBILITIES))


class ArticleCreateSchema(ArticleWriteSchema):
    """A new article (a draft)."""

    title = fields.String(required=True, validate=validate.Length(min=1, max=TITLE_MAX))
    solution = fields.String(required=True, validate=validate.Length(min=1, max=TEXT_MAX))


class ArticleUpdateSchema(ArticleWriteSchema):
    """Changes to an article; `status` moves it along its life (the lead publishes)."""

    status = fields.String(validate=validate.OneOf(STATUSES))


class ArticleSummarySchema(Schema):
    """An article in a list; with a search, its score and marked-up title and snippet."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    category = fields.String(allow_none=True, required=True)
    tags = fields.List(fields.String(), required=True)
    status = fields.String(required=True)
    visibility = fields.String(required=True)
    views = fields.Integer(required=True)
    helpful = fields.Integer(required=True)
    not_helpful = fields.Integer(required=True)
    updated_at = fields.DateTime(required=True)
    score = fields.Float(allow_none=True, required=True)
    title_html = fields.String(allow_none=True, required=True, metadata={
        "description": "The title, HTML-escaped, with the matches in <mark>."})
    snippet_html = fields.String(allow_none=True, required=True, metadata={
        "description": "A stretch of the text, HTML-escaped, with the matches in <mark>."})


class ArticlePageSchema(Schema):
    """One page of articles."""

    items = fields.List(fields.Nested(ArticleSummarySchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    pages = fields.Integer(required=True)


class ArticleSchema(Schema):
    """An article in full; the rich text fields are sanitised HTML."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    symptom = fields.String(required=True)
    cause = fields.String(required=True)
    solution = fields.String(required=True)
    category = fields.String(allow_none=True, required=True)
    tags = fields.List(fields.String(), required=True)
    status = fields.String(required=True)
    visibility = fields.String(required=True)
    author = fields.String(required=True, metadata={"description": "The author's user name."})
    source_request = fields.String(allow_none=True, required=True, metadata={
        "description": "IT staff only: the number of the request it was written from."})
    views = fields.Integer(required=True)
    helpful = fields.Integer(required=True)
    not_helpful = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    published_at = fields.DateTime(allow_none=True, required=True)
    version = fields.Integer(required=True)


def _summary(art: KbArticle, hit: Any = None) -> dict[str, Any]:
    return {
        "id": art.id, "title": art.title, "category": art.category, "tags": list(art.tags),
        "status": art.status, "visibility": art.visibility, "views": art.views,
        "helpful": art.helpful, "not_helpful": art.not_helpful,
        "updated_at": serialise.utc(art.updated_at),
        "score": hit.score if hit else None, "title_html": hit.title_html if hit else None,
        "snippet_html": hit.snippet_html if hit else None,
    }


def _full(art: KbArticle) -> tuple[dict[str, Any], int, dict[str, str]]:
    me = current_user()
    source = None
    if me.is_staff and art.source_request_id:
        req = db().get(ServiceRequest, art.source_request_id)
        source = req.number if req else None
    body = {
        "id": art.id, "title": art.title, "symptom": art.symptom, "cause": art.cause,
        "solution": art.solution, "category": art.category, "tags": list(art.tags),
        "status": art.status, "visibility": art.visibility, "author": art.author.username,
        "source_request": source, "views": art.views, "helpful": art.helpful,
        "not_helpful": art.not_helpful, "created_at": serialise.utc(art.created_at),
        "updated_at": serialise.utc(art.updated_at),
        "published_at": serialise.utc(art.published_at), "version": art.version,
    }
    return body, 200, serialise.etag(art.version)


@bp.route("/articles", methods=["GET"])
@bp.arguments(ArticleQuerySchema, location="query")
@bp.response(200, ArticlePageSchema)
@bp.fails(401, 422)
def list_articles(args: dict[str, Any]) -> dict[str, Any]:
    """Search (with `q`: ranked, with snippets) or list the articles the caller may read.

    Employees get published articles meant for everyone only; IT staff may ask for another
    `status`. A search ranks at most the best 200 matches.
    """
    me = current_user()
    page, per_page = args["page"], args["per_page"]
    status = args.get("status") if sees_drafts(me) else None
    offset = (page - 1) * per_page
    if (args.get("q") or "").strip():
        hits = search_articles(db(), me, args["q"], limit=per_page, offset=offset,
                               category=args.get("category"),
                               status=status or ArticleStatus.PUBLISHED.value)
        total = min(hits.total, CANDIDATES)
        items = [_summary(h.article, h) for h in hits]
    else:
        from sqlalchemy import func, select

        query = visible_articles(me, status or (ArticleStatus.PUBLISHED.value
                                                if sees_drafts(me) else None))
        if args.get("category"):
            query = query.where(KbArticle.category == args["category"])
        total = db().scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = db().scalars(query.order_by(KbArticle.helpful.desc(), KbArticle.id.desc())
                            .limit(per_page).offset(offset))
        items = [_summary(a) for a in rows]
    return {"items": items, "total": total, "page": page, "per_page": per_page,
            "pages": max(1, -(-total // per_page))}


@bp.route("/articles", methods=["POST"])
@bp.arguments(ArticleCreateSchema)
@bp.response(201, ArticleSchema, headers={
    "Location": header("The new article's address."), "ETag": header("The article's version.")})
@bp.fails(400, 401, 403, 422)
def create_article(args: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    """Write a new article, as a draft (IT staff)."""
    art = svc.create_article(db(), current_user(), **args)
    body, _status, headers = _full(art)
    headers["Location"] = f"{serialise.API_ROOT}/kb/articles/{art.id}"
    return body, 201, headers


@bp.route("/articles/<int(max=2147483647):article_id>", parameters=[ARTICLE_PARAMETER])
class ArticleItem(MethodView):
    """One article."""

    @bp.response(200, ArticleSchema, headers={"ETag": header("The article's version.")})
    @bp.fails(401, 404)
    def get(self, article_id: int) -> tuple[dict[str, Any], int, dict[str, str]]:
        """Read an article the caller may see (404 for others: drafts, internal ones)."""
        return _full(visible_article(db(), current_user(), article_id))

    @bp.if_match(required=True)
    @bp.arguments(ArticleUpdateSchema)
    @bp.response(200, ArticleSchema, headers={"ETag": header("The new version.")})
    @bp.fails(400, 401, 403, 404, 409, 422, 428)
    def patch(self, args: dict[str, Any], article_id: int) -> tuple[dict[str, Any], int,
                                                                     dict[str, str]]:
        """Change the content, or the state with `status` (IT staff; the lead publishes).

        Send `If-Match` with the version you read: without it 428, and 409 if it changed.
        """
        art = svc.patch_article(db(), current_user(), article_id,
                                expected_version=seen_version(), **args)
        return _full(art)
