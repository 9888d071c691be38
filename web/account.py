"""My settings, for everyone signed in: language, time zone and password."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from hdcore import ValidationFailed, now
from hdcore import services as svc
from hdcore.notify.kinds import kinds_for
from web.auth import start_session
from web.context import db
from web.i18n import LANG_COOKIE

bp = Blueprint("account", __name__, url_prefix="/me")

#: The languages offered, each named in itself.
LANGUAGES = (("en", "English"), ("zh_Hans_CN", "中文（简体）"))


@bp.before_request
@login_required
def _signed_in() -> None:
    """Only a signed-in person has settings."""


def _page(values: dict[str, Any], errors: dict[str, list[str]],
          password_errors: dict[str, list[str]]) -> str:
    return render_template("account/preferences.html", values=values, errors=errors,
                           password_errors=password_errors, languages=LANGUAGES,
                           timezones=svc.timezone_names(), now=now())


@bp.route("", methods=["GET", "POST"])
def preferences() -> str | Response:
    """Choose the language and time zone the help desk is shown in."""
    if request.method == "GET":
        return _page({"locale": current_user.locale or "", "timezone": current_user.timezone},
                     {}, {})
    values = {"locale": request.form.get("locale", ""),
              "timezone": request.form.get("timezone", "").strip()}
    try:
        svc.set_preferences(db(), current_user, values["locale"] or None, values["timezone"])
    except ValidationFailed as exc:
        flash(_("Please correct the marked fields."), "error")
        return _page(values, exc.errors, {})
    flash(_("Your settings were saved."), "success")
    response = redirect(url_for("account.preferences"))
    if not values["locale"]:
        # "Automatic" means the browser's language, not one picked earlier in the top bar.
        response.delete_cookie(LANG_COOKIE)
    return response


@bp.route("/password", methods=["POST"])
def password() -> str | Response:
    """Change my password, proving I know the current one."""
    try:
        svc.change_password(db(), current_user, request.form.get("current_password", ""),
                            request.form.get("password", ""), request.form.get("confirm", ""))
    except ValidationFailed as exc:
        flash(_("Your password was not changed."), "error")
        return _page({"locale": current_user.locale or "", "timezone": current_user.timezone},
                     {}, exc.errors)
    # The change ended every session of the account; this one goes on, renewed.
    start_session(current_user._get_current_object())
    flash(_("Your password was changed."), "success")
    return redirect(url_for("account.preferences"))


@bp.route("/notifications", methods=["GET", "POST"])
def notification_settings() -> str | Response:
    """Choose which notifications also come by e-mail (all of them stay under the bell)."""
    if request.method == "POST":
        wanted = [k for k in request.form.getlist("email") if k]
        try:
            svc.set_email_preferences(db(), current_user, wanted)
        except ValidationFailed as exc:
            flash("; ".join(m for msgs in exc.errors.values() for m in msgs), "error")
        else:
            flash(_("Your e-mail settings were saved."), "success")
            return redirect(url_for("account.notification_settings"))
    return render_template("account/notifications.html", kinds=kinds_for(current_user.is_staff),
                           wanted=svc.email_preferences(db(), current_user),
                           has_address=bool(current_user.email))
