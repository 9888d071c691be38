"""The knowledge base's pages: browse, search, read, write; suggestions for the portal form."""

from web.kb import files, suggest, writing  # noqa: F401  (they add the routes)
from web.kb.views import bp

__all__ = ["bp"]
