"""Demo installed base: every employee's PC or laptop, the departments' printers with page
counts, the machine room's servers, switches, firewall and UPS, licences, the counters and
threshold rules that watch them, and the demo's repair requests linked to their devices."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from hdcore import clock
from hdcore import services as svc
from hdcore.demo_data import EMPLOYEES
from hdcore.errors import HelpdeskError
from hdcore.models import Asset, ServiceRequest, User, Vendor
from hdcore.services.base import company_timezone, host_of
from hdcore.services.counter_rules import create_threshold_rule
from hdcore.services.counters import create_counter, record_reading

#: Vendors of the plugins' samples (absent ones are left blank on the assets).
HONGXIN = "宏信电脑系统集成有限公司"
SHULIAN = "苏州数联网络科技有限公司"
LENOVO = "联想（上海）授权服务站"
RICOH = "理光办公设备维修服务部（上海）"
HENGTONG = "上海恒通网络技术服务有限公司"

#: Where each department sits, and its printer: (location, tag, model, pages a month, pages
#: six months ago).
PLACES = {
    "FIN": ("行政楼 3F 财务部", "FIN-PRN-012", "HP LaserJet Pro M404dn", 2_500, 26_000),
    "SALES": ("行政楼 2F 销售部", "SALES-PRN-004", "HP LaserJet Pro M404dn", 1_600, 9_800),
    "PROD": ("1 号厂房 2F 生产办公室", "PROD-PRN-002", "Brother HL-L5100DN", 1_100, 12_800),
    "LOG": ("仓库办公楼 1F 物流部", "LOG-PRN-001", "Brother HL-L5100DN", 900, 6_300),
    "PUR": ("行政楼 2F 采购部", "PUR-PRN-003", "HP LaserJet Pro M404dn", 700, 4_100),
    "HR": ("行政楼 4F 人力资源部", "HR-PRN-005", "Canon LBP 226dw", 600, 3_200),
}
#: Machine room, network and shared devices: tag, type, model, serial, location, months old,
#: supplier, maintainer, status.
SHARED: tuple[tuple[str, str, str, str, str, int, str, str, str], ...] = (
    ("DC-SRV-021", "server", "Lenovo ThinkSystem SR650", "J300ABCD", "数据中心机房 A-03 机柜",
     30, HONGXIN, LENOVO, "in_use"),
    ("DC-SRV-022", "server", "Dell PowerEdge R740 (ERP 数据库)", "7XK2Q93",
     "数据中心机房 A-04 机柜", 40, HONGXIN, HENGTONG, "in_use"),
    ("NET-FW-001", "network", "Huawei USG6555E 防火墙", "2102353GSN10K7000123", "数据中心机房 B-01",
     26, SHULIAN, HENGTONG, "in_use"),
    ("NET-SW-001", "network", "Huawei S5735-L48T4X-A 核心交换机", "2102351HLH10K8000456",
     "数据中心机房 B-01", 26, SHULIAN, HENGTONG, "in_use"),
    ("NET-SW-002", "network", "H3C S5130S-28S-EI 接入交换机", "219801A1XG9201000789",
     "行政楼 2F 弱电间", 44, SHULIAN, HENGTONG, "in_use"),
    ("UPS-DC-01", "ups", "APC Smart-UPS SRT 6000", "AS1938123456", "数据中心机房 A-01",
     30, HONGXIN, HENGTONG, "in_use"),
    ("UPS-F2-01", "ups", "山特 SANTAK C6KS", "3C6K2105004321", "2 号厂房 配电间",
     50, HONGXIN, HENGTONG, "in_use"),
    ("ADM-CPY-003", "printer", "Ricoh IM C3000", "3100R912345", "行政楼 1F 前台",
     28, HONGXIN, RICOH, "in_use"),
    ("MTG-PRJ-301", "other", "Epson CB-2265U 投影仪", "X4JR2300567", "行政楼 3F 大会议室",
     36, HONGXIN, "", "in_use"),
    ("IT-NB-SPARE-01", "laptop", "Lenovo ThinkPad T14 Gen 3", "PF3XK2LN", "IT 库房",
     10, HONGXIN, LENOVO, "in_stock"),
    ("IT-PC-OLD-07", "pc", "Lenovo ThinkCentre M710q", "MJ05AB12", "IT 库房",
     78, HONGXIN, "", "retired"),
)
LICENCES = (
    ("LIC-M365-E3", "Microsoft 365 E3（100 用户）", "订阅至年底", 100, (82, 86, 88, 91)),
    ("LIC-ACAD-NET", "Autodesk AutoCAD 网络版（20 并发）", "网络许可", 20, (14, 16, 17, 15)),
)


def _vendor(session: Session, name: str) -> Vendor | None:
    return session.scalar(select(Vendor).where(Vendor.name == name)) if name else None


def _months_ago(today: date, months: int) -> date:
    year, month = divmod(today.year * 12 + today.month - 1 - months, 12)
    return date(year, month + 1, min(today.day, 28))


def _local(session: Session, day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=company_timezone(session))


def seed_assets(session: Session) -> None:
    """The installed base, its counters and rules, readings, and links to the demo requests."""
    tech = session.scalar(select(User).where(User.username == "xie.ping")) or session.scalar(
        select(User).where(User.role == "technician").order_by(User.id).limit(1))
    lead = session.scalar(select(User).where(User.role == "lead").order_by(User.id).limit(1))
    if tech is None or lead is None:
        return
    today = clock.now().astimezone(company_timezone(session)).date()
    pages = create_counter(session, None, asset_type="printer", code="page_count",
                           name="页数 Page count", unit="pages")
    battery = create_counter(session, None, asset_type="ups", code="battery_age",
                             name="电池使用月数 Battery age", unit="months", kind="age")
    seats = create_counter(session, None, asset_type="licence", code="seats_used",
                           name="已用授权 Seats in use", unit="seats", kind="gauge",
                           max_value=500)
    _rules(session, lead, pages, battery, seats)
    _workstations(session, tech, today)
    _printers(session, tech, today, pages)
    _shared(session, tech, today, battery)
    _licences(session, tech, today, seats)
    _link_requests(session, tech)


def _rules(session: Session, lead: User, pages: Any, battery: Any, seats: Any) -> None:
    categories = {c.name for c in host_of(session).categories()}
    if "procurement" not in categories:
        return

    def purchase(description: str, item_type: str, price: str, why: str) -> dict[str, Any]:
        return {"items": [{"description": description, "item_type": item_type, "quantity": 1,
                           "unit_price": price}],
                "cost_centre": "CC-1900", "justification": why,
                "delivery_location": "{location}"}

    create_threshold_rule(
        session, None, name="硒鼓：每 20 000 页 Toner every 20 000 pages", counter=pages,
        mode="every", amount=20_000, category="procurement", requester=lead,
        title="硒鼓更换 {tag}（{value} 页）Toner for {tag}",
        description="{model}（{location}）已打印 {value} 页，请采购一支硒鼓。",
        details=purchase("{model} 原装硒鼓", "consumables", "560.00",
                         "打印机 {tag} 已打印 {value} 页，按每 20 000 页更换一次硒鼓。"))
    create_threshold_rule(
        session, None, name="UPS 电池超过 36 个月 UPS battery older than 36 months",
        counter=battery, mode="above", amount=36, category="procurement", requester=lead,
        priority="high", title="UPS 电池更换 {tag}（已用 {value} 个月）",
        description="{model}（{location}）的电池已使用 {value} 个月，超过 36 个月，请更换。",
        details=purchase("{model} 替换电池组", "other", "3800.00",
                         "UPS {tag} 电池已使用 {value} 个月，存在断电风险。"))
    create_threshold_rule(
        session, None, name="授权即将用完 Licence seats nearly used up", counter=seats,
        mode="above", amount=95, category="procurement", requester=lead,
        title="增购授权 {tag}（已用 {value}）",
        description="{model} 已使用 {value} 个授权，请评估增购。",
        details=purchase("{model} 增购 10 个授权", "software_licence", "2400.00",
                         "{tag} 已用授权 {value} 个，接近上限。"))


def _workstations(session: Session, tech: User, today: date) -> None:
    """A PC for every employee (a laptop in Sales), bought at different times."""
    n = 0
    for dept, people in EMPLOYEES.items():
        location = PLACES[dept][0]
        for username, _name in people:
            user = session.scalar(select(User).where(User.username == username))
            if user is None:
                continue
            n += 1
            laptop = dept == "SALES" or n % 5 == 0
            bought = _months_ago(today, 4 + (n * 7) % 44)
            model = ("Lenovo ThinkPad T14 Gen 3" if laptop
                     else ("Dell OptiPlex 7010" if n % 2 else "Lenovo ThinkCentre M720q"))
            svc.create_asset(
                session, tech, tag=f"{dept}-{'NB' if laptop else 'PC'}-{n:03d}",
                type="laptop" if laptop else "pc", model=model,
                serial=f"{'PF3' if 'Lenovo' in model else 'CN0'}{dept[:2]}{7100 + n * 13}",
                status="in_use", user=user, location=location, purchased_on=bought,
                warranty_end=_months_ago(bought, -36),
                supplier=_vendor(session, HONGXIN),
                maintainer=_vendor(session, LENOVO if "Lenovo" in model else ""),
                source="demo")


def _printers(session: Session, tech: User, today: date, pages: Any) -> None:
    """Each department's printer with six monthly page readings (Finance's last one passes
    40 000 pages: the toner rule opens a purchase)."""
    for dept, (location, tag, model, monthly, start) in PLACES.items():
        dept_row = svc.create_asset(
            session, tech, tag=tag, type="printer", model=model, serial=f"VNB3K{len(tag)}{start}",
            status="in_use", department=dept, location=location,
            purchased_on=_months_ago(today, 30), warranty_end=_months_ago(today, -6),
            supplier=_vendor(session, HONGXIN), maintainer=_vendor(session, RICOH),
            source="demo")
        for month in range(6, -1, -1):
            day = today - timedelta(days=30 * month + 1)
            value = start + monthly * (6 - month) + (137 * month) % 400
            if dept == "FIN" and month == 0:
                value = 40_350
            record_reading(session, tech, dept_row, pages, value=value,
                           read_at=_local(session, day), source="system" if month else "web")


def _shared(session: Session, tech: User, today: date, battery: Any) -> None:
    for tag, kind, model, serial, location, months, supplier, maintainer, status in SHARED:
        bought = _months_ago(today, months)
        asset = svc.create_asset(
            session, tech, tag=tag, type=kind, model=model, serial=serial,
            status="in_stock" if status == "retired" else status,
            department="IT", location=location, purchased_on=bought,
            warranty_end=_months_ago(bought, -36), supplier=_vendor(session, supplier),
            maintainer=_vendor(session, maintainer), source="demo")
        if status == "retired":
            svc.set_asset_status(session, tech, asset, "retired", note="主板故障，已报废")
        if tag == "UPS-F2-01":  # its battery was replaced three weeks ago
            record_reading(session, tech, asset, battery, reset=True,
                           read_at=_local(session, today - timedelta(days=21)),
                           note="更换 16 节 12V 9Ah 电池")


def _licences(session: Session, tech: User, today: date, seats: Any) -> None:
    for tag, model, notes, size, used in LICENCES:
        lic = svc.create_asset(session, tech, tag=tag, type="licence", model=model,
                               status="in_use", department="IT", notes=f"{notes}，{size} 个授权",
                               purchased_on=_months_ago(today, 8),
                               warranty_end=date(today.year, 12, 31),
                               supplier=_vendor(session, HONGXIN), source="demo")
        for n, value in enumerate(used):
            record_reading(session, tech, lic, seats, value=value,
                           read_at=_local(session, today - timedelta(days=7 * (len(used) - n))))


def _link_requests(session: Session, tech: User) -> None:
    """The demo's repair requests name their device (by tag or serial in their details), and
    an employee's fault report names their PC."""
    for req in session.scalars(select(ServiceRequest).order_by(ServiceRequest.id)).all():
        ref = str((req.details or {}).get("asset_tag") or "").strip()
        asset = None
        if ref:
            asset = session.scalar(select(Asset).where(or_(
                func.upper(Asset.tag) == ref.upper(), func.upper(Asset.serial) == ref.upper())))
        elif req.category == "outsourcing":
            kind = str((req.details or {}).get("equipment_type") or "")
            asset = session.scalar(select(Asset).where(Asset.type == kind).order_by(Asset.id)
                                   .limit(1)) if kind in ("ups", "server") else None
        if asset is None:
            continue
        try:
            svc.link_asset(session, tech, req, asset, role="repair")
        except HelpdeskError:
            continue
