"""Checks of network addresses, ports, CVE ids and CVSS scores, and the company's clock."""

from __future__ import annotations

import ipaddress
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from marshmallow import ValidationError

from hdcore import lazy_gettext as _
from hdcore import now as clock_now

#: The company's zone: a date or a time typed without a zone is meant in it.
COMPANY_TZ = ZoneInfo("Asia/Shanghai")
#: How far ahead of the server's clock a typed time may be (clocks on PCs drift).
CLOCK_SKEW = timedelta(minutes=5)

ANY_ADDRESS = "any"
_WHOLE_INTERNET = {"0.0.0.0/0", "::/0", ANY_ADDRESS}
_LABEL = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
_LOOKS_NUMERIC = re.compile(r"^[0-9.]+$")
_PORT = re.compile(r"^(\d{1,5})(?:\s*-\s*(\d{1,5}))?$")
_CVE = re.compile(r"^CVE-(\d{4})-(\d{4,})$", re.IGNORECASE)
_ASSET = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/-]{1,63}$")
FIRST_CVE_YEAR = 1999


def now() -> datetime:
    """The current time, timezone-aware in UTC (the help desk's clock)."""
    return clock_now()


def today() -> date:
    """Today's date in the company's zone."""
    return now().astimezone(COMPANY_TZ).date()


def not_in_future(value: datetime) -> None:
    """Refuse a time that has not come yet (a step records what already happened)."""
    if value > now() + CLOCK_SKEW:
        raise ValidationError(str(_("This time is in the future.")))


def normalise_address(value: str) -> str:
    """An IP address, a CIDR network, a host name or ``any``, written in its canonical form.

    Raises ValidationError saying what is wrong (e.g. host bits set in a network).
    """
    text = value.strip()
    if text.lower() == ANY_ADDRESS:
        return ANY_ADDRESS
    if "/" in text:
        try:
            return str(ipaddress.ip_network(text, strict=True))
        except ValueError:
            try:
                loose = ipaddress.ip_network(text, strict=False)
            except ValueError:
                raise ValidationError(
                    str(_("Not a valid network; write it as address/prefix, e.g. 10.20.0.0/16."))
                ) from None
            raise ValidationError(
                str(_("The address has host bits set; the network is %(net)s."))
                % {"net": str(loose)}
            ) from None
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        pass
    if ":" in text or _LOOKS_NUMERIC.match(text):
        raise ValidationError(str(_("Not a valid IP address.")))
    return _hostname(text)


def _hostname(text: str) -> str:
    if not text.isascii():
        raise ValidationError(
            str(_("Use the host's DNS name in Latin letters, or its IP address."))
        )
    name = text.lower().rstrip(".")
    labels = name.split(".")
    if (
        not name
        or len(name) > 253
        or not all(_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValidationError(
            str(_("Not a valid IP address, network or host name (letters, digits, hyphens and "
                  "dots, e.g. erp-db01.corp.example.com)."))
        )
    return name


def is_whole_internet(address: str | None) -> bool:
    """Whether ``address`` stands for every address there is."""
    return address in _WHOLE_INTERNET


def ip_version(address: str | None) -> int | None:
    """4 or 6 for an IP address or network, None for a host name or ``any``."""
    if not address or address == ANY_ADDRESS:
        return None
    try:
        return ipaddress.ip_network(address, strict=False).version
    except ValueError:
        return None


def normalise_port(value: str | int) -> str:
    """A port (``443``) or a range (``8000-8080``) between 1 and 65535, canonically written."""
    match = _PORT.match(str(value).strip())
    if not match:
        raise ValidationError(
            str(_("Give one port (e.g. 443) or a range (e.g. 8000-8080)."))
        )
    low = int(match.group(1))
    high = int(match.group(2) or low)
    if not (1 <= low <= 65535 and 1 <= high <= 65535):
        raise ValidationError(str(_("Ports go from 1 to 65535.")))
    if low > high:
        raise ValidationError(
            str(_("A range goes from the lower port to the higher (e.g. 8000-8080)."))
        )
    return str(low) if low == high else f"{low}-{high}"


def port_count(port: str | None) -> int:
    """How many ports a port or range opens (all of them when none is given)."""
    if not port:
        return 65535
    low, _sep, high = port.partition("-")
    return int(high or low) - int(low) + 1


def normalise_cve(value: str) -> str:
    """A CVE id in upper case (``CVE-2024-3400``); its year must be a real CVE year."""
    text = value.strip()
    match = _CVE.match(text)
    if not match:
        raise ValidationError(
            str(_("Write the CVE id as CVE-YYYY-NNNN (four or more digits), e.g. CVE-2024-3400."))
        )
    year = int(match.group(1))
    if not FIRST_CVE_YEAR <= year <= today().year + 1:
        raise ValidationError(
            str(_("CVE ids start in %(first)d; %(year)d is not a CVE year."))
            % {"first": FIRST_CVE_YEAR, "year": year}
        )
    return text.upper()


def check_cvss(value: float) -> None:
    """A CVSS score is 0.0 to 10.0 with one decimal."""
    if not 0.0 <= value <= 10.0:
        raise ValidationError(str(_("A CVSS score goes from 0.0 to 10.0.")))
    if abs(round(value, 1) - value) > 1e-9:
        raise ValidationError(str(_("A CVSS score has one decimal, e.g. 7.5.")))


def cvss_rating(score: float) -> str:
    """The severity CVSS v3 gives a score (0.0, which CVSS calls *none*, counts as low)."""
    if score >= 9.0:
        return "critical"
    if score >= 7.0:
        return "high"
    if score >= 4.0:
        return "medium"
    return "low"


def check_asset(value: str) -> None:
    """A host name, IP address or asset tag, without spaces."""
    if not _ASSET.match(value.strip()):
        raise ValidationError(
            str(_("Give the host name, IP address or asset tag, without spaces "
                  "(e.g. FIN-PC-023)."))
        )


def local_time(value: datetime) -> str:
    """A moment as the company's clocks show it, to the minute."""
    return value.astimezone(COMPANY_TZ).strftime("%Y-%m-%d %H:%M")
