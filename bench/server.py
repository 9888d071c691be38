"""Start and stop the help desk (or the floor app) as in production: gunicorn, N worker
processes, on 127.0.0.1, debug off, each in its own process group so nothing is left behind."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    """A running gunicorn master and its workers."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str] = field(default_factory=dict)

    @property
    def address(self) -> tuple[str, int]:
        """Where it listens."""
        return ("127.0.0.1", self.port)

    def worker_pids(self) -> list[int]:
        """The worker processes (the master's children)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        try:
            return [int(p) for p in children.read_text().split()]
        except OSError:
            return []

    def cpu_seconds(self) -> float:
        """The processor time (user and system) the workers have used so far, in seconds."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.worker_pids():
            try:
                # the fields after the command name, which may itself hold spaces or brackets
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / ticks

    def peak_memory_mb(self) -> list[float]:
        """Each worker's peak resident memory (VmHWM) so far, in MB."""
        out = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    out.append(int(line.split()[1]) / 1024)
        return out

    def stop(self) -> None:
        """Stop gracefully (TERM), then kill what is left of the group."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def start(name: str, app: str, env: dict[str, str], workers: int, folder: Path,
          port: int | None = None, extra: tuple[str, ...] = ()) -> Server:
    """Start ``gunicorn app`` with ``workers`` sync workers and wait until it answers."""
    port = port or free_port()
    log = folder / f"{name}.log"
    full_env = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    full_env.pop("FLASK_DEBUG", None)
    cmd = [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}",
           "--workers", str(workers), "--worker-class", "sync", "--no-control-socket",
           "--access-logfile", "-" if os.environ.get("BENCH_ACCESS_LOG") else "/dev/null",
           "--error-logfile", str(log), "--log-level", "warning",
           # keep-alive is off in gunicorn's sync workers: every client request opens a
           # connection, as behind a load balancer that does not pool
           "--backlog", "512", "--timeout", "120", *extra]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
                            start_new_session=True)
    server = Server(name, port, proc, log, env)
    _wait_ready(server, workers)
    return server


def _wait_ready(server: Server, workers: int, timeout: float = 240) -> None:
    """Until the server answers a request and every worker is up."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited at start:\n{_tail(server.log)}")
        conn = http.client.HTTPConnection(*server.address, timeout=5)
        try:
            conn.request("GET", "/healthz")
            conn.getresponse().read()
            if len(server.worker_pids()) >= workers:
                # each worker imports the app itself: give the others a moment to finish
                time.sleep(1.0)
                return
        except OSError:
            pass
        finally:
            conn.close()
        time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"{server.name} did not answer within {timeout:.0f} s:\n{_tail(server.log)}")


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"
