"""Rehearse docs/deployment.md on one machine: a PostgreSQL primary and a streaming replica made
with pg_basebackup, ``helpdesk db upgrade``, two gunicorn servers on separate ports (two hosts),
two ``helpdesk worker``s, nginx balancing over both servers; then sign in, file requests and
read the manager's dashboard through the balancer, and check where each landed.

Needs PostgreSQL's server programs, nginx, and root (each server runs as its own account).
Everything is made in a temporary folder and stopped at the end.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
PG_USER = "postgres"


def say(text: str) -> None:
    """Progress, as the script goes."""
    print(f"==> {text}", flush=True)


def free_port() -> int:
    """A port nobody listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def as_postgres(*argv: str | Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a PostgreSQL program as its own account."""
    return subprocess.run(["runuser", "-u", PG_USER, "--", *map(str, argv)], check=check,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120)


def pg_bindir() -> Path:
    """Where initdb and friends are."""
    from hdcore.testing.postgres import find_bindir

    found = find_bindir()
    if found is None:
        raise SystemExit("PostgreSQL's server programs are not installed")
    return found


class Rehearsal:
    """The pieces started, so they can all be stopped."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="hd-deploy-"))
        self.folder.chmod(0o755)
        self.bindir = pg_bindir()
        self.processes: list[subprocess.Popen[bytes]] = []
        self.clusters: list[Path] = []
        self.nginx_conf: Path | None = None

    def cluster(self, name: str) -> Path:
        """A folder PostgreSQL's account owns."""
        path = self.folder / name
        subprocess.run(["install", "-d", "-o", PG_USER, "-g", PG_USER, "-m", "700", str(path)],
                       check=True)
        return path

    def start_cluster(self, data: Path, port: int) -> None:
        """``pg_ctl start`` on 127.0.0.1:port."""
        as_postgres(self.bindir / "pg_ctl", "-D", data, "-l", data / "server.log", "-w",
                    "-t", "60", "-o", f"-p {port} -k {data} -c listen_addresses=127.0.0.1",
                    "start")
        self.clusters.append(data)

    def spawn(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        """A long-running process of the deployment, its output in a log file."""
        with (self.folder / f"{name}.log").open("wb") as log:
            self.processes.append(subprocess.Popen(
                argv, cwd=self.folder, env={**os.environ, **env}, stdin=subprocess.DEVNULL,
                stdout=log, stderr=subprocess.STDOUT, start_new_session=True))

    def stop(self) -> None:
        """Stop everything and remove the folder."""
        if self.nginx_conf is not None:
            subprocess.run(["nginx", "-c", str(self.nginx_conf), "-s", "stop"], check=False,
                           capture_output=True)
        for proc in self.processes:
            proc.terminate()
        for proc in self.processes:
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
        for data in reversed(self.clusters):
            as_postgres(self.bindir / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop",
                        check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


def wait_http(port: int, path: str = "/healthz", timeout: float = 60) -> None:
    """Until something answers 200 on ``port``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        try:
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.3)
    raise RuntimeError(f"nothing answered on port {port}")


class Client:
    """A browser talking to the balancer, from a chosen loopback address."""

    def __init__(self, port: int, source: str = "127.0.0.1") -> None:
        self.port, self.source, self.cookie = port, source, ""

    def call(self, method: str, path: str, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, bytes]:
        """One request; keeps the session cookie."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                          source_address=(self.source, 0))
        try:
            conn.request(method, path, body=body, headers={
                **({"Cookie": self.cookie} if self.cookie else {}), **(headers or {})})
            resp = conn.getresponse()
            data = resp.read()
            found = re.search(r"session=([^;]+)", resp.getheader("Set-Cookie") or "")
            if found:
                self.cookie = f"session={found.group(1)}"
            return resp.status, data
        finally:
            conn.close()

    def login(self, username: str, password: str) -> int:
        """Sign in through the form; the answer's status."""
        _status, page = self.call("GET", "/login")
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
        assert token is not None, "no sign-in form"
        form = urlencode({"username": username, "password": password,
                          "csrf_token": token.group(1).decode()}).encode()
        status, _ = self.call("POST", "/login", form,
                              {"Content-Type": "application/x-www-form-urlencoded"})
        return status


def sample_details(env: dict[str, str], category: str) -> dict[str, object]:
    """Valid details of ``category``: its plugin's first sample request's."""
    from hdcore import HelpDesk, Settings

    hd = HelpDesk(Settings(database_url=env["HELPDESK_DATABASE_URL"],
                           home=Path(env["HELPDESK_HOME"])))
    try:
        return dict(hd.host.sample_requests(category)[0].details)
    finally:
        hd.dispose()


def main() -> None:
    """The rehearsal, step by step; exits non-zero at the first thing that does not hold."""
    if os.geteuid() != 0:
        raise SystemExit("run as root: PostgreSQL and nginx run as their own accounts")
    if shutil.which("nginx") is None:
        raise SystemExit("nginx is not installed (Debian: apt-get install nginx-light)")
    r = Rehearsal()
    try:
        rehearse(r)
    finally:
        r.stop()


def rehearse(r: Rehearsal) -> None:
    """Every step of docs/deployment.md that one machine can show."""
    password = secrets.token_urlsafe(12)
    primary_port, replica_port = free_port(), free_port()
    say("PostgreSQL primary")
    primary = r.cluster("primary")
    pwfile = r.folder / "pw"
    pwfile.write_text(password + "\n")
    shutil.chown(pwfile, PG_USER)
    as_postgres(r.bindir / "initdb", "-D", primary, "-U", "postgres", "-E", "UTF8",
                "--locale=C.UTF-8", "--auth-local=peer", "--auth-host=scram-sha-256",
                f"--pwfile={pwfile}")
    r.start_cluster(primary, primary_port)
    psql = [r.bindir / "psql", "-h", primary, "-p", str(primary_port), "-U", "postgres",
            "-v", "ON_ERROR_STOP=1", "-c"]
    as_postgres(*psql, f"CREATE ROLE helpdesk LOGIN PASSWORD '{password}'")
    as_postgres(*psql, f"CREATE ROLE replicator LOGIN REPLICATION PASSWORD '{password}'")
    as_postgres(*psql, "CREATE DATABASE helpdesk OWNER helpdesk ENCODING 'UTF8' "
                       "TEMPLATE template0")

    say("streaming replica with pg_basebackup -R")
    replica = r.cluster("replica")
    pgpass = r.folder / "pgpass"
    pgpass.write_text(f"127.0.0.1:{primary_port}:*:replicator:{password}\n")
    shutil.chown(pgpass, PG_USER)
    pgpass.chmod(0o600)
    subprocess.run(["runuser", "-u", PG_USER, "--", "env", f"PGPASSFILE={pgpass}",
                    str(r.bindir / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary_port),
                    "-U", "replicator", "-D", str(replica), "-R", "-X", "stream"],
                   check=True, capture_output=True, text=True, stdin=subprocess.DEVNULL)
    r.start_cluster(replica, replica_port)

    url = f"postgresql+psycopg://helpdesk:{password}@127.0.0.1:{primary_port}/helpdesk"
    replica_url = f"postgresql+psycopg://helpdesk:{password}@127.0.0.1:{replica_port}/helpdesk"
    home = r.folder / "shared-home"  # the shared attachment storage every host mounts
    home.mkdir()
    env = {"HELPDESK_DATABASE_URL": url, "HELPDESK_REPORTS_DATABASE_URL": replica_url,
           "HELPDESK_SECRET_KEY": secrets.token_hex(32), "HELPDESK_HOME": str(home),
           "HELPDESK_PROXIES": "1", "HELPDESK_FAST_HASHING": "0"}
    helpdesk = str(VENV_BIN / "helpdesk")
    say("helpdesk db upgrade, and demo data to sign in with")
    subprocess.run([helpdesk, "db", "upgrade"], env={**os.environ, **env}, check=True,
                   capture_output=True, stdin=subprocess.DEVNULL)
    subprocess.run([helpdesk, "demo"], env={**os.environ, **env}, check=True,
                   capture_output=True, stdin=subprocess.DEVNULL)

    say("two application servers (gunicorn) and two workers")
    ports = [free_port(), free_port()]
    for i, port in enumerate(ports):
        r.spawn(f"web-{i}", [str(VENV_BIN / "gunicorn"), "web.wsgi:app", "--bind",
                             f"127.0.0.1:{port}", "--workers", "2", "--no-control-socket",
                             "--forwarded-allow-ips", "127.0.0.1", "--access-logfile", "-",
                             "--chdir", str(ROOT)], env)
        r.spawn(f"worker-{i}", [helpdesk, "worker"], env)
    for port in ports:
        wait_http(port)

    say("nginx balancing over both")
    lb_port = free_port()
    conf = r.folder / "nginx.conf"
    conf.write_text(f"""
pid {r.folder}/nginx.pid;
error_log {r.folder}/nginx-error.log;
events {{ worker_connections 256; }}
http {{
    access_log {r.folder}/nginx-access.log;
    upstream helpdesk {{
        server 127.0.0.1:{ports[0]} max_fails=3 fail_timeout=10s;
        server 127.0.0.1:{ports[1]} max_fails=3 fail_timeout=10s;
    }}
    server {{
        listen 127.0.0.1:{lb_port};
        client_max_body_size 25m;
        location / {{
            proxy_pass http://helpdesk;
            proxy_set_header Host              $host;
            proxy_set_header X-Forwarded-For   $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Host  $host;
            proxy_next_upstream error timeout http_503;
        }}
    }}
}}
""")
    subprocess.run(["nginx", "-t", "-c", str(conf)], check=True, capture_output=True)
    subprocess.run(["nginx", "-c", str(conf)], check=True, capture_output=True)
    r.nginx_conf = conf
    wait_http(lb_port)

    say("signing in and filing requests through the balancer")
    employee = Client(lb_port)
    assert employee.login("zhang.wei", "demo") == 302, "could not sign in"
    status, body = employee.call("POST", "/api/v1/auth/token", json.dumps(
        {"username": "zhang.wei", "password": "demo", "name": "rehearsal"}).encode(),
        {"Content-Type": "application/json"})
    assert status in (200, 201), (status, body[:200])
    token = json.loads(body)["token"]
    details = sample_details(env, "email_admin")
    made = []
    for i in range(20):
        status, body = employee.call("POST", "/api/v1/requests", json.dumps({
            "category": "email_admin", "title": f"Rehearsal {i}: mailbox full",
            "details": details}, default=str).encode(),
            {"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        assert status == 201, (status, body[:300])
        made.append(json.loads(body)["number"])
    status, _ = employee.call("GET", f"/portal/r/{made[0]}")
    assert status == 200, status
    served = [sum(1 for line in (r.folder / f"web-{i}.log").read_text().splitlines()
                  if "POST /api/v1/requests" in line) for i in range(2)]
    assert all(served), f"one server got no requests: {served}"
    print(f"    20 requests filed; the servers took {served[0]} and {served[1]}")

    say("the manager's dashboard reads the replica")
    time.sleep(1)  # streaming replication delay
    manager = Client(lb_port)
    assert manager.login("chen.jie", "demo") == 302
    status, _ = manager.call("GET", "/manage/dashboard")
    assert status == 200, status
    seen = as_postgres(r.bindir / "psql", "-h", replica, "-p", str(replica_port), "-U",
                       "postgres", "-At", "-c",
                       "SELECT count(*) FROM pg_stat_database WHERE datname = 'helpdesk' "
                       "AND xact_commit + xact_rollback > 0").stdout.strip()
    assert seen == "1", "the replica saw no reads"
    print("    dashboard 200, read on the replica")

    say("sign-in lockouts follow X-Forwarded-For, not the balancer's address")
    attacker = Client(lb_port, source="127.0.0.66")
    statuses = [attacker.login(f"nobody{i}", "guess") for i in range(21)]
    assert statuses[-1] == 429, statuses
    assert Client(lb_port, source="127.0.0.77").login("li.na", "demo") == 302
    print("    the guessing address is held back (429); another client signs in")

    say("the workers share the outbox and the sweeps without doubling")
    time.sleep(3)
    dupes = as_postgres(r.bindir / "psql", "-h", primary, "-p", str(primary_port), "-U",
                        "postgres", "-d", "helpdesk", "-At", "-c",
                        "SELECT count(*) FROM (SELECT request_id, action_key FROM "
                        "sla_fired_action GROUP BY 1, 2 HAVING count(*) > 1) AS d").stdout.strip()
    assert dupes == "0", dupes
    print("    no automatic action registered twice")
    say("all steps held")


if __name__ == "__main__":
    main()
