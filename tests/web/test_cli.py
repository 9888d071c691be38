"""The ``helpdesk`` command, run as an operator would, on a real SQLite file."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from click.testing import CliRunner, Result
from flask import Flask

from hdcore import HelpDesk, Settings
from hdcore import services as svc
from web.cli import main

CATEGORY_PLUGINS = ("erp_support", "email_admin", "network_security", "procurement",
                    "outsourcing")

Run = Callable[..., Result]


@pytest.fixture(autouse=True)
def environment(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the operator's environment out, and the instance folder in the test's."""
    monkeypatch.delenv("HELPDESK_DATABASE_URL", raising=False)
    monkeypatch.setenv("HELPDESK_HOME", str(tmp_path / "home"))


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path}/cli.db"


@pytest.fixture
def run(url: str) -> Run:
    """Run ``helpdesk --database-url URL ARGS...``; a traceback fails the test."""

    def invoke(*args: str, input: str | None = None) -> Result:
        return CliRunner().invoke(main, ["--database-url", url, *args], input=input,
                                  catch_exceptions=False)

    return invoke


@pytest.fixture
def upgraded(run: Run) -> Run:
    result = run("db", "upgrade")
    assert result.exit_code == 0, result.output
    return run


def open_helpdesk(url: str, tmp_path) -> HelpDesk:
    return HelpDesk(Settings(database_url=url, home=tmp_path))


def plugin_rows(output: str) -> dict[str, list[str]]:
    """``plugins list`` rows by name: [name, title..., version, enabled, essential, categories]."""
    return {line.split()[0]: line.split() for line in output.splitlines()[1:] if line.strip()}


def test_help_lists_every_command_with_a_line_each():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("db", "demo", "serve", "plugins", "user"):
        line = next(x for x in result.output.splitlines() if x.strip().startswith(command + " "))
        assert len(line.split()) > 2, line  # the command and its help
    assert "--database-url" in result.output
    for group, subs in (("db", ["upgrade"]), ("plugins", ["list", "enable", "disable"]),
                        ("user", ["add"])):
        out = CliRunner().invoke(main, [group, "--help"]).output
        assert all(sub in out for sub in subs), out


def test_upgrade_then_demo_then_nothing_twice(run: Run, url, tmp_path):
    first = run("db", "upgrade")
    assert first.exit_code == 0 and "upgraded" in first.output
    again = run("db", "upgrade")
    assert again.exit_code == 0 and "already up to date" in again.output

    demo = run("demo")
    assert demo.exit_code == 0, demo.output
    assert "zhang.wei" in demo.stdout and "wang.fang" in demo.stdout
    assert "'demo'" in demo.stdout and "requests" in demo.stdout
    assert "warning" not in demo.stderr

    refused = run("demo")
    assert refused.exit_code == 1 and "already has" in refused.stderr
    assert "Traceback" not in refused.output
    skipped = run("demo", "--if-empty")
    assert skipped.exit_code == 0 and "already has" in skipped.stdout

    added = run("user", "add", "qian.hui", "--name", "钱慧", "--department", "FIN",
                "--group", "Service Desk", "--group", "Security", "--role", "technician",
                "--password", "s3cret!")
    assert added.exit_code == 0, added.output
    hd = open_helpdesk(url, tmp_path)
    try:
        with hd.session_scope() as s:
            user = svc.authenticate(s, "qian.hui", "s3cret!")
            assert user is not None and user.full_name == "钱慧" and user.role == "technician"
            assert user.department.code == "FIN"
            assert {g.name for g in user.groups} == {"Service Desk", "Security"}
            assert svc.authenticate(s, "zhang.wei", "demo") is not None
    finally:
        hd.dispose()


def test_commands_on_a_new_database_ask_for_the_upgrade(run: Run):
    for args in (["plugins", "list"], ["demo"], ["user", "add", "x.y", "--name", "X",
                                                 "--password", "abcd"]):
        result = run(*args)
        assert result.exit_code == 1, args
        assert "helpdesk db upgrade" in result.stderr and "Traceback" not in result.output


def test_the_database_url_comes_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("HELPDESK_DATABASE_URL", f"sqlite:///{tmp_path}/from_env.db")
    assert CliRunner().invoke(main, ["db", "upgrade"]).exit_code == 0
    assert (tmp_path / "from_env.db").is_file()
    monkeypatch.delenv("HELPDESK_DATABASE_URL")
    assert CliRunner().invoke(main, ["db", "upgrade"]).exit_code == 0
    assert (tmp_path / "home" / "helpdesk.db").is_file()


def test_plugins_are_listed_disabled_and_enabled_again(upgraded: Run, url, tmp_path):
    listed = upgraded("plugins", "list")
    assert listed.exit_code == 0
    assert listed.stdout.split()[:6] == ["NAME", "TITLE", "VERSION", "ENABLED", "ESSENTIAL",
                                         "CATEGORIES"]
    rows = plugin_rows(listed.stdout)
    assert set(CATEGORY_PLUGINS) | {"core"} <= set(rows)
    assert rows["core"][-3:-1] == ["yes", "yes"]
    for name in CATEGORY_PLUGINS:
        assert rows[name][-3:-1] == ["yes", "no"] and rows[name][-1] != "-", rows[name]

    off = upgraded("plugins", "disable", "procurement")
    assert off.exit_code == 0 and "disabled" in off.stdout
    rows = plugin_rows(upgraded("plugins", "list").stdout)
    assert rows["procurement"][-3] == "no"
    hd = open_helpdesk(url, tmp_path)
    try:
        with hd.session_scope() as s:
            assert not hd.host.is_enabled(s, "procurement")
            assert all(c.plugin != "procurement" for c in hd.host.categories(s))
    finally:
        hd.dispose()

    on = upgraded("plugins", "enable", "procurement")
    assert on.exit_code == 0 and "enabled" in on.stdout
    rows = plugin_rows(upgraded("plugins", "list").stdout)
    assert rows["procurement"][-3] == "yes"


def test_switching_the_core_or_an_unknown_plugin_fails_clearly(upgraded: Run):
    core = upgraded("plugins", "disable", "core")
    assert core.exit_code == 1 and "essential" in core.stderr
    unknown = upgraded("plugins", "enable", "no_such_plugin")
    assert unknown.exit_code == 1 and "no_such_plugin" in unknown.stderr
    assert "Traceback" not in core.output + unknown.output
    rows = plugin_rows(upgraded("plugins", "list").stdout)
    assert "no_such_plugin" not in rows and rows["core"][-3] == "yes"


def test_user_add_reports_every_bad_field(upgraded: Run, url, tmp_path):
    ok = upgraded("user", "add", "Li.Na", "--name", "李娜", "--role", "technician",
                  "--email", "li.na@example.com", "--password", "secret1")
    assert ok.exit_code == 0 and "li.na" in ok.stdout

    duplicate = upgraded("user", "add", "li.na", "--name", "Someone Else", "--password", "abcd")
    assert duplicate.exit_code == 1
    assert "username" in duplicate.stderr and "taken" in duplicate.stderr

    several = upgraded("user", "add", "wu.hao", "--name", "吴昊", "--email", "not-an-address",
                       "--department", "NOPE", "--password", "abc")
    assert several.exit_code == 1
    for field in ("email", "department", "password"):
        assert field in several.stderr, several.stderr

    no_password = upgraded("user", "add", "wu.hao", "--name", "吴昊")
    assert no_password.exit_code == 1 and "--password" in no_password.stderr

    bad_role = upgraded("user", "add", "wu.hao", "--name", "吴昊", "--role", "boss",
                        "--password", "abcd")
    assert bad_role.exit_code == 2 and "boss" in bad_role.stderr

    hd = open_helpdesk(url, tmp_path)
    try:
        with hd.session_scope() as s:
            assert svc.authenticate(s, "li.na", "secret1").role == "technician"
            assert svc.authenticate(s, "wu.hao", "abcd") is None  # nothing half-written
    finally:
        hd.dispose()


def test_serve_runs_the_web_app_threaded(upgraded: Run, monkeypatch):
    import werkzeug.serving

    served: dict[str, object] = {}

    def run_simple(host: str, port: int, app: Flask, **options: object) -> None:
        # Stands in for the blocking server loop; the application itself is the real one.
        served.update(host=host, port=port, app=app, **options)

    monkeypatch.setattr(werkzeug.serving, "run_simple", run_simple)
    result = upgraded("serve", "--port", "5055")
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:5055/" in result.stdout
    assert served["host"] == "127.0.0.1" and served["port"] == 5055
    assert served["threaded"] is True and served["use_debugger"] is False
    app = served["app"]
    assert isinstance(app, Flask)
    assert app.test_client().get("/login").status_code == 200

    everywhere = upgraded("serve", "--host", "0.0.0.0", "--port", "8080", "--debug")
    assert everywhere.exit_code == 0 and "every interface" in everywhere.stdout
    assert served["host"] == "0.0.0.0" and served["use_debugger"] is True


def test_worker_runs_every_job_once(tmp_path):
    from click.testing import CliRunner

    from web.cli import main

    url = f"sqlite:///{tmp_path}/w.db"
    runner = CliRunner()
    assert runner.invoke(main, ["--database-url", url, "db", "upgrade"]).exit_code == 0
    result = runner.invoke(main, ["--database-url", url, "worker", "--once"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(main, ["--database-url", url, "worker", "--once", "--job", "nope"])
    assert result.exit_code == 1 and "unknown job nope" in result.output
