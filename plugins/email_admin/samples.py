"""Realistic e-mail account requests, walked to different points of their workflow."""

from __future__ import annotations

from hdcore import SampleRequest

_START = (("assign", {"assignee": "li.na"}), ("start", {}))
_START_INFRA = (("assign", {"assignee": "zhao.lei"}), ("start", {}))
_APPROVED = (
    ("request_approval", {"note": "按公司邮箱管理规定需部门负责人审批。"}),
    ("approve", {"comment": "同意。"}),
)

SAMPLES = [
    SampleRequest(
        title="手机收不到公司邮件",
        description="从昨天下午开始，iPhone 上的邮件 app 一直转圈，电脑上的 Outlook 正常。"
                    "已经重启过手机，没用。",
        details={
            "action": "troubleshooting", "mailbox": "zhang.wei@example.com",
            "employee_name": "张伟", "employee_no": "E10023", "client": "mobile",
            "symptom": "iPhone 邮件提示“无法获取邮件，与服务器的连接失败”，Wi-Fi 和 4G 都一样。",
        },
    ),
    SampleRequest(
        title="邮箱空间已满，申请扩容到 10GB",
        description="Mailbox is almost full (4.8 GB of 5 GB), Outlook warns every day. "
                    "月底要收供应商对账单，附件很多，请帮忙扩容。",
        details={
            "action": "quota_change", "mailbox": "zhang.wei@example.com",
            "employee_name": "张伟", "employee_no": "E10023", "quota_mb": 10240,
        },
        path=(("assign", {"assignee": "li.na"}),),
    ),
    SampleRequest(
        title="External mails bounce: 550 5.7.1 外部邮件退信",
        description="发给客户 (@customer-abc.com) 的邮件全部退回，退信内容 "
                    "'550 5.7.1 Message rejected as spam'. 内部邮件正常。",
        details={
            "action": "troubleshooting", "mailbox": "sales.east@example.com",
            "employee_name": "刘洋", "employee_no": "E10588", "client": "outlook",
            "symptom": "Since 25 Nov every mail to customer-abc.com bounces with 550 5.7.1; "
                       "other external domains are fine.",
        },
        priority="high",
        path=(*_START_INFRA, ("raise_to_provider", {
            "vendor": "阿里云企业邮箱 (Alibaba Mail)", "reference": "ALI-20261125-0387",
            "promised_response_at": "2026-11-25T18:00:00+08:00",
            "promised_completion_at": "2026-11-27T18:00:00+08:00",
            "summary": "Our outbound IP seems to be on a spam blacklist used by customer-abc.com; "
                       "please check the sending reputation and request delisting.",
        })),
    ),
    SampleRequest(
        title="新员工开通邮箱：采购部 孙悦",
        description="采购部新同事孙悦 12 月 7 日入职，请开通邮箱并加入采购部的邮件组，"
                    "电脑已经领好了。",
        details={
            "action": "new_mailbox", "mailbox": "sun.yue@example.com",
            "employee_name": "孙悦", "employee_no": "E20871", "start_date": "2026-12-07",
            "join_lists": "purchasing-all@example.com, 采购部通知",
        },
        channel="phone",
        path=(*_START, ("request_approval", {"note": "新员工邮箱，需部门负责人确认。"})),
    ),
    SampleRequest(
        title="申请邮箱别名 invoice@ 用于收发票",
        description="Please add invoice@example.com as an alias of my mailbox, "
                    "供应商的电子发票以后统一发到这个地址。",
        details={
            "action": "alias", "mailbox": "zhang.wei@example.com",
            "employee_name": "张伟", "employee_no": "E10023",
            "aliases": [{"address": "invoice@example.com", "change": "add"}],
        },
        path=(*_START, *_APPROVED, ("carry_out", {}), ("record_done", {
            "resolution": "已添加别名 invoice@example.com，测试邮件收发正常。",
        })),
    ),
    SampleRequest(
        title="财务部全体邮件组人员调整",
        description="Update fin-all: 王磊调到审计部，请移出；新同事赵敏加入。",
        details={
            "action": "distribution_list", "mailbox": "zhang.wei@example.com",
            "employee_name": "张伟", "employee_no": "E10023", "list_name": "fin-all@example.com",
            "members": [
                {"address": "zhao.min@example.com", "change": "add"},
                {"address": "wang.lei@example.com", "change": "remove"},
            ],
        },
        path=(*_START_INFRA, *_APPROVED, ("carry_out", {}), ("record_done", {
            "resolution": "fin-all@example.com: added zhao.min, removed wang.lei. "
                          "已发测试邮件确认。",
        }), ("close", {})),
    ),
    SampleRequest(
        title="忘记邮箱密码 Forgot my mail password",
        description="休假回来忘记了邮箱密码，输错几次后账号被锁了。",
        details={
            "action": "password_reset", "mailbox": "zhang.wei@example.com",
            "employee_name": "张伟", "employee_no": "E10023",
        },
        priority="high",
        path=(*_START, ("carry_out", {"note": "用户本人在服务台，带工牌。"})),
    ),
    SampleRequest(
        title="离职员工邮箱关闭：陈刚",
        description="销售部陈刚 12 月 31 日最后一天上班，之后邮件请转给我（部门经理）。",
        details={
            "action": "close_mailbox", "mailbox": "chen.gang@example.com",
            "employee_name": "陈刚", "employee_no": "E10302",
            "last_working_day": "2026-12-31", "forward_to": "zhang.wei@example.com",
        },
        channel="phone",
        path=(*_START_INFRA, *_APPROVED),
    ),
]
