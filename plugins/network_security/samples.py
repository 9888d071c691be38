"""Example network security requests, as employees of the company write them."""

from __future__ import annotations

from datetime import timedelta

from hdcore import SampleRequest
from plugins.network_security.validators import COMPANY_TZ, now, today

ASSIGN_LI = ("assign", {"assignee": "li.na"})
ASSIGN_ZHAO = ("assign", {"assignee": "zhao.lei"})
START = ("start", {})


def _at(delta: timedelta) -> str:
    """A moment relative to now, written as the company's clocks show it."""
    return (now() + delta).astimezone(COMPANY_TZ).isoformat(timespec="minutes")


def build() -> list[SampleRequest]:
    """The samples, with times and dates relative to today so that every walk is valid."""
    return [
        SampleRequest(
            "电脑弹出勒索提示，文件打不开 / Ransom note on FIN-PC-023",
            "今天早上开机后桌面出现英文勒索提示，共享盘上的Excel文件后缀都变成了 .lockbit，"
            "杀毒软件弹窗报警。电脑还没关，网线也还插着，请尽快处理。",
            {"kind": "virus_notice", "infected_host": "FIN-PC-023",
             "virus_name": "Ransom:Win32/LockBit.A"},
            priority="urgent",
        ),
        SampleRequest(
            "FortiGate VPN 漏洞 CVE-2024-21762 需要修补",
            "CNVD 通报 FortiOS SSL-VPN 越界写漏洞，可远程执行代码，已有在野利用。"
            "总部 VPN 网关 FGT-HQ-01 版本 7.2.5 在受影响范围内，请评估并安排升级。",
            {"kind": "vulnerability", "cve_id": "CVE-2024-21762",
             "affected_systems": "总部 VPN 网关 FGT-HQ-01 (FortiOS 7.2.5)", "cvss_score": 9.8},
            priority="high",
            path=(ASSIGN_ZHAO,),
        ),
        SampleRequest(
            "ERP 异常登录：多个账号凌晨从境外 IP 登录",
            "Security alert from the AD server: between 02:10 and 03:40 five finance accounts "
            "logged in to ERP from 185.220.101.x. 其中两个账号的员工说当时并没有上班。",
            {"kind": "security_incident",
             "what_happened": "五个财务账号在凌晨从境外 IP 登录 ERP，两人确认不是本人操作。",
             "noticed_at": _at(-timedelta(hours=5)),
             "affected_systems": "ERP 生产环境 (Oracle EBS)、AD 域控", "severity": "high"},
            priority="urgent",
            channel="phone",
            path=(
                ASSIGN_ZHAO, START,
                ("contain_incident", {
                    "containment_actions": "锁定五个账号并强制改密；防火墙封禁 185.220.101.0/24；"
                                           "保留 ERP 与 AD 登录日志。"}),
                ("raise_to_vendor", {
                    "vendor": "安澜信息安全服务（上海）有限公司",
                    "request_to_vendor": "请协助分析登录日志，确认是否有数据被导出，"
                                         "并排查入侵途径。",
                    "promised_response_at": _at(timedelta(hours=4)),
                    "promised_completion_at": _at(timedelta(days=2)),
                }),
            ),
        ),
        SampleRequest(
            "MES 服务器访问 ERP 数据库 1521 端口开通申请",
            "New MES interface posts production receipts to ERP every 10 minutes. "
            "需要从 MES 应用服务器网段访问 ERP 数据库监听端口。",
            {"kind": "firewall_change", "source": "10.30.12.0/24",
             "destination": "erp-db01.hq.corp", "protocol": "tcp", "port": "1521",
             "direction": "internal",
             "business_reason": "生产部 MES 与 ERP 接口上线，完工入库数据自动回传 ERP"
                                "（INV 模块）。"},
            path=(
                ASSIGN_ZHAO, START,
                ("assess_risk", {"risk_level": "medium",
                                 "assessment_notes": "仅内网两个网段之间单端口访问；数据库账号为"
                                                     "接口专用只读+写入指定表。"}),
                ("approve_change", {"approval_note": "同意，上线后一周内复查访问日志。"}),
                ("implement_change", {"change_reference": "FW-2026-0187"}),
                ("verify_change", {"verified_by": "生产部 王强",
                                   "result": "MES 测试入库单已成功写入 ERP，telnet 1521 正常。"}),
                ("resolve", {"resolution": "防火墙策略 FW-2026-0187 已开通并验证。"}),
            ),
        ),
        SampleRequest(
            "仓库电脑U盘中毒 / USB virus on WH-PC-007",
            "仓库打单电脑插了供应商的U盘以后，杀毒软件一直弹窗报 autorun 病毒，打印也变慢了。",
            {"kind": "virus_notice", "infected_host": "WH-PC-007",
             "virus_name": "Worm:Win32/Autorun.AB"},
            path=(
                ASSIGN_LI, START,
                ("isolate_host", {"isolation_method": "switch_port",
                                  "notes": "已关闭交换机端口 Gi1/0/17。"}),
                ("clean_host", {"cleanup_action": "antivirus",
                                "cleanup_notes": "全盘查杀清除 12 个感染文件，删除 autorun.inf；"
                                                 "U 盘已格式化。"}),
                ("verify_clean", {"scan_tool": "恒御终端安全 v6.2，病毒库 2026-11-28",
                                  "scan_result": "复查全盘扫描 0 威胁。"}),
                ("resolve", {"resolution": "病毒已清除，电脑已恢复联网；已禁用 U 盘自动运行。"}),
                ("close", {}),
            ),
        ),
        SampleRequest(
            "Temporary remote access for the Siemens PLC engineer / 临时开通远程维护",
            "西门子工程师需要远程调试二号线 PLC 上位机，两周左右。From their office IP only.",
            {"kind": "firewall_change", "source": "203.0.113.25", "destination": "10.40.1.15",
             "protocol": "tcp", "port": "3389", "direction": "inbound",
             "business_reason": "二号线改造调试，供应商工程师远程登录上位机 WinCC。",
             "temporary": True, "end_date": (today() + timedelta(days=14)).isoformat()},
            priority="high",
            path=(
                ASSIGN_ZHAO, START,
                ("assess_risk", {"risk_level": "high",
                                 "assessment_notes": "外网直连生产网 RDP，风险高；建议改为经 VPN "
                                                     "并限定源地址，到期即关闭。"}),
            ),
        ),
        SampleRequest(
            "Log4j 漏洞排查 CVE-2021-44228",
            "审计要求确认公司系统是否受 Log4Shell 影响。",
            {"kind": "vulnerability", "cve_id": "CVE-2021-44228",
             "affected_systems": "ERP、OA、邮件网关", "severity": "critical",
             "cvss_score": 10.0},
            path=(
                ASSIGN_ZHAO, START,
                ("assess_vulnerability", {
                    "exposure": "not_affected",
                    "assessment": "ERP (Oracle EBS 12.2) 与 OA 均未使用 log4j 2.x；邮件网关厂商"
                                  "公告不受影响。"}),
                ("resolve", {"resolution": "排查完毕，公司系统不受 CVE-2021-44228 影响。"}),
                ("close", {}),
            ),
        ),
    ]
