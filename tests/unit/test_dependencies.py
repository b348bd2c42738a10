"""pyproject.toml's dependencies are what the app imports: nothing unused, nothing missing,
and librosa (the reference the tests compare with) only in the test extra."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import PackageNotFoundError, packages_distributions, requires
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _names(requirements: list[str]) -> set[str]:
    """Distribution names of ``requirements``, with what their extras pull in
    (``dask[distributed]`` gives dask and distributed)."""
    names = set()
    for requirement in requirements:
        found = re.match(r"([A-Za-z0-9_.-]+)(?:\[([^\]]*)\])?", requirement)
        assert found is not None, requirement
        name, extras = found.group(1), found.group(2)
        names.add(_normal(name))
        for extra in (extras or "").split(","):
            if extra.strip():
                names |= _pulled_in(name, extra.strip())
    return names


def _pulled_in(name: str, extra: str) -> set[str]:
    try:
        needs = requires(name) or []
    except PackageNotFoundError:
        return set()
    return {_normal(re.match(r"[A-Za-z0-9_.-]+", need).group(0)) for need in needs
            if re.search(rf"extra\s*==\s*['\"]{re.escape(extra)}['\"]", need)}


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _imported_distributions() -> set[str]:
    """Distributions of the third-party modules app/sonolens imports anywhere (lazily too)."""
    modules: set[str] = set()
    for path in (ROOT / "app" / "sonolens").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules.add(node.module.split(".")[0])
    modules -= set(sys.stdlib_module_names) | {"sonolens"}
    found = packages_distributions()
    return {_normal(dist) for module in modules for dist in found.get(module, [module])}


def test_every_runtime_dependency_is_imported_and_every_import_declared():
    runtime = _names(PROJECT["dependencies"])
    extras = PROJECT["optional-dependencies"]
    optional = set().union(*(_names(reqs) for name, reqs in extras.items() if name != "test"))
    imported = _imported_distributions()
    assert runtime - imported == set(), "declared but never imported"
    assert imported - runtime - optional == set(), "imported but not declared"


def test_librosa_is_a_test_dependency_only():
    assert "librosa" not in _names(PROJECT["dependencies"])
    assert "librosa" in _names(PROJECT["optional-dependencies"]["test"])
    assert "librosa" not in _imported_distributions()
