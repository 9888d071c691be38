"""Names the ERP support plugin shares between its modules: category, vendor kind, task keys."""

from __future__ import annotations

from zoneinfo import ZoneInfo

CATEGORY = "erp_support"
VENDOR_KIND = "erp_vendor"

#: Request types whose production change needs the department head's sign-off.
NEEDS_SIGN_OFF = frozenset({"configuration_change", "user_change"})

#: Keys of the tasks created on sign-off (stored on ``Task.template``).
TASK_APPLY_TEST = "erp_apply_test"
TASK_APPLY_PRODUCTION = "erp_apply_production"

#: Names the desk's ERP team commonly goes by; the first that exists gets ERP work.
ERP_GROUP_NAMES = ("ERP Support", "Applications")

#: Dates typed without a zone (the form's date and time inputs) are the company's local time.
COMPANY_TZ = ZoneInfo("Asia/Shanghai")
