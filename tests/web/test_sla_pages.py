"""Service levels over HTTP: the explanation on the request page, overdue marks in the queue,
de-escalating, and the administrator's calendars and policies."""

from __future__ import annotations

import html as html_lib
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from hdcore import ServiceRequest
from hdcore import services as svc
from hdcore.clock import frozen
from hdcore.models import SlaCalendar, SlaCalendarDay, SlaPolicy, SlaReminderPolicy
from hdcore.sla import jobs
from tests.core.sample_plugin import LoanPlugin

SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def plugins():
    return [LoanPlugin()]


@pytest.fixture
def clock():
    with frozen(datetime(2026, 12, 1, 9, 0, tzinfo=SH)) as c:
        yield c


def text(resp) -> str:
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ",
                                                        resp.get_data(as_text=True))))


def loan(session, people, title: str, priority: str = "normal") -> ServiceRequest:
    req = svc.submit_request(session, people.employee, category="loan", title=title,
                             details={"item": "laptop", "days": 3}, priority=priority)
    svc.assign(session, people.lead, req.id, assignee=people.tech)
    return req


def reload(session, req) -> ServiceRequest:
    session.rollback()  # end the read snapshot: the web app wrote in its own session
    session.expire_all()
    return session.get(ServiceRequest, req.id)


def test_the_request_page_explains_the_due_times(browser, session, people, clock):
    clock.set(datetime(2026, 12, 3, 9, 0, tzinfo=SH))  # a Thursday
    req = loan(session, people, "Explain me")
    svc.transition(session, people.tech, req.id, "start")
    clock.set(datetime(2026, 12, 3, 14, 0, tzinfo=SH))
    b = browser("li.na")
    page = b.get(f"/desk/r/{req.number}")
    assert page.status_code == 200
    # the panel is folded; its content is worked out when it is opened (or by its link)
    assert "How the due times are computed" in text(page)
    assert f'data-fragment="/desk/r/{req.number}/sla?fragment=1"' in page.get_data(as_text=True)
    assert f'href="/desk/r/{req.number}/sla"' in page.get_data(as_text=True)
    fragment = b.get(f"/desk/r/{req.number}/sla?fragment=1")
    assert fragment.status_code == 200 and "<html" not in fragment.get_data(as_text=True)
    whole = b.get(f"/desk/r/{req.number}/sla")
    assert whole.status_code == 200 and "<html" in whole.get_data(as_text=True)
    for body in (text(fragment), text(whole)):
        assert "Default policy for Normal priority" in body and "Mainland China" in body
        assert "4 h counted, 20 h left" in body  # 09:00-12:00 and 13:00-14:00
        assert "2026-12-03 09:00 – 2026-12-03 12:00" in body
        assert "2026-12-05: not a working day" in body
        assert "Due 2026-12-08 09:00" in body  # the resolution due time, past the weekend


def test_the_queue_marks_real_overdue_requests_and_paused_clocks(browser, session, people,
                                                                 clock):
    late = loan(session, people, "Late one", priority="urgent")
    svc.transition(session, people.tech, late.id, "start")
    waiting = loan(session, people, "Waiting one", priority="urgent")
    svc.transition(session, people.tech, waiting.id, "wait_requester", {"message": "Which?"})
    clock.set(datetime(2026, 12, 1, 15, 0, tzinfo=SH))  # urgent: solved by 14:00
    b = browser("li.na")
    html = b.get("/desk/").get_data(as_text=True)
    late_row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*Late one.*?</tr>", html, re.S).group(0)
    waiting_row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*Waiting one.*?</tr>", html, re.S).group(0)
    assert 'class="overdue' in late_row and "2026-12-01 14:00" in late_row
    assert 'class="overdue' not in waiting_row and "clock paused" in waiting_row
    assert "Late one" in text(b.get("/desk/?due=overdue"))
    assert "Waiting one" not in text(b.get("/desk/?due=overdue"))


def test_the_manager_de_escalates_from_the_escalations_page(browser, session, people, clock):
    req = loan(session, people, "Escalated by the sweep", priority="urgent")
    clock.set(datetime(2026, 12, 2, 9, 0, tzinfo=SH))
    jobs.sweep(session, clock.current, reminders=False)
    assert reload(session, req).escalation_level == 2
    b = browser("chen.jie")
    page = text(b.get("/manage/escalations"))
    assert "Escalated by the sweep" in page and "Escalated automatically" in page
    assert "100% of the resolution target (4 h) and 4 h more have passed" in page
    resp = b.post(f"/manage/escalations/{req.number}/de-escalate",
                  {"note": "Working on it with the vendor", "version": str(reload(session, req)
                                                                           .version)},
                  page="/manage/escalations")
    assert resp.status_code == 302
    assert reload(session, req).escalation_level == 0
    page = text(b.get(resp.location))
    assert f"{req.number} is no longer escalated." in page
    assert "Escalated by the sweep" not in page
    stale = b.post(f"/manage/escalations/{req.number}/de-escalate", {},
                   page="/manage/escalations")
    assert "The request is not escalated." in text(b.get(stale.location))


def test_calendars_are_edited_by_the_administrator(browser, session, people, clock):
    assert browser("chen.jie").get("/admin/calendars").status_code == 403
    b = browser("admin")
    listing = text(b.get("/admin/calendars"))
    assert "Mainland China" in listing and "08:30-12:00, 13:00-17:30" in listing
    cal = session.scalar(select(SlaCalendar).where(SlaCalendar.is_default))
    url = f"/admin/calendars/{cal.id}"
    page = text(b.get(f"{url}?year=2026"))
    assert "2026-02-14" in page and "Make-up working day" in page and "official arrangement" in page

    week = {f"week.{i}": "08:30-12:00, 13:00-17:30" for i in range(5)}
    bad = b.post(url, {"name": "Mainland China", "timezone": "Asia/Shanghai",
                       **week, "week.5": "9 to 5", "week.6": ""})
    assert bad.status_code == 200 and "Write periods like 08:30-12:00" in text(bad)
    saved = b.post(url, {"name": "Mainland China", "timezone": "Asia/Shanghai", **week,
                         "week.5": "09:00-12:00", "week.6": "", "is_default": "1"})
    assert saved.status_code == 302
    session.rollback()
    assert session.get(SlaCalendar, cal.id).week[5] == [["09:00", "12:00"]]

    added = b.post(f"{url}/days", {"day": "2026-12-31", "kind": "holiday",
                                   "name": "Year-end stocktaking"}, page=url)
    assert added.status_code == 302
    session.rollback()
    row = session.scalar(select(SlaCalendarDay).where(SlaCalendarDay.day == datetime(
        2026, 12, 31).date()))
    assert row.kind == "holiday" and row.source == "admin"
    row_id = row.id
    refused = b.post(f"{url}/days", {"day": "someday", "kind": "holiday"}, page=url)
    assert "Give a date like 2027-02-06." in text(refused)
    b.post(f"{url}/days/{row_id}/delete", {"year": "2026"}, page=url)
    session.rollback()
    assert session.scalar(select(SlaCalendarDay).where(SlaCalendarDay.id == row_id)) is None

    new = b.post("/admin/calendars/new", {"name": "Plant", "timezone": "Asia/Shanghai",
                                          "week.0": "08:00-16:00"}, page="/admin/calendars/new")
    session.rollback()
    plant = session.scalar(select(SlaCalendar).where(SlaCalendar.name == "Plant"))
    assert new.location.endswith(f"/admin/calendars/{plant.id}")
    plant_id = plant.id
    imported = b.post(f"/admin/calendars/{plant_id}/import", {"year": "2027"},
                      page=f"/admin/calendars/{plant_id}")
    assert "statutory holidays of 2027 were added" in text(b.get(imported.location))
    b.post(f"/admin/calendars/{plant_id}/delete", {}, page=f"/admin/calendars/{plant_id}")
    session.rollback()
    assert session.scalar(select(SlaCalendar).where(SlaCalendar.name == "Plant")) is None


def test_policies_and_reminders_are_edited_by_the_administrator(browser, session, people,
                                                               clock):
    req = loan(session, people, "Recomputed")
    b = browser("admin")
    page = text(b.get("/admin/sla"))
    assert "Default (every category without its own)" in page and "Equipment loan" in page
    assert "reminders after 2, 4 business days" in page

    url = "/admin/sla/loan/high"
    form = {"response_h": "1", "response_m": "0", "resolution_h": "6", "resolution_m": "0",
            "calendar_id": str(session.scalar(select(SlaCalendar.id))), "vendor_pauses": "1",
            "level_count": "3", "levels.0.target": "resolution", "levels.0.percent": "50",
            "levels.0.after": "0", "levels.0.action": "warn_assignee",
            "levels.1.target": "resolution", "levels.1.percent": "0",
            "levels.1.action": "notify_lead"}
    bad = b.post(url, form)
    assert bad.status_code == 200 and "Give a share from 1 to 1000 percent." in text(bad)
    good = b.post(url, {**form, "levels.1.percent": "100", "levels.2.target": "resolution",
                        "levels.2.percent": "100", "levels.2.after": "0.5",
                        "levels.2.action": "notify_manager"})
    assert good.status_code == 302
    session.rollback()
    policy = session.scalar(select(SlaPolicy).where(SlaPolicy.category == "loan",
                                                    SlaPolicy.priority == "high"))
    assert (policy.response_minutes, policy.resolution_minutes) == (60, 360)
    assert [lv["after_minutes"] for lv in policy.escalation] == [0, 0, 30]

    svc.update_request(session, people.tech, req.id, expected_version=req.version,
                       priority="high")
    assert reload(session, req).resolve_due_at.astimezone(SH).strftime("%H:%M") == "16:00"

    reminders = b.post("/admin/sla/loan/reminders", {"reminder_days": "1, 3",
                                                     "close_after_days": "4",
                                                     "reopen_days": "10"})
    assert reminders.status_code == 302
    session.rollback()
    own = session.scalar(select(SlaReminderPolicy).where(SlaReminderPolicy.category == "loan"))
    assert (own.reminder_days, own.close_after_days, own.reopen_days) == ([1, 3], 4, 10)
    refused = b.post("/admin/sla/loan/reminders", {"reminder_days": "3, 1",
                                                   "close_after_days": "", "reopen_days": "x"})
    assert "Give increasing whole numbers of business days" in text(refused)

    b.post("/admin/sla/loan/high/reset", {}, page=url)
    b.post("/admin/sla/loan/reminders/reset", {}, page="/admin/sla/loan/reminders")
    session.rollback()
    assert session.scalar(select(SlaPolicy).where(SlaPolicy.category == "loan")) is None
    assert session.scalar(select(SlaReminderPolicy).where(
        SlaReminderPolicy.category == "loan")) is None


def test_the_explanation_speaks_chinese_with_holiday_names(browser, session, people, clock):
    clock.set(datetime(2026, 9, 30, 16, 0, tzinfo=SH))  # the eve of the National Day week
    req = loan(session, people, "国庆前的请求")
    b = browser("li.na")
    b.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "zh-CN,zh;q=0.9"
    assert "到期时间是如何计算的" in text(b.get(f"/desk/r/{req.number}"))
    body = text(b.get(f"/desk/r/{req.number}/sla"))
    assert "到期时间是如何计算的" in body and "日历 中国大陆（Asia/Shanghai）" in body
    assert "2026-10-01：节假日（国庆节）" in body or "2026-10-01: 节假日 (国庆节)" in body
    assert "National Day" not in body and "Mainland China" not in body
