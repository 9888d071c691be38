"""A new category plugin package from templates: ``helpdesk plugin new NAME`` writes it.

The templates (``template/``, files ending ``.tmpl``; ``NAME`` in a path is the plugin's name)
make a working package: pyproject with the ``hdcore.plugins`` entry point, the plugin class,
a schema with field metadata, a workflow, sample requests, a Chinese catalog, a page with its
template and tests that use the plugin test kit.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import keyword
import re
from pathlib import Path

from hdcore.errors import HelpdeskError
from hdcore.host import ENTRY_POINT_GROUP

TEMPLATE_DIR = Path(__file__).resolve().parent / "template"
NAME_RE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


class ScaffoldError(HelpdeskError):
    """The plugin cannot be created as asked; the message says why."""


def check_name(name: str) -> None:
    """Refuse a name that is not a lowercase identifier, or already taken."""
    if not NAME_RE.match(name) or name.endswith("_") or "__" in name:
        raise ScaffoldError(
            f"{name!r} is not a valid plugin name: use 2 to 40 lowercase letters, digits and "
            "single underscores, starting with a letter (it names the package, the category "
            "and the prefix of the plugin's tables)")
    if keyword.iskeyword(name):
        raise ScaffoldError(f"{name!r} is a Python keyword")
    taken = {ep.name for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}
    if name in taken or name in {"core", "hdcore", "web", "plugins", "tests"}:
        raise ScaffoldError(f"a plugin named {name!r} is already installed")
    if importlib.util.find_spec(name) is not None:
        raise ScaffoldError(f"a Python module named {name!r} already exists here")


def create_plugin(name: str, directory: Path, *, title: str, title_zh: str) -> Path:
    """Write the package of plugin ``name`` into ``directory/name``; the folder written.

    ``title`` is the category's English name, ``title_zh`` its Chinese one.
    """
    check_name(name)
    if not title.strip() or not title_zh.strip():
        raise ScaffoldError("the plugin needs an English and a Chinese title")
    if any(c in title + title_zh for c in '"\\\n'):
        raise ScaffoldError("titles may not contain quotes, backslashes or line breaks")
    target = Path(directory) / name
    if target.exists():
        raise ScaffoldError(f"{target} already exists; choose another directory or name")
    words = {
        "@@NAME@@": name,
        "@@CLASS@@": "".join(part.capitalize() for part in name.split("_")),
        "@@TITLE_LOWER@@": title.strip()[:1].lower() + title.strip()[1:],
        "@@TITLE_ZH@@": title_zh.strip(),
        "@@TITLE@@": title.strip(),
    }
    for source in sorted(TEMPLATE_DIR.rglob("*.tmpl")):
        relative = source.relative_to(TEMPLATE_DIR).with_suffix("")
        out = target / Path(*(name if part == "NAME" else part for part in relative.parts))
        text = source.read_text(encoding="utf-8")
        for token, value in words.items():
            text = text.replace(token, value)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    return target
