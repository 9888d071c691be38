"""The session's Chromium: Debian's ``/usr/bin/chromium`` driven by Playwright, one per session.

A pytest plugin (listed in ``tests/conftest.py``) rather than a conftest fixture, so that every
test folder shares the one instance: Playwright's sync API allows a single running driver per
process, and an xdist worker may run browser tests of several folders.
"""

from __future__ import annotations

import os

# Before Playwright is imported: the project's browser is the system's, never a download.
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
#: Headless Chromium in a container: no sandbox (often no user namespaces), no GPU, and none
#: of the background traffic (updates, sync, first-run pages) a test has no use for.
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, headless, for the whole session."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed; `scripts/install --with-services` installs "
                    "Debian's chromium package (as root)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()
