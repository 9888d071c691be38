"""Switching the interface to Chinese from the top bar, and back."""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace

from playwright.sync_api import Page, expect
from sqlalchemy.orm import Session

from hdcore import services as svc


def test_a_technician_switches_to_chinese_and_back(as_user: Callable[[str], Page],
                                                  people: SimpleNamespace,
                                                  session: Session) -> None:
    req = svc.submit_request(session, people.employee, category="network_security",
                             title="VPN 登录失败", priority="high",
                             details={"kind": "virus_notice", "infected_host": "FIN-PC-001",
                                      "virus_name": "unknown"})
    svc.assign(session, people.lead, req.id, assignee="li.na")
    session.commit()

    page = as_user("li.na")
    expect(page.get_by_role("heading", name="Work queue")).to_be_visible()
    page.get_by_role("button", name="中文").click()

    expect(page).to_have_url(re.compile(r"/desk/$"))  # back on the same page
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.get_by_role("heading", name="工作队列")).to_be_visible()
    menu = page.locator("nav.mainnav")
    for label in ("我的服务请求", "新建服务请求", "工作队列"):
        expect(menu.get_by_role("link", name=label)).to_be_visible()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="VPN 登录失败")
    expect(row).to_contain_text("网络安全管理")  # the plugin's category, translated too
    expect(row).to_contain_text("已分配")
    expect(row).to_contain_text("高")
    expect(page.get_by_text("Work queue")).to_have_count(0)

    # The choice holds: signed out and in again, the desk is still in Chinese.
    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_text("您已退出登录。")).to_be_visible()
    page.get_by_role("textbox", name="用户名").fill("li.na")
    page.get_by_label("密码").fill("demo")
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("heading", name="工作队列")).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Work queue")).to_be_visible()
    expect(page.locator("nav.mainnav").get_by_role("link", name="My requests")).to_be_visible()


def test_the_administrators_top_bar_fits_a_laptop_screen(as_user: Callable[[str], Page],
                                                        people: SimpleNamespace) -> None:
    """The longest menu (the administrator's) stays on screen with the account and "Sign out"
    beside it, in both languages, at laptop widths: it wraps inside the bar when it must."""
    page = as_user("admin")
    for width in (1440, 1280, 1024):
        page.set_viewport_size({"width": width, "height": 900})
        for language in ("English", "中文"):
            if page.get_by_role("button", name=language).count():
                page.get_by_role("button", name=language).click()
            sign_out_button = page.locator(".topbar-right button[type=submit]").last
            expect(sign_out_button).to_be_in_viewport()
            menu = page.locator("nav.mainnav a")
            assert menu.count() >= 10
            for i in range(menu.count()):
                expect(menu.nth(i)).to_be_in_viewport()
            assert page.evaluate("document.documentElement.scrollWidth") <= width
