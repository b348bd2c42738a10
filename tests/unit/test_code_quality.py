"""Architecture contracts (import-linter) and lint (ruff) are part of the test run."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _tool(name: str) -> str:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else (shutil.which(name) or name)


def test_import_contracts_hold():
    env = {"PYTHONPATH": str(ROOT / "app"), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([_tool("lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True,
                            text=True, env=env)
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_clean():
    result = subprocess.run([_tool("ruff"), "check", "app", "tests"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_pure_layers_load_without_qt():
    code = (
        "import sys; import sonolens.dsp.engine, sonolens.cli.main, sonolens.export.csv_table;"
        "import sonolens.cli.dataset, sonolens.export.dataset_batch;"
        "heavy=('PySide6','pyqtgraph','librosa','numba');"
        "bad=[m for m in sys.modules if m.startswith(heavy)]; print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={"PYTHONPATH": str(ROOT / "app")})
    assert result.returncode == 0, result.stdout + result.stderr


def test_cli_reaches_ui_only_lazily():
    """The layers contract lets cli.main and cli.render reach ui; only inside functions."""
    code = (
        "import sys, pkgutil, importlib, sonolens.cli as cli;"
        "[importlib.import_module(f'sonolens.cli.{m.name}') for m in pkgutil.iter_modules("
        "cli.__path__) if m.name != '__main__'];"
        "bad=[m for m in sys.modules if m.startswith(('PySide6','pyqtgraph','sonolens.ui'))];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={"PYTHONPATH": str(ROOT / "app")})
    assert result.returncode == 0, result.stdout + result.stderr


def test_model_and_workers_use_qtcore_only():
    """import-linter cannot forbid PySide6 submodules, so read the imports directly."""
    import ast

    offenders = []
    for layer in ("model", "workers"):
        for path in (ROOT / "app" / "sonolens" / layer).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                names = []
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module:
                    names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
                offenders += [f"{path}: {n}" for n in names
                              if n.startswith(("PySide6.QtWidgets", "PySide6.QtGui"))]
    assert offenders == []


#: Modules still over the limit while issue 15 splits them (helpers A and C); delete each
#: entry as its split lands (the test fails on a stale entry so the list cannot rot).
_BEING_SPLIT: set[str] = set()


def test_no_module_over_400_lines():
    """DESIGN §9: small modules ("a class over ~400 lines ... is a smell")."""
    package = ROOT / "app" / "sonolens"
    long = {path.relative_to(package).as_posix(): n for path in package.rglob("*.py")
            if (n := len(path.read_text().splitlines())) > 400}
    assert set(long) - _BEING_SPLIT == set(), long
    assert _BEING_SPLIT - set(long) == set(), "split now: remove from _BEING_SPLIT"
