"""Who may call the knowledge base's and the forum's routes (pages and API)."""

from __future__ import annotations

import io

from hdcore import services as svc
from hdcore.services.attachments import Upload
from tests.security.access_rules import DISPATCHERS, EVERYONE, STAFF, rule

#: The thread's author (the employee) and IT staff may file it as a request.
AUTHOR_OR_STAFF = "employee " + STAFF
#: The thread's author and the moderators accept an answer.
AUTHOR_OR_MODERATORS = "employee " + DISPATCHERS

RULES = [
    *rule("kb.index", "GET", EVERYONE),
    *rule("kb.suggest", "GET", EVERYONE),
    # The world's article is an internal draft: IT staff only, the others do not see it.
    *rule("kb.article", "GET", STAFF, denied=404),
    *rule("kb.vote", "POST", STAFF, denied=404),
    *rule("kb.solved", "POST", STAFF, denied=404),
    *rule("kb.new", "GET POST", STAFF),
    *rule("kb.edit", "GET POST", STAFF),
    *rule("kb.step", "POST", STAFF, args={"name": lambda w: "submit"}),
    *rule("kb.history", "GET", STAFF),
    *rule("kb.restore", "POST", STAFF),
    *rule("kb.from_request", "POST", STAFF),
    *rule("kb.download", "GET", STAFF, denied=404),
    *rule("kb.remove_file", "POST", STAFF),
    *rule("forum.index", "GET", EVERYONE),
    *rule("forum.board", "GET", EVERYONE),
    *rule("forum.new_thread", "GET POST", EVERYONE),
    *rule("forum.thread", "GET", EVERYONE),
    *rule("forum.reply", "POST", EVERYONE),
    *rule("forum.accept", "POST", AUTHOR_OR_MODERATORS),
    *rule("forum.moderate", "POST", DISPATCHERS),
    *rule("forum.moderate_post", "POST", DISPATCHERS),
    *rule("forum.to_request", "POST", AUTHOR_OR_STAFF),
    *rule("forum.to_article", "POST", STAFF),
    *rule("api_kb.list_articles", "GET", EVERYONE),
    *rule("api_kb.create_article", "POST", STAFF, denied=(403, 422)),
    *rule("api_kb.ArticleItem", "GET", STAFF, denied=404),
    *rule("api_kb.ArticleItem", "PATCH", STAFF, denied=(403, 428)),
]

ARGS = {
    "article_id": lambda w: w.kb_article_id,
    "version_no": lambda w: 1,
    "board": lambda w: "general",
    "thread_id": lambda w: w.forum_thread_id,
    "post_id": lambda w: w.forum_post_id,
    "file_id": lambda w: w.kb_file_id,
}


def build(session, helpdesk, world):
    """An internal draft article (with a file) by the technician; the employee's thread with
    a reply."""
    article = svc.create_article(
        session, world.people.tech, title="Internal: restart the print server",
        solution="Secret steps", visibility="staff",
        files=[Upload("steps.txt", io.BytesIO(b"restart order"))])
    world.kb_article_id = article.id
    world.kb_file_id = article.attachments[0].id
    thread = svc.start_thread(session, world.people.employee, board="general",
                              title="Which printer is closest?", body="On floor 3")
    world.forum_thread_id = thread.id
    world.forum_post_id = svc.reply(session, world.people.tech, thread.id, "The one by the lift").id
