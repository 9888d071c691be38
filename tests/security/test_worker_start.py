"""A worker started while the database is down (a host booting before its database, a
database restarting for an upgrade) waits for it, then runs: it does not exit.

PostgreSQL only: a SQLite file cannot be down at start (the worker creates its folder, and an
empty file is refused as "no help desk tables", which is a set-up mistake, not an outage).
The outage is real: the test server is stopped, the worker started as `helpdesk worker` in a
process of its own, and the server started again.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hdcore import HelpDesk
from hdcore.testing.postgres import PostgresServer
from tests.security.support import wait_for

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.postgres


@pytest.fixture
def database_url(postgres_url: str) -> str:
    """The test's PostgreSQL database (see the module docstring for why not SQLite)."""
    return postgres_url


def test_a_worker_started_while_the_database_is_down_waits_then_runs(
        helpdesk: HelpDesk, database_url: str, postgres_server: PostgresServer,
        tmp_path: Path) -> None:
    helpdesk.dispose()  # the database is migrated; the worker process has its own connections
    env = {**os.environ, "HELPDESK_HOME": str(tmp_path), "HELPDESK_SECRET_KEY": "worker-test"}
    log_path = tmp_path / "worker.log"

    def output() -> str:
        return log_path.read_text(errors="replace")

    with log_path.open("wb") as log:
        with postgres_server.unreachable():
            process = subprocess.Popen(
                [sys.executable, "-c", "from web.cli import main; main()", "--database-url",
                 database_url, "worker", "--tick", "0.1"],
                cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
            try:
                assert wait_for(lambda: output().count("trying again") >= 3), output()
                assert process.poll() is None, output()
                assert "cannot be reached" in output()
                assert "running:" not in output()
            except BaseException:
                process.kill()
                raise
        try:
            # the server is back: the worker connects, reports it and starts its jobs
            assert wait_for(lambda: "running:" in output()), output()
            assert "the database is reachable" in output()
            assert process.poll() is None, output()
        finally:
            process.terminate()
            process.wait(30)
    assert "Traceback" not in output()
