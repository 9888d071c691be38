"""The IMAP poller against a fake mailbox that behaves like imapclient's ``IMAPClient``.

The fake checks the rule that matters: a message leaves the inbox only once it is stored.
"""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from hdcore import ServiceRequest, clock, worker
from hdcore.host import ENTRY_POINT_GROUP
from hdcore.mail import imap, intake
from hdcore.models import InboundMessage, MailStatus

CORPUS = Path(__file__).resolve().parents[1] / "mail_corpus"


@dataclass
class FakeMailbox:
    """Folders of ``{uid: [raw bytes, flags]}`` and the calls made, like an IMAP server."""

    helpdesk: object
    capabilities: set[str] = field(default_factory=lambda: {"MOVE", "UIDPLUS"})
    folders: dict[str, dict[int, list]] = field(default_factory=lambda: {"INBOX": {}})
    selected: str = ""
    calls: list[str] = field(default_factory=list)
    logged_out: bool = False
    next_uid: int = 100

    def deliver(self, raw: bytes, seen: bool = False) -> int:
        self.next_uid += 1
        self.folders["INBOX"][self.next_uid] = [raw, {b"\\Seen"} if seen else set()]
        return self.next_uid

    def _stored(self, uid: int) -> None:
        """Refuse to let a message leave the inbox before the help desk holds it."""
        from hdcore.mail.parse import peek

        env = peek(self.folders[self.selected][uid][0])
        with self.helpdesk.session_scope() as s:
            found = s.scalar(select(func.count()).select_from(InboundMessage).where(
                InboundMessage.message_id == env.message_id))
        assert found == 1, f"message {uid} removed from the inbox before it was stored"

    # -- the IMAPClient methods the poller uses ------------------------------------------

    def login(self, username, password):
        self.calls.append("login")

    def folder_exists(self, folder):
        return folder in self.folders

    def create_folder(self, folder):
        self.calls.append(f"create {folder}")
        self.folders[folder] = {}

    def select_folder(self, folder, readonly=False):
        self.selected = folder
        return {b"EXISTS": len(self.folders[folder])}

    def search(self, criteria="ALL", charset=None):
        assert criteria == ["UNSEEN"]
        return [uid for uid, (_raw, flags) in self.folders[self.selected].items()
                if b"\\Seen" not in flags]

    def fetch(self, messages, data):
        assert data == ["BODY.PEEK[]"]  # PEEK: a message not stored stays unseen
        return {uid: {b"BODY[]": self.folders[self.selected][uid][0], b"SEQ": uid}
                for uid in messages if uid in self.folders[self.selected]}

    def has_capability(self, capability):
        return capability in self.capabilities

    def move(self, messages, folder):
        for uid in messages:
            self._stored(uid)
            self.calls.append(f"move {uid}")
            self.folders[folder][uid] = self.folders[self.selected].pop(uid)

    def copy(self, messages, folder):
        for uid in messages:
            self.calls.append(f"copy {uid}")
            self.folders[folder][uid] = list(self.folders[self.selected][uid])

    def delete_messages(self, messages, silent=False):
        for uid in messages:
            self._stored(uid)
            self.calls.append(f"delete {uid}")
            self.folders[self.selected][uid][1].add(b"\\Deleted")

    def uid_expunge(self, messages):
        self.calls.append(f"uid_expunge {list(messages)}")
        for uid in messages:
            if b"\\Deleted" in self.folders[self.selected][uid][1]:
                del self.folders[self.selected][uid]

    def expunge(self, messages=None):
        self.calls.append("expunge")
        for uid in [u for u, (_r, f) in self.folders[self.selected].items()
                    if b"\\Deleted" in f]:
            del self.folders[self.selected][uid]

    def logout(self):
        self.logged_out = True


@pytest.fixture
def plugins() -> list[object]:
    """The real categories (mail is routed to them)."""
    return [ep.load() for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)]


@pytest.fixture
def configured(helpdesk, people, monkeypatch):
    """IMAP settings pointing at the fake mailbox."""
    monkeypatch.setenv("HELPDESK_SECRET_KEY", "corpus-secret-key")
    s = helpdesk.settings
    s.imap_host, s.imap_user, s.imap_password = "imap.example.com", "helpdesk", "secret"
    s.imap_folder, s.imap_processed_folder = "INBOX", "HelpDesk/Processed"
    box = FakeMailbox(helpdesk)
    with clock.frozen(datetime(2026, 3, 2, 1, 15, tzinfo=UTC)):
        yield box


def poll(helpdesk, box) -> int:
    return imap.poll(helpdesk, clock.now(), factory=lambda settings: box)


def count(helpdesk, model) -> int:
    with helpdesk.session_scope() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_unseen_messages_are_stored_moved_then_filed(helpdesk, configured):
    box = configured
    ours = box.deliver((CORPUS / "06_attachment_rfc2231.eml").read_bytes())
    box.deliver((CORPUS / "12_unknown_sender.eml").read_bytes())
    already_read = box.deliver(b"From: a@example.com\r\nSubject: read\r\n\r\nold\r\n", seen=True)

    assert poll(helpdesk, box) == 2

    assert list(box.folders["INBOX"]) == [already_read]  # seen ones are not the desk's
    assert sorted(box.folders["HelpDesk/Processed"]) == [ours, ours + 1]
    assert box.calls[0] == "create HelpDesk/Processed" and box.logged_out
    with helpdesk.session_scope() as s:
        rows = s.scalars(select(InboundMessage).order_by(InboundMessage.id)).all()
        assert [(r.source, r.status) for r in rows] == [("imap", "processed"), ("imap", "held")]
        assert rows[0].request.title == "Virus warning on my PC"


def test_without_move_it_copies_flags_and_expunges_only_that_message(helpdesk, configured):
    box = configured
    box.capabilities = {"UIDPLUS"}
    uid = box.deliver((CORPUS / "05_html_only_script.eml").read_bytes())

    poll(helpdesk, box)

    assert box.calls[-3:] == [f"copy {uid}", f"delete {uid}", f"uid_expunge [{uid}]"]
    assert uid in box.folders["HelpDesk/Processed"] and uid not in box.folders["INBOX"]
    box.capabilities = set()
    second = box.deliver((CORPUS / "07_attachment_gbk_name.eml").read_bytes())
    poll(helpdesk, box)
    assert box.calls[-3:] == [f"copy {second}", f"delete {second}", "expunge"]


def test_a_message_that_cannot_be_stored_stays_in_the_inbox_unseen(helpdesk, configured,
                                                                  monkeypatch):
    box = configured
    uid = box.deliver((CORPUS / "01_outlook_new_gb2312.eml").read_bytes())

    def database_down(*args, **kwargs):
        raise OSError("database unreachable")

    monkeypatch.setattr(imap, "store", database_down)
    with pytest.raises(OSError):
        poll(helpdesk, box)

    assert uid in box.folders["INBOX"] and box.folders["INBOX"][uid][1] == set()
    assert not any(c.startswith(("move", "delete")) for c in box.calls)
    assert box.logged_out

    monkeypatch.setattr(imap, "store", intake.store)
    assert poll(helpdesk, box) == 1
    assert uid in box.folders["HelpDesk/Processed"] and count(helpdesk, ServiceRequest) == 1


def test_stored_but_not_moved_is_moved_next_time_and_filed_once(helpdesk, configured,
                                                               monkeypatch):
    box = configured
    uid = box.deliver((CORPUS / "01_outlook_new_gb2312.eml").read_bytes())
    real_move = box.move

    def connection_drops(messages, folder):
        raise ConnectionError("connection reset by peer")

    monkeypatch.setattr(box, "move", connection_drops)
    with pytest.raises(ConnectionError):
        poll(helpdesk, box)
    assert uid in box.folders["INBOX"] and count(helpdesk, InboundMessage) == 1

    monkeypatch.setattr(box, "move", real_move)
    poll(helpdesk, box)

    assert uid in box.folders["HelpDesk/Processed"]
    assert count(helpdesk, InboundMessage) == 1 and count(helpdesk, ServiceRequest) == 1
    with helpdesk.session_scope() as s:
        row = s.scalars(select(InboundMessage)).one()
        # stored by the first round, filed by the second, which met it again
        assert row.times_received == 2 and row.status == MailStatus.PROCESSED
    poll(helpdesk, box)  # nothing left in the inbox: nothing happens
    assert count(helpdesk, ServiceRequest) == 1


def test_the_worker_runs_the_poll_only_when_a_mailbox_is_configured(helpdesk, configured,
                                                                    monkeypatch):
    box = configured
    box.deliver((CORPUS / "12_unknown_sender.eml").read_bytes())
    monkeypatch.setattr(imap, "connect", lambda settings: box)

    results = {r.job: r for r in worker.run_once(helpdesk, {"mail_poll"})}
    assert results["mail_poll"].handled == 1 and results["mail_poll"].error is None

    helpdesk.settings.imap_host = ""
    box.deliver((CORPUS / "05_html_only_script.eml").read_bytes())
    results = {r.job: r for r in worker.run_once(helpdesk, {"mail_poll"})}
    assert results["mail_poll"].handled == 0 and len(box.folders["INBOX"]) == 1
