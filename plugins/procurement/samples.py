"""Example suppliers and purchase requests, as employees of the company would file them."""

from __future__ import annotations

from datetime import timedelta

from hdcore import SampleRequest
from plugins.procurement.validators import company_today

HONGXIN = "宏信电脑系统集成有限公司"
HUADONG = "华东办公用品有限公司"
SHULIAN = "苏州数联网络科技有限公司"

SUPPLIERS: tuple[dict[str, str], ...] = (
    {"name": HONGXIN, "contact_name": "陈晓东", "phone": "021-6288 1234",
     "email": "sales@hongxin-it.example.com"},
    {"name": HUADONG, "contact_name": "李雪梅", "phone": "021-5466 7788",
     "email": "orders@hd-office.example.com"},
    {"name": SHULIAN, "contact_name": "Kevin Zhou 周凯", "phone": "0512-6761 2345",
     "email": "kevin.zhou@shulian-net.example.com"},
)

_START = (("assign", {"assignee": "li.na"}), ("start", {}))
_START_ZHAO = (("assign", {"assignee": "zhao.lei"}), ("start", {}))


def _line(description: str, item_type: str, quantity: int, unit_price: str) -> dict[str, object]:
    return {"description": description, "item_type": item_type, "quantity": quantity,
            "unit_price": unit_price}


def sample_requests() -> list[SampleRequest]:
    """Six purchases whose paths end new, assigned, awaiting approval, ordered, resolved, closed.

    Dates are relative to today, so the samples stay valid whenever the demo is loaded.
    """
    today = company_today()

    def day(offset: int) -> str:
        return (today + timedelta(days=offset)).isoformat()

    def approved(supplier: str, quote_ref: str, amount: str, po: str,
                 delivery_in: int) -> tuple[tuple[str, dict[str, object]], ...]:
        return (
            ("submit_for_approval", {}),
            ("approve", {"comment": "同意采购。"}),
            ("request_quote", {"supplier": supplier, "quote_due": day(3)}),
            ("record_quote", {"quote_reference": quote_ref, "quoted_amount": amount,
                              "promised_delivery": day(delivery_in)}),
            ("place_order", {"po_number": po, "ordered_at": day(0)}),
        )

    return [
        SampleRequest(
            "财务部A4复印纸、硒鼓补货",
            "月底结账打印量大，A4纸只剩两箱了。另外 HP LaserJet M404dn 的硒鼓也快用完了，"
            "请帮忙各备一些。",
            {"items": [_line("A4 复印纸 70g（5包/箱）", "paper", 10, "135.00"),
                       _line("HP 76A 原装硒鼓 CF276A", "consumables", 2, "560.00")],
             "cost_centre": "CC-100",
             "justification": "月结和年审需要打印大量凭证，现有库存不够一周用量。",
             "needed_by": day(14), "delivery_location": "行政楼3楼 财务部"},
        ),
        SampleRequest(
            "Laptops for two new sales reps",
            "Two new colleagues join Sales on the 1st and need laptops with Office and the CRM "
            "client. 王经理电话申请，请尽快安排。",
            {"items": [_line("ThinkPad T14 Gen 5 (i7 / 16GB / 512GB SSD)", "laptop", 2,
                             "8499.00"),
                       _line("ThinkPad USB-C Dock Gen 2", "other", 2, "1299.00")],
             "cost_centre": "CC-200",
             "justification": "New hires; no spare laptops in the IT store.",
             "needed_by": day(10), "delivery_location": "Office building 5F, Sales"},
            priority="high", path=(("assign", {"assignee": "li.na"}),), channel="phone",
        ),
        SampleRequest(
            "ERP测试环境服务器采购 / Server for the ERP test environment",
            "ERP 升级项目需要独立的测试环境，现有虚拟化集群资源不够。申请采购一台服务器和一台"
            "万兆交换机，配置见明细，预算已和财务沟通过。",
            {"items": [_line("Dell PowerEdge R760 (2× Xeon Silver 4410Y, 256GB, "
                             "4× 1.92TB SSD)", "server", 1, "68500.00"),
                       _line("H3C S6520X-30QC-EI 万兆交换机", "network", 1, "12800.00"),
                       _line("Windows Server 2022 Standard (16 core)", "software_licence", 2,
                             "6200.00")],
             "cost_centre": "CC-300",
             "justification": "ERP R12 升级测试必须与生产隔离；项目计划要求下月初环境就绪。",
             "delivery_location": "数据中心机房 B 排"},
            path=(*_START_ZHAO,
                  ("submit_for_approval", {"note": "金额超过5万元，需要IT部经理审批。"})),
        ),
        SampleRequest(
            "设计部更换4台27寸显示器",
            "设计部现在用的22寸显示器分辨率不够，看图纸很吃力，申请换成27寸2K显示器。",
            {"items": [_line("Dell P2723D 27\" QHD", "monitor", 4, "1899.00")],
             "cost_centre": "CC-410",
             "justification": "CAD 图纸需要高分辨率，提升出图效率。",
             "delivery_location": "研发楼2楼 设计部"},
            path=(*_START, *approved(HONGXIN, "HX-Q-0518-07", "7480.00", "PO-IT-2026-0142",
                                     10)),
        ),
        SampleRequest(
            "Toner for the 2F printers 二楼打印机硒鼓",
            "The Brother printers on 2F show 'toner low' and the copier needs powder too.",
            {"items": [_line("Brother TN-3488 toner", "consumables", 6, "420.00"),
                       _line("Canon NPG-67 粉盒", "consumables", 2, "380.00")],
             "cost_centre": "CC-100",
             "justification": "Printers will stop within days; no stock left.",
             "delivery_location": "行政楼2楼 文印室"},
            path=(*_START_ZHAO,
                  *approved(HUADONG, "HD-2026-0533", "3240.00", "PO-IT-2026-0150", 2),
                  ("record_delivery", {"delivered_on": day(0), "delivery_note": "DN-883102"}),
                  ("confirm_receipt", {"confirmed": True}),
                  ("resolve", {"resolution": "硒鼓已到货，二楼两台打印机已更换，"
                                             "余下的放在文印室备用。"})),
        ),
        SampleRequest(
            "车间办公室A4纸采购",
            "一车间、二车间办公室的A4纸用完了，申请采购40箱。",
            {"items": [_line("A4 复印纸 80g（5包/箱）", "paper", 40, "132.00")],
             "cost_centre": "CC-520",
             "justification": "生产日报、质检单每天都要打印。",
             "delivery_location": "一号厂房 车间办公室"},
            path=(*_START,
                  *approved(HUADONG, "HD-2026-0541", "5280.00", "PO-IT-2026-0151", 3),
                  ("record_delivery", {"delivered_on": day(0), "delivery_note": "DN-883260"}),
                  ("report_problem", {"problem_type": "shortfall",
                                      "description": "送货单写40箱，实际只到了35箱。"}),
                  ("return_to_supplier", {"supplier_reference": "HD-RMA-0412",
                                          "replacement_due": day(2)}),
                  ("record_delivery", {"delivered_on": day(0), "delivery_note": "DN-883301"}),
                  ("confirm_receipt", {"confirmed": True, "remarks": "补发的5箱已收到。"}),
                  ("resolve", {"resolution": "40箱A4纸已全部到货并送到车间办公室。"}),
                  ("close", {})),
        ),
    ]
