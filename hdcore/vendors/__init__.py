"""Vendor work in business time: the contract's terms, the vendor's clock, overdue escalation."""
