"""``helpdesk plugin new`` and ``helpdesk plugins doctor`` from the command line.

The generated package is installed with ``pip install -e`` into a throw-away virtual
environment layered over this one (:mod:`hdcore.testing.environment`), so neither this test
process nor anyone else using the main environment sees the plugin; there its own tests run
with the plugin test kit, the help desk shows its category, and after ``pip uninstall`` it is
gone.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from hdcore import HelpdeskPlugin, hookimpl
from hdcore.testing.environment import PluginEnvironment
from web.cli import main

CHECK_APP = r"""
import sys, tempfile
from pathlib import Path
from hdcore import HelpDesk, Settings, migrate
from hdcore import services as svc
from web.app import create_app
from web.testing import Browser

home = Path(tempfile.mkdtemp())
hd = HelpDesk(Settings(database_url=f"sqlite:///{home}/hd.db", home=home))
migrate.upgrade(hd)
with hd.session_scope() as s:
    svc.create_user(s, None, username="ann", full_name="Ann", role="employee", password="demo",
                    email="ann@example.com")
    s.commit()
b = Browser(create_app(hd, {"TESTING": True}).test_client())
assert b.login("ann").status_code == 302
html = b.get("/portal/new").get_data(as_text=True)
print("CATEGORIES:", [c.name for c in hd.host.categories()])
print("HEADSETS LINK:", "/portal/new/headsets" in html)
"""


def new(tmp_path: Path, *args: str) -> object:
    return CliRunner().invoke(main, ["plugin", "new", *args, "-d", str(tmp_path)])


def test_plugin_new_writes_a_complete_package(tmp_path: Path) -> None:
    result = new(tmp_path, "headsets", "--title", "Headsets", "--title-zh", "耳机")
    assert result.exit_code == 0, result.output
    root = tmp_path / "headsets"
    assert f"Created the plugin headsets in {root}" in result.output
    files = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    assert {"pyproject.toml", "README.md", "headsets/__init__.py", "headsets/plugin.py",
            "headsets/schemas.py", "headsets/workflow.py", "headsets/samples.py",
            "headsets/views.py", "headsets/templates/headsets/overview.html",
            "headsets/translations/zh_Hans_CN/LC_MESSAGES/messages.po",
            "tests/test_plugin.py"} <= files
    assert not [f for f in files if f.endswith(".tmpl") or "NAME" in f or "@@" in f]
    assert not [f for f in files if "@@" in (root / f).read_text(encoding="utf-8")]
    pyproject = (root / "pyproject.toml").read_text(encoding="utf-8")
    assert '[project.entry-points."hdcore.plugins"]\nheadsets = "headsets:plugin"' in pyproject
    po = (root / "headsets/translations/zh_Hans_CN/LC_MESSAGES/messages.po").read_text("utf-8")
    assert 'msgid "Headsets"\nmsgstr "耳机"' in po
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--isolated",
                           "--line-length", "100", str(root)],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)
    assert lint.returncode == 0, lint.stdout + lint.stderr


@pytest.mark.parametrize(("name", "reason"), [
    ("Headsets", "not a valid plugin name"),
    ("9lives", "not a valid plugin name"),
    ("a__b", "not a valid plugin name"),
    ("procurement", "already installed"),
    ("json", "module named 'json' already exists"),
])
def test_plugin_new_refuses_bad_or_taken_names(tmp_path: Path, name: str, reason: str) -> None:
    result = new(tmp_path, name, "--title-zh", "测试")
    assert result.exit_code == 1 and reason in result.output
    assert not list(tmp_path.iterdir())


def test_plugin_new_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "headsets").mkdir()
    (tmp_path / "headsets" / "keep.txt").write_text("mine")
    result = new(tmp_path, "headsets", "--title-zh", "耳机")
    assert result.exit_code == 1 and "already exists" in result.output
    assert [p.name for p in (tmp_path / "headsets").iterdir()] == ["keep.txt"]


@pytest.mark.slow
def test_a_generated_plugin_installs_passes_its_tests_and_shows_up(tmp_path: Path) -> None:
    assert new(tmp_path, "headsets", "--title", "Headsets", "--title-zh", "耳机").exit_code == 0
    project = tmp_path / "headsets"
    env = PluginEnvironment(tmp_path / "env")
    env.install_editable(project)

    # Its own tests, with the plugin test kit the help desk ships (SQLite cases: the kit's
    # PostgreSQL cases are the same code on the other back end).
    tests = env.run("-m", "pytest", "-p", "no:cacheprovider", "-q", "-k", "not postgres",
                    cwd=project)
    assert tests.returncode == 0, tests.stdout[-4000:] + tests.stderr[-2000:]
    assert " passed" in tests.stdout and "failed" not in tests.stdout

    shown = env.run("-c", CHECK_APP)
    assert shown.returncode == 0, shown.stderr
    assert "'headsets'" in shown.stdout and "HEADSETS LINK: True" in shown.stdout

    doctor = env.run("-c", "from web.cli import main; main(['plugins', 'doctor'])")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "0 error(s)" in doctor.stdout and "headsets" not in doctor.stdout

    env.uninstall("hdcore-headsets")
    gone = env.run("-c", CHECK_APP)
    assert gone.returncode == 0, gone.stderr
    assert "'headsets'" not in gone.stdout


# -- the doctor -------------------------------------------------------------------------------


class Typo(HelpdeskPlugin):
    """A plugin with a misspelt hook and a hook taking an argument nobody passes."""

    name = "typo"

    @hookimpl
    def hd_categorys(self) -> list:
        return []

    @hookimpl
    def hd_workflow(self, category: str, flavour: str) -> None:
        return None


@pytest.fixture
def installed(monkeypatch: pytest.MonkeyPatch) -> dict[str, object]:
    """The plugins the doctor finds installed: the loans example, plus what a test adds."""
    import hdcore.doctor as doctor
    from tests.core.sample_plugin import LoanPlugin

    found: dict[str, object] = {"loans": LoanPlugin()}
    monkeypatch.setattr(doctor, "installed_plugins", lambda: (dict(found), []))
    return found


def test_doctor_passes_sound_plugins(installed: dict[str, object]) -> None:
    result = CliRunner().invoke(main, ["plugins", "doctor"])
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output and "ERROR" not in result.output


def test_doctor_reports_errors_with_the_plugin_and_fails(installed: dict[str, object]) -> None:
    installed["typo"] = Typo()
    result = CliRunner().invoke(main, ["plugins", "doctor"])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("ERROR")]
    assert any("typo" in line and "hd_categorys is not a declared hook (did you mean "
               "hd_categories?)" in line for line in lines), result.output
    assert any("typo" in line and "hd_workflow takes flavour" in line for line in lines)
    assert "2 error(s)" in result.output


def test_doctor_strict_fails_on_warnings(installed: dict[str, object]) -> None:
    # The loans example marks strings but ships no Chinese catalog: a warning.
    assert CliRunner().invoke(main, ["plugins", "doctor"]).exit_code == 0
    result = CliRunner().invoke(main, ["plugins", "doctor", "--strict"])
    assert result.exit_code == 1
    assert "WARNING" in result.output and "loans" in result.output


class WithCommand(HelpdeskPlugin):
    name = "with_command"

    @hookimpl
    def hd_cli_commands(self) -> list[click.Command]:
        @click.command("hello")
        def hello() -> None:
            """Say hello."""
            click.echo("hello from a plugin")

        return [hello]


def test_plugins_add_commands_that_refuse_to_run_while_disabled(
        installed: dict[str, object], tmp_path: Path) -> None:
    from web.cli_plugin import plugin_commands

    installed["with_command"] = WithCommand()
    commands = plugin_commands()
    assert [c.name for c in commands] == ["hello"]
    url = f"sqlite:///{tmp_path}/hd.db"
    runner = CliRunner()
    main.add_command(commands[0])
    try:
        assert runner.invoke(main, ["--database-url", url, "db", "upgrade"]).exit_code == 0
        ok = runner.invoke(main, ["--database-url", url, "hello"])
        assert ok.exit_code == 0 and "hello from a plugin" in ok.output
        from hdcore import HelpDesk, Settings
        from hdcore.models import PluginState

        hd = HelpDesk(Settings(database_url=url, home=tmp_path))
        with hd.session_scope() as s:
            s.add(PluginState(name="with_command", enabled=False))
            s.commit()
        hd.dispose()
        refused = runner.invoke(main, ["--database-url", url, "hello"])
        assert refused.exit_code == 1 and "with_command is disabled" in refused.output
    finally:
        main.commands.pop("hello", None)
