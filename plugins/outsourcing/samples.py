"""Example maintenance vendors and repair requests, as a manufacturer's staff would file them."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from hdcore import SampleRequest, now
from plugins.outsourcing import names as n

LENOVO = "联想（上海）授权服务站"
RICOH = "理光办公设备维修服务部（上海）"
HENGTONG = "上海恒通网络技术服务有限公司"

VENDORS: tuple[dict[str, str], ...] = (
    {"name": LENOVO, "contact_name": "陈建华", "phone": "021-5046 8800",
     "email": "sh.service@lenovo-asp.example.com"},
    {"name": RICOH, "contact_name": "孙立强", "phone": "021-6288 1234",
     "email": "repair.sh@ricoh-service.example.com"},
    {"name": HENGTONG, "contact_name": "周海峰", "phone": "138-1721-5566",
     "email": "support@hengtong-it.example.com"},
)


def _day(days_ago: int) -> str:
    return (date.today() - timedelta(days=days_ago)).isoformat()


def _at(hours_ahead: float) -> str:
    return (now() + timedelta(hours=hours_ahead)).isoformat()


def _start(technician: str) -> tuple[tuple[str, dict[str, Any]], ...]:
    return (("assign", {"assignee": technician}), ("start", {}))


def _dispatch(vendor: str, reference: str, response_h: float, completion_h: float,
              **extra: Any) -> tuple[str, dict[str, Any]]:
    return (n.DISPATCH, {
        "vendor": vendor, "vendor_reference": reference,
        "promised_response_at": _at(response_h), "promised_completion_at": _at(completion_h),
        **extra,
    })


def sample_requests() -> list[SampleRequest]:
    """Repair requests ending in each kind of state (dates relative to today)."""
    return [
        SampleRequest(
            "财务部打印机卡纸，打印出来全是黑条",
            "打印机最近两天经常卡纸，打印出来的凭证上有黑色竖条，换了硒鼓也一样。"
            "月底结账要打很多单据，麻烦尽快安排维修。",
            {"equipment_type": "printer", "equipment": "HP LaserJet Pro M404dn",
             "asset_tag": "FIN-PRN-012", "location": "行政楼 3F 财务部",
             "fault": "卡纸，打印有黑色竖条，已更换硒鼓无效", "since": _day(2),
             "impact": "degraded", "warranty": "no"},
        ),
        SampleRequest(
            "Laptop screen flickering / 笔记本屏幕闪烁",
            "My ThinkPad screen flickers and sometimes goes black when I open the lid more than "
            "90 degrees. External monitor works fine. 外接显示器正常。",
            {"equipment_type": "laptop", "equipment": "Lenovo ThinkPad T14 Gen 3",
             "asset_tag": "PF3XK2LM", "location": "研发中心 B 栋 5F 工位 B5-118",
             "fault": "Screen flickers / goes black depending on lid angle", "since": _day(5),
             "impact": "degraded", "warranty": "yes"},
            path=(("assign", {"assignee": "zhao.lei"}),),
            channel="phone",
        ),
        SampleRequest(
            "理光复印机报错 SC542，无法复印",
            "前台的复印机开机后显示 SC542 错误代码，完全不能用，访客登记和合同复印都受影响。",
            {"equipment_type": "copier", "equipment": "Ricoh IM C3000",
             "asset_tag": "ADM-CPY-003", "location": "行政楼 1F 前台",
             "fault": "开机报 SC542（定影温度异常），无法复印和打印", "since": _day(0),
             "impact": "cannot_work", "warranty": "unknown"},
            priority="high",
            path=(*_start("li.na"),
                  _dispatch(RICOH, "RC-SH-20418", 4, 28,
                            instructions="前台王小姐接待，工程师到后请先联系 IT 分机 8021。")),
        ),
        SampleRequest(
            "ERP 数据库服务器硬盘告警 RAID degraded",
            "Monitoring shows RAID 5 on the ERP DB server is degraded, disk in bay 3 predictive "
            "failure. 服务还在运行，但需要尽快换盘。",
            {"equipment_type": "server", "equipment": "Lenovo ThinkSystem SR650",
             "asset_tag": "DC-SRV-021", "location": "数据中心机房 A-03 机柜",
             "fault": "RAID 5 degraded, bay 3 predictive failure (XClarity alert)",
             "since": _day(1), "impact": "can_work", "warranty": "yes"},
            priority="urgent",
            path=(*_start("zhao.lei"),
                  _dispatch(LENOVO, "LNV-CASE-7734102", 4, 48, backup_required=True),
                  (n.VENDOR_ARRIVED, {"engineer": "陈建华", "note": "确认 3 号盘预故障"}),
                  (n.ORDER_PARTS, {
                      "diagnosis": "3 号槽硬盘 SMART 预故障，需更换同型号硬盘后重建 RAID。",
                      "parts": [{"part": "2.4TB 10K SAS 硬盘", "part_number": "01DC417",
                                 "quantity": 1}],
                      "parts_expected_on": (date.today() + timedelta(days=2)).isoformat()})),
        ),
        SampleRequest(
            "UPS 报警，电池需要更换 / UPS battery alarm",
            "2号厂房配电间的 UPS 一直蜂鸣，面板显示 Battery Replace。",
            {"equipment_type": "ups", "equipment": "山特 SANTAK C6KS",
             "location": "2 号厂房 配电间", "fault": "面板显示 Battery Replace，持续蜂鸣",
             "since": _day(3), "impact": "can_work", "warranty": "no"},
            path=(*_start("zhao.lei"),
                  _dispatch(HENGTONG, "HT-2024-0915", 6, 30, access_required=False,
                            instructions="工程师有厂区长期通行证"),
                  (n.VENDOR_ARRIVED, {"engineer": "周海峰"}),
                  (n.VENDOR_REPAIRED, {"work_done": "更换 16 节 12V 9Ah 电池，放电测试正常。",
                                       "cause": "电池老化（已使用 4 年）",
                                       "parts_replaced": [{"part": "12V 9Ah 蓄电池",
                                                           "quantity": 16}]}),
                  (n.VERIFY_FIXED, {"note": "告警消除，自检通过"}),
                  ("resolve", {"resolution": "供应商已更换 UPS 电池，自检通过，告警已消除。"})),
        ),
        SampleRequest(
            "AutoCAD license server down / CAD 许可证服务器无法启动",
            "设计部所有人打开 AutoCAD 都提示 license not available，许可证服务由外包商维护。",
            {"equipment_type": "software", "equipment": "Autodesk Network License Manager 11.19",
             "location": "设计部（服务器在数据中心）",
             "fault": "AutoCAD: 'License not available'，FlexLM 服务启动失败",
             "since": _day(1), "impact": "cannot_work", "warranty": "yes"},
            priority="high",
            path=(*_start("li.na"),
                  _dispatch(HENGTONG, "HT-2024-0921", 2, 8, service_mode="remote",
                            access_required=False),
                  (n.VENDOR_ARRIVED, {"engineer": "Remote: 李工"}),
                  (n.VENDOR_REPAIRED, {"work_done": "重新生成许可证文件并修复 lmgrd 服务。",
                                       "cause": "服务器更换网卡后 MAC 地址变化"}),
                  (n.VERIFY_FIXED, {"note": "设计部确认可以正常打开 AutoCAD"}),
                  ("resolve", {"resolution": "供应商远程更新了许可证文件，AutoCAD 已恢复使用。"}),
                  ("close", {})),
        ),
        SampleRequest(
            "会议室投影仪不显示 Projector shows no signal",
            "3楼大会议室投影仪接 HDMI 无信号，下周一有客户来访要用。",
            {"equipment_type": "other", "equipment": "Epson CB-2265U",
             "asset_tag": "MTG-PRJ-301", "location": "行政楼 3F 大会议室",
             "fault": "HDMI 无信号，VGA 偶尔有画面", "since": _day(6),
             "impact": "degraded", "warranty": "no"},
            path=(*_start("li.na"),
                  _dispatch(HENGTONG, "HT-2024-0899", 20, 72, access_required=False),
                  (n.RECORD_EXCEPTION, {
                      "problem": "missed_visit",
                      "reason": "约定今天 14:00 上门，工程师临时爽约且未提前通知；已电话联系"
                                "周经理，答应明天上午重新安排。",
                      "action": "chase"})),
        ),
    ]
