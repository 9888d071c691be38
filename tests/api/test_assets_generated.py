"""Property-based: generated calls (valid and invalid) to every ``/api/v1/assets`` operation
get an answer the API's document allows, and never a server error."""

from __future__ import annotations

from collections import Counter

import pytest
from flask import Flask

from hdcore import services as svc
from hdcore.services.counters import create_counter
from tests.api.test_schemathesis import load_schema, run, strategies


@pytest.mark.slow
@pytest.mark.parametrize("role", ["tech", "employee"])
def test_generated_calls_to_the_asset_api_keep_its_contract(
        app: Flask, tokens: dict[str, str], session, people, role: str) -> None:
    create_counter(session, None, asset_type="printer", code="page_count", name="Page count")
    printer = svc.create_asset(session, people.tech, tag="PRN-FIN-01", type="printer",
                               model="HP LaserJet M404dn", department="FIN")
    ids = {"asset_id": str(printer.id)}
    answers: dict[str, Counter[int]] = {}
    for result in load_schema(app).get_all_operations():
        operation = result.ok()
        if not operation.path.startswith("/api/v1/assets"):
            continue
        seen = answers.setdefault(f"{operation.method.upper()} {operation.path}", Counter())
        for strategy, examples in strategies(operation, ids):
            run(strategy, examples, tokens[role], seen)
    assert set(answers) == {"GET /api/v1/assets", "POST /api/v1/assets",
                            "GET /api/v1/assets/{asset_id}", "PATCH /api/v1/assets/{asset_id}",
                            "GET /api/v1/assets/{asset_id}/readings",
                            "POST /api/v1/assets/{asset_id}/readings"}
    assert answers["GET /api/v1/assets/{asset_id}"][200] > 0
    assert answers["GET /api/v1/assets"][200] > 0
