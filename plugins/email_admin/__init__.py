"""The e-mail account administration category: mailboxes opened, closed, changed and fixed."""

from plugins.email_admin.plugin import EmailAdminPlugin

plugin = EmailAdminPlugin()

__all__ = ["EmailAdminPlugin", "plugin"]
