"""Security headers on every response and the flags of the cookies the app sets."""

from __future__ import annotations

from flask import Flask, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.wrappers import Response

#: No inline script or style anywhere: every script and stylesheet is a file of this site.
CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
))

#: Headers every response carries (a view may set its own stricter value first).
HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}

#: Sent over HTTPS only: browsers then refuse plain HTTP to this site for a year.
HSTS = "max-age=31536000"


def add_headers(response: Response) -> Response:
    """Set the security headers on ``response`` and mark its cookies Secure over HTTPS."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", HSTS)
        # The session cookie is set later, by the session interface below; this covers the
        # others (language, "keep me signed in").
        _secure_cookies(response)
    if response.mimetype in {"text/html", "application/json"} and _private(response):
        # Pages and answers about people's requests are never kept by shared caches.
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _private(response: Response) -> bool:
    """Whether the response may hold someone's data (everything but static files)."""
    return request.endpoint != "static"


def _secure_cookies(response: Response) -> None:
    """Add ``Secure`` to every cookie set over HTTPS (behind a proxy that says it is HTTPS)."""
    cookies = response.headers.getlist("Set-Cookie")
    if not cookies:
        return
    response.headers.remove("Set-Cookie")
    for cookie in cookies:
        if "; secure" not in cookie.lower():
            cookie += "; Secure"
        response.headers.add("Set-Cookie", cookie)


class SessionInterface(SecureCookieSessionInterface):
    """Flask's signed-cookie session, its cookie marked Secure whenever the request is HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure when configured, and on every HTTPS request."""
        configured = bool(super().get_cookie_secure(app))
        return configured or (has_request_context() and request.is_secure)


def init_app(app: Flask) -> None:
    """Cookie flags (``Secure`` always when ``SESSION_COOKIE_SECURE`` is configured, or the
    help desk's settings ask for it) and the headers hook."""
    helpdesk = app.extensions.get("helpdesk")
    secure = bool(getattr(getattr(helpdesk, "settings", None), "secure_cookies", False))
    app.config.setdefault("SESSION_COOKIE_SECURE", secure)
    if secure:
        app.config["SESSION_COOKIE_SECURE"] = True
    app.config["REMEMBER_COOKIE_SECURE"] = app.config["SESSION_COOKIE_SECURE"]
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["REMEMBER_COOKIE_HTTPONLY"] = True
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", "Lax")
    app.session_interface = SessionInterface()
    app.after_request(add_headers)
