"""The knowledge base and the forum in a real browser: searching, suggestions while writing a
request, "this solved it" filing nothing, and a forum thread becoming a request."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from hdcore import services as svc
from hdcore.models import KbDeflection, ServiceRequest

pytestmark = pytest.mark.slow


@pytest.fixture
def articles(session, people):
    """Published articles: one about a full mailbox, one about VPN error 809, one internal."""
    made = {}
    for key, title, solution, category, visibility in (
        ("mailbox", "邮箱已满，无法发送邮件", "清空“已删除邮件”，把大附件保存到网盘。",
         "email_admin", "everyone"),
        ("vpn", "VPN 连接失败，错误 809", "改用 SSL VPN 客户端连接。", "network_security",
         "everyone"),
        ("internal", "邮箱服务器维护步骤", "仅限 IT：先切换到备用节点。", "email_admin", "staff"),
    ):
        art = svc.create_article(session, people.tech, title=title, solution=solution,
                                 category=category, visibility=visibility)
        made[key] = svc.change_article_status(session, people.lead, art.id, "publish")
    return made


def test_searching_the_knowledge_base(as_user: Callable[[str], Page], articles):
    page = as_user("zhang.wei")
    page.get_by_role("link", name="Knowledge base").click()
    page.get_by_placeholder("Describe the problem").fill("邮箱满了")
    page.get_by_role("button", name="Search").click()

    results = page.locator(".kb-results li")
    expect(results).to_have_count(1)  # the internal article stays hidden from employees
    expect(results.first.locator("mark").first).to_have_text("邮箱")
    results.first.locator("a.kb-title").click()
    expect(page.get_by_role("heading", name="邮箱已满，无法发送邮件")).to_be_visible()
    page.get_by_role("button", name="Yes").click()
    expect(page.get_by_text("Thank you for your answer.")).to_be_visible()


def test_suggestions_while_writing_and_this_solved_it(as_user: Callable[[str], Page], articles,
                                                     session):
    page = as_user("zhang.wei")
    page.goto("/portal/new/email_admin")
    suggestions = page.locator("#kb-suggest")
    expect(suggestions).to_be_hidden()
    page.get_by_label("Title").fill("我的邮箱满了发不出邮件")
    expect(suggestions).to_be_visible()
    first = suggestions.locator(".kb-suggest-list li").first
    expect(first).to_contain_text("邮箱已满")
    expect(suggestions).not_to_contain_text("维护步骤")

    first.locator("a").click()
    expect(page.get_by_text("Does this solve your problem?")).to_be_visible()
    page.get_by_role("button", name="This solved it").click()
    expect(page.get_by_role("heading", name="Glad it is solved!")).to_be_visible()

    session.rollback()
    assert session.scalar(select(func.count()).select_from(ServiceRequest)) == 0
    deflection = session.scalars(select(KbDeflection)).one()
    assert deflection.article_id == articles["mailbox"].id
    assert deflection.category == "email_admin" and "邮箱满了" in deflection.query


def test_going_back_from_an_article_keeps_what_was_typed(as_user: Callable[[str], Page],
                                                         articles):
    page = as_user("zhang.wei")
    page.goto("/portal/new/email_admin")
    page.get_by_label("Title").fill("邮箱满了")
    page.get_by_label("Description").fill("附件很多")
    page.locator("#kb-suggest .kb-suggest-list a").first.click()
    page.get_by_role("link", name="No, continue with my request").click()
    expect(page.get_by_label("Title")).to_have_value("邮箱满了")
    expect(page.get_by_label("Description")).to_have_value("附件很多")


def test_a_forum_thread_becomes_a_request(as_user: Callable[[str], Page], people, session):
    page = as_user("zhang.wei")
    page.get_by_role("link", name="Forum").click()
    page.get_by_role("link", name="Ask a question").click()
    page.get_by_label("Board").select_option(label="E-mail account administration")
    page.get_by_label("Title").fill("共享邮箱看不到历史邮件")
    page.get_by_label("Your question").fill("刚加了 finance@ 的权限，只能看到最近的邮件。")
    page.get_by_role("button", name="Post").click()
    expect(page.get_by_role("heading", name="共享邮箱看不到历史邮件")).to_be_visible()

    page.get_by_role("button", name="Turn into a request").click()
    expect(page.get_by_text("was filed from this thread")).to_be_visible()
    session.rollback()
    req = session.scalars(select(ServiceRequest)).one()
    assert req.title == "共享邮箱看不到历史邮件" and req.requester_id == people.employee.id
    assert req.category == "email_admin"
    page.go_back()
    page.reload()
    expect(page.locator(".forum-linked")).to_contain_text(req.number)
