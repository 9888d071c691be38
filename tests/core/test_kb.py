"""The knowledge base: writing, the lead's publishing, versions, visibility, feedback."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hdcore import Conflict, NotFound, PermissionDenied, TransitionRefused, ValidationFailed
from hdcore import services as svc
from hdcore.models import Event, KbDeflection
from hdcore.queries.kb import browse, versions, visible_article


def draft(session, people, **kw):
    args = {"title": "VPN 连接失败", "symptom": "Error 809", "solution": "重启 VPN 客户端"}
    args.update(kw)
    return svc.create_article(session, people.tech, **args)


def test_technician_writes_and_only_the_lead_publishes(session, people):
    art = draft(session, people, category="loan", tags=["vpn", "网络"])
    assert art.status == "draft" and art.tags == ["vpn", "网络"]
    svc.change_article_status(session, people.tech, art.id, "submit")
    assert art.status == "review"
    with pytest.raises(PermissionDenied):
        svc.change_article_status(session, people.tech, art.id, "publish")
    svc.change_article_status(session, people.lead, art.id, "publish")
    assert art.status == "published" and art.published_at is not None
    with pytest.raises(TransitionRefused):
        svc.change_article_status(session, people.lead, art.id, "submit")
    svc.change_article_status(session, people.lead, art.id, "retire")
    assert art.status == "retired"
    with pytest.raises(PermissionDenied):
        svc.create_article(session, people.employee, title="x", solution="y")


def test_bad_input_names_every_field_and_writes_nothing(session, people):
    with pytest.raises(ValidationFailed) as exc:
        svc.create_article(session, people.tech, title=" ", solution="", category="nope",
                           visibility="secret", tags=["x" * 50])
    assert set(exc.value.errors) == {"title", "solution", "category", "visibility", "tags"}
    assert browse(session, people.tech)[1] == 0


def test_rich_text_is_sanitised_on_write(session, people):
    art = draft(session, people, solution='<p onclick="x()">Run <script>alert(1)</script>'
                '<a href="javascript:evil()">this</a> <b>now</b></p>')
    assert "script" not in art.solution and "onclick" not in art.solution
    assert "javascript" not in art.solution and "<b>now</b>" in art.solution
    plain = draft(session, people, solution="a < b\nnext line")
    assert plain.solution == "<p>a &lt; b<br>next line</p>"


def test_every_save_is_a_version_and_an_old_one_can_be_restored(session, people):
    art = draft(session, people)
    svc.update_article(session, people.tech, art.id, expected_version=art.version,
                       title="VPN 错误 809")
    svc.update_article(session, people.lead, art.id, expected_version=art.version,
                       solution="换一个网络再试", note="simpler")
    history = versions(session, art)
    assert [v.number for v in history] == [3, 2, 1]
    assert history[0].changes["fields"] == ["solution"] and history[0].author_id == people.lead.id
    assert history[1].changes["fields"] == ["title"]

    stale = art.version - 1
    with pytest.raises(Conflict):
        svc.update_article(session, people.tech, art.id, expected_version=stale, title="x")

    svc.restore_version(session, people.tech, art.id, 1)
    assert art.title == "VPN 连接失败" and "重启" in art.solution
    newest = versions(session, art)[0]
    assert newest.number == 4 and newest.changes["restored_from"] == 1
    assert set(newest.changes["fields"]) == {"title", "solution"}


def test_internal_and_unpublished_articles_are_hidden_from_employees(session, people):
    art = draft(session, people, visibility="staff")
    with pytest.raises(NotFound):
        visible_article(session, people.employee, art.id)
    svc.change_article_status(session, people.lead, art.id, "publish")
    with pytest.raises(NotFound):
        svc.record_view(session, people.employee, art.id)
    assert visible_article(session, people.tech, art.id) is art
    assert browse(session, people.employee)[1] == 0


def test_views_and_helpful_answers_are_counted_once_per_person(session, people):
    art = draft(session, people)
    svc.change_article_status(session, people.lead, art.id, "publish")
    version = art.version
    svc.record_view(session, people.employee, art.id)
    svc.record_view(session, people.other, art.id)
    svc.vote(session, people.employee, art.id, True)
    svc.vote(session, people.employee, art.id, True)
    svc.vote(session, people.other, art.id, False)
    assert (art.views, art.helpful, art.not_helpful) == (2, 1, 1)
    svc.vote(session, people.other, art.id, True)  # changed their mind
    assert (art.helpful, art.not_helpful) == (2, 0)
    assert art.version == version  # reading never makes an author's edit form stale


def test_deflection_is_recorded_and_counts_as_helpful(session, people):
    art = draft(session, people, category="loan")
    svc.change_article_status(session, people.lead, art.id, "publish")
    svc.record_deflection(session, people.employee, art.id, category="loan",
                          query="VPN 809 错误")
    row = session.scalars(select(KbDeflection)).one()
    assert (row.user_id, row.article_id, row.category, row.query) == (
        people.employee.id, art.id, "loan", "VPN 809 错误")
    assert art.helpful == 1


def test_a_resolved_request_becomes_a_linked_draft(session, people):
    req = svc.submit_request(session, people.employee, category="loan", title="Laptop <trip>",
                             description="Need one\nfor a week",
                             details={"item": "laptop", "days": 5})
    with pytest.raises(TransitionRefused):
        svc.article_from_request(session, people.tech, req.id)
    svc.assign(session, people.lead, req.id, assignee="li.na")
    svc.transition(session, people.tech, req.id, "start")
    svc.resolve(session, people.tech, req.id, "Lent NB-0042 from the pool.")
    with pytest.raises(PermissionDenied):
        svc.article_from_request(session, people.employee, req.id)

    art = svc.article_from_request(session, people.tech, req.id)

    assert (art.status, art.source_request_id, art.category) == ("draft", req.id, "loan")
    assert art.title == "Laptop <trip>" and art.symptom == "<p>Need one<br>for a week</p>"
    assert "NB-0042" in art.solution
    event = session.scalars(select(Event).where(Event.request_id == req.id,
                                                Event.kind == "kb_article")).one()
    assert event.data["article_id"] == art.id and not event.public


def test_files_on_articles_follow_the_articles_visibility(session, people, helpdesk):
    import io

    from hdcore.services.attachments import Upload

    art = svc.create_article(session, people.tech, title="VPN 配置", solution="见附件",
                             files=[Upload("vpn 配置.pdf", io.BytesIO(b"%PDF-1.4 demo"))])
    (att,) = art.attachments
    assert att.filename == "vpn 配置.pdf" and att.content_type == "application/pdf"
    with pytest.raises(NotFound):  # a draft: employees do not see it, nor its files
        svc.open_article_file(session, people.employee, att.id)
    _att, path = svc.open_article_file(session, people.tech, att.id)
    assert path.read_bytes() == b"%PDF-1.4 demo"
    with pytest.raises(ValidationFailed) as exc:
        svc.update_article(session, people.tech, art.id, title="VPN 配置 2",
                           files=[Upload("run.exe", io.BytesIO(b"MZ"))])
    assert set(exc.value.errors) == {"file"}
    session.refresh(art)
    assert art.title == "VPN 配置"  # nothing of the refused save was kept
    with pytest.raises(PermissionDenied):
        svc.remove_article_file(session, people.employee, att.id)
    svc.remove_article_file(session, people.tech, att.id)
    assert not path.exists() and art.attachments == []
