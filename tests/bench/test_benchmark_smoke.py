"""The benchmark runs end to end on a tiny data set, so it cannot rot between the times
someone measures with it. Nothing here is timed: the figures are checked to exist, not to be
fast (speed targets live in bench/, see docs/performance.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bench import run
from hdcore.testing.postgres import PostgresServer

pytestmark = pytest.mark.slow

FIGURES = {"create request (API, 4 clients)", "read one request (API, 4 clients)",
           "work queue (technician, first page)",
           "request page", "request (API)", "knowledge search",
           "suggestions while submitting", "manager's dashboard"}


def _check_run(found: dict[str, Any], due: int) -> None:
    rows = {row["label"]: row for row in found["figures"]}
    assert set(rows) == FIGURES
    for row in rows.values():
        assert row["n"] > 0 and row["errors"] == 0, row
        assert row["p50_ms"] > 0 and row["p99_ms"] >= row["p95_ms"] >= row["p50_ms"]
    # a create (and an authenticated read) costs the web workers some processor time, and far
    # less than a second
    assert 0 < rows["create request (API, 4 clients)"]["cpu_ms"] < 1000
    assert 0 < rows["read one request (API, 4 clients)"]["cpu_ms"] < 1000
    assert found["floor"]["create"]["n"] > 0 and found["floor"]["create"]["errors"] == 0
    assert found["floor"]["select"]["errors"] == 0
    # the sweep acted on exactly the requests made due, whatever else the data holds
    assert found["sweep"]["handled"]["sla_sweep"] == due
    assert len(found["memory_mb"]) == 2 and all(m > 20 for m in found["memory_mb"])


def test_the_benchmark_runs_on_both_databases_and_scales_out(
        tmp_path: Path, postgres_server: PostgresServer) -> None:
    results = run.main(["--smoke", "--sizes", "120", "--databases", "sqlite,postgresql",
                        "--scale-out", "--home", str(tmp_path)], pg=postgres_server)
    written = json.loads((tmp_path / "results.json").read_text())
    assert written["runs"] == json.loads(json.dumps(results["runs"]))
    assert [(r["database"], r["requests"]) for r in written["runs"]] == [
        ("sqlite", 120), ("postgresql", 120)]
    for found in written["runs"]:
        _check_run(found, due=20)
    scale = written["scale_out"]
    assert scale["acknowledged"] > 0 and scale["failed creates"] == 0
    assert scale["acknowledged but missing"] == 0
    assert scale["requests added beyond those acknowledged"] == 0
    assert scale["due requests"] == 20 and scale["escalated once"] == 20
    assert scale["escalated more than once"] == 0 and scale["not escalated"] == 0
    assert scale["mails delivered"] > 0 and scale["mails delivered twice"] == 0
    assert scale["mails still pending"] == 0
