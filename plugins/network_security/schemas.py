"""The fields of a network security request; which of them apply depends on its kind."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, post_load, validates_schema

from hdcore import lazy_gettext as _
from plugins.network_security.fields import (
    FormSchema,
    checkbox,
    day,
    long_text,
    select,
    text,
    when,
)
from plugins.network_security.kinds import (
    DIRECTION_CHOICES,
    FIELDS_BY_KIND,
    FIREWALL,
    INCIDENT,
    KIND_CHOICES,
    KIND_LABELS,
    PORTED_PROTOCOLS,
    PROTOCOL_CHOICES,
    REQUIRED_BY_KIND,
    SEVERITIES,
    SEVERITY_CHOICES,
    VIRUS,
    VULNERABILITY,
)
from plugins.network_security.validators import (
    ANY_ADDRESS,
    check_asset,
    check_cvss,
    cvss_rating,
    ip_version,
    normalise_address,
    normalise_cve,
    normalise_port,
    today,
)


def _for(*kinds: str) -> dict[str, Any]:
    """Metadata telling the forms to show a field only for these kinds of request."""
    return {"show_when": {"kind": list(kinds)}}


def _given(raw: Any, name: str) -> bool:
    """Whether the submitter typed something into field ``name``."""
    value = raw.get(name) if isinstance(raw, dict) else None
    return value is not None and not (isinstance(value, str) and not value.strip())


class NetworkSecuritySchema(FormSchema):
    """What a network security request needs; the fields of other kinds are dropped."""

    kind = select(
        _("Kind of request"), KIND_CHOICES,
        _("A firewall change, a virus on a computer, a security incident, or a vulnerability "
          "to fix."),
        required=True,
    )

    # -- firewall change ---------------------------------------------------------------------
    source = text(
        _("Source"),
        _("Where the traffic comes from: an IP address, a network such as 10.20.0.0/16, a host "
          "name, or “any”."),
        normalise=normalise_address, max_length=253, **_for(FIREWALL),
    )
    destination = text(
        _("Destination"),
        _("Where the traffic goes: an IP address, a network, a host name, or “any”."),
        normalise=normalise_address, max_length=253, **_for(FIREWALL),
    )
    protocol = select(_("Protocol"), PROTOCOL_CHOICES, **_for(FIREWALL))
    port = text(
        _("Port"),
        _("One port (443) or a range (8000-8080); TCP and UDP only."),
        normalise=normalise_port, max_length=11, **_for(FIREWALL),
    )
    direction = select(_("Direction"), DIRECTION_CHOICES, **_for(FIREWALL))
    business_reason = long_text(
        _("Business reason"),
        _("Which work needs this access, and who uses it."),
        **_for(FIREWALL),
    )
    temporary = checkbox(
        _("Temporary"), _("Tick if the rule is needed only until a given date."),
        **_for(FIREWALL),
    )
    end_date = day(
        _("End date"), _("The last day a temporary rule is needed; IT removes it after."),
        **_for(FIREWALL),
    )

    # -- virus notice ------------------------------------------------------------------------
    infected_host = text(
        _("Infected computer"),
        _("Its host name, IP address or asset tag (on the sticker), e.g. FIN-PC-023."),
        validators=[check_asset], max_length=64, **_for(VIRUS),
    )
    virus_name = text(
        _("Virus name"),
        _("As the antivirus alert names it; write “unknown” if there was no alert."),
        **_for(VIRUS),
    )

    # -- security incident -------------------------------------------------------------------
    what_happened = long_text(
        _("What happened"), _("What you saw, in your own words."),
        **_for(INCIDENT),
    )
    noticed_at = when(
        _("Noticed at"), _("When it was first noticed."), **_for(INCIDENT),
    )

    # -- security incident and vulnerability -------------------------------------------------
    affected_systems = long_text(
        _("Affected systems"),
        _("The systems, servers or applications concerned, e.g. ERP production, VPN gateway."),
        **_for(INCIDENT, VULNERABILITY),
    )
    severity = select(
        _("Severity"), SEVERITY_CHOICES,
        _("For a vulnerability it follows from the CVSS score when one is given."),
        **_for(INCIDENT, VULNERABILITY),
    )

    # -- vulnerability -----------------------------------------------------------------------
    cve_id = text(
        _("CVE id"), _("The vulnerability's CVE number, e.g. CVE-2024-3400."),
        normalise=normalise_cve, max_length=30, **_for(VULNERABILITY),
    )
    cvss_score = fields.Float(
        validate=check_cvss,
        metadata={"label": _("CVSS score"), "help": _("0.0 to 10.0, as the advisory gives it."),
                  "widget": "number", "min": 0, "max": 10, "step": 0.1, **_for(VULNERABILITY)},
    )

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def _check_kind(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        """Fields a kind needs, and the rules between fields; each reported on its field."""
        kind = data.get("kind")
        if kind not in KIND_LABELS:
            return
        errors: dict[str, list[str]] = {}

        def fail(name: str, message: str) -> None:
            errors.setdefault(name, []).append(message)

        for name in REQUIRED_BY_KIND[kind]:
            if not _given(original, name):
                fail(name, str(_("Required for the kind “%(kind)s”."))
                     % {"kind": str(KIND_LABELS[kind])})
        if kind == FIREWALL:
            self._check_rule(data, original, fail)
        if kind == VULNERABILITY:
            self._check_severity(data, original, fail)
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _check_rule(data: dict[str, Any], original: Any, fail: Any) -> None:
        protocol, port = data.get("protocol"), data.get("port")
        if protocol in PORTED_PROTOCOLS and not _given(original, "port"):
            fail("port", str(_("TCP and UDP rules need a port or a range of ports.")))
        elif protocol and protocol not in PORTED_PROTOCOLS and port:
            fail("port", str(_("ICMP and “any protocol” rules take no port; leave it empty.")))

        if data.get("temporary"):
            end = data.get("end_date")
            if not _given(original, "end_date"):
                fail("end_date", str(_("A temporary rule needs its end date.")))
            elif end is not None and end < today():
                fail("end_date", str(_("The end date has already passed.")))
        elif _given(original, "end_date"):
            fail("end_date", str(_("Only a temporary rule has an end date: tick “Temporary” "
                                   "or leave the date empty.")))

        src, dst = data.get("source"), data.get("destination")
        if src and dst and src == dst and src != ANY_ADDRESS:
            fail("destination", str(_("Source and destination are the same.")))
        elif ip_version(src) and ip_version(dst) and ip_version(src) != ip_version(dst):
            fail("destination", str(_("The source and the destination use different IP "
                                      "versions (IPv4 and IPv6).")))

    @staticmethod
    def _check_severity(data: dict[str, Any], original: Any, fail: Any) -> None:
        severity, score = data.get("severity"), data.get("cvss_score")
        if not _given(original, "severity") and not _given(original, "cvss_score"):
            fail("severity", str(_("Give the severity, the CVSS score, or both.")))
        elif severity in SEVERITIES and score is not None and severity != cvss_rating(score):
            rating = dict(SEVERITY_CHOICES)[cvss_rating(score)]
            fail("severity", str(_("A CVSS score of %(score).1f is rated “%(rating)s”; choose "
                                   "that or leave the severity empty."))
                 % {"score": score, "rating": str(rating)})

    @post_load
    def _keep_kind_fields(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Keep only the kind's own fields; a vulnerability's severity follows its score."""
        kind = data["kind"]
        kept = {k: v for k, v in data.items()
                if k in FIELDS_BY_KIND[kind] and v is not None}
        if kind == VULNERABILITY and "severity" not in kept and "cvss_score" in kept:
            kept["severity"] = cvss_rating(kept["cvss_score"])
        if kind == FIREWALL and not kept.get("temporary"):
            kept["temporary"] = False
            kept.pop("end_date", None)
        return {"kind": kind, **kept}
