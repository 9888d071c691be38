"""How core errors and HTTP errors look to a person in the browser."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext

from hdcore import (
    CategoryDisabled,
    Conflict,
    NotFound,
    PermissionDenied,
    TransitionRefused,
)


def init_app(app: Flask) -> None:
    """Render friendly pages for errors no view handled."""

    def page(status: int, title: str, message: str) -> tuple[str, int]:
        return render_template("error.html", status=status, title=title, message=message), status

    @app.errorhandler(NotFound)
    @app.errorhandler(404)
    def not_found(exc: Exception) -> tuple[str, int]:
        return page(404, gettext("Not found"),
                    gettext("There is nothing here, or it is not yours to see."))

    @app.errorhandler(PermissionDenied)
    @app.errorhandler(403)
    def forbidden(exc: Exception) -> tuple[str, int]:
        msg = str(exc) if isinstance(exc, PermissionDenied) else ""
        return page(403, gettext("Not allowed"), msg or gettext("You may not do this."))

    @app.errorhandler(Conflict)
    @app.errorhandler(TransitionRefused)
    @app.errorhandler(CategoryDisabled)
    def conflict(exc: Exception) -> tuple[str, int]:
        return page(409, gettext("Not possible now"), str(exc))

    @app.errorhandler(400)
    def bad_request(exc: Exception) -> tuple[str, int]:
        return page(400, gettext("Bad request"),
                    gettext("The form was incomplete or has expired; go back and try again."))

    @app.errorhandler(405)
    def not_allowed(exc: Exception) -> tuple[str, int]:
        return page(405, gettext("Not allowed"), gettext("This address does not take that."))

    @app.errorhandler(413)
    def too_large(exc: Exception) -> tuple[str, int]:
        return page(413, gettext("Too large"), gettext("The upload is too large."))
