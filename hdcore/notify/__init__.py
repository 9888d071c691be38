"""Notifications: who is told what about a request, in the application and by e-mail."""
