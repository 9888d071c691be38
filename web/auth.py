"""Signing in and out, and loading the signed-in user for each request."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from hdcore import User
from hdcore import services as svc
from web.context import db

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please sign in to continue.")
login_manager.login_message_category = "info"


class LoginForm(FlaskForm):
    """User name and password."""

    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    remember = BooleanField(_l("Keep me signed in"))


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The active account of this session identity (``id:session version``), or None (signed
    out): a session from before its account's last sign-out or password change is over."""
    number, _sep, version = user_id.partition(":")
    user = db().get(User, int(number)) if number.isdigit() else None
    if user is None or not user.is_active or version != str(user.session_version):
        return None
    return user


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects).

    Browsers read ``/\\host`` like ``//host`` and drop tabs and newlines inside URLs, so a
    backslash or any control character refuses the target too.
    """
    if not target or len(target) > 2000:
        return None
    if "\\" in target or any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def start_session(user: User, *, remember: bool = False) -> None:
    """Sign ``user`` in on a new session: nothing of the session before survives (so a
    session planted before signing in is worth nothing after)."""
    session.clear()
    login_user(user, remember=remember)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response | tuple[str, int, dict[str, str]]:
    """The sign-in page."""
    if current_user.is_authenticated:
        return redirect(url_for("home"))
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = svc.sign_in(db(), form.username.data or "", form.password.data or "",
                               address=request.remote_addr)
        except svc.LoginThrottled as exc:
            # The same for every name, real or not: nothing tells which accounts exist.
            flash(str(exc), "error")
            return render_template("auth/login.html", form=form), 429, {
                "Retry-After": str(exc.retry_after)}
        if user is not None:
            start_session(user, remember=bool(form.remember.data))
            return redirect(safe_next(request.args.get("next")) or url_for("home"))
        flash(_l("Wrong user name or password."), "error")
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout() -> Response:
    """Sign out (a POST with the CSRF token, so no page can sign you out), ending every
    session of the account: a copied session cookie stops working too."""
    svc.end_sessions(db(), current_user)
    logout_user()
    session.clear()
    flash(_l("You are signed out."), "info")
    return redirect(url_for("auth.login"))


def init_app(app: Flask) -> None:
    """Bind Flask-Login and register the blueprint."""
    login_manager.init_app(app)
    app.register_blueprint(bp)
