"""The desktop entry, AppStream metainfo and icon: valid, installable, and in agreement."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import tomllib
import xml.etree.ElementTree as ET

import pytest

import sonolens
from tests.e2e import ROOT

DESKTOP = ROOT / "packaging" / "sonolens.desktop"
METAINFO = ROOT / "packaging" / "io.github.sonolens.Sonolens.metainfo.xml"
ICON = ROOT / "resources" / "sonolens.svg"


def desktop_entry() -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string(DESKTOP.read_text())
    return dict(parser["Desktop Entry"])


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"{name} is not installed (packaging/setup-debian.sh installs it)")
    return path


def test_desktop_entry_validates():
    result = subprocess.run([tool("desktop-file-validate"), str(DESKTOP)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "error" not in (result.stdout + result.stderr).lower()


def test_metainfo_validates():
    result = subprocess.run([tool("appstreamcli"), "validate", "--no-net", str(METAINFO)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_installed_tree_validates_as_a_whole(tmp_path):
    """install-desktop.sh lays out share/; appstreamcli checks the cross-references
    (the launchable desktop file exists, the metainfo is where desktops look)."""
    appstreamcli = tool("appstreamcli")
    result = subprocess.run(["bash", str(ROOT / "packaging" / "install-desktop.sh"),
                             str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    share = tmp_path / "share"
    assert (share / "applications" / "sonolens.desktop").read_text() == DESKTOP.read_text()
    assert (share / "icons/hicolor/scalable/apps/sonolens.svg").read_bytes() == ICON.read_bytes()
    result = subprocess.run([appstreamcli, "validate-tree", "--no-net", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    (share / "applications" / "sonolens.desktop").unlink()
    result = subprocess.run([appstreamcli, "validate-tree", "--no-net", str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode != 0 and "desktop-file-not-found" in result.stdout


def test_desktop_metainfo_and_package_agree():
    entry = desktop_entry()
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert entry["Exec"].split()[0] in scripts and entry["Exec"].endswith("%f")
    assert entry["Icon"] == ICON.stem
    mimetypes = [m for m in entry["MimeType"].split(";") if m]
    for needed in ("audio/x-wav", "audio/flac", "audio/mpeg", "audio/ogg", "audio/mp4"):
        assert needed in mimetypes
    root = ET.parse(METAINFO).getroot()
    assert root.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert root.findtext("provides/binary") == entry["Exec"].split()[0]
    assert root.find("releases/release").get("version") == sonolens.__version__


def test_icon_is_a_square_svg_without_clip_paths():
    """QtSvg (the window icon) ignores clipPath, so the icon must not rely on it."""
    root = ET.parse(ICON).getroot()
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("viewBox") == "0 0 128 128"
    assert not list(root.iter("{http://www.w3.org/2000/svg}clipPath"))
    assert not [e for e in root.iter() if "clip-path" in e.attrib]
