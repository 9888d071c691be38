"""The main menu: what each role sees, in the order of their work."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from web.plugins import menu_items as plugin_menu_items


@dataclass(frozen=True)
class MenuItem:
    """One entry of the main menu."""

    endpoint: str
    label: str
    roles: frozenset[str]
    #: Blueprint or endpoint prefix that marks the entry active.
    section: str


STAFF = frozenset({"technician", "lead", "manager", "admin"})
EVERYONE = frozenset({"employee"}) | STAFF

MENU = (
    MenuItem("portal.index", _l("My requests"), EVERYONE, "portal.index"),
    MenuItem("portal.choose_category", _l("New request"), EVERYONE, "portal.new"),
    MenuItem("kb.index", _l("Knowledge base"), EVERYONE, "kb."),
    MenuItem("forum.index", _l("Forum"), EVERYONE, "forum."),
    MenuItem("desk.queue", _l("Work queue"), STAFF, "desk."),
    MenuItem("dispatch.intake", _l("Dispatch"), frozenset({"lead", "manager", "admin"}),
             "dispatch."),
    MenuItem("manage.overview", _l("Management"), frozenset({"manager", "admin"}), "manage."),
    # the lead and managers see the sections of it their work needs (web.admin.sections)
    MenuItem("admin.index", _l("Administration"), frozenset({"lead", "manager", "admin"}),
             "admin."),
    MenuItem("desk.my_dashboard", _l("My figures"), frozenset({"technician"}), "desk.my_"),
    MenuItem("dispatch.dashboard", _l("Dashboard"), frozenset({"lead"}), "dispatch.dashboard"),
    MenuItem("portal.surveys", _l("Surveys"), EVERYONE, "portal.survey"),
    MenuItem("portal.equipment", _l("My equipment"), frozenset({"employee"}), "portal.equipment"),
    MenuItem("desk.assets", _l("Assets"), STAFF, "desk.asset"),
)


def _matches(item: MenuItem, endpoint: str) -> int:
    """How closely ``item`` claims the page ``endpoint`` (its section's length, 0 for no)."""
    if endpoint.startswith(item.section):
        return len(item.section)
    if item.section == "portal.new" and endpoint in ("portal.choose_category",
                                                     "portal.new_request"):
        return len(item.section)
    return 0


def nav_items() -> list[dict[str, object]]:
    """The menu entries for the signed-in user (only pages that exist).

    One entry at most is marked active: the one whose section names the page most closely
    (the lead's dashboard is under "Dispatch" but is its own entry, "Dashboard")."""
    if not current_user.is_authenticated:
        return []
    endpoint = request.endpoint or ""
    items: list[dict[str, object]] = []
    closeness: list[int] = []
    for item in MENU:
        if current_user.role not in item.roles or item.endpoint not in current_app.view_functions:
            continue
        items.append({"url": url_for(item.endpoint), "label": str(item.label)})
        closeness.append(_matches(item, endpoint))
    for extra in plugin_menu_items():
        if current_user.role in extra.roles and extra.endpoint in current_app.view_functions:
            items.append({"url": url_for(extra.endpoint), "label": str(extra.label)})
            # a plugin's page is its own entry: it wins over any core section
            closeness.append(10_000 if endpoint == extra.endpoint else 0)
    best = max(closeness, default=0)
    for item, close in zip(items, closeness, strict=True):
        item["active"] = best > 0 and close == best
    return items


def init_app(app: Flask) -> None:
    """Make ``nav_items()`` available to templates."""
    app.jinja_env.globals["nav_items"] = nav_items
