"""Stable names the plugin's modules share: its category, vendor kind, states and steps."""

from __future__ import annotations

CATEGORY = "outsourcing"
VENDOR_KIND = "maintenance"

# States this plugin adds to the core lifecycle.
WITH_VENDOR = "with_vendor"
VENDOR_WORKING = "vendor_working"
WAITING_PARTS = "waiting_parts"
TO_VERIFY = "to_verify"
REPAIR_VERIFIED = "repair_verified"
VENDOR_EXCEPTION = "vendor_exception"

#: States in which the vendor holds the job (the SLA clock is paused there).
VENDOR_STATES = (WITH_VENDOR, VENDOR_WORKING, WAITING_PARTS)

# Steps.
DISPATCH = "dispatch"
VENDOR_ARRIVED = "vendor_arrived"
ORDER_PARTS = "order_parts"
PARTS_ARRIVED = "parts_arrived"
VENDOR_REPAIRED = "vendor_repaired"
VERIFY_FIXED = "verify_fixed"
VERIFY_FAILED = "verify_failed"
RECORD_EXCEPTION = "record_exception"
BACK_TO_VENDOR = "back_to_vendor"

