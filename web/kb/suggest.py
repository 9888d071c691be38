"""Suggestions while a request is being written: a small JSON answer for ``kb.js``."""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from hdcore.queries.kb import search_articles
from web.context import db
from web.kb.views import bp

#: How many articles are suggested beside the form.
SUGGESTIONS = 5


@bp.route("/suggest.json")
def suggest() -> dict[str, Any]:
    """Published articles for everyone matching the text typed so far (title, description).

    Only articles every employee may read are suggested, whoever asks.
    """
    from flask_login import current_user

    text = (request.args.get("q") or "")[:1000]
    category = request.args.get("category") or None
    hits = search_articles(db(), current_user, text, limit=SUGGESTIONS * 2, category=category)
    items = []
    for hit in hits:
        if not hit.article.is_public:
            continue  # staff asking get the same suggestions as the employees they help
        items.append({
            "id": hit.article.id, "title_html": hit.title_html, "snippet_html": hit.snippet_html,
            "url": url_for("kb.article", article_id=hit.article.id, deflect=1,
                           category=category or "", query=text[:300]),
            "helpful": hit.article.helpful,
        })
        if len(items) == SUGGESTIONS:
            break
    return {"query": text, "articles": items}
