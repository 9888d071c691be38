"""Demo data: the organisation (departments with heads, IT groups, accounts) and the vendors,
set up as the administrator would, through the services.

A mixin of the demo loader (:class:`hdcore.demo._Loader`), whose session, plugin host and
collections of accounts, groups and department heads it fills.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from hdcore import services as svc
from hdcore.demo_data import (
    CATEGORY_DEFAULTS,
    DEMO_PASSWORD,
    DEPARTMENTS,
    EMPLOYEES,
    FALLBACK_DEFAULT,
    GROUPS,
    IT_STAFF,
    MAIL_DOMAIN,
)
from hdcore.host import PluginHost
from hdcore.models import Group, Role, User


class DemoOrganisation:
    """The organisation and vendors of the demo (see the module docstring)."""

    session: Session
    host: PluginHost
    users: dict[str, User]
    groups: dict[str, Group]
    heads: dict[str, User]
    adjustments: list[str]

    def organisation(self) -> None:
        """Departments with heads, IT groups, and the accounts (password ``demo``)."""
        s = self.session
        for name, description in GROUPS:
            self.groups[name] = svc.create_group(s, None, name=name, description=description)
        depts = {code: svc.create_department(s, None, code=code, name=name, cost_centre=cc)
                 for code, name, cc in DEPARTMENTS}
        number = 10001
        for code, people in EMPLOYEES.items():
            for username, full_name in people:
                self._user(username, full_name, Role.EMPLOYEE, code, (), number)
                number += 1
        for username, full_name, role, groups in IT_STAFF:
            self._user(username, full_name, role, "IT", groups, number)
            number += 1
        self._referenced_groups()
        for code, people in EMPLOYEES.items():
            self.heads[code] = self.users[people[0][0]]
        self.heads["IT"] = self.users[IT_STAFF[0][0]]
        for code, head in self.heads.items():
            svc.update_department(s, None, depts[code], head=head)

    def _user(self, username: str, full_name: str, role: Role, dept: str,
              groups: Sequence[str], number: int) -> None:
        self.users[username] = svc.create_user(
            self.session, None, username=username, full_name=full_name, role=role.value,
            password=DEMO_PASSWORD, email=f"{username}@{MAIL_DOMAIN}",
            phone=f"0512-6688-{number - 9000:04d}", employee_no=f"E{number}",
            department=dept, groups=groups,
        )

    def _referenced_groups(self) -> None:
        """Create the groups the plugins' task templates and samples name but the demo lacks."""
        wanted: dict[str, str] = {}
        for cat in self.host.categories():
            for t in self.host.workflow(cat.name).transitions.values():
                for tpl in t.tasks:
                    if tpl.group:
                        wanted.setdefault(tpl.group, cat.name)
            for sample in self.host.sample_requests(cat.name):
                for step, data in sample.path:
                    if step == "assign" and data.get("group"):
                        wanted.setdefault(str(data["group"]), cat.name)
        for name, category in wanted.items():
            if name in self.groups:
                continue
            group_name, tech = CATEGORY_DEFAULTS.get(category, FALLBACK_DEFAULT)
            members = [self.users[tech], *self.groups[group_name].members]
            self.groups[name] = svc.create_group(
                self.session, None, name=name, members=list(dict.fromkeys(members)),
                description=f"Named by the {category} category",
            )
            self.adjustments.append(f"group {name!r} (named by {category}) was created with "
                                    f"the members of {group_name!r}")

    def vendors(self) -> None:
        """The example vendors of every vendor kind (one vendor may serve several kinds)."""
        merged: dict[str, dict[str, Any]] = {}
        for kind in self.host.vendor_kinds():
            for sample in kind.samples:
                entry = merged.setdefault(sample["name"], {**sample, "kinds": []})
                if kind.name not in entry["kinds"]:
                    entry["kinds"].append(kind.name)
        for name, entry in merged.items():
            svc.create_vendor(self.session, None, name=name, kinds=entry["kinds"],
                              contact_name=entry.get("contact_name"), phone=entry.get("phone"),
                              email=entry.get("email"), notes=entry.get("notes"))
