"""The hook catalogue of docs/writing-a-plugin.md lists exactly the hooks the code declares."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from hdcore.hookspecs import PROJECT

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "writing-a-plugin.md"
#: What every catalogue entry must say.
REQUIRED = ("**For**", "**Arguments**", "**Returns**", "**Called**", "**firstresult**")


def hookspec_modules() -> list[str]:
    """Every module of the project that declares hookspecs (not only the two known ones)."""
    found = {"hdcore.hookspecs", "web.hookspecs"}
    for package in ("hdcore", "web", "plugins"):
        for path in (ROOT / package).rglob("*.py"):
            if "HookspecMarker(" in path.read_text(encoding="utf-8"):
                found.add(".".join(path.relative_to(ROOT).with_suffix("").parts))
    return sorted(found)


def declared_hooks() -> dict[str, bool]:
    """Hook name -> whether it is firstresult, for every hookspec in the tree."""
    hooks: dict[str, bool] = {}
    for name in hookspec_modules():
        module = importlib.import_module(name)
        for attr, obj in vars(module).items():
            opts = getattr(obj, f"{PROJECT}_spec", None)
            if opts is not None and callable(obj):
                hooks[attr] = bool(opts.get("firstresult"))
    return hooks


def catalogue() -> dict[str, str]:
    """Hook name -> the text of its entry in the guide's catalogue section."""
    text = GUIDE.read_text(encoding="utf-8")
    match = re.search(r"^## Hook catalogue\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match, "docs/writing-a-plugin.md has no '## Hook catalogue' section"
    parts = re.split(r"^### (\S+)\s*$", match.group(1), flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def test_the_tree_declares_hooks_in_the_known_modules() -> None:
    hooks = declared_hooks()
    assert {"hd_categories", "hd_workflow", "hd_web_blueprints"} <= set(hooks)


def test_every_hookspec_is_in_the_catalogue() -> None:
    missing = sorted(set(declared_hooks()) - set(catalogue()))
    assert not missing, f"hooks missing from the catalogue of {GUIDE.name}: {missing}"


def test_the_catalogue_names_only_existing_hooks() -> None:
    unknown = sorted(set(catalogue()) - set(declared_hooks()))
    assert not unknown, f"{GUIDE.name} documents hooks that do not exist: {unknown}"


@pytest.mark.parametrize("hook", sorted(declared_hooks()))
def test_each_entry_is_complete_and_right_about_firstresult(hook: str) -> None:
    entry = catalogue().get(hook)
    if entry is None:
        pytest.skip("reported by test_every_hookspec_is_in_the_catalogue")
    absent = [label for label in REQUIRED if label not in entry]
    assert not absent, f"the entry of {hook} lacks {absent}"
    assert "```python" in entry, f"the entry of {hook} has no example"
    said = re.search(r"\*\*firstresult\*\*:\s*(yes|no)", entry)
    assert said, f"the entry of {hook} must say 'firstresult: yes' or 'no'"
    assert (said.group(1) == "yes") == declared_hooks()[hook], (
        f"the entry of {hook} is wrong about firstresult"
    )
