"""A throw-away virtual environment that sees the running one's packages, for pip installs.

Plugin packaging is tested the way people install plugins (``pip install -e``), but into an
environment of its own, so the running test process and anyone else using the main
environment never see the plugin: the new environment reads the main one's ``site-packages``
through a ``.pth`` file and gets only the plugin installed into itself.
"""

from __future__ import annotations

import os
import site
import subprocess
import sysconfig
import venv
from pathlib import Path

#: Environment variables of the running test session a child process must not inherit.
_DROP_PREFIXES = ("PYTEST_", "COV_CORE_")


class PluginEnvironment:
    """A virtual environment in ``folder`` layered over the running interpreter's packages."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        venv.EnvBuilder(with_pip=False, clear=True).create(self.folder)
        bindir = "Scripts" if os.name == "nt" else "bin"
        self.python = self.folder / bindir / ("python.exe" if os.name == "nt" else "python")
        purelib = subprocess.run(
            [str(self.python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            capture_output=True, text=True, check=True, stdin=subprocess.DEVNULL,
        ).stdout.strip()
        parents = [p for p in [*site.getsitepackages(), sysconfig.get_paths()["purelib"]]
                   if Path(p).is_dir()]
        lines = [f"import site; site.addsitedir({p!r})" for p in dict.fromkeys(parents)]
        (Path(purelib) / "_parent_environment.pth").write_text("\n".join(lines) + "\n")

    def env(self) -> dict[str, str]:
        """The environment variables child processes get (no test-session leftovers)."""
        return {k: v for k, v in os.environ.items()
                if not k.startswith(_DROP_PREFIXES) and k != "PYTHONPATH"}

    def run(self, *args: str, cwd: Path | None = None,
            timeout: float = 600) -> subprocess.CompletedProcess[str]:
        """Run this environment's Python with ``args``; the finished process (not checked)."""
        return subprocess.run([str(self.python), *args], cwd=cwd or self.folder,
                              capture_output=True, text=True, stdin=subprocess.DEVNULL,
                              env=self.env(), timeout=timeout, check=False)

    def pip(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run pip (the running environment's) for this environment; raises on failure."""
        done = self.run("-m", "pip", "--disable-pip-version-check", *args)
        if done.returncode != 0:
            raise RuntimeError(f"pip {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done

    def install_editable(self, project: Path) -> None:
        """``pip install -e project`` (its dependencies are already in the running env)."""
        self.pip("install", "--quiet", "--no-deps", "-e", str(project))

    def uninstall(self, distribution: str) -> None:
        """``pip uninstall -y distribution``."""
        self.pip("uninstall", "--yes", distribution)

