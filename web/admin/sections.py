"""The administration area's sections and who may open each.

Most sections are the administrator's. A few hold work the services give to other roles too:
the help desk lead manages resources, routing, counters and threshold rules; the lead and
managers keep the vendor register; managers build surveys. Those people reach these sections
(and only these) from the same pages, with the tabs they may open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from hdcore import User
from hdcore import services as svc
from web.context import db


def _admin(user: User) -> bool:
    return user.is_active and user.role == "admin"


@dataclass(frozen=True)
class Section:
    """One tab of the area: its key (the ``active`` name of its pages), first page, label, and
    the modules of ``web.admin`` whose pages belong to it."""

    key: str
    endpoint: str
    label: object
    modules: tuple[str, ...]
    may_open: Callable[[User], bool] = _admin


SECTIONS = (
    Section("plugins", "admin.plugins", _l("Plugins"), ("plugins", "plugin_doctor")),
    Section("users", "admin.users", _l("Users"), ("users", "imports")),
    Section("departments", "admin.departments", _l("Departments"), ("departments",)),
    Section("groups", "admin.groups", _l("IT groups"), ("groups",)),
    Section("calendars", "admin.calendars", _l("Calendars"), ("calendars",)),
    Section("sla", "admin.sla_policies", _l("Service levels"), ("sla_policies",)),
    Section("resources", "admin.resources", _l("Resources"), ("resources",),
            svc.can_manage_resources),
    Section("routing", "admin.routing", _l("Routing"), ("routing",), svc.can_manage_resources),
    Section("outbox", "admin.outbox", _l("Outgoing mail"), ("outbox",)),
    Section("mail", "admin.mail", _l("Incoming mail"), ("mail",)),
    Section("vendors", "admin.vendors", _l("Vendors"), ("vendors",), svc.can_keep_vendors),
    Section("surveys", "admin.surveys_admin", _l("Surveys"), ("surveys",),
            lambda user: svc.can_build_surveys(db(), user)),
    Section("assets", "admin.asset_counters", _l("Assets"), ("assets",),
            svc.can_define_counters),
)
_BY_MODULE = {module: s for s in SECTIONS for module in s.modules}
_BY_KEY = {s.key: s for s in SECTIONS}


def open_to(user: User) -> list[Section]:
    """The sections ``user`` may open, in the tabs' order."""
    return [s for s in SECTIONS if s.may_open(user)]


def may_open(user: User, key: str) -> bool:
    """Whether ``user`` may open the section ``key``."""
    section = _BY_KEY.get(key)
    return section is not None and section.may_open(user)


def section_of(endpoint: str | None) -> Section | None:
    """The section a page of the area belongs to (None for the area's front door and for a
    page no section claims, which stays the administrator's)."""
    view = current_app.view_functions.get(endpoint or "")
    if view is None:
        return None
    return _BY_MODULE.get(view.__module__.rsplit(".", 1)[-1])


def may_open_page(user: User) -> bool:
    """Whether ``user`` may open the page of this request (an administration page)."""
    if _admin(user):
        return True
    if request.endpoint == "admin.index":
        return bool(open_to(user))
    section = section_of(request.endpoint)
    return section is not None and section.may_open(user)


def admin_tabs(active: str | None) -> list[dict[str, object]]:
    """The area's tabs for the signed-in user, ``active`` marking the open one."""
    return [{"url": url_for(s.endpoint), "label": str(s.label), "active": s.key == active}
            for s in open_to(current_user)]
