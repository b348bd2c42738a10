"""Nothing lost: every write goes to a temp file renamed into place; a full disk or a
read-only folder gives one error and leaves the existing file byte-identical and no temp
file behind. (PNG and settings, which need Qt, are in tests/qt/test_hostile_window.py.)
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from sonolens.audio import open_source
from sonolens.cli.main import main
from sonolens.core.errors import OutputError
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import run_to_end
from sonolens.dsp.engine import extract_features
from sonolens.dsp.spectrum import magnitude_spectrum
from sonolens.export.csv_table import write_feature_csv
from sonolens.export.npz import export_spectrogram_npz
from sonolens.export.spectrum_text import write_spectrum_text
from tests.unit.hostile import disks, make
from tests.unit.streamed import write_wav

ROOT = Path(__file__).resolve().parents[3]
OLD = b"precious old content\n"


@pytest.fixture(scope="module")
def audio(tmp_path_factory) -> Path:
    return make.write(tmp_path_factory.mktemp("audio") / "take.wav", make.rich(2.0), make.SR)


@pytest.fixture(scope="module")
def table(audio):
    with open_source(audio) as source:
        return run_to_end(extract_features(source, AnalysisParams()))


def _writers(audio: Path, table) -> dict[str, Callable[[Path], object]]:
    samples = make.decoded(audio)
    return {
        "csv": lambda p: write_feature_csv(p, [("take.wav", table)], file_column=False),
        "npz": lambda p: run_to_end(export_spectrogram_npz(open_source(audio), None, "db", p)),
        "wav": lambda p: write_wav(p, samples, make.SR),
        "spectrum": lambda p: write_spectrum_text(
            p, magnitude_spectrum(samples[:, 0], make.SR)),
    }


WRITERS = ("csv", "npz", "wav", "spectrum")


def _expect_untouched(write: Callable[[Path], object], target: Path, match: str) -> None:
    with pytest.raises(OutputError, match=match) as info:
        write(target)
    assert "\n" not in str(info.value) and str(target) in str(info.value)
    assert target.read_bytes() == OLD
    assert disks.leftovers(target.parent, {target.name}) == []


@pytest.mark.parametrize("kind", WRITERS)
def test_disk_full_mid_write_keeps_the_old_file(tmp_path, monkeypatch, audio, table, kind):
    write = _writers(audio, table)[kind]
    target = tmp_path / f"out.{kind}"
    target.write_bytes(OLD)
    if kind == "wav":  # libsndfile writes through the descriptor: fail where fsync reports
        disks.fsync_fails(monkeypatch)
    else:
        disks.disk_fills_after(monkeypatch, budget=1000)
    _expect_untouched(write, target, "No space left on device")


@pytest.mark.parametrize("kind", WRITERS)
def test_fsync_failure_keeps_the_old_file(tmp_path, monkeypatch, audio, table, kind):
    write = _writers(audio, table)[kind]
    target = tmp_path / f"out.{kind}"
    target.write_bytes(OLD)
    disks.fsync_fails(monkeypatch)
    _expect_untouched(write, target, "No space left on device")


@pytest.mark.parametrize("kind", WRITERS)
def test_real_full_disk_keeps_the_old_file(tmp_path, audio, table, kind):
    write = _writers(audio, table)[kind]
    with disks.tmpfs(tmp_path / "tiny", 256) as folder:
        target = folder / f"out.{kind}"
        target.write_bytes(OLD)
        disks.fill(folder, leave_bytes=8192)
        _expect_untouched(write, target, "write failed|cannot write")


@pytest.mark.parametrize("kind", WRITERS)
def test_read_only_folder_keeps_the_old_file(tmp_path, audio, table, kind):
    write = _writers(audio, table)[kind]
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / f"out.{kind}").write_bytes(OLD)
    with disks.read_only(folder) as locked:
        _expect_untouched(write, locked / f"out.{kind}", "cannot write in")


def test_cli_full_disk_one_error_line_exit_1(tmp_path, capfd, audio):
    with disks.tmpfs(tmp_path / "tiny", 256) as folder:
        out = folder / "features.csv"
        out.write_bytes(OLD)
        disks.fill(folder, leave_bytes=8192)
        code = main(["-q", "extract", str(audio), "-o", str(out)])
        lines = capfd.readouterr().err.splitlines()
        assert code == 1
        assert lines == [f"error: {out}: write failed (No space left on device)"]
        assert out.read_bytes() == OLD
        assert disks.leftovers(folder, {out.name}) == []


def test_cli_disk_filling_mid_write_one_error_line_exit_1(tmp_path, capfd, monkeypatch, audio):
    out = tmp_path / "features.csv"
    out.write_bytes(OLD)
    disks.disk_fills_after(monkeypatch, budget=4096)
    code = main(["-q", "extract", str(audio), "-o", str(out)])
    lines = capfd.readouterr().err.splitlines()
    assert code == 1
    assert lines == [f"error: {out}: write failed (No space left on device)"]
    assert out.read_bytes() == OLD
    assert disks.leftovers(tmp_path, {out.name}) == []


def test_cli_read_only_folder_one_error_line_exit_1(tmp_path, capfd, audio):
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "features.csv").write_bytes(OLD)
    with disks.read_only(folder) as locked:
        out = locked / "features.csv"
        code = main(["-q", "extract", str(audio), "-o", str(out)])
        lines = capfd.readouterr().err.splitlines()
        assert code == 1
        assert len(lines) == 1 and lines[0].startswith(f"error: {out}: cannot write in")
        assert out.read_bytes() == OLD
        assert disks.leftovers(locked, {out.name}) == []


# -- every write in the package goes through atomic_write -------------------------------------
_WRITE_MODES = ("w", "a", "x", "+")
_ALLOWED = {
    "export/atomic.py": "the temp file itself",
    "audio/decode_cache.py": "decoded samples in a private temp folder, removed on close",
    "store/entries.py": "a cache entry is written whole in a private temp folder, then "
                        "renamed into place (tests/unit/test_store*: no partial entry)",
    "core/trace.py": "SONOLENS_TRACE's append-only milestone log (benchmarks), no user file",
}


def _writes(tree: ast.AST) -> list[tuple[int, str]]:
    """(line, what) for each call in ``tree`` that writes a file other than via atomic."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
        owner = getattr(func.value, "id", "") if isinstance(func, ast.Attribute) else ""
        first = node.args[0] if node.args else None
        if name in {"open", "fdopen"} and owner != "archive":  # zip members: inside atomic
            mode = node.args[1] if len(node.args) > 1 else next(
                (k.value for k in node.keywords if k.arg == "mode"), None)
            if isinstance(mode, ast.Constant) and any(m in str(mode.value)
                                                      for m in _WRITE_MODES):
                found.append((node.lineno, f"{name}(..., {mode.value!r})"))
        elif name in {"write_text", "write_bytes", "savez", "savez_compressed", "tofile",
                      "to_csv", "savefig"}:
            found.append((node.lineno, name))
        elif (name == "save" and (node.args or node.keywords)  # QPainter.save(): state
              and not (isinstance(first, ast.Name) and first.id == "buffer")):
            found.append((node.lineno, "save"))  # np.save, QImage.save(path)...
        elif owner == "shutil" and name in {"copy", "copy2", "copyfile", "move"}:
            found.append((node.lineno, f"shutil.{name}"))
        elif owner in {"sf", "soundfile"} and name == "write":
            found.append((node.lineno, "soundfile.write"))
    return sorted(found)


def test_every_file_write_goes_through_atomic_write():
    offenders = []
    for path in sorted((ROOT / "app" / "sonolens").rglob("*.py")):
        relative = path.relative_to(ROOT / "app" / "sonolens").as_posix()
        if relative in _ALLOWED:
            continue
        offenders += [f"{relative}:{line}: {what}"
                      for line, what in _writes(ast.parse(path.read_text()))]
    assert offenders == []


def test_the_write_finder_finds_writes():
    """The scan above would see a direct write (so its silence means something)."""
    code = ("open(p, 'w').write(x)\nPath(p).write_text(s)\nnp.save(p, a)\n"
            "sf.write(p, y, sr)\nopen(p, mode='ab')\nopen(p)\nimage.save('x.png')\n"
            "shutil.copy(a, b)\npixmap.save(buffer, 'PNG')\narray.copy()\n")
    assert [what for _, what in _writes(ast.parse(code))] == [
        "open(..., 'w')", "write_text", "save", "soundfile.write", "open(..., 'ab')", "save",
        "shutil.copy"]


def test_atomic_replace_leaves_no_window_with_a_partial_file(tmp_path, audio, table):
    """While a CSV is being written, the target still holds the old bytes."""
    import os

    from sonolens.export import atomic

    target = tmp_path / "out.csv"
    target.write_bytes(OLD)
    seen = []
    real_replace = os.replace

    def replace(src, dst):
        seen.append(Path(dst).read_bytes())  # the moment before the rename
        return real_replace(src, dst)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(atomic.os, "replace", replace)
        write_feature_csv(target, [("take.wav", table)], file_column=False)
    assert seen == [OLD]
    assert target.read_bytes().startswith(b"time,rms,")
    assert np.isfinite(np.loadtxt(target, delimiter=",", skiprows=1)).all()
