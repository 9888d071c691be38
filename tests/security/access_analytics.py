"""Who may call the surveys, evaluations and reports routes: dashboards per role, reports and
evaluations for managers, one's own figures and evaluations, surveys for the people asked."""

from __future__ import annotations

from datetime import date

from hdcore import services as svc
from tests.security.access_rules import DISPATCHERS, EVERYONE, MANAGERS, STAFF, rule

#: Someone else's closed evaluation: not there for other staff; employees are kept off the desk.
_NOT_YOURS = {"employee": 403, "other": 403, "head": 403, "tech2": 404, "lead": 404,
              "manager": 404, "admin": 404}
#: A closed request's survey is its requester's; everyone else is told it does not exist.
_NOT_ASKED = 404

_table = {"name": lambda w: "by_group", "fmt": lambda w: "csv"}
_mine = {"name": lambda w: "requests", "fmt": lambda w: "xlsx"}

RULES = [
    *rule("manage.dashboard", "GET", MANAGERS),
    *rule("manage.reports_page", "GET", MANAGERS),
    *rule("manage.report_requests", "GET", MANAGERS),
    *rule("manage.report_export", "GET", MANAGERS, args=_table),
    *rule("manage.evaluations", "GET POST", MANAGERS),
    *rule("manage.evaluation_cycle", "GET", MANAGERS),
    *rule("manage.evaluation", "GET POST", MANAGERS),
    *rule("dispatch.dashboard", "GET", DISPATCHERS),
    *rule("dispatch.dashboard_requests", "GET", DISPATCHERS),
    *rule("dispatch.dashboard_export", "GET", DISPATCHERS, args=_table),
    *rule("desk.my_dashboard", "GET", STAFF),
    *rule("desk.my_requests", "GET", STAFF),
    *rule("desk.my_export", "GET", STAFF, args=_mine),
    *rule("desk.my_evaluations", "GET", STAFF),
    *rule("desk.my_evaluation", "GET", "tech", denied=_NOT_YOURS),
    *rule("portal.surveys", "GET", EVERYONE),
    *rule("portal.periodic_survey", "GET POST", EVERYONE),
    *rule("portal.request_survey", "GET POST", "employee", denied=_NOT_ASKED,
          args={"number": lambda w: w.surveyed_number}),
    *rule("admin.surveys_admin", "GET POST", MANAGERS),
    *rule("admin.delete_survey_question", "POST", MANAGERS, deletes=True),
    *rule("admin.new_survey", "GET POST", MANAGERS),
    *rule("admin.edit_survey", "GET POST", MANAGERS),
]

ARGS = {
    "cycle_id": lambda w: w.cycle_id,
    "evaluation_id": lambda w: w.evaluation_id,
    "survey_id": lambda w: w.survey_id,
    "question_id": lambda w: w.question_id,
}


def build(session, helpdesk, world):
    """A closed request of the employee with its survey, a periodic survey sent to everyone,
    a closing question, and a cycle with the technician's closed evaluation."""
    p = world.people
    details = dict(helpdesk.host.sample_requests("email_admin")[0].details)
    req = svc.submit_request(session, p.employee, category="email_admin", title="Surveyed",
                             details=details)
    svc.transition(session, p.lead, req.id, "force_close", {"reason": "Done by phone"})
    world.surveyed_number = req.number
    survey = svc.save_survey(session, p.admin, None, {"title": "IT in 2030"})
    svc.add_survey_question(session, p.admin, survey.id, {"text": "Rate IT", "kind": "rating",
                                                          "required": True})
    svc.send_survey(session, p.admin, survey.id)
    world.survey_id = survey.id
    world.question_id = svc.save_category_question(
        session, p.admin, None, "*", {"text": "Polite?", "kind": "yesno"}).id
    cycle = svc.create_cycle(session, p.manager, name="2030", kind="monthly",
                             starts_on=date(2030, 1, 1))
    world.cycle_id = cycle.id
    mine = next(e for e in cycle.evaluations if e.technician_id == p.tech.id)
    svc.save_evaluation(session, p.manager, mine.id, {"score": "4", "comments": "Good"},
                        close=True)
    world.evaluation_id = mine.id

