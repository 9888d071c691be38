"""Analytics as an essential plugin: per-request figures and the closing survey, kept in step
with every event in the change's own transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from marshmallow import Schema, fields, validate

from hdcore.analytics import metrics
from hdcore.hookspecs import hookimpl
from hdcore.i18n import _
from hdcore.plugin import HelpdeskPlugin
from hdcore.plugin_types import Permission

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from hdcore.models import Event, ServiceRequest

#: Who may read every report (managers; administrators hold every right anyway).
REPORTS_PERMISSION = "analytics.reports"
#: Who builds surveys and the questions asked on closing.
SURVEYS_PERMISSION = "analytics.surveys"
#: Who runs evaluation cycles.
EVALUATE_PERMISSION = "analytics.evaluate"


class SurveySettingsSchema(Schema):
    """The closing survey's settings."""

    survey_auto_closed = fields.Boolean(metadata={
        "label": _("Survey requests closed for no response"),
        "help": _("Ask the requester to rate a request that closed itself because nobody "
                  "confirmed it.")})
    low_score = fields.Integer(validate=validate.Range(min=1, max=4), metadata={
        "label": _("Alert the lead at or below this score"),
        "help": _("A rating this low (1 to 4) notifies the help desk leads.")})


class AnalyticsPlugin(HelpdeskPlugin):
    """Figures for reports and evaluations, and the survey on closing; cannot be disabled."""

    name = "analytics"
    title = _("Surveys and reports")
    description = _("Satisfaction surveys, staff evaluation cycles and service reports.")
    essential = True
    settings_schema = SurveySettingsSchema
    default_settings: ClassVar[dict[str, Any]] = {"survey_auto_closed": False, "low_score": 2}

    @hookimpl
    def hd_on_event(self, session: Session, request: ServiceRequest, event: Event) -> None:
        """Recompute the request's figures; invite the requester to the survey on closing;
        tell the leads of a low rating."""
        from hdcore.services.surveys_events import on_request_event

        metrics.refresh(session, request)
        on_request_event(session, request, event)

    @hookimpl
    def hd_permissions(self) -> list[Permission]:
        """The rights of the reports, surveys and evaluations."""
        return [
            Permission(REPORTS_PERMISSION, _("Read every service report"),
                       frozenset({"manager", "admin"})),
            Permission(SURVEYS_PERMISSION, _("Build surveys and closing questions"),
                       frozenset({"manager", "admin"})),
            Permission(EVALUATE_PERMISSION, _("Run staff evaluation cycles"),
                       frozenset({"manager", "admin"})),
        ]
