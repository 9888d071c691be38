"""The knowledge base over HTTP: browse, search, read, vote, write, publish, suggestions."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from hdcore import services as svc
from hdcore.models import KbDeflection, ServiceRequest
from tests.core.sample_plugin import LoanPlugin


@pytest.fixture
def plugins():
    return [LoanPlugin()]


def published(session, people, title, solution, **kw):
    art = svc.create_article(session, people.tech, title=title, solution=solution, **kw)
    return svc.change_article_status(session, people.lead, art.id, "publish")


def test_employee_searches_reads_and_votes(browser, people, session):
    art = published(session, people, "打印机卡纸怎么办", "打开前盖<b>取出</b>纸张",
                    category="loan")
    internal = published(session, people, "打印服务器重启", "ssh", visibility="staff")
    b = browser("zhang.wei")

    page = b.get("/kb/?q=打印").get_data(as_text=True)
    assert "<mark>打印</mark>机卡纸怎么办" in page
    assert "打印服务器重启" not in page
    assert b.get(f"/kb/a/{internal.id}").status_code == 404

    html = b.get(f"/kb/a/{art.id}").get_data(as_text=True)
    assert "<b>取出</b>" in html  # the stored, sanitised HTML is shown as HTML
    resp = b.post(f"/kb/a/{art.id}/vote", {"helpful": "yes"})
    assert resp.status_code == 302
    session.rollback()
    session.refresh(art)
    assert (art.views, art.helpful) == (1, 1)

    listing = b.get("/kb/?category=loan").get_data(as_text=True)
    assert "打印机卡纸怎么办" in listing


def test_search_in_requests_is_for_staff_only(browser, people, session):
    svc.submit_request(session, people.employee, category="loan", title="投影仪借用",
                       details={"item": "projector", "days": 1})
    staff = browser("li.na").get("/kb/?q=投影仪&in=requests").get_data(as_text=True)
    assert "<mark>投影仪</mark>" in staff
    mine = browser("zhang.wei").get("/kb/?q=投影仪&in=requests").get_data(as_text=True)
    assert "<mark>投影仪</mark>" not in mine  # employees search articles only


def test_technician_writes_the_lead_publishes_and_versions_restore(browser, people, session):
    tech = browser("li.na")
    resp = tech.post("/kb/new", {"title": "", "solution": "", "visibility": "everyone"})
    assert resp.status_code == 422 and "A title is required." in resp.get_data(as_text=True)
    resp = tech.post("/kb/new", {"title": "VPN 809", "solution": "<script>x</script>重启",
                                 "tags": "vpn，网络", "visibility": "everyone",
                                 "category": "loan"}, page="/kb/new")
    art_id = int(resp.location.rsplit("/", 1)[1])
    page = tech.get(f"/kb/a/{art_id}").get_data(as_text=True)
    assert "<script>x" not in page and "Submit for review" in page and "Publish" not in page
    tech.post(f"/kb/a/{art_id}/edit", {"title": "VPN 错误 809", "solution": "换网络",
                                       "visibility": "everyone", "version": "1"})
    tech.post(f"/kb/a/{art_id}/step/submit", {}, page=f"/kb/a/{art_id}")

    lead = browser("wang.fang")
    assert "Publish" in lead.get(f"/kb/a/{art_id}").get_data(as_text=True)
    lead.post(f"/kb/a/{art_id}/step/publish", {}, page=f"/kb/a/{art_id}")
    history = lead.get(f"/kb/a/{art_id}/versions").get_data(as_text=True)
    assert "Version 4" in history and "Restore this version" in history
    lead.post(f"/kb/a/{art_id}/versions/1/restore", {}, page=f"/kb/a/{art_id}/versions")
    emp = browser("zhang.wei").get(f"/kb/a/{art_id}").get_data(as_text=True)
    assert "VPN 809" in emp and "重启" in emp
    assert browser("zhang.wei").get("/kb/new").status_code == 403


def test_stale_edit_keeps_the_text_and_says_so(browser, people, session):
    art = svc.create_article(session, people.tech, title="Old", solution="x")
    svc.update_article(session, people.lead, art.id, title="Changed meanwhile")
    resp = browser("li.na").post(f"/kb/a/{art.id}/edit", {
        "title": "Mine", "solution": "my text", "visibility": "everyone", "version": "1"})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 409 and "my text" in html and "meanwhile" in html


def test_suggestions_then_this_solved_it_files_nothing(browser, people, session):
    art = published(session, people, "笔记本电脑无法开机", "长按电源键十秒", category="loan")
    published(session, people, "内部：电源维修", "x", visibility="staff")
    b = browser("zhang.wei")
    form = b.get("/portal/new/loan").get_data(as_text=True)
    assert 'id="kb-suggest"' in form and "kb.js" in form

    data = b.get("/kb/suggest.json?q=电脑开不了机&category=loan").get_json()
    assert [a["id"] for a in data["articles"]] == [art.id]
    assert "<mark>电脑</mark>" in data["articles"][0]["title_html"]
    assert browser("li.na").get("/kb/suggest.json?q=电源").get_json()["articles"][0]["id"] \
        == art.id  # staff get what employees get: never internal articles

    url = data["articles"][0]["url"]
    page = b.get(url).get_data(as_text=True)
    assert "This solved it" in page
    resp = b.post(f"/kb/a/{art.id}/solved", {"category": "loan", "query": "电脑开不了机"},
                  page=url)
    assert resp.status_code == 200 and "Nothing was filed" in resp.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(ServiceRequest)) == 0
    row = session.scalars(select(KbDeflection)).one()
    assert (row.category, row.query, row.article_id) == ("loan", "电脑开不了机", art.id)


def test_save_as_article_from_a_resolved_request(browser, people, session):
    req = svc.submit_request(session, people.employee, category="loan", title="Laptop",
                             description="For a trip", details={"item": "laptop", "days": 2})
    svc.assign(session, people.lead, req.id, assignee="li.na")
    svc.transition(session, people.tech, req.id, "start")
    tech = browser("li.na")
    assert "Save as article" not in tech.get(f"/desk/r/{req.number}").get_data(as_text=True)
    svc.resolve(session, people.tech, req.id, "Lent NB-7.")
    page = tech.get(f"/desk/r/{req.number}").get_data(as_text=True)
    assert "Save as article" in page
    resp = tech.post(f"/kb/from-request/{req.number}", {}, page=f"/desk/r/{req.number}")
    assert "/edit" in resp.location
    page = tech.get(f"/desk/r/{req.number}").get_data(as_text=True)
    assert "Article #" in page


def test_files_are_uploaded_with_the_article_and_downloaded_by_readers(browser, people,
                                                                       session):
    import io

    tech = browser("li.na")
    html = tech.get("/kb/new").get_data(as_text=True)
    from tests.web.conftest import csrf_of

    resp = tech.client.post("/kb/new", data={
        "csrf_token": csrf_of(html), "title": "打印机驱动", "solution": "安装附件中的驱动",
        "visibility": "everyone", "files": (io.BytesIO(b"driver notes"), "驱动说明.txt")},
        content_type="multipart/form-data")
    art_id = int(resp.location.rsplit("/", 1)[1])
    svc.change_article_status(session, people.lead, art_id, "publish")
    page = browser("zhang.wei").get(f"/kb/a/{art_id}").get_data(as_text=True)
    assert "驱动说明.txt" in page
    file_id = int(page.split("/kb/files/")[1].split('"')[0])
    download = browser("zhang.wei").get(f"/kb/files/{file_id}")
    assert download.status_code == 200 and download.data == b"driver notes"
    assert "attachment" in download.headers["Content-Disposition"]
    download.close()
    assert browser("zhang.wei").post(f"/kb/files/{file_id}/remove", {},
                                     page=f"/kb/a/{art_id}").status_code == 403
    tech.post(f"/kb/files/{file_id}/remove", {}, page=f"/kb/a/{art_id}/edit")
    assert browser("zhang.wei").get(f"/kb/files/{file_id}").status_code == 404
