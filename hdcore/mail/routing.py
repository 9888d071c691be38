"""Which service category a new e-mail belongs to: by the address it was sent to, then by words
in its subject, then a default (the administrator's settings of the ``mail`` plugin)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from hdcore.i18n import _

_ADDRESS_RULE = re.compile(r"^\s*(?P<key>[^\s=]*@[^\s=]*)\s*=\s*(?P<cat>[a-z][a-z0-9_]*)\s*$")
_SUBJECT_RULE = re.compile(r"^\s*(?P<key>[^=]*?\S)\s*=\s*(?P<cat>[a-z][a-z0-9_]*)\s*$")

#: Subject words of the company's five categories, in English and Chinese, tried in order.
DEFAULT_SUBJECT_RULES = [
    "ERP = erp_support", "Oracle = erp_support", "总账 = erp_support", "应付 = erp_support",
    "应收 = erp_support", "mailbox = email_admin", "邮箱 = email_admin",
    "distribution list = email_admin", "邮件组 = email_admin", "firewall = network_security",
    "防火墙 = network_security", "virus = network_security", "病毒 = network_security",
    "vulnerability = network_security", "漏洞 = network_security", "purchase = procurement",
    "采购 = procurement", "toner = procurement", "硒鼓 = procurement", "墨盒 = procurement",
    "repair = outsourcing", "维修 = outsourcing", "报修 = outsourcing", "打印机 = outsourcing",
    "printer = outsourcing",
]


def _check_lines(pattern: re.Pattern[str], example: str) -> Any:
    def check(lines: list[str]) -> None:
        bad = [line for line in lines if not pattern.match(line)]
        if bad:
            raise ValidationError(str(_("Write each line as %(example)s; not understood: "
                                        "%(lines)s")) % {"example": example,
                                                          "lines": ", ".join(bad[:3])})
    return check


class MailRoutingSettings(Schema):
    """The ``mail`` plugin's settings: how a new message finds its category."""

    addresses = fields.List(
        fields.String(validate=validate.Length(max=300)), load_default=list,
        validate=_check_lines(_ADDRESS_RULE, "erp@ = erp_support"),
        metadata={"label": _("Category by address"), "widget": "lines", "help": _(
            "One per line: the address the message was sent to, then = and the category, "
            "e.g. erp@ = erp_support (any domain) or it@corp.cn = outsourcing. The first "
            "matching line wins.")},
    )
    subject_rules = fields.List(
        fields.String(validate=validate.Length(max=300)), load_default=list,
        validate=_check_lines(_SUBJECT_RULE, "打印机 = outsourcing"),
        metadata={"label": _("Category by words in the subject"), "widget": "lines", "help": _(
            "Used when no address matched. One per line: a word, = and the category; "
            "the first word found in the subject wins (Latin words match whole words, "
            "any case).")},
    )
    default_category = fields.String(
        load_default="", validate=validate.Regexp(r"^([a-z][a-z0-9_]*)?$"),
        metadata={"label": _("Default category"), "help": _(
            "For messages nothing else placed. Leave empty to hold them for the help desk "
            "lead, who chooses the category.")},
    )


DEFAULT_ROUTING: dict[str, Any] = {
    "addresses": [],
    "subject_rules": DEFAULT_SUBJECT_RULES,
    "default_category": "",
}


@dataclass(frozen=True)
class Route:
    """The category chosen for a message and why (``address``, ``subject``, ``default``)."""

    category: str
    by: str
    rule: str


def _rules(lines: list[str], pattern: re.Pattern[str]) -> list[tuple[str, str, str]]:
    out = []
    for line in lines or []:
        match = pattern.match(line)
        if match:
            out.append((match.group("key").strip(), match.group("cat"), line.strip()))
    return out


def _address_matches(key: str, address: str) -> bool:
    key = key.lower()
    if key.endswith("@"):
        return address.split("@", 1)[0] == key[:-1]
    if key.startswith("@"):
        return address.endswith(key)
    return address == key


def _word_in(keyword: str, subject: str) -> bool:
    key = unicodedata.normalize("NFKC", keyword).lower()
    if key.isascii():
        return re.search(rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])", subject) is not None
    return key in subject


def choose(settings: dict[str, Any], categories: set[str], recipients: list[str],
           subject: str) -> Route | None:
    """The category of a new message, or None when nothing places it.

    Rules naming a category that is not installed are skipped.
    """
    for key, cat, line in _rules(settings.get("addresses", []), _ADDRESS_RULE):
        if cat in categories and any(_address_matches(key, r.lower()) for r in recipients):
            return Route(cat, "address", line)
    text = unicodedata.normalize("NFKC", subject or "").lower()
    for key, cat, line in _rules(settings.get("subject_rules", []), _SUBJECT_RULE):
        if cat in categories and _word_in(key, text):
            return Route(cat, "subject", line)
    default = (settings.get("default_category") or "").strip()
    if default in categories:
        return Route(default, "default", default)
    return None
