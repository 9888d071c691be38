"""Property-based: schemathesis sends generated calls (valid and invalid) to every operation of
the OpenAPI document, in process, as a member of IT staff and as an employee. No answer may be
a server error, and every answer must be one the document describes (status, headers, body).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig

from tests.api.conftest import ApiClient

#: Examples per operation, role and kind of input (valid, invalid, on existing objects: three
#: times as many); with ~20 operations this keeps the run well under a minute.
EXAMPLES = 10


def load_schema(app: Flask) -> Any:
    """The API's document, loaded by schemathesis from the app, with our check settings."""
    config = SchemathesisConfig.from_dict({
        "checks": {
            # A missing If-Match is answered 428 Precondition Required (RFC 6585).
            "missing_required_header": {"expected-statuses": [400, 401, 403, 406, 415, 422,
                                                              428]},
            # Valid shapes can still be refused by the rules (a workflow step not possible
            # in this state, details the category's schema refuses).
            "positive_data_acceptance": {"expected-statuses": ["2xx", 401, 403, 404, 409,
                                                               422]},
        },
    })
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app, config=config)


def strategies(operation: Any, ids: dict[str, str]) -> list[tuple[Any, int]]:
    """Invalid calls, valid ones, and valid ones on objects that exist, with their budgets."""
    out = [(operation.as_strategy(generation_mode=mode), EXAMPLES) for mode in GenerationMode]
    known = {name: value for name, value in ids.items() if f"{{{name}}}" in operation.path}
    if known:
        out.append((operation.as_strategy(path_parameters=known), 3 * EXAMPLES))
    return out


def run(strategy: Any, examples: int, token: str, seen: Counter[int]) -> None:
    """Send ``examples`` calls drawn from ``strategy`` and check each answer; count statuses."""

    @settings(max_examples=examples, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def check(case: Any) -> None:
        response = case.call_and_validate(headers={"Authorization": f"Bearer {token}"})
        seen[response.status_code] += 1

    check()


def exercise(schema: Any, token: str, ids: dict[str, str]) -> dict[str, Counter[int]]:
    """Run every operation with generated input; the statuses each operation answered."""
    answers: dict[str, Counter[int]] = {}
    for result in schema.get_all_operations():
        operation = result.ok()
        seen = answers.setdefault(f"{operation.method.upper()} {operation.path}", Counter())
        for strategy, examples in strategies(operation, ids):
            run(strategy, examples, token, seen)
    return answers


@pytest.mark.slow
@pytest.mark.parametrize("role", ["lead", "employee"])
def test_no_generated_call_breaks_the_api_or_its_contract(
        app: Flask, tokens: dict[str, str], file_request: Callable[..., dict],
        api: Callable[..., ApiClient], role: str) -> None:
    # Something to find: requests of the employee, one of them assigned.
    first = file_request()
    file_request(title="Second")
    assert api("lead").post(f"requests/{first['id']}/assign", {"assignee": "li.na"}
                            ).status_code == 200
    task = api("lead").post(f"requests/{first['id']}/tasks", {"title": "Check the phone"})
    assert task.status_code == 201
    ids = {"request_id": str(first["id"]), "task_id": str(task.get_json()["id"])}
    answers = exercise(load_schema(app), tokens[role], ids)
    for expected in ("POST /api/v1/auth/token", "GET /api/v1/categories",
                     "GET /api/v1/requests", "POST /api/v1/requests",
                     "GET /api/v1/requests/{request_id}", "PATCH /api/v1/requests/{request_id}",
                     "POST /api/v1/requests/{request_id}/transitions",
                     "GET /api/v1/requests/{request_id}/events",
                     "POST /api/v1/tasks/{task_id}/transitions"):
        assert expected in answers, sorted(answers)
    # The generated calls got through to the real work, not only to the input checks.
    assert answers["GET /api/v1/requests/{request_id}"][200] > 0
    assert answers["GET /api/v1/requests/{request_id}/events"][200] > 0
    assert answers["GET /api/v1/requests"][200] > 0
