"""The core's tests run with one small test plugin (hardware loans), not the real categories."""

from __future__ import annotations

import pytest

from tests.core.sample_plugin import LoanPlugin


@pytest.fixture
def plugins() -> list[object]:
    """Only the loans test plugin."""
    return [LoanPlugin()]
