"""`pip install .`: the wheel holds every module and the resources, and finds them installed."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import sonolens
from tests.e2e import ROOT, cli_env

pytestmark = pytest.mark.slow

DATA_FILES = {
    "sonolens/data/demo.flac": ROOT / "resources" / "demo.flac",
    "sonolens/data/sonolens.svg": ROOT / "resources" / "sonolens.svg",
}
DESKTOP_FILES = {  # installed under the prefix's share/ (e.g. ~/.local/share with --user)
    "share/applications/sonolens.desktop": ROOT / "packaging" / "sonolens.desktop",
    "share/metainfo/io.github.sonolens.Sonolens.metainfo.xml":
        ROOT / "packaging" / "io.github.sonolens.Sonolens.metainfo.xml",
    "share/icons/hicolor/scalable/apps/sonolens.svg": ROOT / "resources" / "sonolens.svg",
}


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """A wheel built by pip from a clean copy of this checkout (no build/ or egg-info left)."""
    source = tmp_path_factory.mktemp("source")
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "screenshots")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    for name in ("app", "resources", "packaging"):
        shutil.copytree(ROOT / name, source / name, ignore=ignore)
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps",
                             "-q", "-w", str(out)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    wheels = list(out.glob("sonolens-*.whl"))
    assert len(wheels) == 1
    return wheels[0]


def test_wheel_holds_every_module_and_resource(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        modules = {p.relative_to(ROOT / "app").as_posix()
                   for p in (ROOT / "app" / "sonolens").rglob("*.py")}
        assert modules <= names, sorted(modules - names)
        for inside, original in DATA_FILES.items():
            assert archive.read(inside) == original.read_bytes(), inside
        data = f"sonolens-{sonolens.__version__}.data/data/"
        for inside, original in DESKTOP_FILES.items():
            assert archive.read(data + inside) == original.read_bytes(), inside
        entry_points = archive.read(
            f"sonolens-{sonolens.__version__}.dist-info/entry_points.txt").decode()
    assert "sonolens = sonolens.cli.main:main" in entry_points
    assert not [n for n in names if "screenshots" in n or n.startswith("tests/")]


def test_installed_wheel_finds_its_demo_sound_and_icon(wheel, tmp_path):
    """Installed on its own (not the checkout), the package reads its own data files."""
    site = tmp_path / "site"
    result = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q",
                             "--target", str(site), str(wheel)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    env = cli_env(PYTHONPATH=str(site))
    probe = ("import sonolens, sonolens.resources as r; print(sonolens.__file__);"
             "print(r.demo_sound()); print(r.resource_path('sonolens.svg'))")
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                            env=env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    package, demo, icon = (Path(line) for line in result.stdout.split("\n")[:3])
    assert package.is_relative_to(site) and demo.is_relative_to(site)
    assert icon.is_relative_to(site)
    assert demo.read_bytes() == DATA_FILES["sonolens/data/demo.flac"].read_bytes()

    installed, checkout = tmp_path / "installed.csv", tmp_path / "checkout.csv"
    for target, pythonpath in ((installed, site), (checkout, ROOT / "app")):
        result = subprocess.run([sys.executable, "-m", "sonolens", "-q", "extract", "--demo",
                                 "-o", str(target)], capture_output=True, text=True,
                                env=cli_env(PYTHONPATH=str(pythonpath)), cwd=tmp_path,
                                timeout=300)
        assert result.returncode == 0, result.stderr
    assert installed.read_text() == checkout.read_text()
    assert installed.read_text().startswith("time,rms,")
