"""A request filed and worked on in one transaction: the derived rows written then (search
document, report figures, SLA due times) are the ones a fresh look at the stored history
gives, each written once, and nothing of the shortcut outlives the transaction."""

from __future__ import annotations

from types import SimpleNamespace

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hdcore import fresh
from hdcore import services as svc
from hdcore.analytics import metrics
from hdcore.models import OutboxMessage, RequestMetrics, SearchDoc, ServiceRequest, User
from hdcore.services.base import service
from hdcore.sla import duetime


def _routed_loans(session: Session, people: SimpleNamespace) -> None:
    tech = svc.create_user(session, None, username="ann", full_name="Ann", role="technician",
                           password="demo", email="ann@example.com")
    svc.create_group(session, None, name="Loans", members=[tech])
    svc.set_routing(session, people.admin, "loan", enabled=True)
    svc.create_rule(session, people.lead, category="loan", name="All loans", group="Loans")


@service
def _file_and_reply(session: Session, employee: User) -> ServiceRequest:
    """One use case that files a request and comments on it before committing."""
    req = svc.submit_request(session, employee, category="loan", title="Borrow a projector",
                             details={"item": "projector", "days": 2})
    svc.add_comment(session, employee, req.id, "Needed for the Friday training, room 3.")
    return req


def test_derived_rows_match_a_fresh_computation_and_are_written_once(session, people):
    _routed_loans(session, people)

    req = _file_and_reply(session, people.employee)

    assert fresh.KEY not in session.info  # committed: the registry is gone
    assert req.assignee is not None and req.assignee.username == "ann"
    docs = session.scalars(select(SearchDoc).where(SearchDoc.kind == "request",
                                                   SearchDoc.ref_id == req.id)).all()
    assert len(docs) == 1 and "friday" in docs[0].body_tokens.lower()
    assert session.scalar(select(func.count()).select_from(RequestMetrics)
                          .where(RequestMetrics.request_id == req.id)) == 1

    session.expire_all()
    req = session.get(ServiceRequest, req.id)
    stored = session.get(RequestMetrics, req.id)
    log = duetime.log_of(session, req)  # read back from the database
    assert [e.kind for e in log] == ["created", "assigned", "comment"]
    again = metrics.figures(session, req, log, people.employee.department_id)
    assert {k: getattr(stored, k) for k in again} == again
    assert stored.assignee_id == req.assignee_id and stored.state == "open"
    _assert_threaded(session, req)
    state = duetime.evaluate(session, req, log)
    assert state is not None
    assert (req.response_due_at, req.resolve_due_at) == (state.response_due_at,
                                                        state.resolve_due_at)


def _assert_threaded(session: Session, req: ServiceRequest) -> None:
    """Every e-mail about the request after the first is threaded under the first."""
    mails = session.scalars(select(OutboxMessage).where(OutboxMessage.request_id == req.id)
                            .order_by(OutboxMessage.id)).all()
    assert len(mails) >= 2 and mails[0].in_reply_to is None
    assert {m.in_reply_to for m in mails[1:]} == {mails[0].message_id}


@service
def _file_and_answer(session: Session, employee: User, tech: User) -> ServiceRequest:
    """Filed, written to the database mid-way, and answered by IT in the same transaction."""
    req = svc.submit_request(session, employee, category="loan", title="Borrow a laptop",
                             details={"item": "laptop", "days": 1})
    session.flush()  # the first e-mail is no longer pending in the session
    assert fresh.is_fresh(session, req.id)
    svc.add_comment(session, tech, req.id, "Pick it up at the IT desk on floor 2.")
    return req


def test_mail_about_a_request_filed_in_the_same_transaction_is_threaded(session, people):
    req = _file_and_answer(session, people.employee, people.tech)
    _assert_threaded(session, req)


def test_a_rolled_back_savepoint_drops_the_registry(session, people):
    session.begin_nested()
    req = svc.submit_request.__wrapped__(  # inside the open transaction, not committing
        session, people.employee, category="loan", title="Borrow a laptop",
        details={"item": "laptop", "days": 1})
    assert fresh.is_fresh(session, req.id)
    session.rollback()  # the savepoint: the request is gone
    assert not fresh.is_fresh(session, req.id)
    session.rollback()
    assert session.get(ServiceRequest, req.id) is None
