"""The access matrix's declarations: for every route, who may call it and what others get.

One line per endpoint and method::

    rule("portal.detail", "GET", VIEWERS, denied=404)

- the roles allowed (a string of role names, or one of the sets below); an allowed role gets
  anything but a refusal (2xx, 3xx other than to the login page, 400/409/422 for the empty or
  invalid input the matrix sends);
- ``denied``: what every other signed-in role gets, 403 or 404 (a tuple of statuses: any of
  them; a dict: per role, the others 403);
- ``expect``: the exact status allowed roles get, where a plain "not refused" is not enough
  (signing out answers a redirect to the login page);
- ``anonymous``: ``LOGIN`` (302 to the login page, the default for pages), ``401`` (the
  default for the API), or ``OK`` for public routes;
- ``args``: URL arguments for this route only (the shared ones come from :data:`ARGS`).

Areas declare their routes in their own module ``tests/security/access_<area>.py`` holding
``RULES`` (a list of ``rule(...)``), and optionally ``ARGS`` (URL argument name -> function of
the world giving its value) and ``build(session, helpdesk, world)`` (makes the objects those
arguments name, owned by someone else: set attributes on ``world``). Every module of this
folder named ``access_*.py`` is read. The matrix fails for any route without a declaration.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore import HelpDesk
from hdcore import services as svc

#: Every signed-in role of the world: the requests belong to ``employee`` (Finance, whose head
#: is ``head``) and are worked on by ``tech`` (group Applications); ``other`` is another
#: employee (Sales), ``tech2`` another technician (group Infrastructure).
EVERYONE = "employee other head tech tech2 lead manager admin"
STAFF = "tech tech2 lead manager admin"
DISPATCHERS = "lead manager admin"
MANAGERS = "manager admin"
ADMIN = "admin"
#: Who manages resources, routing, counters and threshold rules (the lead and administrators).
LEAD_ADMIN = "lead admin"
#: Who may see the employee's ordinary request.
VIEWERS = "employee head " + STAFF
#: Who works on it.
WORKERS = "tech lead manager admin"

LOGIN = "login"
OK = "ok"


@dataclass(frozen=True)
class Rule:
    """The expected answers of one endpoint and method."""

    endpoint: str
    method: str
    allowed: frozenset[str]
    denied: int | tuple[int, ...] | dict[str, int] = 403
    anonymous: str | int = LOGIN
    expect: int | None = None
    args: dict[str, Callable[[SimpleNamespace], Any]] = field(default_factory=dict)
    #: The action deletes its object: once one allowed role has done it, the next allowed
    #: ones find nothing (404), as they would after a colleague.
    deletes: bool = False

    @property
    def key(self) -> str:
        return f"{self.endpoint} {self.method}"

    def denial(self, role: str) -> tuple[int, ...]:
        """What ``role`` (not allowed) may get."""
        if isinstance(self.denied, dict):
            return (self.denied.get(role, 403),)
        return self.denied if isinstance(self.denied, tuple) else (self.denied,)


def rule(endpoint: str, methods: str, allowed: str, *,
         denied: int | tuple[int, ...] | dict[str, int] = 403,
         anonymous: str | int | None = None, expect: int | None = None,
         args: dict[str, Callable[[SimpleNamespace], Any]] | None = None,
         deletes: bool = False) -> list[Rule]:
    """Declare ``endpoint`` for each of ``methods`` (``"GET POST"``)."""
    anon = anonymous if anonymous is not None else (
        401 if endpoint.startswith("api_") else LOGIN)
    return [Rule(endpoint, m, frozenset(allowed.split()), denied, anon, expect, args or {},
                 deletes) for m in methods.split()]


# -- the core's objects the URL arguments name -------------------------------------------------


def build(session: Session, hd: HelpDesk, w: SimpleNamespace) -> None:
    """Objects of the administration areas and the mail intake (the requests, comments, task,
    attachment and tokens are made by the conftest)."""
    from hdcore.mail import intake
    from hdcore.models import Notification, OutboxMessage

    p = w.people
    cal = svc.save_calendar(session, None, name="Shanghai office", timezone="Asia/Shanghai",
                            week=["09:00-18:00"] * 5 + ["", ""])
    w.calendar = cal
    w.calendar_day = svc.add_calendar_day(session, None, cal.id, day=date(2030, 10, 1),
                                          kind="holiday", name="National Day")
    w.skill = svc.create_skill(session, None, name="Exchange")
    w.routing_rule = svc.create_rule(session, None, category="email_admin", name="Mail to apps",
                                     group=p.apps)
    w.leave = svc.add_leave(session, None, p.tech2, starts_on=date(2030, 1, 2),
                            ends_on=date(2030, 1, 3))
    svc.save_policy(session, None, category="email_admin", priority="normal",
                    response_minutes=60, resolution_minutes=480, calendar_id=cal.id,
                    vendor_pauses=True, levels=[])
    svc.save_reminder_policy(session, None, category="email_admin", reminder_days=[2],
                             close_after_days=5, reopen_days=7)
    session.flush()
    raw = (
        b"From: Stranger <stranger@outside.example>\r\nTo: helpdesk@example.com\r\n"
        b"Subject: Zqx7RequestMark printer\r\nMessage-ID: <m1@outside.example>\r\n"
        b"Date: Mon, 1 Jan 2024 09:00:00 +0800\r\n\r\nZqx7RequestMark my printer is broken\r\n")
    stored = intake.store(session, raw, source="test")
    intake.process(session, stored.message.id)
    w.mail_id = stored.message.id
    session.flush()
    w.outbox_id = session.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id)) or 1
    w.notification_id = session.scalar(
        select(Notification.id).where(Notification.user_id == p.employee.id)
        .order_by(Notification.id)) or 1


#: Shared URL arguments, by name.
ARGS: dict[str, Callable[[SimpleNamespace], Any]] = {
    "number": lambda w: w.request.number,
    "request_id": lambda w: w.request.number,
    "task_id": lambda w: w.task.id,
    "attachment_id": lambda w: w.attachment.id,
    "user_id": lambda w: w.people.bystander.id,
    "dept_id": lambda w: w.people.employee.department_id,
    "group_id": lambda w: w.people.infra.id,
    "calendar_id": lambda w: w.calendar.id,
    "day_id": lambda w: w.calendar_day.id,
    "skill_id": lambda w: w.skill.id,
    "rule_id": lambda w: w.routing_rule.id,
    "leave_id": lambda w: w.leave.id,
    "message_id": lambda w: w.mail_id,
    "notification_id": lambda w: w.notification_id,
    "category": lambda w: "email_admin",
    "priority": lambda w: "normal",
    "name": lambda w: "email_admin",
    "action": lambda w: "start",
    "code": lambda w: "zh_Hans_CN",
    "filename": lambda w: "app.css",
}

_outbox = {"message_id": lambda w: w.outbox_id}
_step = {"name": lambda w: "resolve"}
#: The API checks a body before looking the object up (so a number that does not exist and one
#: the caller may not see answer alike): someone else's request answers 422 or 404.
_BODY_FIRST = (404, 422)
_tech2 = {"user_id": lambda w: w.ids["tech2"]}

RULES: list[Rule] = [
    *rule("home", "GET", EVERYONE),
    *rule("healthz", "GET", EVERYONE, anonymous=OK),
    *rule("static", "GET", EVERYONE, anonymous=OK),
    *rule("set_language", "POST", EVERYONE, anonymous=OK),
    *rule("auth.login", "GET POST", EVERYONE, anonymous=OK),
    *rule("auth.logout", "POST", EVERYONE, expect=302),
    # Own account and notifications.
    *rule("account.preferences", "GET POST", EVERYONE),
    *rule("account.notification_settings", "GET POST", EVERYONE),
    *rule("account.password", "POST", EVERYONE),
    *rule("notifications.inbox", "GET", EVERYONE),
    *rule("notifications.read_all", "POST", EVERYONE),
    *rule("notifications.open_one", "GET", "employee", denied=404),
    # Files: through the request they belong to.
    *rule("files.download", "GET", VIEWERS, denied=404),
    # The portal.
    *rule("portal.index", "GET", EVERYONE),
    *rule("portal.choose_category", "GET", EVERYONE),
    *rule("portal.new_request", "GET POST", EVERYONE),
    *rule("portal.detail", "GET", VIEWERS, denied=404),
    *rule("portal.reply", "POST", VIEWERS, denied=404),
    *rule("portal.step", "POST", VIEWERS, denied=404, args=_step),
    *rule("portal.rate", "POST", VIEWERS, denied=404),
    *rule("portal.escalate", "POST", VIEWERS, denied=404),
    # The desk: IT staff.
    *rule("desk.queue", "GET", STAFF),
    *rule("desk.request", "GET", STAFF),
    *rule("desk.sla", "GET", STAFF),
    *rule("desk.assign", "POST", STAFF),
    *rule("desk.attach", "POST", STAFF),
    *rule("desk.comment", "POST", STAFF),
    *rule("desk.edit", "GET POST", STAFF),
    *rule("desk.escalate", "POST", STAFF),
    *rule("desk.de_escalate", "POST", DISPATCHERS),
    *rule("desk.step", "POST", STAFF, args=_step),
    *rule("desk.take", "POST", STAFF),
    *rule("desk.add_task", "POST", STAFF),
    *rule("desk.task", "GET", STAFF),
    *rule("desk.task_action", "POST", STAFF),
    # Dispatch: the lead, managers, administrators.
    *rule("dispatch.intake", "GET", DISPATCHERS),
    *rule("dispatch.mail", "GET", DISPATCHERS),
    *rule("dispatch.mail_message", "GET", DISPATCHERS),
    *rule("dispatch.mail_discard", "POST", DISPATCHERS),
    *rule("dispatch.mail_file", "POST", DISPATCHERS),
    *rule("dispatch.mail_raw", "GET", DISPATCHERS),
    *rule("dispatch.people_search", "GET", DISPATCHERS),
    *rule("dispatch.phone", "GET POST", DISPATCHERS),
    *rule("dispatch.assign", "POST", DISPATCHERS),
    *rule("dispatch.force_close", "GET POST", DISPATCHERS),
    *rule("dispatch.split", "GET POST", DISPATCHERS),
    *rule("dispatch.work", "GET", DISPATCHERS),
    *rule("dispatch.workload", "GET", DISPATCHERS),
    # Management.
    *rule("manage.overview", "GET", MANAGERS),
    *rule("manage.escalations", "GET", MANAGERS),
    *rule("manage.de_escalate", "POST", MANAGERS),
    *rule("manage.reassign", "POST", MANAGERS),
    # Administration.
    *rule("admin.index", "GET", DISPATCHERS, expect=302),
    *rule("admin.calendars", "GET", ADMIN),
    *rule("admin.edit_calendar", "GET POST", ADMIN),
    *rule("admin.add_calendar_day", "POST", ADMIN),
    *rule("admin.remove_calendar_day", "POST", ADMIN),
    *rule("admin.delete_calendar", "POST", ADMIN),
    *rule("admin.import_official_days", "POST", ADMIN),
    *rule("admin.new_calendar", "GET POST", ADMIN),
    *rule("admin.departments", "GET", ADMIN),
    *rule("admin.edit_department", "GET POST", ADMIN),
    *rule("admin.new_department", "GET POST", ADMIN),
    *rule("admin.groups", "GET", ADMIN),
    *rule("admin.edit_group", "GET POST", ADMIN),
    *rule("admin.delete_group", "POST", ADMIN),
    *rule("admin.new_group", "GET POST", ADMIN),
    *rule("admin.mail", "GET", ADMIN),
    *rule("admin.mail_message", "GET", ADMIN),
    *rule("admin.mail_discard", "POST", ADMIN),
    *rule("admin.mail_file", "POST", ADMIN),
    *rule("admin.mail_raw", "GET", ADMIN),
    *rule("admin.outbox", "GET", ADMIN),
    *rule("admin.retry_message", "POST", ADMIN, args=_outbox),
    *rule("admin.retry_dead", "POST", ADMIN),
    *rule("admin.plugins", "GET", ADMIN),
    *rule("admin.plugin_settings", "POST", ADMIN),
    *rule("admin.switch_plugin", "POST", ADMIN),
    *rule("admin.resources", "GET", LEAD_ADMIN),
    *rule("admin.person_resources", "GET", LEAD_ADMIN, args=_tech2),
    *rule("admin.person_capacity", "POST", LEAD_ADMIN, args=_tech2),
    *rule("admin.add_leave", "POST", LEAD_ADMIN, args=_tech2),
    *rule("admin.delete_leave", "POST", LEAD_ADMIN, args=_tech2, deletes=True),
    *rule("admin.person_skills", "POST", LEAD_ADMIN, args=_tech2),
    *rule("admin.role_capacities_form", "POST", LEAD_ADMIN),
    *rule("admin.routing", "GET", LEAD_ADMIN),
    *rule("admin.routing_category", "GET", LEAD_ADMIN),
    *rule("admin.new_rule", "GET POST", LEAD_ADMIN),
    *rule("admin.routing_switch", "POST", LEAD_ADMIN),
    *rule("admin.group_policy", "POST", LEAD_ADMIN),
    *rule("admin.edit_rule", "GET POST", LEAD_ADMIN),
    *rule("admin.delete_rule", "POST", LEAD_ADMIN, deletes=True),
    *rule("admin.move_rule", "POST", LEAD_ADMIN),
    *rule("admin.skills", "GET POST", LEAD_ADMIN),
    *rule("admin.edit_skill", "GET POST", LEAD_ADMIN),
    *rule("admin.delete_skill", "POST", LEAD_ADMIN, deletes=True),
    *rule("admin.sla_policies", "GET", ADMIN),
    *rule("admin.edit_sla_policy", "GET POST", ADMIN),
    *rule("admin.reset_sla_policy", "POST", ADMIN),
    *rule("admin.edit_sla_reminders", "GET POST", ADMIN),
    *rule("admin.reset_sla_reminders", "POST", ADMIN),
    *rule("admin.users", "GET", ADMIN),
    *rule("admin.edit_user", "GET POST", ADMIN),
    *rule("admin.set_active", "POST", ADMIN),
    *rule("admin.reset_password", "POST", ADMIN),
    *rule("admin.import_users", "GET POST", ADMIN),
    *rule("admin.import_users_rejected", "POST", ADMIN, args={"fmt": lambda w: "csv"}),
    *rule("admin.new_user", "GET POST", ADMIN),
    # The REST API (bearer tokens; anonymous callers get 401).
    *rule("api_auth.create_token", "POST", EVERYONE, anonymous=OK),
    *rule("api_docs.docs_page", "GET", EVERYONE, anonymous=OK),
    *rule("api_docs.openapi_json", "GET", EVERYONE, anonymous=OK),
    *rule("api_categories.list_categories", "GET", EVERYONE),
    *rule("api_requests.list_requests", "GET", EVERYONE),
    *rule("api_requests.create_request", "POST", EVERYONE),
    *rule("api_requests.RequestItem", "GET", VIEWERS, denied=404),
    *rule("api_requests.RequestItem", "PATCH", VIEWERS, denied=(404, 428)),
    *rule("api_requests.assign", "POST", STAFF, denied={"employee": 403, "head": 403,
                                                         "other": 404}),
    *rule("api_requests.close", "POST", VIEWERS, denied=_BODY_FIRST),
    *rule("api_requests.add_comment", "POST", VIEWERS, denied=_BODY_FIRST),
    *rule("api_requests.escalate", "POST", VIEWERS, denied=_BODY_FIRST),
    *rule("api_requests.events", "GET", VIEWERS, denied=404),
    *rule("api_requests.rate", "POST", VIEWERS, denied=_BODY_FIRST),
    *rule("api_requests.reopen", "POST", VIEWERS, denied=_BODY_FIRST),
    *rule("api_requests.add_task", "POST", VIEWERS, denied=_BODY_FIRST),
    *rule("api_requests.take_transition", "POST", VIEWERS, denied=_BODY_FIRST),
    *rule("api_tasks.move_task", "POST", VIEWERS, denied=_BODY_FIRST),
]


# -- collected from every access_*.py of this folder -------------------------------------------


def _modules() -> Iterable[Any]:
    import tests.security as pkg

    yield importlib.import_module(__name__)
    for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda i: i.name):
        if info.name.startswith("access_") and info.name != "access_rules":
            yield importlib.import_module(f"tests.security.{info.name}")


def all_rules() -> dict[str, Rule]:
    """Every declaration, by ``"endpoint METHOD"`` (a route declared twice is an error)."""
    out: dict[str, Rule] = {}
    for module in _modules():
        for r in getattr(module, "RULES", []):
            assert r.key not in out, f"{r.key} is declared twice"
            out[r.key] = r
    return out


def arguments() -> dict[str, Callable[[SimpleNamespace], Any]]:
    """URL argument values, by name, from every module."""
    out: dict[str, Callable[[SimpleNamespace], Any]] = {}
    for module in _modules():
        out.update(getattr(module, "ARGS", {}))
    return out


def builders() -> list[Callable[[Session, HelpDesk, SimpleNamespace], None]]:
    """Every module's ``build`` function."""
    return [m.build for m in _modules() if callable(getattr(m, "build", None))]
