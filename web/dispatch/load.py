"""Who has how much open work (per technician and per group), and the lists behind the numbers."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _

from hdcore import Group, User
from hdcore.models import utcnow
from hdcore.queries.workload import (
    WORK_FLAGS,
    WorkFilter,
    group_workload,
    open_requests_query,
    open_tasks_query,
    staff_workload,
    total_workload,
    unassigned_workload,
)
from web.context import db
from web.dispatch.blueprint import bp
from web.dispatch.common import arg_int
from web.views_common import paginate

TASKS_PER_PAGE = 25


@bp.route("/workload")
def workload() -> str:
    """Open requests, open tasks, overdue and escalated work per technician and per group."""
    now = utcnow()
    return render_template(
        "dispatch/workload.html", people=staff_workload(db(), now=now, include_idle=False),
        groups=group_workload(db(), now=now), nobody=unassigned_workload(db(), now=now),
        total=total_workload(db(), now=now), now=now,
    )


def _work_filter() -> tuple[WorkFilter, str]:
    """The filter the query string asks for, and the page's title; 404 for an unknown id."""
    flag = request.args.get("flag", "")
    flag = flag if flag in WORK_FLAGS else ""
    person_id, group_id = arg_int("assignee"), arg_int("group")
    if person_id is not None:
        person = db().get(User, person_id)
        if person is None:
            abort(404)
        whose = person.full_name
    elif group_id is not None:
        group = db().get(Group, group_id)
        if group is None:
            abort(404)
        whose = group.name
    elif request.args.get("nobody"):
        whose = _("nobody")
    else:
        whose = _("everyone")
    titles = {"": _("Open work of %(whose)s"), "overdue": _("Overdue work of %(whose)s"),
              "escalated": _("Escalated requests of %(whose)s")}
    wf = WorkFilter(assignee_id=person_id, group_id=group_id if person_id is None else None,
                    nobody=bool(request.args.get("nobody")) and person_id is None
                    and group_id is None, flag=flag)
    return wf, titles[flag] % {"whose": whose}


@bp.route("/work")
def work() -> str:
    """The open requests and tasks behind a workload number (``?assignee=``, ``?group=`` or
    ``?nobody=1``, optionally ``&flag=overdue`` or ``&flag=escalated``)."""
    wf, title = _work_filter()
    now = utcnow()
    requests_page = paginate(db(), open_requests_query(db(), wf, now=now))
    tasks_page = paginate(db(), open_tasks_query(wf, now=now),
                          request.args.get("tpage", 1, type=int), TASKS_PER_PAGE)
    args = {k: v for k, v in request.args.items() if k in ("assignee", "group", "nobody", "flag")}
    return render_template("dispatch/work.html", title=title, wf=wf, requests=requests_page,
                           tasks=tasks_page, now=now, args=args,
                           base={k: v for k, v in args.items() if k != "flag"})
