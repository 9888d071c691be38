"""The example third-party plugin (examples/hr_onboarding), end to end.

In this process the plugin is imported from its folder and added to the help desk's plugins;
the last test installs it with ``pip install -e`` into a throw-away environment layered over
this one (see :mod:`hdcore.testing.environment`), runs its own tests there, and upgrades a
database with ``helpdesk db upgrade`` (its migration branch and its version).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import func, inspect, select, text
from sqlalchemy.orm import Session

from hdcore import HelpDesk, PermissionDenied, TransitionRefused, ValidationFailed, migrate
from hdcore import services as svc
from hdcore.models import Event, PluginVersion, ServiceRequest, Task
from hdcore.plugin_versions import apply_plugin_versions
from hdcore.testing.contract import PluginContract
from hdcore.testing.environment import PluginEnvironment
from hdcore.testing.pytest_plugin import installed_plugins

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "hr_onboarding"
if str(EXAMPLE) not in sys.path:
    # The package folder holds no installed metadata, so this adds no entry point: only the
    # tests that ask for the plugin get it.
    sys.path.append(str(EXAMPLE))

from hr_onboarding import plugin as hr_plugin  # noqa: E402
from hr_onboarding.models import OnboardingSetup  # noqa: E402
from hr_onboarding.schemas import office_today  # noqa: E402


@pytest.fixture
def plugins() -> list[object]:
    """Every installed plugin and the example."""
    return [*installed_plugins(), hr_plugin]


class TestHrOnboardingContract(PluginContract):
    plugin_name = "hr_onboarding"


def day(n: int) -> str:
    return (office_today() + timedelta(days=n)).isoformat()


def newcomer(**changes: object) -> dict[str, object]:
    return {"employee_name": "王小明", "start_date": day(10), "department": "销售部",
            "needs_mailbox": True, "needs_erp_account": True, "needs_pc": True,
            "pc_type": "laptop", **changes}


def submit(session: Session, people: SimpleNamespace, **changes: object) -> ServiceRequest:
    return svc.submit_request(session, people.employee, category="hr_onboarding",
                              title="新员工入职：王小明", details=newcomer(**changes))


def setup_of(session: Session, req: ServiceRequest) -> OnboardingSetup:
    found = session.scalar(select(OnboardingSetup).where(OnboardingSetup.request_id == req.id))
    assert found is not None
    return found


def provision(session: Session, people: SimpleNamespace, req: ServiceRequest) -> None:
    svc.assign(session, people.lead, req.id, assignee=people.tech2.username)
    svc.transition(session, people.tech2, req.id, "start", {})
    svc.transition(session, people.tech2, req.id, "provision", {})


def test_submitting_writes_the_setup_record(session, people):
    req = submit(session, people)
    setup = setup_of(session, req)
    assert (setup.employee_name, setup.department, setup.start_date.isoformat()) == (
        "王小明", "销售部", day(10))
    assert setup.tasks == {} and setup.ready_on is None
    svc.update_request(session, people.employee, req.id, expected_version=req.version,
                       details=newcomer(employee_name="王晓明", start_date=day(12)))
    session.refresh(setup)
    assert setup.employee_name == "王晓明" and setup.start_date.isoformat() == day(12)


def test_bad_details_are_all_reported_and_nothing_is_written(session, people):
    before = (session.scalar(select(func.count(ServiceRequest.id))),
              session.scalar(select(func.count(OnboardingSetup.id))))
    with pytest.raises(ValidationFailed) as bad:
        svc.submit_request(session, people.employee, category="hr_onboarding", title="x",
                           details={"employee_name": "", "start_date": day(-60),
                                    "department": "Sales", "needs_mailbox": False,
                                    "needs_pc": False, "pc_type": "tablet"})
    assert {"details.employee_name", "details.start_date", "details.pc_type",
            } <= set(bad.value.errors)
    assert "more than a month ago" in " ".join(bad.value.errors["details.start_date"])
    with pytest.raises(ValidationFailed) as nothing:
        submit(session, people, needs_mailbox=False, needs_erp_account=False, needs_pc=False)
    assert nothing.value.errors["details.needs_mailbox"] == ["Choose at least one thing to set up."]
    after = (session.scalar(select(func.count(ServiceRequest.id))),
             session.scalar(select(func.count(OnboardingSetup.id))))
    assert after == before


def test_provisioning_creates_a_task_per_need_for_the_right_group(session, people):
    req = submit(session, people)
    provision(session, people, req)
    assert req.status == "provisioning"
    tasks = {t.template: t for t in req.tasks}
    assert set(tasks) == {"mailbox", "erp_account", "pc_order", "pc_setup", "hand_over"}
    assert tasks["mailbox"].group.name == "Infrastructure"
    assert tasks["erp_account"].group.name == "Applications"
    assert tasks["pc_order"].group.name == tasks["pc_setup"].group.name == "Infrastructure"
    assert tasks["pc_setup"].blocked_by == [tasks["pc_order"]]
    assert set(tasks["hand_over"].blocked_by) == {tasks[k] for k in tasks if k != "hand_over"}
    assert "王小明, 销售部" in tasks["mailbox"].description
    assert setup_of(session, req).tasks == {k: t.id for k, t in tasks.items()}
    # the hand-over is due on the first working day
    assert tasks["hand_over"].due_at is not None


def test_only_the_needs_asked_for_become_tasks(session, people):
    req = submit(session, people, needs_erp_account=False, needs_pc=False)
    provision(session, people, req)
    assert {t.template for t in req.tasks} == {"mailbox", "hand_over"}


def test_the_groups_come_from_the_plugin_settings(session, people):
    svc.set_plugin_settings(session, people.admin, "hr_onboarding", {
        "mailbox_group": "Applications", "erp_group": "Applications",
        "pc_group": "Applications"})
    req = submit(session, people, needs_erp_account=False)
    provision(session, people, req)
    assert {t.group.name for t in req.tasks if t.group} == {"Applications"}


def test_the_setup_is_handed_over_when_every_task_is_done_then_closed(session, people):
    req = submit(session, people)
    provision(session, people, req)
    tasks = {t.template: t for t in req.tasks}
    with pytest.raises(TransitionRefused):
        svc.transition(session, people.tech2, req.id, "hand_over", {"ready_on": day(0)})
    with pytest.raises(TransitionRefused, match="waits for other tasks"):
        svc.complete_task(session, people.tech2, tasks["pc_setup"].id, note="too early")
    for key in ("mailbox", "pc_order", "pc_setup"):
        svc.complete_task(session, people.tech2, tasks[key].id, note="Done.")
    svc.complete_task(session, people.tech, tasks["erp_account"].id, note="Account ready.")
    with pytest.raises(ValidationFailed) as missing:
        svc.transition(session, people.tech2, req.id, "hand_over", {})
    assert "ready_on" in missing.value.errors
    with pytest.raises(TransitionRefused):  # the hand-over task is still open
        svc.transition(session, people.tech2, req.id, "hand_over", {"ready_on": day(0)})
    svc.complete_task(session, people.tech2, tasks["hand_over"].id, note="PC at the IT desk.")
    with pytest.raises(PermissionDenied):
        svc.transition(session, people.employee, req.id, "hand_over", {"ready_on": day(0)})
    svc.transition(session, people.tech2, req.id, "hand_over",
                   {"ready_on": day(0), "note": "Collect the laptop at the IT desk."})
    assert req.status == "resolved"
    assert setup_of(session, req).ready_on.isoformat() == day(0)
    svc.transition(session, people.employee, req.id, "close", {})
    assert req.status == "closed"
    svc.rate(session, people.employee, req.id, 5, "很快")


def test_its_migration_branch_owns_its_table(helpdesk: HelpDesk):
    assert "hr_onboarding_0001" in migrate.current_heads(helpdesk)
    with helpdesk.engine.connect() as conn:
        columns = {c["name"] for c in inspect(conn).get_columns("hr_onboarding_setup")}
    assert {"request_id", "employee_name", "start_date", "tasks", "ready_on"} <= columns
    assert migrate.table_owner(helpdesk, "hr_onboarding_setup") == "hr_onboarding"
    migrate.downgrade(helpdesk, "hr_onboarding@base")
    with helpdesk.engine.connect() as conn:
        assert not inspect(conn).has_table("hr_onboarding_setup")
        assert inspect(conn).has_table("service_request")
    migrate.upgrade(helpdesk)
    with helpdesk.engine.connect() as conn:
        assert inspect(conn).has_table("hr_onboarding_setup")


def test_requests_left_in_the_removed_state_of_version_1_0_move_on(helpdesk, session, people):
    req = submit(session, people)
    provision(session, people, req)
    # A database written by version 1.0, which had an "awaiting_equipment" state.
    session.execute(text("UPDATE service_request SET status = 'awaiting_equipment' "
                         "WHERE id = :id"), {"id": req.id})
    session.commit()
    reports = apply_plugin_versions(helpdesk)
    report = next(r for r in reports if r.plugin == "hr_onboarding")
    assert report.moved == {"hr_onboarding:awaiting_equipment": 1}
    assert (report.old_version, report.new_version) == (None, "1.1.0")
    session.expire_all()
    assert session.get(ServiceRequest, req.id).status == "provisioning"
    moved = session.scalars(select(Event).where(Event.request_id == req.id,
                                                Event.kind == "state_moved")).all()
    assert len(moved) == 1 and moved[0].changes == {
        "status": ["awaiting_equipment", "provisioning"]}
    assert moved[0].data["reason"] == "The PC is now a task of the set-up."
    assert session.get(PluginVersion, "hr_onboarding").version == "1.1.0"
    assert apply_plugin_versions(helpdesk) == []  # idempotent
    assert len(session.scalars(select(Task).where(Task.request_id == req.id)).all()) == 5


@pytest.mark.slow
def test_installed_with_pip_it_passes_its_own_tests_and_upgrades_a_database(tmp_path: Path):
    # A copy: building the package writes its metadata beside the sources.
    project = tmp_path / "hr_onboarding"
    shutil.copytree(EXAMPLE, project, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    env = PluginEnvironment(tmp_path / "env")
    env.install_editable(project)

    tests = env.run("-m", "pytest", "-p", "no:cacheprovider", "-q", "-k", "not postgres",
                    cwd=project)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert " passed" in tests.stdout

    url = f"sqlite:///{tmp_path}/desk.db"
    upgrade = env.run("-c", "from web.cli import main; main()", "--database-url", url,
                      "db", "upgrade")
    assert upgrade.returncode == 0, upgrade.stdout + upgrade.stderr
    assert "hr_onboarding_0001" in upgrade.stdout
    assert "plugin hr_onboarding - -> 1.1.0" in upgrade.stdout
    def helpdesk(*args: str) -> subprocess.CompletedProcess[str]:
        return env.run("-c", "from web.cli import main; main()", "--database-url", url, *args)

    again = helpdesk("db", "upgrade")
    assert "already up to date" in again.stdout, again.stdout + again.stderr

    # its command (hd_cli_commands), refused while the plugin is disabled
    listed = helpdesk("newcomers", "--days", "60")
    assert listed.returncode == 0 and "No newcomers start in the next 60 days." in (
        listed.stdout), listed.stdout + listed.stderr
    assert helpdesk("plugins", "disable", "hr_onboarding").returncode == 0
    refused = helpdesk("newcomers")
    assert refused.returncode == 1 and "hr_onboarding is disabled" in refused.stderr
