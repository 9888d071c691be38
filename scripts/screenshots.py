"""Take the README's screenshots from the running application, on throw-away demo data.

Run through ``scripts/screenshots``, which installs what is missing first. Builds a fresh SQLite
database with the demo data in a temporary folder, serves the web app on a free local port,
signs in as the people whose pages are shown and writes 1440x900 PNGs (one browser pixel per
image pixel) into ``docs/screenshots/``. The temporary folder is removed afterwards.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

# A throw-away database: its accounts need no costly password hashes. Set before hdcore loads.
os.environ["HELPDESK_FAST_HASHING"] = "1"
os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, Page, expect, sync_playwright  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from hdcore import Event, HelpDesk, ServiceRequest, Settings, StateKind, migrate  # noqa: E402
from hdcore.demo import DEMO_PASSWORD, load_demo  # noqa: E402
from web.app import create_app  # noqa: E402

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--hide-scrollbars",
]
VIEWPORT = {"width": 1440, "height": 900}
#: The technician whose queue and request are shown.
TECHNICIAN = "li.na"
#: The employee whose requests are shown.
EMPLOYEE = "zhang.wei"


@dataclass(frozen=True)
class Shot:
    """One screenshot: the file, who is signed in, and how to reach the page from home."""

    filename: str
    username: str
    open: Callable[[Page], None]
    what: str
    #: The whole page at the window's width, not only the first 900 pixels of it.
    full_page: bool = False


def build_helpdesk(home: Path) -> HelpDesk:
    """A help desk on a new SQLite database in ``home``, filled with the demo data."""
    helpdesk = HelpDesk(Settings(database_url=f"sqlite:///{home / 'helpdesk.db'}", home=home))
    migrate.upgrade(helpdesk)
    summary = load_demo(helpdesk)
    print(f"demo data: {summary.requests} requests, {summary.users} accounts "
          f"({summary.seconds:.1f} s)")
    for warning in summary.warnings:
        print(f"  demo warning: {warning}")
    return helpdesk


def showcase_request(helpdesk: HelpDesk) -> tuple[str, str]:
    """The open request that shows the most: the technician's, with the most tasks and history.

    Returns its number and the user name of the technician working it (who sees its steps).
    """
    with helpdesk.session_scope() as session:
        history = (select(func.count()).select_from(Event)
                   .where(Event.request_id == ServiceRequest.id).scalar_subquery())
        rows = session.execute(
            select(ServiceRequest, history)
            .where(ServiceRequest.tasks.any(), ServiceRequest.assignee_id.is_not(None))
            .order_by(ServiceRequest.id)).all()
        open_ones = [(req, events) for req, events in rows
                     if helpdesk.host.workflow(req.category).kind(req.status)
                     in (StateKind.ACTIVE, StateKind.WAITING)]
        if not open_ones:
            raise SystemExit("scripts/screenshots: the demo data has no open request with tasks")
        best, _events = max(open_ones, key=lambda pair: (
            pair[0].assignee.username == TECHNICIAN, len(pair[0].tasks), pair[1], -pair[0].id))
        return best.number, best.assignee.username


def employee_request(helpdesk: HelpDesk, username: str) -> str:
    """The number of the employee's request that shows the most: one IT says is solved
    (confirm, or say it is not fixed), else their latest open one."""
    with helpdesk.session_scope() as session:
        mine = session.scalars(
            select(ServiceRequest)
            .where(ServiceRequest.requester.has(username=username))
            .order_by(ServiceRequest.id.desc())).all()
        if not mine:
            raise SystemExit(f"scripts/screenshots: the demo data has no request of {username}")

        def rank(req: ServiceRequest) -> tuple[bool, bool]:
            kind = helpdesk.host.workflow(req.category).kind(req.status)
            return (kind is StateKind.RESOLVED, kind is not StateKind.FINAL)

        return max(mine, key=rank).number


@contextmanager
def serve(helpdesk: HelpDesk) -> Iterator[str]:
    """The web app on a free local port while the block runs; yields its base URL."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    server = make_server("127.0.0.1", 0, create_app(helpdesk), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def sign_in(page: Page, username: str) -> None:
    """Sign in through the sign-in page."""
    page.goto("/login")
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    expect(page.locator("nav.mainnav")).to_be_visible()


def goto(path: str, heading: str) -> Callable[[Page], None]:
    """Open ``path`` and wait for its ``heading``."""

    def open_page(page: Page) -> None:
        page.goto(path)
        expect(page.get_by_role("heading", name=heading).first).to_be_visible()

    return open_page


def queue_in_chinese(page: Page) -> None:
    """The work queue, switched to Chinese with the top bar's language button."""
    page.goto("/desk/")
    page.get_by_role("button", name="中文").click()
    expect(page.get_by_role("heading", name="工作队列")).to_be_visible()


def take(browser: Browser, base_url: str, shot: Shot, out: Path) -> Path:
    """Sign in as the shot's user in a fresh browser profile and photograph the page."""
    context = browser.new_context(base_url=base_url, viewport=VIEWPORT, device_scale_factor=1,
                                  locale="en-US", timezone_id="Asia/Shanghai")
    context.set_default_timeout(15_000)
    try:
        page = context.new_page()
        sign_in(page, shot.username)
        shot.open(page)
        page.wait_for_load_state("networkidle")
        page.evaluate("document.fonts.ready")
        path = out / shot.filename
        page.screenshot(path=str(path), full_page=shot.full_page, animations="disabled",
                        caret="hide")
        return path
    finally:
        context.close()


def has_chinese_font() -> bool | None:
    """Whether fontconfig knows a font for Chinese (None when fontconfig is not there)."""
    if shutil.which("fc-list") is None:
        return None
    found = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True,
                           check=False)
    return bool(found.stdout.strip())


def main(argv: list[str] | None = None) -> int:
    """Take every screenshot; the exit code is 0 when all were written."""
    parser = argparse.ArgumentParser(prog="scripts/screenshots", description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots",
                        help="folder for the PNG files (default: docs/screenshots)")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"scripts/screenshots: {CHROMIUM} is missing; install Debian's chromium package",
              file=sys.stderr)
        return 1
    if has_chinese_font() is False:
        print("scripts/screenshots: warning: no Chinese font is installed, so the Chinese "
              "screenshot shows boxes; install fonts-noto-cjk", file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="hd-screenshots-") as tmp:
        helpdesk = build_helpdesk(Path(tmp))
        try:
            number, worker = showcase_request(helpdesk)
            own = employee_request(helpdesk, EMPLOYEE)
            shots = [
                Shot("work-queue.png", TECHNICIAN, goto("/desk/", "Work queue"),
                     "the technician's work queue"),
                # Whole: its steps, tasks and history do not fit in one window.
                Shot("request.png", worker, goto(f"/desk/r/{number}", "Next steps"),
                     f"request {number} on the desk", full_page=True),
                Shot("portal.png", EMPLOYEE, goto("/portal/", "My requests"),
                     "the employee's requests"),
                Shot("portal-request.png", EMPLOYEE, goto(f"/portal/r/{own}", "Details"),
                     f"request {own} as its requester sees it", full_page=True),
                Shot("new-request.png", EMPLOYEE,
                     goto("/portal/new", "What do you need help with?"),
                     "the service categories to choose from"),
                Shot("dispatch.png", "wang.fang", goto("/dispatch/", "Intake"),
                     "the lead's intake"),
                Shot("plugins.png", "admin", goto("/admin/plugins", "Plugins"),
                     "the plugins page"),
                Shot("dashboard.png", "chen.jie", goto("/manage/dashboard", "Service dashboard"),
                     "the manager's dashboard", full_page=True),
                Shot("knowledge-base.png", EMPLOYEE, goto("/kb/", "Knowledge base"),
                     "the knowledge base"),
                Shot("assets.png", TECHNICIAN, goto("/desk/assets", "Assets"),
                     "the installed base"),
                # Last: switching the language is also saved as the user's own setting.
                Shot("work-queue-zh.png", TECHNICIAN, queue_in_chinese,
                     "the work queue in Chinese"),
            ]
            with serve(helpdesk) as base_url, sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=LAUNCH_ARGS)
                try:
                    for shot in shots:
                        path = take(browser, base_url, shot, args.out)
                        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
                        print(f"wrote {shown}: {shot.what} (as {shot.username})")
                finally:
                    browser.close()
        finally:
            helpdesk.dispose()
    print(f"{len(shots)} screenshots in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
