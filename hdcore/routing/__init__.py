"""Automatic assignment: routing rules per category choose a group, a policy chooses a person.

- :mod:`hdcore.routing.conditions`: the fields rules test, operators, checking and matching;
- :mod:`hdcore.routing.policies`: least loaded, round robin, by skill, group only;
- :mod:`hdcore.routing.engine`: :func:`route_new_request`, called on submission.
"""

from hdcore.routing.conditions import (
    OPERATORS,
    RuleField,
    check_conditions,
    conditions_hold,
    describe,
    fields_by_name,
    rule_fields,
)
from hdcore.routing.engine import matching_rule, route_new_request, rules_of, setting_of
from hdcore.routing.policies import DEFAULT_POLICY, POLICIES, SKIP_REASONS, Pick, pick

__all__ = [
    "DEFAULT_POLICY",
    "OPERATORS",
    "POLICIES",
    "SKIP_REASONS",
    "Pick",
    "RuleField",
    "check_conditions",
    "conditions_hold",
    "describe",
    "fields_by_name",
    "matching_rule",
    "pick",
    "route_new_request",
    "rule_fields",
    "rules_of",
    "setting_of",
]
