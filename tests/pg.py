"""PostgreSQL for the tests: started by the test set-up (replaced by the real harness)."""

from __future__ import annotations

import pytest


@pytest.fixture
def postgres_url() -> str:
    """A fresh PostgreSQL database URL (skips when no server can be started)."""
    pytest.skip("PostgreSQL harness not set up yet")
