"""Realistic ERP support requests and ERP vendors, for demo data and tests.

Dates in the steps are computed when the samples are asked for, so a demo loaded on any day
shows a problem raised today with a promise in the future.
"""

from __future__ import annotations

from datetime import timedelta

from hdcore import SampleRequest
from hdcore import now as clock_now
from plugins.erp_support.constants import COMPANY_TZ

ORACLE = "甲骨文（中国）软件系统有限公司"
PARTNER = "上海智汇ERP咨询有限公司"

#: Example ERP vendors: the software maker's support line and two local service partners.
ERP_VENDORS: tuple[dict[str, str], ...] = (
    {"name": ORACLE, "contact_name": "Oracle Support 技术支持热线",
     "phone": "010-8518-6000", "email": "support-cn@oracle.example.com"},
    {"name": PARTNER, "contact_name": "陈晓峰（实施顾问）",
     "phone": "021-5888-6620", "email": "service@zhihui-erp.example.com"},
    {"name": "苏州云启信息技术有限公司", "contact_name": "刘工（运维经理）",
     "phone": "0512-6752-3180", "email": "ams@yunqi-it.example.com"},
)

_START = (("assign", {"assignee": "li.na"}), ("start", {}))
_START_ZHAO = (("assign", {"assignee": "zhao.lei"}), ("start", {}))


def sample_requests() -> list[SampleRequest]:
    """The samples, their vendor dates relative to now."""
    now = clock_now().astimezone(COMPANY_TZ)
    today = now.date().isoformat()
    return [
        SampleRequest(
            "AP发票验证报错，Distribution Variance 保留无法释放",
            "月底结账前有30多张供应商发票验证后一直挂着 Dist Variance hold，"
            "手工释放时报错。影响本月应付关账，请尽快处理。",
            {
                "request_type": "fault", "module": "AP", "environment": "production",
                "business_impact": "department",
                "impact_note": "应付组6个人都卡住了，月结截止是本周五。",
                "erp_function": "Invoice Workbench (APXINWKB)",
                "error_message": "APP-SQLAP-10000: ORA-01403: no data found in Package "
                                 "AP_APPROVAL_PKG.APPROVE",
                "steps_to_reproduce": "1. 应付超级用户 > 发票 > 录入 > 发票\n"
                                      "2. 查询发票 INV-2025-1187\n3. 操作 > 验证",
            },
            priority="high",
        ),
        SampleRequest(
            "How to reopen a closed GL period? 总账期间关闭后如何重新打开",
            "财务部需要在已关闭的11月期间补录一笔调整分录。请问如何重新打开期间，"
            "对已出的报表有什么影响？",
            {"request_type": "question", "module": "GL", "environment": "production",
             "business_impact": "one_user"},
            path=(("assign", {"assignee": "zhao.lei"}),),
        ),
        SampleRequest(
            "WIP完工入库事务卡在接口表 / Completions stuck in the transaction interface",
            "从昨天下午开始，车间扫码完工后事务一直停在待处理接口，库存现有量没有增加，"
            "仓库无法按订单发货。",
            {
                "request_type": "fault", "module": "WIP", "environment": "production",
                "business_impact": "company",
                "impact_note": "三个工厂的完工入库都受影响，今天约200张销售订单无法发运。",
                "erp_function": "Interface Manager: Inventory transactions",
                "error_message": "Transaction processor error: ORA-20001: "
                                 "INV_TXN_MANAGER_PUB.PROCESS_TRANSACTIONS failed",
            },
            priority="urgent",
            path=(*_START, ("raise_to_vendor", {
                "vendor": ORACLE, "vendor_reference": "SR 3-38215540021",
                "raised_on": today, "severity": "1",
                "promised_response_at": (now + timedelta(hours=4)).isoformat(),
                "problem_summary": "Inventory transaction manager fails for WIP completions "
                                   "since the last patch; trace files uploaded.",
            })),
        ),
        SampleRequest(
            "采购订单审批层级调整 / Lower the buyers' PO approval limit",
            "按采购部新制度，单笔超过50万元的采购订单需要采购总监审批。"
            "请调整采购订单审批组的金额上限。",
            {"request_type": "configuration_change", "module": "PO",
             "environment": "production", "business_impact": "department",
             "impact_note": "新制度下个月1日起执行。"},
            path=(
                *_START,
                ("request_approval", {
                    "change_summary": "审批组 PO_BUYER_CN 的采购员审批上限从 1,000,000 改为 "
                                      "500,000 元，超出部分升级到采购总监。",
                    "rollback_plan": "恢复审批组原上限 1,000,000 元。",
                }),
                ("approve_change", {"comment": "同意，按新制度执行。"}),
                ("submit_for_verification", {
                    "test_change": "TEST 环境已修改审批组 PO_BUYER_CN 的金额上限。",
                    "how_to_verify": "在 TEST 中用采购员账号创建一张60万元的采购订单并提交审批，"
                                     "确认审批流转到采购总监。",
                }),
                ("confirm_verification", {"comment": "测试通过，60万的订单已转到总监审批。"}),
                ("apply_production", {
                    "production_change": "PROD 审批组 PO_BUYER_CN 上限已改为 500,000 元。",
                }),
                ("resolve", {"resolution": "审批上限已在正式环境调整，下个月起按新制度执行。"}),
            ),
        ),
        SampleRequest(
            "标准成本更新报错 Cost update fails for new items",
            "月结前运行“更新标准成本”时报错，新物料的成本无法从待定成本更新为冻结成本。",
            {
                "request_type": "fault", "module": "CST", "environment": "production",
                "business_impact": "department",
                "erp_function": "Update Standard Costs (CMCCCU)",
                "error_message": "CMCCCU module: Update Standard Costs ... "
                                 "ORA-01476: divisor is equal to zero",
            },
            priority="high",
            path=(
                *_START_ZHAO,
                ("raise_to_vendor", {
                    "vendor": PARTNER, "vendor_reference": "ZH-AMS-20251187",
                    "raised_on": today, "severity": "2",
                    "promised_response_at": (now + timedelta(days=1)).isoformat(),
                    "problem_summary": "成本更新程序在资源费率为0的物料上除零报错。",
                }),
                ("vendor_answered", {
                    "vendor_answer": "已知问题，需要应用补丁 p29876543，或先给资源维护非零费率。",
                    "outcome": "patch",
                }),
                ("submit_for_verification", {
                    "test_change": "TEST 已打补丁 p29876543。",
                    "how_to_verify": "在 TEST 中对成本类型“待定”运行更新标准成本，确认无报错。",
                }),
                ("confirm_verification", {}),
                ("apply_production", {"production_change": "PROD 已于维护窗口应用补丁 "
                                                           "p29876543。"}),
                ("resolve", {"resolution": "已应用厂商补丁，标准成本更新恢复正常。"}),
                ("close", {}),
            ),
        ),
        SampleRequest(
            "新员工开通ERP账号及应收职责 / New ERP user for an AR clerk",
            "财务部新同事王小丽下周一入职，负责应收开票，请开通ERP账号和应收职责。",
            {
                "request_type": "user_change", "module": "AR", "environment": "production",
                "business_impact": "one_user", "erp_username": "WANG.XIAOLI",
                "user_action": "new_user",
                "responsibilities": [
                    {"action": "add", "responsibility": "AR Clerk – Shanghai"},
                    {"action": "add", "responsibility": "Receivables Inquiry"},
                ],
            },
            channel="phone",
            path=(*_START, ("request_approval", {
                "change_summary": "新建用户 WANG.XIAOLI，分配职责 AR Clerk – Shanghai 和 "
                                  "Receivables Inquiry。",
            })),
        ),
        SampleRequest(
            "销售订单信用检查保留不能自动释放",
            "客户付款后信用额度已经恢复，但订单上的 Credit Check Failure 保留没有自动释放，"
            "每天要手工释放几十张订单。",
            {"request_type": "fault", "module": "OM", "environment": "production",
             "business_impact": "department",
             "erp_function": "Credit Check Processor"},
            path=(*_START, ("submit_for_verification", {
                "test_change": "TEST 中已调整信用检查规则，"
                               "并把“信用检查处理器”请求加入每小时计划。",
                "how_to_verify": "在 TEST 中对信用保留的订单客户录入收款，"
                                 "一小时内确认保留自动释放。",
            })),
        ),
    ]
