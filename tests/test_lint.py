"""The whole repository passes ruff, with the rules in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_ruff_finds_nothing_to_complain_about():
    # The ruff of the environment running the tests, so the version is the one the project pins.
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", "."],
        cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300,
    )
    if done.returncode != 0:
        pytest.fail(f"ruff check . failed:\n{done.stdout}{done.stderr}", pytrace=False)
