"""The incoming-mail pages in the lead's area (``/dispatch/mail``): held mail is theirs to file."""

from web.admin.mail import register
from web.dispatch.blueprint import bp

register(bp)
