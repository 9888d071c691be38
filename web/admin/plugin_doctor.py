"""What the plugins page adds for plugin authors: the doctor's findings and workflow diagrams."""

from __future__ import annotations

from typing import Any

from flask import current_app
from markupsafe import Markup
from sqlalchemy import select

from hdcore.doctor import Finding, diagnose
from hdcore.i18n import current_locale
from hdcore.models import PluginVersion
from web import hookspecs
from web.context import db, host
from web.workflow_svg import workflow_svg


def findings_by_plugin() -> dict[str, list[Finding]]:
    """The doctor's findings about the running plugins, per plugin (computed once per locale:
    the set of registered plugins does not change while the app runs)."""
    cache: dict[str, dict[str, list[Finding]]] = current_app.extensions.setdefault(
        "hd_doctor_findings", {})
    locale = current_locale()
    if locale not in cache:
        grouped: dict[str, list[Finding]] = {}
        for f in diagnose(dict(host().pm.list_name_plugin()), spec_modules=[hookspecs]):
            grouped.setdefault(f.plugin, []).append(f)
        cache[locale] = grouped
    return cache[locale]


def diagrams() -> dict[str, Markup]:
    """Each category's workflow as an SVG diagram, its own plugin's steps highlighted."""
    return {c.name: workflow_svg(host().workflow(c.name), c.plugin, str(c.label))
            for c in host().categories()}


def outdated_versions() -> dict[str, str]:
    """Plugins whose database was last upgraded for another version: name -> that version
    (``helpdesk db upgrade`` brings it up to date, moving requests if the workflow changed)."""
    recorded = {name: version for name, version in db().execute(
        select(PluginVersion.name, PluginVersion.version))}
    return {p.name: recorded[p.name] for p in host().plugins()
            if p.name in recorded and recorded[p.name] != p.version}


def page_extras() -> dict[str, Any]:
    """The template variables this module adds to the plugins page."""
    return {"findings": findings_by_plugin(), "diagrams": diagrams(),
            "outdated": outdated_versions()}
