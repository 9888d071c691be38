"""Internal comments, internal articles and security incidents: seen only by the roles allowed,
in pages, the API, lists and search, on SQLite and PostgreSQL."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore import HelpDesk
from hdcore import services as svc
from hdcore.models import ServiceRequest, User

INCIDENT_TITLE = "Foreign logins on finance accounts"
INTERNAL_NOTE = "Suspect the reception PC is compromised"
PUBLIC_NOTE = "We are looking into it"

#: Who may see the employee's security incident (assigned to Li Na, group Applications).
INCIDENT_VIEWERS = {"employee", "tech", "lead", "manager", "admin"}
ROLES = ("employee", "other", "head", "tech", "tech2", "lead", "manager", "admin")


def incident_details(helpdesk: HelpDesk) -> dict[str, Any]:
    samples = helpdesk.host.sample_requests("network_security")
    return dict(next(s.details for s in samples if s.details.get("kind") == "security_incident"))


@pytest.fixture
def world(helpdesk: HelpDesk, session: Session, people: SimpleNamespace) -> SimpleNamespace:
    """An incident and an ordinary request of the employee, both worked on by Li Na."""
    incident = svc.submit_request(session, people.employee, category="network_security",
                                  title=INCIDENT_TITLE, description="Two accounts at 3 am",
                                  details=incident_details(helpdesk))
    svc.assign(session, people.lead, incident.id, assignee=people.tech, group=people.apps)
    svc.add_comment(session, people.tech, incident.id, PUBLIC_NOTE)
    mail = helpdesk.host.sample_requests("email_admin")[0]
    ordinary = svc.submit_request(session, people.employee, category="email_admin",
                                  title="Mailbox full", details=dict(mail.details))
    svc.assign(session, people.lead, ordinary.id, assignee=people.tech, group=people.apps)
    svc.add_comment(session, people.tech, ordinary.id, PUBLIC_NOTE)
    svc.add_comment(session, people.tech, ordinary.id, INTERNAL_NOTE, internal=True)
    session.commit()
    return SimpleNamespace(incident=incident, ordinary=ordinary)


def person(session: Session, people: SimpleNamespace, role: str) -> User:
    return session.get(User, getattr(people, role).id)


def test_sql_filter_and_object_check_agree(session: Session, people: SimpleNamespace,
                                           world: SimpleNamespace) -> None:
    """For every role and request, the list query and the per-request check say the same."""
    every = session.scalars(select(ServiceRequest)).all()
    for role in ROLES:
        actor = person(session, people, role)
        listed = set(session.scalars(svc.visible_requests(actor)).all())
        for req in every:
            assert (req in listed) == svc.can_view(actor, req), (role, req.number)
        assert (world.incident in listed) == (role in INCIDENT_VIEWERS), role


def test_a_task_on_the_incident_lets_its_assignee_see_it(session: Session,
                                                          people: SimpleNamespace,
                                                          world: SimpleNamespace) -> None:
    tech2 = person(session, people, "tech2")
    assert not svc.can_view(tech2, world.incident)
    svc.add_task(session, people.tech, world.incident.id, title="Image the disk",
                 assignee=people.tech2)
    session.commit()
    assert svc.can_view(tech2, world.incident)
    assert world.incident in session.scalars(svc.visible_requests(tech2)).all()


def test_only_incidents_are_restricted(session: Session, people: SimpleNamespace,
                                       helpdesk: HelpDesk) -> None:
    """A firewall change of the same category stays visible to every technician."""
    firewall = next(s for s in helpdesk.host.sample_requests("network_security")
                    if s.details.get("kind") == "firewall_change")
    req = svc.submit_request(session, people.employee, category="network_security",
                             title="Open 443", details=dict(firewall.details))
    session.commit()
    assert svc.can_view(person(session, people, "tech2"), req)
    assert svc.can_view(person(session, people, "head"), req)


def test_disabling_the_plugin_reveals_nothing(session: Session, people: SimpleNamespace,
                                              world: SimpleNamespace) -> None:
    svc.set_plugin_enabled(session, people.admin, "network_security", False)
    session.commit()
    tech2 = person(session, people, "tech2")
    assert not svc.can_view(tech2, world.incident)
    assert world.incident not in session.scalars(svc.visible_requests(tech2)).all()


def test_the_incident_pages_answer_404_to_others(app: Flask, people: SimpleNamespace,
                                                 world: SimpleNamespace, visitor: Any) -> None:
    number = world.incident.number
    for role in ROLES:
        v = visitor()
        assert v.login(getattr(people, role).username).status_code == 302
        portal = v.get(f"/portal/r/{number}")
        desk = v.get(f"/desk/r/{number}")
        queue = v.get("/desk/?scope=all&status=all")
        if role in INCIDENT_VIEWERS:
            assert portal.status_code == 200 and INCIDENT_TITLE in portal.get_data(as_text=True)
        else:
            assert portal.status_code == 404, role
            # The desk: 403 for employees (the whole area), 404 for technicians not on it.
            assert desk.status_code == (404 if role == "tech2" else 403), role
            assert INCIDENT_TITLE not in queue.get_data(as_text=True), role
            assert INCIDENT_TITLE not in v.get("/portal/").get_data(as_text=True), role


def test_the_api_hides_the_incident_from_others(app: Flask, session: Session,
                                                people: SimpleNamespace,
                                                world: SimpleNamespace) -> None:
    client = app.test_client()
    for role in ROLES:
        token = svc.issue_token(session, None, getattr(people, role)).secret
        session.commit()
        headers = {"Authorization": f"Bearer {token}"}
        one = client.get(f"/api/v1/requests/{world.incident.number}", headers=headers)
        listed = client.get("/api/v1/requests?per_page=100", headers=headers)
        events = client.get(f"/api/v1/requests/{world.incident.number}/events", headers=headers)
        assert listed.status_code == 200
        numbers = {r["number"] for r in listed.get_json()["items"]}
        if role in INCIDENT_VIEWERS:
            assert one.status_code == 200 and world.incident.number in numbers, role
        else:
            assert one.status_code == events.status_code == 404, role
            assert world.incident.number not in numbers, role
            assert INCIDENT_TITLE not in listed.get_data(as_text=True), role


def test_search_finds_the_incident_only_for_those_allowed(session: Session,
                                                          people: SimpleNamespace,
                                                          world: SimpleNamespace) -> None:
    from hdcore.queries.kb_requests import search_requests

    for role in ("tech", "tech2", "lead"):
        hits = search_requests(session, person(session, people, role), "Foreign logins")
        found = {h.request.number for h in hits}
        assert (world.incident.number in found) == (role in INCIDENT_VIEWERS), (role, found)


def test_internal_notes_are_for_it_staff_only(app: Flask, session: Session,
                                              people: SimpleNamespace, world: SimpleNamespace,
                                              visitor: Any) -> None:
    number = world.ordinary.number
    for role in ("employee", "head", "tech", "tech2"):
        v = visitor()
        assert v.login(getattr(people, role).username).status_code == 302
        staff = role in {"tech", "tech2"}
        page = v.get(f"/{'desk' if staff else 'portal'}/r/{number}").get_data(as_text=True)
        assert PUBLIC_NOTE in page
        assert (INTERNAL_NOTE in page) == staff, role
        # The requester's view of the request never shows internal notes, whoever looks.
        assert INTERNAL_NOTE not in v.get(f"/portal/r/{number}").get_data(as_text=True)
    client = app.test_client()
    for role in ("employee", "head", "tech"):
        token = svc.issue_token(session, None, getattr(people, role)).secret
        session.commit()
        headers = {"Authorization": f"Bearer {token}"}
        body = client.get(f"/api/v1/requests/{number}", headers=headers).get_data(as_text=True)
        body += client.get(f"/api/v1/requests/{number}/events",
                           headers=headers).get_data(as_text=True)
        assert (INTERNAL_NOTE in body) == (role == "tech"), role


def test_internal_articles_are_for_it_staff_only(app: Flask, session: Session,
                                                 people: SimpleNamespace, visitor: Any) -> None:
    from hdcore.queries.kb import search_articles, visible_articles

    article = svc.create_article(session, people.tech, title="Resetting the VPN appliance",
                                 solution="Hold the reset button for ten seconds",
                                 visibility="staff")
    svc.change_article_status(session, people.lead, article.id, "publish")
    session.commit()
    for role in ("employee", "head", "tech"):
        actor = person(session, people, role)
        staff = role == "tech"
        assert (article in session.scalars(visible_articles(actor)).all()) == staff, role
        hits = search_articles(session, actor, "VPN appliance")
        assert any(h.article.id == article.id for h in hits) == staff, role
        v = visitor()
        assert v.login(getattr(people, role).username).status_code == 302
        page = v.get(f"/kb/a/{article.id}")
        assert page.status_code == (200 if staff else 404), role
        listing = v.get("/kb/?q=VPN").get_data(as_text=True)
        assert (f"/kb/a/{article.id}" in listing) == staff, role
