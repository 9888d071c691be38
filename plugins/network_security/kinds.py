"""The four kinds of network security request, their fields and the shared choice lists."""

from __future__ import annotations

from hdcore import lazy_gettext as _

CATEGORY = "network_security"
VENDOR_KIND = "security_vendor"
APPROVE_PERMISSION = "network_security.approve_change"
VIEW_INCIDENTS_PERMISSION = "network_security.view_incidents"

FIREWALL = "firewall_change"
VIRUS = "virus_notice"
INCIDENT = "security_incident"
VULNERABILITY = "vulnerability"

KIND_CHOICES = [
    (FIREWALL, _("Firewall change")),
    (VIRUS, _("Virus notice")),
    (INCIDENT, _("Security incident")),
    (VULNERABILITY, _("Vulnerability")),
]
KIND_LABELS = dict(KIND_CHOICES)
KINDS = tuple(KIND_LABELS)

#: The request fields each kind uses; fields of other kinds are dropped on submission.
FIELDS_BY_KIND: dict[str, tuple[str, ...]] = {
    FIREWALL: ("source", "destination", "port", "protocol", "direction", "business_reason",
               "temporary", "end_date"),
    VIRUS: ("infected_host", "virus_name"),
    INCIDENT: ("what_happened", "noticed_at", "affected_systems", "severity"),
    VULNERABILITY: ("cve_id", "affected_systems", "severity", "cvss_score"),
}

#: Fields always required for a kind (conditional ones are checked by the schema).
REQUIRED_BY_KIND: dict[str, tuple[str, ...]] = {
    FIREWALL: ("source", "destination", "protocol", "direction", "business_reason"),
    VIRUS: ("infected_host", "virus_name"),
    INCIDENT: ("what_happened", "noticed_at", "affected_systems", "severity"),
    VULNERABILITY: ("cve_id", "affected_systems"),
}

#: The fields that make up a firewall rule: changing one after approval voids the approval.
RULE_FIELDS = ("source", "destination", "port", "protocol", "direction", "temporary", "end_date")

PROTOCOL_CHOICES = [
    ("tcp", _("TCP")),
    ("udp", _("UDP")),
    ("icmp", _("ICMP (ping)")),
    ("any", _("Any protocol")),
]
#: Protocols whose rules name ports; ICMP and "any" take none.
PORTED_PROTOCOLS = ("tcp", "udp")

DIRECTION_CHOICES = [
    ("inbound", _("Inbound (from outside into our network)")),
    ("outbound", _("Outbound (from our network to outside)")),
    ("internal", _("Internal (between our own networks)")),
]

SEVERITY_CHOICES = [
    ("low", _("Low")),
    ("medium", _("Medium")),
    ("high", _("High")),
    ("critical", _("Critical")),
]
SEVERITIES = tuple(v for v, _label in SEVERITY_CHOICES)

RISK_CHOICES = [
    ("low", _("Low")),
    ("medium", _("Medium")),
    ("high", _("High")),
]
RISK_LEVELS = tuple(v for v, _label in RISK_CHOICES)


def label_of(choices: list[tuple[str, str]], value: object) -> str:
    """The translated label of ``value`` in ``choices`` (the value itself if unknown)."""
    return str(dict(choices).get(str(value), value))
