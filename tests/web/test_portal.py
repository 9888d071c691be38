"""The employee portal over HTTP: sign in, file a request, follow it, reply, close, rate."""

from __future__ import annotations

import re

import pytest

from hdcore import services as svc
from tests.core.sample_plugin import LoanPlugin


@pytest.fixture
def plugins():
    return [LoanPlugin()]


def reload(session, obj):
    """See what other connections committed: end this session's snapshot, then re-read."""
    session.rollback()
    session.refresh(obj)
    return obj


def errors_on(html: str) -> list[str]:
    return re.findall(r'class="error">([^<]*)<', html)


def test_sign_in_lands_on_my_requests(browser, people):
    b = browser()
    assert b.get("/").status_code == 302
    resp = b.login("zhang.wei", "wrong")
    assert resp.status_code == 200 and "Wrong user name or password" in resp.get_data(as_text=True)
    resp = b.login("zhang.wei")
    assert resp.location == "/"
    assert b.get("/").location == "/portal/"
    assert "My requests" in b.get("/portal/").get_data(as_text=True)


def test_next_redirect_stays_on_the_site(browser, people):
    b = browser()
    resp = b.post("/login?next=https://evil.example/", {"username": "zhang.wei",
                                                        "password": "demo"}, page="/login")
    assert resp.location == "/"
    b2 = browser()
    resp = b2.post("/login?next=/portal/new", {"username": "zhang.wei", "password": "demo"},
                   page="/login")
    assert resp.location == "/portal/new"


def test_post_without_csrf_token_is_refused(browser, people):
    b = browser("zhang.wei")
    resp = b.client.post("/portal/new/loan", data={"title": "x"})
    assert resp.status_code == 400


def test_form_shows_every_error_next_to_its_field_and_keeps_input(browser, people, session):
    b = browser("zhang.wei")
    resp = b.post("/portal/new/loan", {"title": "", "description": "keep me",
                                       "details.item": "car"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert errors_on(html) == ["A short title is required.", "Must be one of: laptop, projector.",
                               "Missing data for required field."]
    assert "keep me" in html
    assert session.scalars(svc.visible_requests(people.employee)).all() == []


def test_file_follow_reply_close_and_rate(browser, people, session):
    b = browser("zhang.wei")
    resp = b.post("/portal/new/loan", {"title": "Laptop for Shanghai trip",
                                       "details.item": "laptop", "details.days": "4"})
    number = resp.location.rsplit("/", 1)[-1]
    assert resp.location == f"/portal/r/{number}"
    req = svc.get_request(session, number)
    svc.assign(session, people.lead, req.id, assignee="li.na")
    svc.add_comment(session, people.tech, req.id, "Secret: VIP", internal=True)
    svc.transition(session, people.tech, req.id, "wait_requester", {"message": "Which day?"})

    page = b.get(f"/portal/r/{number}").get_data(as_text=True)
    assert "Which day?" in page and "Secret: VIP" not in page
    b.post(f"/portal/r/{number}/reply", {"body": "Monday morning"}, page=f"/portal/r/{number}")
    reload(session, req)
    assert req.status == "assigned"  # the reply puts it back where it was waiting from

    svc.resolve(session, people.tech, req.id, "Laptop NB-7 is ready at the IT desk.")
    page = b.get(f"/portal/r/{number}").get_data(as_text=True)
    assert "IT says this is solved" in page and "Confirm and close" in page
    b.post(f"/portal/r/{number}/step/close", {"version": str(req.version)},
           page=f"/portal/r/{number}")
    reload(session, req)
    assert req.status == "closed"
    b.post(f"/portal/r/{number}/rate", {"score": "5", "comment": "Fast"},
           page=f"/portal/r/{number}")
    reload(session, req)
    assert req.rating == 5


def test_someone_elses_request_is_not_found(browser, people, session):
    req = svc.submit_request(session, people.employee, category="loan", title="Mine",
                             details={"item": "laptop", "days": 1})
    b = browser("liu.yang")
    assert b.get(f"/portal/r/{req.number}").status_code == 404
    assert b.client.post(f"/portal/r/{req.number}/reply",
                         data={"body": "x", "csrf_token": "bad"}).status_code in (400, 404)


def test_chinese_browser_gets_chinese_labels(browser, people):
    b = browser("zhang.wei")
    html = b.get("/portal/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.8"}).get_data(
        as_text=True)
    assert 'lang="zh-CN"' in html


def test_attach_files_and_download_them_under_their_name(browser, people, session):
    import io

    b = browser("zhang.wei")
    html = b.get("/portal/new/loan").get_data(as_text=True)
    from tests.web.conftest import csrf_of

    resp = b.client.post("/portal/new/loan", data={
        "csrf_token": csrf_of(html), "title": "Screen flickers", "details.item": "laptop",
        "details.days": "2", "files": [(io.BytesIO(b"shot"), "屏幕截图.png")],
    }, content_type="multipart/form-data")
    number = resp.location.rsplit("/", 1)[-1]
    page = b.get(f"/portal/r/{number}").get_data(as_text=True)
    assert "屏幕截图.png" in page
    link = re.search(r'href="(/attachments/\d+)"', page).group(1)
    with b.get(link) as download:
        assert download.data == b"shot"
        assert download.headers["X-Content-Type-Options"] == "nosniff"
        assert "filename*=UTF-8''%E5%B1%8F" in download.headers["Content-Disposition"]
        assert download.headers["Content-Disposition"].startswith("attachment")
    assert browser("liu.yang").get(link).status_code == 404


def test_refused_file_keeps_the_form_and_files_nothing(browser, people, session):
    import io

    from tests.web.conftest import csrf_of

    b = browser("zhang.wei")
    html = b.get("/portal/new/loan").get_data(as_text=True)
    resp = b.client.post("/portal/new/loan", data={
        "csrf_token": csrf_of(html), "title": "Tool", "details.item": "laptop",
        "details.days": "2", "files": [(io.BytesIO(b"MZ"), "setup.exe")],
    }, content_type="multipart/form-data")
    assert resp.status_code == 200
    assert "not accepted" in resp.get_data(as_text=True)
    assert session.scalars(svc.visible_requests(people.employee)).all() == []


# -- promised times and the steps -------------------------------------------------------------


def test_my_requests_and_the_request_page_show_when_it_promised_to_answer(browser, people,
                                                                         session):
    from datetime import UTC, datetime

    from sqlalchemy import delete

    from hdcore.models import SlaPolicy

    # The due times are set by hand below; without SLA policies the SLA leaves them alone.
    session.execute(delete(SlaPolicy))
    session.commit()

    b = browser("zhang.wei")
    resp = b.post("/portal/new/loan", {"title": "Projector for the audit",
                                       "details.item": "projector", "details.days": "2"})
    number = resp.location.rsplit("/", 1)[-1]
    req = svc.get_request(session, number)
    req.response_due_at = req.resolve_due_at = None  # no time target
    session.commit()
    page = b.get(f"/portal/r/{number}").get_data(as_text=True)
    assert re.search(r"<dt>First answer</dt><dd>\s*<span class=\"muted\">—</span>", page)
    # The time targets, as the service-level sweep stores them (in UTC; shown in Shanghai).
    req.response_due_at = datetime(2030, 1, 7, 2, 0, tzinfo=UTC)
    req.resolve_due_at = datetime(2030, 1, 9, 9, 30, tzinfo=UTC)
    session.commit()

    listing = b.get("/portal/").get_data(as_text=True)
    assert "answer by 2030-01-07 10:00" in listing
    page = b.get(f"/portal/r/{number}").get_data(as_text=True)
    assert "promised by 2030-01-07 10:00" in page and "promised by 2030-01-09 17:30" in page
    assert re.search(r"Filed \d{4}-\d\d-\d\d \d\d:\d\d", page)

    svc.assign(session, people.lead, req.id, assignee="li.na")
    svc.transition(session, people.tech, req.id, "start")
    listing = b.get("/portal/").get_data(as_text=True)
    assert "solution by 2030-01-09 17:30" in listing  # answered: the solution is next
    page = b.get(f"/portal/r/{number}").get_data(as_text=True)
    assert "promised by 2030-01-07" not in page


def test_steps_that_need_input_open_below_their_button(browser, people, session):
    b = browser("zhang.wei")
    resp = b.post("/portal/new/loan", {"title": "Laptop", "details.item": "laptop",
                                       "details.days": "2"})
    number = resp.location.rsplit("/", 1)[-1]
    req = svc.get_request(session, number)
    svc.assign(session, people.lead, req.id, assignee="li.na")
    svc.transition(session, people.tech, req.id, "start")
    svc.resolve(session, people.tech, req.id, "Laptop NB-7 is ready.")
    page = b.get(f"/portal/r/{number}").get_data(as_text=True)
    # Confirming is one click; "not fixed" and cancelling ask for a reason behind their button.
    assert re.search(r'<form [^>]*class="inline step-quick" id="step-close">', page)
    reopen = re.search(r'<details class="step-details" id="step-reopen"\s*>\s*'
                       r'<summary class="button ">Not fixed: reopen</summary>', page)
    assert reopen, "the reason for 'not fixed' is folded behind its button"
    assert "<script" not in page.split("<main")[1] and "style=" not in page

    session.refresh(req)
    resp = b.post(f"/portal/r/{number}/step/reopen", {"version": str(req.version),
                                                      "reopen.reason": "  "},
                  page=f"/portal/r/{number}")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert '<details class="step-details" id="step-reopen" open>' in html
    assert errors_on(html)  # next to the reason
    session.refresh(req)
    assert req.status == "resolved"


def test_a_refused_step_is_explained_with_its_reasons(browser, people, session):
    b = browser("zhang.wei")
    resp = b.post("/portal/new/loan", {"title": "Laptop", "details.item": "laptop",
                                       "details.days": "2"})
    number = resp.location.rsplit("/", 1)[-1]
    req = svc.get_request(session, number)
    resp = b.post(f"/portal/r/{number}/step/close", {"version": str(req.version)},
                  page=f"/portal/r/{number}")
    assert resp.status_code == 302
    html = b.get(f"/portal/r/{number}").get_data(as_text=True)
    assert "flash flash-error" in html and "Confirm and close" in html


def test_each_category_card_has_a_picture_drawn_inline(browser, people):
    html = browser("zhang.wei").get("/portal/new").get_data(as_text=True)
    card = html.split('href="/portal/new/loan"')[1].split("</a>")[0]
    # A category the icons do not know gets the generic ticket; no image file, no style.
    assert re.search(r'<span class="cat-icon cat-loan\s*" aria-hidden="true"><svg viewBox', card)
    assert "<img" not in card and "style=" not in card
