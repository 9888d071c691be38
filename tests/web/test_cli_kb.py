"""``helpdesk search rebuild``: requests filed before the index existed become findable."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import delete

from hdcore import services as svc
from hdcore.models import SearchDoc
from hdcore.queries.kb_requests import search_requests
from tests.core.sample_plugin import LoanPlugin
from web.cli import main


@pytest.fixture
def plugins():
    return [LoanPlugin()]


def test_rebuild_indexes_what_was_there_before(helpdesk, session, people, monkeypatch):
    monkeypatch.setattr("web.cli_base.CliState.ready_helpdesk", lambda self: helpdesk)
    req = svc.submit_request(session, people.employee, category="loan", title="投影仪借用",
                             details={"item": "projector", "days": 1})
    session.execute(delete(SearchDoc))  # as in a database upgraded from before the index
    session.commit()
    assert search_requests(session, people.tech, "投影仪") == []

    result = CliRunner().invoke(main, ["search", "rebuild"])

    assert result.exit_code == 0, result.output
    assert "Indexed 1 articles and requests." in result.output
    session.rollback()
    assert [h.request.id for h in search_requests(session, people.tech, "投影仪")] == [req.id]
