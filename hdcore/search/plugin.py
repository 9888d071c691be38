"""The search index as an essential plugin: requests are re-indexed as they change."""

from __future__ import annotations

from sqlalchemy.orm import Session

from hdcore.hookspecs import hookimpl
from hdcore.i18n import _
from hdcore.models import Event, ServiceRequest
from hdcore.plugin import HelpdeskPlugin
from hdcore.search.index import index_request

#: The events that change what a request is found by (its text, its solution, its replies).
REINDEX_ON = frozenset({"created", "updated", "comment", "transition", "resolved", "split"})


class SearchPlugin(HelpdeskPlugin):
    """Keeps each request's search document in step with it, in the same transaction."""

    name = "search"
    title = _("Search")
    description = _("Finds requests and knowledge-base articles, in Chinese and English.")
    essential = True

    @hookimpl
    def hd_on_event(self, session: Session, request: ServiceRequest, event: Event) -> None:
        """Re-index the request when its text may have changed."""
        if event.kind in REINDEX_ON:
            index_request(session, request)
