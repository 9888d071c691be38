"""API tokens through the service (on SQLite and PostgreSQL) and the ``helpdesk token`` command."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from hdcore import HelpDesk, NotFound, PermissionDenied, Settings, ValidationFailed, clock
from hdcore import services as svc
from hdcore.models import ApiToken
from hdcore.services.tokens import InvalidToken
from web.cli import main

START = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: object) -> str:
    """The token service runs on both databases."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/tokens.db"
    return request.getfixturevalue("postgres_url")


def test_issue_authenticate_expire(session, people):
    with clock.frozen(START) as clk:
        issued = svc.issue_token(session, people.employee, people.employee, name=" ERP ",
                                 days=30)
        assert issued.token.name == "ERP" and issued.token.expires_at == START + timedelta(30)
        assert len(issued.secret) == 46 and issued.secret.startswith("hd_")
        assert svc.authenticate_token(session, issued.secret) is people.employee
        assert svc.token_status(issued.token) == "active"
        clk.advance(days=30)
        with pytest.raises(InvalidToken, match="expired"):
            svc.authenticate_token(session, issued.secret)
        assert svc.token_status(issued.token) == "expired"


def test_tokens_are_unique_and_a_near_miss_is_refused(session, people):
    one = svc.issue_token(session, None, "zhang.wei").secret
    two = svc.issue_token(session, None, "zhang.wei").secret
    assert one != two
    tampered = one[:-1] + ("A" if one[-1] != "A" else "B")
    for bad in (tampered, "", "hd_", one + "x", one.upper(), "x" * 46):
        with pytest.raises(InvalidToken):
            svc.authenticate_token(session, bad)


def test_who_may_issue_tokens_for_whom(session, people):
    with pytest.raises(PermissionDenied):
        svc.issue_token(session, people.lead, people.employee)
    assert svc.issue_token(session, people.admin, people.employee).token.user is people.employee
    assert svc.issue_token(session, None, "li.na").token.user is people.tech


def test_bad_issue_names_every_field(session, people):
    svc.update_user(session, None, people.other, active=False)
    with pytest.raises(ValidationFailed) as caught:
        svc.issue_token(session, None, people.other, name="x" * 101, days=0)
    assert set(caught.value.errors) == {"user", "name", "days"}
    with pytest.raises(ValidationFailed) as caught:
        svc.issue_token(session, None, "nobody")
    assert set(caught.value.errors) == {"user"}
    assert session.scalars(select(ApiToken)).all() == []


def test_revoke_by_prefix_or_whole_token_only_ones_own(session, people):
    mine = svc.issue_token(session, None, people.employee)
    theirs = svc.issue_token(session, None, people.other)
    with pytest.raises(NotFound):  # someone else's token: not even its existence is told
        svc.revoke_token(session, people.employee, theirs.token.prefix)
    with pytest.raises(NotFound):
        svc.revoke_token(session, people.employee, "hd_nothing")
    revoked = svc.revoke_token(session, people.employee, mine.token.prefix)
    assert revoked.revoked_at is not None and svc.token_status(revoked) == "revoked"
    again = svc.revoke_token(session, people.employee, mine.secret)  # harmless twice
    assert again.revoked_at == revoked.revoked_at
    assert svc.revoke_token(session, people.admin, theirs.secret).revoked_at is not None
    with pytest.raises(InvalidToken, match="revoked"):
        svc.authenticate_token(session, theirs.secret)


def test_lists_show_ones_own_tokens_unless_administrator(session, people):
    svc.issue_token(session, None, people.employee, name="a")
    svc.issue_token(session, None, people.other, name="b")
    assert [t.name for t in svc.list_tokens(session, people.employee)] == ["a"]
    assert {t.name for t in svc.list_tokens(session, people.admin)} == {"a", "b"}
    assert [t.name for t in svc.list_tokens(session, None, "liu.yang")] == ["b"]


# -- the command line ----------------------------------------------------------------------------


@pytest.fixture
def run(helpdesk: HelpDesk, people, monkeypatch: pytest.MonkeyPatch, tmp_path):
    """``helpdesk --database-url URL ...`` on the test's database."""
    monkeypatch.setenv("HELPDESK_HOME", str(tmp_path / "home"))
    url = helpdesk.settings.database_url

    def invoke(*args: str):
        return CliRunner().invoke(main, ["--database-url", url, *args], catch_exceptions=False)

    return invoke


def test_token_create_list_revoke_from_the_command_line(run, helpdesk, tmp_path):
    created = run("token", "create", "zhang.wei", "--name", "erp-bridge", "--days", "7")
    assert created.exit_code == 0, created.output
    secret = created.stdout.strip()
    assert secret.startswith("hd_") and len(secret) == 46  # the token alone on stdout
    assert "cannot be shown again" in created.stderr and secret[:11] in created.stderr
    hd = HelpDesk(Settings(database_url=helpdesk.settings.database_url, home=tmp_path))
    try:
        with hd.session_scope() as s:
            assert svc.authenticate_token(s, secret).username == "zhang.wei"
    finally:
        hd.dispose()

    listed = run("token", "list")
    assert listed.exit_code == 0
    header, row = listed.stdout.splitlines()[:2]
    assert header.split()[:3] == ["PREFIX", "USER", "STATUS"]
    assert row.split()[:3] == [secret[:11], "zhang.wei", "active"] and "erp-bridge" in row
    assert secret not in listed.stdout

    revoked = run("token", "revoke", secret[:11])
    assert revoked.exit_code == 0 and "revoked" in revoked.stdout
    assert "revoked" in run("token", "list").stdout.splitlines()[1]
    assert run("token", "list", "--active").stdout.strip() == "No tokens."


def test_token_commands_explain_refusals(run):
    unknown = run("token", "create", "nobody")
    assert unknown.exit_code == 1 and "user" in unknown.stderr and "Traceback" not in unknown.output
    missing = run("token", "revoke", "hd_notatoken")
    assert missing.exit_code == 1 and "No such token" in missing.stderr
    days = run("token", "create", "zhang.wei", "--days", "0")
    assert days.exit_code == 2 and "--days" in days.stderr
