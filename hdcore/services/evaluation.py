"""Staff evaluation cycles: the manager opens a cycle over a period, reads each technician's
figures, gives a score and comments and closes the evaluation; technicians read their own."""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore.analytics import reports
from hdcore.analytics.filters import Filters
from hdcore.analytics.plugin import EVALUATE_PERMISSION
from hdcore.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from hdcore.i18n import _
from hdcore.models import Evaluation, EvaluationCycle, Role, User, utcnow
from hdcore.services.base import company_timezone, host_of, service

KINDS = ("monthly", "quarterly", "custom")
#: Who is evaluated: the people who work requests.
EVALUATED_ROLES = (Role.TECHNICIAN.value, Role.LEAD.value)
COMMENTS_MAX = 10_000


def _require_manager(session: Session, actor: User | None) -> None:
    if actor is None or not host_of(session).has_permission(actor, EVALUATE_PERMISSION):
        raise PermissionDenied(str(_("Only managers can run evaluations.")))


def period_of(kind: str, starts_on: date | None, ends_on: date | None) -> tuple[date, date]:
    """The period a cycle covers: the month or quarter of ``starts_on``, or the given days."""
    errors: dict[str, list[str]] = {}
    if kind not in KINDS:
        errors["kind"] = [str(_("Choose monthly, quarterly or custom."))]
    if starts_on is None:
        errors["starts_on"] = [str(_("Give a date as YYYY-MM-DD."))]
    if errors:
        raise ValidationFailed(errors)
    assert starts_on is not None
    if kind == "monthly":
        first = starts_on.replace(day=1)
        return first, first.replace(day=calendar.monthrange(first.year, first.month)[1])
    if kind == "quarterly":
        month = 3 * ((starts_on.month - 1) // 3) + 1
        first = date(starts_on.year, month, 1)
        last_month = month + 2
        return first, date(first.year, last_month,
                           calendar.monthrange(first.year, last_month)[1])
    if ends_on is None:
        raise ValidationFailed({"ends_on": [str(_("Give a date as YYYY-MM-DD."))]})
    if ends_on < starts_on:
        raise ValidationFailed({"ends_on": [str(_("The period must start before it ends."))]})
    if (ends_on - starts_on).days > 366:
        raise ValidationFailed({"ends_on": [str(_("A cycle covers at most a year."))]})
    return starts_on, ends_on


@service
def create_cycle(session: Session, actor: User, *, name: str, kind: str,
                 starts_on: date | None, ends_on: date | None = None,
                 technicians: list[int] | None = None) -> EvaluationCycle:
    """Open a cycle over a period with one draft evaluation per technician (every active
    technician and lead unless ``technicians`` names some)."""
    _require_manager(session, actor)
    errors: dict[str, list[str]] = {}
    name = name.strip() if isinstance(name, str) else ""
    if not name:
        errors["name"] = [str(_("This field is required."))]
    elif len(name) > 120:
        errors["name"] = [str(_("At most %(n)d characters.")) % {"n": 120}]
    try:
        first, last = period_of(kind, starts_on, ends_on)
    except ValidationFailed as exc:
        errors.update(exc.errors)
        first = last = date.today()
    q = select(User).where(User.role.in_(EVALUATED_ROLES), User.is_active.is_(True))
    if technicians is not None:
        q = q.where(User.id.in_(technicians))
    people = list(session.scalars(q.order_by(User.full_name)))
    if technicians is not None and len(people) != len(set(technicians)):
        errors["technicians"] = [str(_("Choose active technicians only."))]
    elif not people:
        errors["technicians"] = [str(_("There is nobody to evaluate."))]
    if errors:
        raise ValidationFailed(errors)
    cycle = EvaluationCycle(name=name, kind=kind, starts_on=first, ends_on=last,
                            created_by_id=actor.id, created_at=utcnow(), status="open")
    session.add(cycle)
    for person in people:
        cycle.evaluations.append(Evaluation(technician_id=person.id, status="draft",
                                            comments="", figures={}, updated_at=utcnow()))
    session.flush()
    return cycle


def cycle_filters(session: Session, cycle: EvaluationCycle, technician_id: int) -> Filters:
    """The report filters of one technician over the cycle's period."""
    return Filters(cycle.starts_on, cycle.ends_on, company_timezone(session),
                   person=technician_id)


def person_figures(session: Session, f: Filters) -> dict[str, Any]:
    """The evaluated figures of ``f.person`` over ``f``'s period, as plain values."""
    fig = reports.summary(session, f)
    return {
        "opened": fig.opened, "resolved": fig.resolved, "closed": fig.closed,
        "response_median": fig.response.median, "response_mean": fig.response.mean,
        "response_p90": fig.response.p90, "response_count": fig.response.count,
        "resolution_median": fig.resolution.median, "resolution_mean": fig.resolution.mean,
        "resolution_p90": fig.resolution.p90, "resolution_count": fig.resolution.count,
        "on_time": fig.on_time, "response_on_time": fig.response_on_time_share,
        "reopen_rate": fig.reopen_rate, "reopened": fig.reopened,
        "satisfaction": fig.satisfaction, "rated": fig.rated,
        "escalated": fig.escalated, "tasks_done": reports.tasks_done(session, f, f.person),
    }


@dataclass
class EvaluationView:
    """An evaluation with its figures: the stored snapshot once closed, live before."""

    evaluation: Evaluation
    figures: dict[str, Any]
    filters: Filters


def cycles(session: Session, actor: User) -> list[EvaluationCycle]:
    """Every cycle, newest first (managers only)."""
    _require_manager(session, actor)
    return list(session.scalars(select(EvaluationCycle)
                                .order_by(EvaluationCycle.starts_on.desc(),
                                          EvaluationCycle.id.desc())))


def get_cycle(session: Session, actor: User, cycle_id: int) -> EvaluationCycle:
    """A cycle (managers only); NotFound otherwise."""
    _require_manager(session, actor)
    cycle = session.get(EvaluationCycle, cycle_id)
    if cycle is None:
        raise NotFound(f"no cycle {cycle_id}")
    return cycle


def evaluation_view(session: Session, actor: User, evaluation_id: int) -> EvaluationView:
    """One evaluation: managers read any, a technician only their own closed ones."""
    ev = session.get(Evaluation, evaluation_id)
    if ev is None:
        raise NotFound(f"no evaluation {evaluation_id}")
    manager = host_of(session).has_permission(actor, EVALUATE_PERMISSION)
    if not manager and (ev.technician_id != actor.id or ev.status != "closed"):
        raise NotFound(f"no evaluation {evaluation_id}")
    f = cycle_filters(session, ev.cycle, ev.technician_id)
    figs = dict(ev.figures) if ev.status == "closed" and ev.figures else person_figures(session, f)
    return EvaluationView(ev, figs, f)


def own_evaluations(session: Session, actor: User) -> list[Evaluation]:
    """The closed evaluations of ``actor``, newest first (their history)."""
    return list(session.scalars(
        select(Evaluation).join(EvaluationCycle)
        .where(Evaluation.technician_id == actor.id, Evaluation.status == "closed")
        .order_by(EvaluationCycle.starts_on.desc())))


def history_of(session: Session, actor: User, technician_id: int) -> list[Evaluation]:
    """Every evaluation of a technician, newest first (managers only)."""
    _require_manager(session, actor)
    return list(session.scalars(
        select(Evaluation).join(EvaluationCycle).where(Evaluation.technician_id == technician_id)
        .order_by(EvaluationCycle.starts_on.desc())))


def _checked(data: Mapping[str, Any], *, need_score: bool) -> tuple[int | None, str]:
    errors: dict[str, list[str]] = {}
    raw = data.get("score")
    score: int | None = None
    if raw not in (None, ""):
        try:
            score = int(raw)
        except (TypeError, ValueError):
            score = 0
        if not 1 <= score <= 5:
            errors["score"] = [str(_("Give a score from 1 to 5."))]
    elif need_score:
        errors["score"] = [str(_("Give a score from 1 to 5."))]
    comments = data.get("comments")
    comments = comments.strip() if isinstance(comments, str) else ""
    if len(comments) > COMMENTS_MAX:
        errors["comments"] = [str(_("At most %(n)d characters.")) % {"n": COMMENTS_MAX}]
    if need_score and not comments:
        errors["comments"] = [str(_("Write a few words on the period's work."))]
    if errors:
        raise ValidationFailed(errors)
    return score, comments


@service
def save_evaluation(session: Session, actor: User, evaluation_id: int, data: Mapping[str, Any],
                    *, close: bool = False, expected_version: int | None = None) -> Evaluation:
    """Keep the manager's score and comments; with ``close`` the evaluation becomes final
    (its figures are kept as they stand, and the technician can read it)."""
    _require_manager(session, actor)
    ev = session.get(Evaluation, evaluation_id)
    if ev is None:
        raise NotFound(f"no evaluation {evaluation_id}")
    if expected_version is not None and int(expected_version) != ev.version:
        raise Conflict(str(_("Someone else changed this in the meantime; reload and retry.")))
    if ev.status == "closed":
        raise Conflict(str(_("This evaluation is closed.")))
    score, comments = _checked(data, need_score=close)
    ev.score, ev.comments = score, comments
    ev.evaluator_id = actor.id
    ev.updated_at = utcnow()
    if close:
        ev.figures = person_figures(session, cycle_filters(session, ev.cycle, ev.technician_id))
        ev.status = "closed"
        ev.closed_at = utcnow()
        if all(e.status == "closed" for e in ev.cycle.evaluations):
            ev.cycle.status = "closed"
    session.flush()
    return ev


def default_cycle_start(today: date) -> date:
    """The first day of the previous month (a manager usually evaluates the month gone by)."""
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)
