"""The forum: threads and replies, the accepted answer, moderation, a thread becoming a request
and an answer becoming an article."""

from __future__ import annotations

import pytest

from hdcore import Conflict, NotFound, PermissionDenied, TransitionRefused, ValidationFailed
from hdcore import services as svc
from hdcore.queries.forum import boards, threads, visible_posts, visible_thread


def ask(session, people, board="general", **kw):
    args = {"title": "Which laptop for travel?", "body": "I fly to Chengdu next week."}
    args.update(kw)
    return svc.start_thread(session, people.employee, board=board, **args)


def test_boards_are_general_plus_each_enabled_category(session, people):
    ask(session, people)
    assert [(b.key, b.threads) for b in boards(session, people.employee)] == [
        ("general", 1), ("loan", 0)]
    with pytest.raises(ValidationFailed) as exc:
        svc.start_thread(session, people.employee, board="nope", title=" ", body="")
    assert set(exc.value.errors) == {"board", "title", "body"}


def test_replies_and_one_accepted_answer_by_the_author_or_the_lead(session, people):
    thread = ask(session, people)
    first = svc.reply(session, people.tech, thread.id, "Take a ThinkPad X1.")
    second = svc.reply(session, people.other, thread.id, "Or a MacBook Air.")
    assert thread.reply_count == 2
    with pytest.raises(PermissionDenied):
        svc.accept_answer(session, people.other, first.id)
    with pytest.raises(ValidationFailed):
        svc.accept_answer(session, people.employee, thread.posts[0].id)
    svc.accept_answer(session, people.employee, first.id)
    svc.accept_answer(session, people.lead, second.id)
    assert (first.accepted, second.accepted, thread.answered) == (False, True, True)


def test_lead_hides_locks_and_moves(session, people):
    thread = ask(session, people)
    post = svc.reply(session, people.other, thread.id, "spam spam")
    with pytest.raises(PermissionDenied):
        svc.moderate_thread(session, people.tech, thread.id, locked=True)
    svc.moderate_post(session, people.lead, post.id, hidden=True)
    assert visible_posts(people.employee, thread) == [thread.posts[0]]
    assert len(visible_posts(people.lead, thread)) == 2

    svc.moderate_thread(session, people.lead, thread.id, locked=True, board="loan")
    assert thread.board == "loan"
    with pytest.raises(TransitionRefused):
        svc.reply(session, people.employee, thread.id, "hello?")
    svc.reply(session, people.lead, thread.id, "Closed: see the KB.")  # moderators still can

    svc.moderate_thread(session, people.lead, thread.id, hidden=True)
    with pytest.raises(NotFound):
        visible_thread(session, people.employee, thread.id)
    assert threads(session, people.employee)[1] == 0
    assert threads(session, people.lead)[1] == 1


def test_a_thread_becomes_a_request_of_its_author(session, people):
    thread = ask(session, people, board="loan")
    svc.reply(session, people.tech, thread.id, "We can lend one; file it please.")
    with pytest.raises(PermissionDenied):
        svc.thread_to_request(session, people.other, thread.id)

    req = svc.thread_to_request(session, people.tech, thread.id)

    assert thread.request_id == req.id and req.category == "loan"
    assert req.requester_id == people.employee.id and req.title == thread.title
    assert "Chengdu" in req.description and "We can lend one" in req.description
    with pytest.raises(Conflict):
        svc.thread_to_request(session, people.employee, thread.id)
    general = ask(session, people)
    with pytest.raises(ValidationFailed):
        svc.thread_to_request(session, people.employee, general.id)
    mine = svc.thread_to_request(session, people.employee, general.id, category="loan")
    assert mine.requester_id == people.employee.id


def test_the_accepted_answer_becomes_a_kb_draft(session, people):
    thread = ask(session, people, board="loan")
    answer = svc.reply(session, people.tech, thread.id, "Book it in the loan pool <today>.")
    with pytest.raises(TransitionRefused):
        svc.answer_to_article(session, people.tech, thread.id)
    svc.accept_answer(session, people.employee, answer.id)
    with pytest.raises(PermissionDenied):
        svc.answer_to_article(session, people.employee, thread.id)

    art = svc.answer_to_article(session, people.tech, thread.id)

    assert thread.article_id == art.id and art.status == "draft" and art.category == "loan"
    assert art.solution == "<p>Book it in the loan pool &lt;today&gt;.</p>"
