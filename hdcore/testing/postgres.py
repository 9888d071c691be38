"""PostgreSQL for tests: a throw-away server a test session starts, one database per test.

The server is found through ``pg_config --bindir``, then ``/usr/lib/postgresql/*/bin``, then the
``PATH``; it runs from a temporary folder on a free port with ``fsync`` off, and is stopped and
removed at the end of the session. Under pytest-xdist each worker starts its own. As root,
``initdb`` and ``pg_ctl`` run as the ``postgres`` account (they refuse root). Clients connect over
TCP with a password (SCRAM), as the application does in production.

Set ``HELPDESK_TEST_POSTGRES_URL`` to the URL of an existing server's administrator (a role that
may create databases) to use that server instead. Tests that need PostgreSQL are skipped only
when no server can exist here: no URL given and no PostgreSQL programs installed.
"""

from __future__ import annotations

import atexit
import contextlib
import glob
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy.engine import URL, make_url

ENV_URL = "HELPDESK_TEST_POSTGRES_URL"
_APP_ROLE = "helpdesk"
_TIMEOUT = 60  # seconds any one server command may take


def find_bindir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl``, or None when PostgreSQL is not installed."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                 stdin=subprocess.DEVNULL, timeout=_TIMEOUT, check=True)
            candidates.append(Path(out.stdout.strip()))
    # Debian keeps the server programs out of the PATH, one folder per major version.
    versions = glob.glob("/usr/lib/postgresql/*/bin")
    candidates += sorted((Path(p) for p in versions), key=_version, reverse=True)
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(Path(initdb).resolve().parent)
    for folder in candidates:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    return None


def _version(bindir: Path) -> tuple[int, ...]:
    try:
        return tuple(int(p) for p in bindir.parent.name.split("."))
    except ValueError:
        return (0,)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class PostgresServer:
    """A PostgreSQL server for this test session: where it is and how to make databases on it."""

    admin_url: URL
    #: Credentials the tests' databases are used with (the owner of each database).
    user_url: URL
    bindir: Path | None = None
    folder: Path | None = None
    run_as: str | None = None
    _admin: psycopg.Connection | None = field(default=None, repr=False)
    _kept: list[str] = field(default_factory=list, repr=False)

    # -- starting and stopping a server of our own ----------------------------------------

    @classmethod
    def start(cls, bindir: Path) -> PostgresServer:
        """Initialise and start a new server in a temporary folder (about a second)."""
        run_as = None
        if os.geteuid() == 0:
            run_as = "postgres" if _user_exists("postgres") else "nobody"
        folder = Path(tempfile.mkdtemp(prefix="hdcore-pg-"))
        folder.chmod(0o755)  # the server's account must reach the folders inside
        password = secrets.token_urlsafe(16)
        server = cls(admin_url=URL.create("postgresql+psycopg"), user_url=URL.create("x"),
                     bindir=bindir, folder=folder, run_as=run_as)
        atexit.register(server.stop)  # also when the session ends abnormally
        try:
            server._initdb(password)
            port = server._pg_ctl_start()
        except BaseException:
            server.stop()
            raise
        server.admin_url = URL.create("postgresql+psycopg", username="postgres",
                                      password=password, host="127.0.0.1", port=port,
                                      database="postgres")
        app_password = secrets.token_urlsafe(16)
        # The tests work as an ordinary role owning its databases, as the application would.
        server.admin().execute(sql.SQL("CREATE ROLE {} LOGIN CREATEDB PASSWORD {}").format(
            sql.Identifier(_APP_ROLE), sql.Literal(app_password)))
        server.user_url = server.admin_url.set(username=_APP_ROLE, password=app_password)
        return server

    def _cmd(self, *args: str | Path) -> subprocess.CompletedProcess[str]:
        assert self.bindir is not None and self.folder is not None
        argv = [str(self.bindir / str(args[0])), *(str(a) for a in args[1:])]
        if self.run_as:
            argv = ["runuser", "-u", self.run_as, "--", *argv]
        # The output is captured, so pg_ctl must always be given -l: its server would inherit
        # the pipe and the capture would never end.
        return subprocess.run(argv, capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              cwd=self.folder, timeout=_TIMEOUT, check=False)

    def _mkdir(self, path: Path) -> None:
        if self.run_as:
            subprocess.run(["install", "-d", "-o", self.run_as, "-g",
                            _group_of(self.run_as), "-m", "700", str(path)],
                           check=True, stdin=subprocess.DEVNULL, capture_output=True)
        else:
            path.mkdir(mode=0o700)

    def _initdb(self, password: str) -> None:
        assert self.folder is not None
        pwfile = self.folder / "pwfile"
        pwfile.write_text(password + "\n")
        if self.run_as:
            shutil.chown(pwfile, self.run_as)
        pwfile.chmod(0o600)
        self._mkdir(self.folder / "data")
        self._mkdir(self.folder / "sock")
        done = None
        for locale in ("C.UTF-8", "C"):  # C.UTF-8 classifies non-ASCII letters; C is everywhere
            done = self._cmd("initdb", "-D", self.folder / "data", "-U", "postgres", "-E", "UTF8",
                             f"--locale={locale}", "--auth-local=peer",
                             "--auth-host=scram-sha-256", f"--pwfile={pwfile}", "--no-sync")
            if done.returncode == 0:
                break
            shutil.rmtree(self.folder / "data", ignore_errors=True)
            self._mkdir(self.folder / "data")
        pwfile.unlink()
        if done is None or done.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{done.stdout if done else ''}"
                               f"{done.stderr if done else ''}")

    def _pg_ctl_start(self) -> int:
        assert self.folder is not None
        data, log = self.folder / "data", self.folder / "data" / "server.log"
        errors = []
        for _ in range(5):  # another process may take the free port before the server does
            port = _free_port()
            options = (f"-p {port} -k {self.folder / 'sock'} -c listen_addresses=127.0.0.1 "
                       "-c fsync=off -c synchronous_commit=off -c full_page_writes=off")
            done = self._cmd("pg_ctl", "-D", data, "-l", log, "-w", "-t", "30", "-o", options,
                             "start")
            if done.returncode == 0:
                return port
            errors.append(done.stdout + done.stderr + _tail(log))
        raise RuntimeError("PostgreSQL did not start:\n" + "\n".join(errors))

    def stop(self) -> None:
        """Stop the server this session started and remove its folder (for a server named by a
        URL: drop the databases kept until now)."""
        if self.folder is None:
            for name in self._kept:
                with contextlib.suppress(psycopg.Error):
                    self.drop_database(name)
        self._kept.clear()
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        if self.folder is None:
            return
        data = self.folder / "data"
        if (data / "postmaster.pid").exists():
            self._cmd("pg_ctl", "-D", data, "-m", "fast", "-w", "-t", "30", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None

    @contextlib.contextmanager
    def unreachable(self) -> Iterator[None]:
        """The server stopped for the ``with`` block (connections are refused), then started
        again on the same port. Only for a server this session started (else a skip)."""
        if self.folder is None or self.admin_url.port is None:
            import pytest

            pytest.skip("needs a PostgreSQL server started by the tests")
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        data, log = self.folder / "data", self.folder / "data" / "server.log"
        done = self._cmd("pg_ctl", "-D", data, "-m", "fast", "-w", "-t", "30", "stop")
        assert done.returncode == 0, done.stdout + done.stderr
        try:
            yield
        finally:
            options = (f"-p {self.admin_url.port} -k {self.folder / 'sock'} "
                       "-c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off "
                       "-c full_page_writes=off")
            done = self._cmd("pg_ctl", "-D", data, "-l", log, "-w", "-t", "30", "-o", options,
                             "start")
            assert done.returncode == 0, done.stdout + done.stderr + _tail(log)

    # -- databases ----------------------------------------------------------------------

    def admin(self) -> psycopg.Connection:
        """The session's administrator connection (autocommit), opened on first use."""
        if self._admin is None or self._admin.closed:
            u = self.admin_url
            self._admin = psycopg.connect(host=u.host, port=u.port, user=u.username,
                                          password=u.password, dbname=u.database or "postgres",
                                          autocommit=True, connect_timeout=10)
        return self._admin

    def create_database(self, template: str | None = None, name: str | None = None) -> str:
        """A new database owned by the tests' role (empty, or a copy of ``template``); its name."""
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        name = name or f"hd_test_{worker}_{uuid.uuid4().hex[:12]}"
        owner = self.user_url.username or self.admin_url.username
        # template0 is pristine. On our own server (fsync off) STRATEGY FILE_COPY copies its files
        # in one go, twice as fast as the default of writing every page through the WAL.
        self.admin().execute(sql.SQL(
            "CREATE DATABASE {} OWNER {} TEMPLATE {} ENCODING 'UTF8'{}"
        ).format(sql.Identifier(name), sql.Identifier(owner),
                 sql.Identifier(template or "template0"),
                 sql.SQL(self._strategy() if template is None else " STRATEGY WAL_LOG")))
        return name

    def keep_until_stop(self, name: str) -> None:
        """Drop the database ``name`` when the session's server is stopped (a template)."""
        self._kept.append(name)

    def _strategy(self) -> str:
        own = self.folder is not None  # a server of ours runs with fsync off
        return " STRATEGY FILE_COPY" if own and self.admin().info.server_version >= 150000 else ""

    def drop_database(self, name: str) -> None:
        """Drop a test's database, ending any connection the test left open."""
        force = " WITH (FORCE)" if self.admin().info.server_version >= 130000 else ""
        self.admin().execute(
            sql.SQL("DROP DATABASE IF EXISTS {}{}").format(sql.Identifier(name), sql.SQL(force))
        )

    def url(self, database: str) -> str:
        """The SQLAlchemy URL of ``database``, as the tests' role."""
        return self.user_url.set(database=database).render_as_string(hide_password=False)


def _user_exists(name: str) -> bool:
    import pwd

    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _group_of(user: str) -> str:
    import grp
    import pwd

    return grp.getgrgid(pwd.getpwnam(user).pw_gid).gr_name


def _tail(path: Path, lines: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def session_server() -> PostgresServer | None:
    """The server ``HELPDESK_TEST_POSTGRES_URL`` names, a new one of our own, or None when
    PostgreSQL is not installed here (the caller skips)."""
    given = os.environ.get(ENV_URL)
    if given:
        url = make_url(given).set(drivername="postgresql+psycopg")
        return PostgresServer(admin_url=url, user_url=url)
    bindir = find_bindir()
    if bindir is None:
        return None
    return PostgresServer.start(bindir)


NOT_INSTALLED = (
    "PostgreSQL is not installed (no initdb via pg_config --bindir, /usr/lib/postgresql/*/bin "
    f"or PATH) and {ENV_URL} is not set"
)
