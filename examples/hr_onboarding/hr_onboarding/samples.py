"""Newcomers as HR would announce them; their paths end new, assigned, setting up, resolved
and closed."""

from __future__ import annotations

from datetime import timedelta

from hdcore import SampleRequest
from hr_onboarding.schemas import office_today

_START = (("assign", {"assignee": "zhao.lei"}), ("start", {}))


def sample_requests() -> list[SampleRequest]:
    """Five newcomers (dates relative to today)."""
    today = office_today()

    def day(n: int) -> str:
        return (today + timedelta(days=n)).isoformat()

    return [
        SampleRequest("新员工入职：王小明（销售部）", "下周一入职，请准备邮箱和笔记本电脑。",
                      {"employee_name": "王小明", "start_date": day(10), "department": "销售部",
                       "position": "销售代表", "needs_mailbox": True, "needs_pc": True,
                       "pc_type": "laptop"}),
        SampleRequest("New hire: Mary Lin, Finance", "Mary joins Finance as an accountant.",
                      {"employee_name": "Mary Lin", "start_date": day(14),
                       "department": "Finance", "needs_mailbox": True, "needs_erp_account": True,
                       "needs_pc": True, "pc_type": "desktop"},
                      path=(("assign", {"assignee": "li.na"}),)),
        SampleRequest("入职准备：陈静（采购部）", "需要 ERP 账号，电脑用部门现有的。",
                      {"employee_name": "陈静", "start_date": day(7), "department": "采购部",
                       "needs_mailbox": True, "needs_erp_account": True, "needs_pc": False},
                      path=(*_START, ("provision", {}))),
        SampleRequest("New starter in IT: Tom Zhou", "Tom starts on Monday in the IT team.",
                      {"employee_name": "Tom Zhou", "start_date": day(3), "department": "IT",
                       "needs_mailbox": True, "needs_pc": True, "pc_type": "laptop"},
                      path=(*_START, ("provision", {}),
                            ("hand_over", {"ready_on": day(0), "note": "PC at the IT desk."}))),
        SampleRequest("新员工：李华（生产部）", "生产部新来的主管，已经入职了。",
                      {"employee_name": "李华", "start_date": day(-2), "department": "生产部",
                       "position": "主管", "needs_mailbox": True, "needs_erp_account": True,
                       "needs_pc": True},
                      channel="phone",
                      path=(*_START, ("provision", {}),
                            ("hand_over", {"ready_on": day(0)}), ("close", {}))),
    ]
