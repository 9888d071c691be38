"""Suggestions while a request is being written: a small JSON answer for ``kb.js``."""

from __future__ import annotations

from typing import Any

from flask import request, url_for

from hdcore.queries.kb import search_articles
from web.context import db
from web.kb.views import bp

#: How many articles are suggested beside the form.
SUGGESTIONS = 5
#: How many terms of the text typed are looked for: the title and the start of the
#: description say what the request is about; every further term makes each keystroke's
#: search slower (the index scores every article per term) for little change in the five shown.
SUGGEST_TERMS = 16


@bp.route("/suggest.json")
def suggest() -> dict[str, Any]:
    """Published articles for everyone matching the text typed so far (title, description).

    Only articles every employee may read are suggested, whoever asks.
    """
    from flask_login import current_user

    text = (request.args.get("q") or "")[:1000]
    category = request.args.get("category") or None
    # Staff asking get the same suggestions as the employees they help: the public articles,
    # filtered in the index, so only the five shown are loaded and get a snippet.
    hits = search_articles(db(), current_user, text, limit=SUGGESTIONS, category=category,
                           public_only=True, max_terms=SUGGEST_TERMS)
    items = [{
        "id": hit.article.id, "title_html": hit.title_html, "snippet_html": hit.snippet_html,
        "url": url_for("kb.article", article_id=hit.article.id, deflect=1,
                       category=category or "", query=text[:300]),
        "helpful": hit.article.helpful,
    } for hit in hits]
    return {"query": text, "articles": items}
