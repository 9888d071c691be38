"""The words of the benchmark's data set: people's names, departments, IT groups, replies, task
titles, and the knowledge-base articles (Chinese and English) with the queries that find them."""

from __future__ import annotations

import random
from typing import Any

from hdcore.demo_kb import ARTICLES as DEMO_ARTICLES

SURNAMES = (("王", "wang"), ("李", "li"), ("张", "zhang"), ("刘", "liu"), ("陈", "chen"),
            ("杨", "yang"), ("黄", "huang"), ("赵", "zhao"), ("周", "zhou"), ("吴", "wu"),
            ("徐", "xu"), ("孙", "sun"), ("马", "ma"), ("朱", "zhu"), ("胡", "hu"),
            ("郭", "guo"), ("何", "he"), ("林", "lin"), ("高", "gao"), ("罗", "luo"),
            ("郑", "zheng"), ("梁", "liang"), ("谢", "xie"), ("宋", "song"), ("唐", "tang"),
            ("许", "xu"), ("韩", "han"), ("冯", "feng"), ("邓", "deng"), ("曹", "cao"))
GIVEN = (("伟", "wei"), ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"),
         ("丽", "li"), ("强", "qiang"), ("磊", "lei"), ("军", "jun"), ("洋", "yang"),
         ("勇", "yong"), ("艳", "yan"), ("杰", "jie"), ("娟", "juan"), ("涛", "tao"),
         ("明", "ming"), ("超", "chao"), ("秀英", "xiuying"), ("霞", "xia"), ("平", "ping"),
         ("刚", "gang"), ("桂英", "guiying"), ("晓东", "xiaodong"), ("雪梅", "xuemei"),
         ("志强", "zhiqiang"), ("海燕", "haiyan"), ("建华", "jianhua"), ("丹", "dan"),
         ("鹏", "peng"), ("婷", "ting"), ("浩", "hao"), ("欣怡", "xinyi"), ("子涵", "zihan"),
         ("宇轩", "yuxuan"), ("思远", "siyuan"), ("佳琪", "jiaqi"), ("俊杰", "junjie"),
         ("晨", "chen"), ("凯", "kai"), ("琳", "lin"))

DEPARTMENTS = ("财务部", "人力资源部", "行政部", "法务部", "审计部", "销售一部", "销售二部",
               "华东大区", "华南大区", "华北大区", "市场部", "品牌部", "客户服务部", "采购部",
               "物流部", "仓储部", "生产一车间", "生产二车间", "质量管理部", "研发中心",
               "产品部", "测试部", "工程部", "设备部", "安全环保部", "投资部", "战略发展部",
               "总经办", "董事会办公室", "培训中心")

#: The five IT groups, one per category the plugins bring (in ``host.categories()`` order
#: when the names differ).
GROUPS = {"email_admin": ("邮件与账号组", "Mail and accounts"),
          "erp_support": ("企业应用组", "ERP and business applications"),
          "network_security": ("网络与安全组", "Network and security"),
          "outsourcing": ("外包与设备组", "Outsourced repairs and equipment"),
          "procurement": ("IT 采购组", "IT purchasing")}
#: Share of the requests each category gets (others: 1).
CATEGORY_WEIGHTS = {"email_admin": 26, "erp_support": 22, "network_security": 20,
                    "outsourcing": 19, "procurement": 13}

STAFF_REPLIES = (
    "您好，已收到，我们正在处理。", "您好，我这边先远程看一下，请保持电脑开机。",
    "请问问题是从什么时候开始的？其他同事是否也有同样的情况？",
    "已经联系厂商工程师，预计明天上午上门。", "麻烦提供一下报错截图，谢谢。",
    "已经调整了配置，请重启电脑后再试一下。", "账号权限已经开通，请重新登录确认。",
    "Hi, we have received your request and are looking into it.",
    "Could you send a screenshot of the error message, please?",
    "We have applied the fix; please restart and try again.",
    "The vendor engineer will come on site tomorrow morning.",
    "已下单，预计三个工作日内到货。", "已在测试环境复现，正在分析原因。",
)
REQUESTER_REPLIES = (
    "好的，谢谢！", "我下午两点以后都在工位。", "截图已经发到您邮箱了。",
    "重启后还是一样的问题。", "现在可以了，非常感谢！", "部门里另外两个人也有这个问题。",
    "Thanks, it works now.", "Still the same after the restart, unfortunately.",
    "比较着急，月底之前需要用。", "已经按您说的操作了，没有再报错。",
)
INTERNAL_NOTES = (
    "交换机端口日志有大量 CRC 错误，怀疑网线老化。", "同类问题本周第三次，建议写知识库文章。",
    "用户账号在 AD 中被锁定 3 次，已解锁并重置。", "Vendor case opened, reference 4471-22.",
    "和采购确认过，预算已批。", "需要和 ERP 顾问确认补丁影响范围。",
)
RESOLUTIONS = (
    "已更换故障部件并测试正常。", "已重置账号密码并解除锁定，用户确认可以登录。",
    "已调整防火墙策略并验证连通性。", "已安装补丁并在生产环境验证通过。",
    "厂商工程师上门维修完毕，打印测试正常。", "设备已到货并交付使用，资产标签已登记。",
    "Cleared the cached credentials and re-created the mail profile; confirmed working.",
    "Replaced the network cable and moved the port to a new VLAN; the link is stable.",
    "已清理邮箱空间并扩容到 5GB。", "已修复数据并重新运行报表，结果正确。",
)
ASK_REQUESTER = ("请提供设备背面的资产标签号。", "请确认需要开通的具体权限范围。",
                 "Please confirm when you are at your desk so we can connect remotely.")
TASK_TITLES = ("远程检查客户端配置", "联系厂商报修", "更换硬件部件", "核对采购预算",
               "确认领导审批", "在测试环境验证补丁", "更新防火墙规则", "备份用户数据",
               "Check the switch port logs", "Update the asset register")
ESCALATION_REASONS = ("已经两天了还没有人处理，影响业务。", "月底结账急用，请尽快处理。",
                      "This blocks our whole team; please speed it up.")
RATING_COMMENTS = ("处理很及时，谢谢！", "工程师很专业。", "", "", "等待时间有点长。",
                   "Quick and friendly, thank you.")

#: Where the variants of the knowledge base's articles apply.
VARIANTS = ("Windows 10", "Windows 11", "macOS", "上海总部", "苏州工厂", "北京分公司",
            "广州办事处", "成都研发中心", "Surface", "ThinkPad", "华为手机", "iPhone", "Android",
            "Office 2019", "Microsoft 365", "Chrome", "Edge", "远程办公", "出差", "会议室",
            "新员工", "外包人员", "财务部", "销售部", "生产车间", "仓库", "访客网络",
            "有线网络", "无线网络", "Wi-Fi 6", "VPN 客户端 5.x", "Outlook 2016", "Outlook for Mac",
            "Foxmail", "ERP R12", "ERP 移动端", "HP 打印机", "Canon 复印机", "Brother 打印机",
            "Dell 显示器", "夜间", "周末", "月底结账", "年度审计", "Teams", "Zoom", "钉钉",
            "企业微信", "Linux", "Ubuntu 22.04")


def person_names(count: int, rng: random.Random) -> list[tuple[str, str]]:
    """``count`` distinct (username, full name) pairs in the company's pinyin style."""
    out: list[tuple[str, str]] = []
    seen: dict[str, int] = {}
    while len(out) < count:
        (sz, sp), (gz, gp) = rng.choice(SURNAMES), rng.choice(GIVEN)
        base = f"{sp}.{gp}"
        n = seen.get(base, 0) + 1
        seen[base] = n
        out.append((base if n == 1 else f"{base}{n}", sz + gz))
    return out


def article_rows(count: int, rng: random.Random) -> list[dict[str, Any]]:
    """``count`` articles: the demo's articles first, then their variants per device, site and
    version (most published for everyone, some drafts, reviews, retired and staff-only ones)."""
    out: list[dict[str, Any]] = []
    for i in range(count):
        category, title, symptom, cause, solution, tags, visibility = \
            DEMO_ARTICLES[i % len(DEMO_ARTICLES)]
        status = "published"
        if i >= len(DEMO_ARTICLES):
            variant = VARIANTS[(i // len(DEMO_ARTICLES) - 1) % len(VARIANTS)]
            round_ = (i // len(DEMO_ARTICLES) - 1) // len(VARIANTS)
            title = f"{title}（{variant}）" + (f" #{round_ + 1}" if round_ else "")
            symptom = f"<p>{variant}：{symptom}</p>" if symptom else ""
            tags = (*tags, variant)[:8]
            status = rng.choices(("published", "draft", "review", "retired"),
                                 weights=(90, 5, 3, 2))[0]
            if rng.random() < 0.1:
                visibility = "staff"
        out.append({"title": title[:200], "symptom": symptom, "cause": cause,
                    "solution": solution, "category": category, "tags": list(tags),
                    "visibility": visibility, "status": status})
    return out


def kb_queries(articles: int) -> list[str]:
    """About forty searches people type, in Chinese and English, each matching published
    articles everyone may read (the demo's articles are always the first ``articles`` written)."""
    out: list[str] = []
    for _category, title, _s, _c, _sol, tags, visibility in DEMO_ARTICLES[:articles]:
        if visibility != "everyone":
            continue
        out.append(title)
        out.append(" ".join(tags))
    return list(dict.fromkeys(out))
