"""The demo organisation as data: departments, people, groups, and what they say."""

from __future__ import annotations

from hdcore.models import Role

DEMO_PASSWORD = "demo"
DEFAULT_SEED = 2026
#: Requests to reach with variations of the samples (at least ``MIN_VARIATIONS`` of them).
TARGET_REQUESTS = 40
MIN_VARIATIONS = 10
MAIL_DOMAIN = "example.com"
#: How many days of history the demo replays, ending now.
HISTORY_DAYS = 30

DEPARTMENTS = (  # code, name, cost centre
    ("FIN", "Finance", "CC-1100"),
    ("SALES", "Sales", "CC-1200"),
    ("PROD", "Production", "CC-1300"),
    ("LOG", "Logistics", "CC-1400"),
    ("PUR", "Purchasing", "CC-1500"),
    ("HR", "Human Resources", "CC-1600"),
    ("IT", "IT", "CC-1900"),
)

#: Business employees per department; the first one heads it.
EMPLOYEES = {
    "FIN": (("zhou.min", "周敏"), ("zhang.wei", "张伟"), ("sun.li", "孙丽"), ("he.jing", "何静")),
    "SALES": (("guo.qiang", "郭强"), ("liu.yang", "刘洋"), ("xu.ting", "徐婷"),
              ("ma.chao", "马超")),
    "PROD": (("huang.jun", "黄军"), ("zhu.hong", "朱红"), ("lin.feng", "林峰"),
             ("gao.yan", "高燕")),
    "LOG": (("luo.bin", "罗斌"), ("zheng.kai", "郑凯"), ("liang.xue", "梁雪")),
    "PUR": (("song.hui", "宋慧"), ("tang.ming", "唐明"), ("han.lu", "韩露")),
    "HR": (("feng.yu", "冯玉"), ("deng.li", "邓丽"), ("cao.yue", "曹悦")),
}

GROUPS = (
    ("ERP Support", "ERP modules (GL, AP, AR, INV, PO, OM), configuration and responsibilities"),
    ("Service Desk", "First line: phone intake, mailboxes, desktop questions"),
    ("Infrastructure & Network", "Servers, network, firewalls and the machine room"),
    ("Security", "Security incidents, virus clean-up, vulnerability fixes"),
    ("Procurement & Vendors", "IT purchases and the vendors' repair and maintenance work"),
)

#: IT staff: user name, full name, role, groups. The manager heads the IT department.
IT_STAFF = (
    ("chen.jie", "陈杰", Role.MANAGER, ()),
    ("wang.fang", "王芳", Role.LEAD, ("Service Desk",)),
    ("li.na", "李娜", Role.TECHNICIAN, ("ERP Support", "Service Desk")),
    ("zhao.lei", "赵磊", Role.TECHNICIAN, ("Infrastructure & Network", "Security")),
    ("hu.bo", "胡波", Role.TECHNICIAN, ("ERP Support",)),
    ("wu.hao", "吴昊", Role.TECHNICIAN, ("Service Desk", "Infrastructure & Network")),
    ("yang.fan", "杨帆", Role.TECHNICIAN, ("Security",)),
    ("xie.ping", "谢平", Role.TECHNICIAN, ("Procurement & Vendors",)),
    ("admin", "系统管理员", Role.ADMIN, ()),
)

#: Who works a category by default: its group and technician (used when a sample names
#: someone the demo does not have, and for groups a plugin refers to that the demo lacks).
CATEGORY_DEFAULTS = {
    "erp_support": ("ERP Support", "li.na"),
    "email_admin": ("Service Desk", "wu.hao"),
    "network_security": ("Security", "zhao.lei"),
    "procurement": ("Procurement & Vendors", "xie.ping"),
    "outsourcing": ("Procurement & Vendors", "xie.ping"),
}
FALLBACK_DEFAULT = ("Service Desk", "wu.hao")

#: The accounts to try the demo with (every demo account has the password ``demo``).
DEMO_ACCOUNTS = (
    ("zhang.wei", "employee, Finance"),
    ("zhou.min", "head of Finance, approves its requests"),
    ("li.na", "technician, ERP Support"),
    ("zhao.lei", "technician, Infrastructure & Network"),
    ("wang.fang", "help desk lead"),
    ("chen.jie", "IT manager"),
    ("admin", "administrator"),
)

TECH_REPLIES = (
    "已收到，正在处理，有进展会第一时间通知您。",
    "I'm on it — will update you within the hour.",
    "请问这个问题是从什么时候开始出现的？其他同事也有同样的情况吗？",
    "Could you send me a screenshot of the error message?",
)
REQUESTER_REPLIES = (
    "好的，谢谢！",
    "从今天早上开始的，部门里其他人也遇到了。",
    "Thanks, screenshot attached to the e-mail I just sent.",
)
INTERNAL_NOTES = (
    "查了日志，和上周的同类问题原因一样，按知识库的步骤处理。",
    "Vendor hotline called; they will confirm the engineer's visit by 17:00.",
    "Same root cause as last month's incident — worth a knowledge-base article.",
)
ESCALATION_REASONS = (
    "月底结账今天截止，这个问题不解决无法过账。",
    "Waiting too long; the production line is affected.",
)
RATING_COMMENTS = {
    5: ("处理得很快，非常满意！", "Quick and friendly, thank you."),
    4: ("解决了，谢谢。", ""),
    3: ("Solved, but it took two days.", ""),
    2: ("拖了很久才有人联系我。",),
}
SCORES = (5, 5, 5, 4, 4, 4, 3, 2)
