"""``helpdesk mail ingest`` as an MTA runs it: one message on standard input, sysexits codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import select

from hdcore import HelpDesk, ServiceRequest, Settings
from hdcore import services as svc
from hdcore.models import InboundMessage
from web.cli import main

CORPUS = Path(__file__).resolve().parents[1] / "mail_corpus"


@pytest.fixture(autouse=True)
def environment(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The operator's environment kept out; the instance folder is the test's."""
    monkeypatch.delenv("HELPDESK_DATABASE_URL", raising=False)
    monkeypatch.setenv("HELPDESK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HELPDESK_SECRET_KEY", "corpus-secret-key")


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path}/cli.db"


def run(url: str, *args: str, input: bytes | None = None) -> Result:
    return CliRunner().invoke(main, ["--database-url", url, *args], input=input,
                              catch_exceptions=False)


@pytest.fixture
def desk(url, tmp_path) -> HelpDesk:
    """A migrated database with Zhang Wei's account and erp@ routed to ERP support."""
    assert run(url, "db", "upgrade").exit_code == 0
    hd = HelpDesk(Settings.from_env(database_url=url))
    with hd.session_scope() as s:
        svc.create_user(s, None, username="zhang.wei", full_name="张伟",
                        email="zhang.wei@example.com", password="demo")
        svc.set_plugin_settings(s, None, "mail", {"addresses": ["erp@ = erp_support"]})
    yield hd
    hd.dispose()


def test_a_message_on_stdin_is_stored_and_filed(url, desk):
    raw = (CORPUS / "01_outlook_new_gb2312.eml").read_bytes()

    result = run(url, "mail", "ingest", "--sender", "zhang.wei@example.com",
                 "--recipient", "erp@example.com", input=raw)

    assert result.exit_code == 0, result.output
    assert "processed (opened SR-" in result.output
    with desk.session_scope() as s:
        row = s.scalars(select(InboundMessage)).one()
        assert row.raw == raw and row.source == "pipe"
        assert row.envelope_sender == "zhang.wei@example.com"
        assert row.envelope_recipients == ["erp@example.com"]
        assert s.get(ServiceRequest, row.request_id).category == "erp_support"

    again = run(url, "mail", "ingest", input=raw)
    assert again.exit_code == 0 and "already stored, delivered again" in again.output
    with desk.session_scope() as s:
        assert len(s.scalars(select(ServiceRequest)).all()) == 1


def test_held_refused_and_ignored_mail_is_accepted_all_the_same(url, desk):
    """The MTA must not bounce what the desk keeps: stored is exit status 0."""
    for name, sender, word in (
            ("12_unknown_sender.eml", "sales@outside-vendor.cn", "held: No active account"),
            ("16_malformed.eml", "scanner@example.com", "rejected: The message cannot be read"),
            ("10_bounce.eml", "", "ignored: A delivery failure report")):
        result = run(url, "mail", "ingest", "--sender", sender,
                     input=(CORPUS / name).read_bytes())
        assert result.exit_code == 0, result.output
        assert word in result.output, result.output


def test_the_envelope_recipient_chooses_the_category(url, desk):
    raw = (CORPUS / "12_unknown_sender.eml").read_bytes().replace(
        b"sales@outside-vendor.cn", b"zhang.wei@example.com")

    result = run(url, "mail", "ingest", "--recipient", "ERP@example.com", input=raw)

    assert result.exit_code == 0 and "opened SR-" in result.output
    with desk.session_scope() as s:
        assert s.scalars(select(ServiceRequest.category)).one() == "erp_support"


def test_nothing_on_stdin_is_a_data_error(url, desk):
    result = run(url, "mail", "ingest", input=b"")

    assert result.exit_code == 65
    assert "no message on standard input" in result.output


def test_a_database_without_tables_is_a_temporary_failure(url):
    result = run(url, "mail", "ingest",
                 input=(CORPUS / "01_outlook_new_gb2312.eml").read_bytes())

    assert result.exit_code == 75
    assert "could not store the message, try again later" in result.output
    assert "helpdesk db upgrade" in result.output


def test_an_unreachable_database_is_a_temporary_failure(tmp_path):
    down = "postgresql+psycopg://helpdesk:x@127.0.0.1:9/helpdesk?connect_timeout=2"

    result = run(down, "mail", "ingest",
                 input=(CORPUS / "01_outlook_new_gb2312.eml").read_bytes())

    assert result.exit_code == 75 and "try again later" in result.output


def test_the_command_is_listed_with_its_help():
    out = CliRunner().invoke(main, ["mail", "ingest", "--help"]).output
    assert "--sender" in out and "--recipient" in out and "75" in out
