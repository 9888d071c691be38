"""The forum's pages: boards, threads, replies, the lead's moderation."""

from web.forum.views import bp

__all__ = ["bp"]
