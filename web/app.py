"""The Flask application factory: the help desk's web UI for every role."""

from __future__ import annotations

from typing import Any

from flask import Flask, make_response, redirect, request, url_for
from flask_login import current_user, login_required
from flask_wtf import CSRFProtect
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.wrappers import Response

from hdcore import HelpDesk, Settings
from hdcore import services as svc
from web import auth, errors, formatting, i18n, navigation, notifications, plugins
from web.context import close_session, db
from web.db_errors import init_app as init_db_errors
from web.security import init_app as init_security

csrf = CSRFProtect()

#: Where each role lands after signing in (the first endpoint that exists).
ROLE_HOME = {
    "employee": ("portal.index",),
    "technician": ("desk.queue", "portal.index"),
    "lead": ("dispatch.intake", "desk.queue", "portal.index"),
    "manager": ("manage.overview", "desk.queue", "portal.index"),
    "admin": ("admin.plugins", "desk.queue", "portal.index"),
}


def create_app(helpdesk: HelpDesk | None = None, config: dict[str, Any] | None = None) -> Flask:
    """Build the web application around ``helpdesk`` (one from the environment if None)."""
    hd = helpdesk or HelpDesk(Settings.from_env())
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=hd.settings.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        MAX_CONTENT_LENGTH=25 * 1024 * 1024,
        BABEL_DEFAULT_TIMEZONE="UTC",
    )
    app.config.update(config or {})
    app.extensions["helpdesk"] = hd

    csrf.init_app(app)
    init_security(app)
    i18n.init_app(app)
    auth.init_app(app)
    errors.init_app(app)
    init_db_errors(app)
    formatting.init_app(app)
    navigation.init_app(app)
    notifications.init_app(app)
    app.teardown_appcontext(close_session)
    plugins.init_app(app)

    from web.account import bp as account_bp
    from web.admin import bp as admin_bp
    from web.desk import bp as desk_bp
    from web.dispatch import bp as dispatch_bp
    from web.files import bp as files_bp
    from web.forum import bp as forum_bp
    from web.kb import bp as kb_bp
    from web.manage import bp as manage_bp
    from web.portal import bp as portal_bp

    app.register_blueprint(files_bp)
    app.register_blueprint(portal_bp)
    app.register_blueprint(kb_bp)
    app.register_blueprint(forum_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(desk_bp)
    app.register_blueprint(dispatch_bp)
    app.register_blueprint(manage_bp)

    # The REST API (/api/v1): bearer tokens only, JSON errors, its OpenAPI document and docs.
    from web import api

    api.init_app(app)

    if hd.settings.proxies:
        # behind a load balancer: the client's address and scheme come from its headers
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hd.settings.proxies,  # type: ignore[method-assign]
                                x_proto=hd.settings.proxies, x_host=hd.settings.proxies)

    @app.route("/")
    @login_required
    def home() -> Response:
        """Send each role to where its work is."""
        for endpoint in ROLE_HOME.get(current_user.role, ("portal.index",)):
            if endpoint in app.view_functions:
                return redirect(url_for(endpoint))
        return redirect(url_for("portal.index"))

    @app.route("/language/<code>", methods=["POST"])
    def set_language(code: str) -> Response:
        """Remember the chosen language in this browser, and as the signed-in user's own."""
        target = auth.safe_next(request.form.get("next")) or url_for("home")
        response = make_response(redirect(target))
        if code in i18n.SUPPORTED:
            response.set_cookie(i18n.LANG_COOKIE, code, max_age=365 * 86400, samesite="Lax",
                                httponly=True)
            if current_user.is_authenticated:
                # The user's setting comes before the cookie, so it must follow the switch.
                svc.set_preferences(db(), current_user, locale=code)
        return response

    @app.route("/healthz")
    def healthz() -> dict[str, str]:
        """For load balancers: the process is up."""
        return {"status": "ok"}

    return app
