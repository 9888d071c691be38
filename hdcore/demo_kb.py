"""Demo knowledge base and forum: articles in Chinese and English over every category, votes
and views, a draft from a solved request, and a few forum threads (one filed as a request)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore import services as svc
from hdcore.errors import HelpdeskError
from hdcore.models import ServiceRequest, User

#: (category or None, title, symptom, cause, solution, tags, visibility)
ARTICLES: tuple[tuple[str | None, str, str, str, str, tuple[str, ...], str], ...] = (
    (None, "打印机卡纸怎么处理", "打印时提示“卡纸”，打印机停止工作，面板灯闪烁。",
     "纸张受潮、装纸过多或纸张规格不符。",
     "<ol><li>关闭打印机电源。</li><li>打开前盖和后盖，按出纸方向缓慢取出卡住的纸张。</li>"
     "<li>检查纸盒内纸张不超过上限线，重新开机并打印测试页。</li></ol>",
     ("打印机", "卡纸"), "everyone"),
    (None, "网络打印机显示脱机", "电脑上打印机显示“脱机”，文档一直在打印队列中。",
     "打印机 IP 地址变化，电脑仍按旧地址连接。",
     "在打印机面板上查看当前 IP 地址，在“设备和打印机”中删除旧打印机，按新 IP 重新添加。",
     ("打印机", "脱机"), "everyone"),
    (None, "忘记域密码如何重置", "忘记电脑开机密码（域密码），无法登录。", "",
     "打开自助密码重置页面，输入账号并用手机验证码验证后设置新密码；新密码至少 12 位，"
     "包含大小写字母和数字。", ("密码", "重置"), "everyone"),
    (None, "Computer is very slow", "The computer takes minutes to start and programs freeze.",
     "Too many programs start with Windows, the disk is full or updates are pending.",
     "<p>Restart (not just sleep), install pending updates and free disk space to at least "
     "15%.</p><p>Disable unneeded startup apps in <b>Task Manager</b>.</p>",
     ("slow", "Windows"), "everyone"),
    ("network_security", "VPN 连接失败，错误 809",
     "在家连接公司 VPN 时提示错误 809。", "家庭路由器或运营商拦截了 IPsec/L2TP 端口。",
     "改用公司的 SSL VPN 客户端连接；如必须使用 L2TP，请在路由器中开启 IPsec 穿透，"
     "或换用手机热点测试。", ("VPN", "809"), "everyone"),
    ("network_security", "Install the VPN client on a personal laptop",
     "You need to work from home and have no VPN client installed.", "",
     "Download the client from the IT portal's software page, install it, sign in with your "
     "domain account and approve the push notification.", ("VPN",), "everyone"),
    ("network_security", "收到可疑的钓鱼邮件怎么办",
     "邮件自称来自财务或 IT，要求点击链接修改密码。",
     "外部攻击者冒充内部人员。",
     "不要点击链接或打开附件；在 Outlook 中点击“报告钓鱼”。如果已经输入了密码，请立即修改密码"
     "并联系 IT。", ("钓鱼邮件", "安全"), "everyone"),
    ("network_security", "核心交换机重启步骤（内部）", "核心交换机无响应。", "",
     "<p>先在监控平台确认备用链路正常，再按变更流程在维护窗口内重启。</p>",
     ("交换机",), "staff"),
    ("email_admin", "邮箱已满，无法发送邮件", "Outlook 提示“邮箱已满”。", "邮箱容量达到 2GB 上限。",
     "清空“已删除邮件”，把大附件保存到网盘后删除邮件；需要扩容请提交申请。",
     ("邮箱", "容量"), "everyone"),
    ("email_admin", "Outlook keeps asking for the password",
     "After a password change Outlook keeps prompting for credentials.",
     "The old password is saved in Windows Credential Manager.",
     "Close Outlook, remove the Office entries in Credential Manager, open Outlook and sign in "
     "with the new password.", ("Outlook", "password"), "everyone"),
    ("erp_support", "ERP登录失败，提示用户名或密码错误", "登录 ERP 时提示用户名或密码错误。",
     "ERP 账号与域账号未同步，或连续输错被锁定。",
     "等待 15 分钟自动解锁后重试；仍失败请提交 ERP 支持请求，写明 ERP 用户名和公司代码。",
     ("ERP", "登录"), "everyone"),
    ("erp_support", "ERP 报表运行很慢或超时", "运行月度报表时长时间无响应。", "查询范围过大。",
     "缩小日期和公司代码范围；大报表请选择“后台运行”。", ("ERP", "报表"), "everyone"),
    ("procurement", "申请采购笔记本电脑", "电脑老化或新岗位需要新笔记本。", "",
     "在采购类别提交请求，选择标准机型并写明成本中心；审批后一般 5 个工作日到货。",
     ("采购", "笔记本"), "everyone"),
    ("procurement", "Buy a software license", "You need paid software for your work.", "",
     "File a procurement request naming the software, edition and number of users; after "
     "approval IT assigns a license from the pool or orders one.", ("license",), "everyone"),
    ("outsourcing", "复印机故障报修（租赁设备）", "复印机显示错误代码或频繁卡纸。",
     "复印机为租赁设备，由租赁公司维护。",
     "记录机身编号和错误代码，在外包服务类别提交报修；租赁公司通常 4 小时内上门。",
     ("复印机", "外包"), "everyone"),
    ("outsourcing", "Vendor response times for outsourced services", "", "",
     "Critical incidents: response within 1 hour, on site within 4 hours; normal: next "
     "working day.", ("SLA", "vendor"), "everyone"),
)

THREADS = (
    ("network_security", "zhang.wei", "在家用 VPN 开视频会议很卡",
     "连上 VPN 以后开会经常掉线，有办法吗？",
     (("zhao.lei", "开会时可以先断开 VPN，会议系统不需要 VPN。"),
      ("liu.yang", "我也遇到过，断开以后就好了。")), 0),
    ("general", "liu.yang", "Which laptop bag fits the new ThinkPads?",
     "The old bags are too small for the 16-inch models.",
     (("li.na", "The IT desk has 16-inch bags in stock, ask at the counter."),), 0),
    ("email_admin", "zhang.wei", "共享邮箱里看不到历史邮件",
     "刚加了 finance@ 的权限，但只能看到最近的邮件。",
     (), None),
)


def _user(session: Session, username: str) -> User | None:
    return session.scalar(select(User).where(User.username == username))


def seed_kb(session: Session) -> None:
    """Write the demo articles and threads through the services (skipped without the people)."""
    tech, lead = _user(session, "li.na"), _user(session, "wang.fang")
    readers = [u for u in (_user(session, n) for n in ("zhang.wei", "liu.yang", "zhou.min"))
               if u is not None]
    if tech is None or lead is None:
        return
    categories = {c.name for c in svc.host_of(session).categories()}
    for n, (cat, title, symptom, cause, solution, tags, visibility) in enumerate(ARTICLES):
        if cat is not None and cat not in categories:
            continue
        art = svc.create_article(session, tech, title=title, symptom=symptom, cause=cause,
                                 solution=solution, category=cat, tags=list(tags),
                                 visibility=visibility)
        svc.change_article_status(session, lead, art.id, "publish")
        for i, reader in enumerate(readers[: 1 + n % 3]):
            if art.is_public or reader.is_staff:
                svc.record_view(session, reader, art.id)
                svc.vote(session, reader, art.id, (n + i) % 4 != 0)
    solved = session.scalar(select(ServiceRequest).where(
        ServiceRequest.status.in_(("resolved", "closed")),
        ServiceRequest.resolution.is_not(None)).order_by(ServiceRequest.id).limit(1))
    if solved is not None:
        try:
            draft = svc.article_from_request(session, tech, solved.id)
            svc.change_article_status(session, tech, draft.id, "submit")
        except HelpdeskError:
            pass  # the demo's requests are random: one without a solution is simply skipped
    for board, author, title, body, replies, accepted in THREADS:
        person = _user(session, author)
        if person is None or (board != "general" and board not in categories):
            continue
        thread = svc.start_thread(session, person, board=board, title=title, body=body)
        posts = [svc.reply(session, who, thread.id, text)
                 for who, text in ((_user(session, w), t) for w, t in replies) if who]
        if accepted is not None and posts:
            svc.accept_answer(session, person, posts[accepted].id)
        if not replies:
            svc.thread_to_request(session, person, thread.id)
