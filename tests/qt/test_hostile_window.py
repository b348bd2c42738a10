"""The window against hostile input: damaged, broken and odd files, hostile settings, full
disks and read-only folders. Warnings go to the status bar, errors to a message box, the
previous document stays usable, and no exception reaches Qt's event loop (the excepthook
below fails the test; Qt warnings fail it through qt_log_level_fail).
"""

from __future__ import annotations

import os
import pickle
import struct
import subprocess
import sys
import traceback
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PySide6.QtCore import QByteArray, QSettings

from sonolens.core.params import AnalysisParams
from sonolens.core.view_settings import ViewSettings
from sonolens.dsp.framing import frame_count
from tests.qt.conftest import wait_settled
from tests.unit.hostile import disks, make
from tests.unit.hostile.test_odd_inputs import BROKEN, ODD

SR = make.SR


@pytest.fixture(autouse=True)
def no_exception_reaches_qt(monkeypatch):
    """Fail the test if any exception reaches Qt's event loop (sys.excepthook)."""
    seen: list[str] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, value, tb: seen.append(
        "".join(traceback.format_exception(kind, value, tb))))
    yield seen
    assert not seen, "exception reached Qt's event loop:\n" + seen[0]


@pytest.fixture
def good(tmp_path) -> Path:
    return make.write(tmp_path / "good take.wav", make.rich(2.0), SR, subtype="PCM_16")


def settle(qtbot, window, path: Path | None = None) -> None:
    if path is not None:
        window.open_path(path)
    wait_settled(qtbot, window)
    assert "internal error" not in window.last_error, window.last_error


def expect_error(qtbot, window, path: Path) -> str:
    """Open ``path``; the window shows one message box naming it; returns the message."""
    window.last_error = ""
    window.open_path(path)
    qtbot.waitUntil(lambda: window.last_error != "", timeout=10000)
    message = window.last_error
    box = window._message_box
    assert box is not None and box.isVisible() and box.text() == message
    assert str(path) in message and "\n" not in message
    assert "internal error" not in message and "Traceback" not in message
    box.close()
    return message


def assert_usable(qtbot, window, path: Path) -> None:
    """The document of ``path`` is still open, drawn, and takes new parameters."""
    settle(qtbot, window)
    assert window.document.source.path == path
    assert path.name in window.info_label.text()
    n_fft = 1024 if window.document.params.n_fft != 1024 else 2048
    window.document.set_params(window.document.params.replace(n_fft=n_fft))
    settle(qtbot, window)
    assert window.document.features.params.n_fft == n_fft
    assert window.document.spectrogram.params.n_fft == n_fft


# -- damaged recordings: everything decodable, a status-bar warning ----------------------------
def _damaged(tmp_path: Path, good: Path) -> list[tuple[Path, Path, int, str]]:
    """(file, the good file it was cut from, frames recoverable, warning text)."""
    raw = good.read_bytes()
    _, first = make.data_chunk(raw)
    n = len(make.decoded(good))
    died = tmp_path / "died.wav"
    died.write_bytes(make.with_sizes(raw, riff=0, data=0))
    big = tmp_path / "big.wav"
    big.write_bytes(make.with_sizes(raw, riff=first - 8 + 10 * (len(raw) - first),
                                    data=10 * (len(raw) - first)))
    cut = tmp_path / "cut.wav"
    cut.write_bytes(raw[: first + (len(raw) - first) // 2])
    flac = make.write(tmp_path / "whole.flac", make.rich(2.0), SR, format="FLAC")
    cut_flac = tmp_path / "cut.flac"
    cut_flac.write_bytes(flac.read_bytes()[: flac.stat().st_size // 2])
    mp3 = make.write(tmp_path / "whole.mp3", make.rich(2.0), SR, format="MP3",
                     subtype="MPEG_LAYER_III")
    cut_mp3 = tmp_path / "cut.mp3"
    cut_mp3.write_bytes(mp3.read_bytes()[: mp3.stat().st_size // 2])
    return [
        (died, good, n, "WAV header not finalised (data size 0): recovered 2.00 s"),
        (big, good, n, "file ends early: decoded 2.00 s of 20.00 s"),
        (cut, good, (len(raw) - first) // 2 // 4, "file ends early: decoded 1.00 s of 2.00 s"),
        (cut_flac, flac, -1, "file ends early: decoded 0.9"),
        (cut_mp3, mp3, -1, "file ends early: decoded 0.9"),
    ]


def test_damaged_recordings_open_with_a_status_warning(qtbot, make_main_window, tmp_path,
                                                        good):
    window = make_main_window()
    for path, whole, frames, warning in _damaged(tmp_path, good):
        settle(qtbot, window, path)
        doc = window.document
        assert doc.source.path == path and window.last_error == ""
        if frames > 0:
            assert doc.source.frames == frames
        assert doc.features.n_frames == frame_count(doc.source.frames, n_fft=2048,
                                                    hop_length=512)
        assert doc.envelope.n_frames == doc.source.frames
        label = window.warning_label.text()
        assert label.startswith("⚠ ") and warning in label, (path.name, label)
        assert label.count("file ends early") + label.count("not finalised") == 1
        recovered = doc.source.read_all()
        assert len(recovered) == doc.source.frames
        keep = len(recovered) - 1152  # an MP3's last frame may differ (see the unit tests)
        np.testing.assert_array_equal(recovered[:keep], make.decoded(whole)[:keep])
    window.close()


# -- broken inputs: a message box, the previous document stays -----------------------------------
def test_broken_inputs_show_a_message_and_keep_the_document(qtbot, make_main_window, tmp_path,
                                                            good):
    window = make_main_window()
    settle(qtbot, window, good)
    for _, name, maker, says in BROKEN:
        bad = maker(tmp_path / name)
        message = expect_error(qtbot, window, bad)
        assert message.startswith(f"{bad}: {says}"), message
        assert_usable(qtbot, window, good)
    window.close()


@pytest.mark.skipif(not hasattr(os, "geteuid"), reason="POSIX permissions")
def test_unreadable_file_shows_a_message(qtbot, make_main_window, tmp_path, good):
    locked = make.write(tmp_path / "locked.wav", make.rich(0.5), SR)
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            pytest.skip("permissions are not enforced for this user (root)")
        window = make_main_window()
        settle(qtbot, window, good)
        assert "permission denied" in expect_error(qtbot, window, locked)
        assert_usable(qtbot, window, good)
        window.close()
    finally:
        locked.chmod(0o644)


# -- odd but valid inputs: drawn, finite, warnings once ------------------------------------------
@pytest.mark.parametrize(("name", "maker", "sr", "warning"), [c[1:] for c in ODD],
                         ids=[c[0] for c in ODD])
def test_odd_inputs_are_drawn(qtbot, make_main_window, tmp_path, name, maker, sr, warning):
    path = maker(tmp_path / "dir with spaces ✓" / name)
    window = make_main_window()
    settle(qtbot, window, path)
    doc = window.document
    assert doc.source.samplerate == sr and window.last_error == ""
    assert window.warning_label.text() == (f"⚠ {warning}" if warning else "")
    for column, values in doc.features.columns.items():
        assert np.isfinite(values).all(), column
    for lower in ("mfcc", "chroma", "contrast", "features"):
        doc.set_view(doc.view.replace(lower_view=lower))
        settle(qtbot, window)
    window.actions.select_all.trigger()
    window.actions.zoom_in.trigger()
    window.actions.zoom_out.trigger()
    window.spectrum_dock.raise_()
    window.selection_dock.raise_()
    settle(qtbot, window)
    window.close()


def test_8_khz_says_once_that_contrast_bands_are_empty(qtbot, make_main_window, tmp_path):
    path = make.write(tmp_path / "phone.wav", make.rich(2.0, sr=8000, channels=1), 8000)
    window = make_main_window()
    settle(qtbot, window, path)
    note = "spectral contrast: 1 band(s) above Nyquist (4000 Hz) left empty"
    doc = window.document
    assert doc.warnings == []  # contrast is computed when something needs it
    doc.request_all_features()  # as an export does
    settle(qtbot, window)
    assert doc.warnings == [note]
    assert window.warning_label.text() == ""  # said when the contrast view is shown
    assert np.isnan(doc.features.columns["spectral_contrast_7"]).all()
    assert np.isfinite(doc.features.columns["spectral_contrast_6"]).all()
    doc.set_view(doc.view.replace(lower_view="contrast"))
    settle(qtbot, window)
    assert window.warning_label.text() == f"⚠ {note}"
    assert window.matrix_view.matrix.shape[0] == 7
    for hop in (256, 128):  # recomputing does not repeat it
        doc.set_params(doc.params.replace(hop_length=hop))
        settle(qtbot, window)
    assert window.warning_label.text() == f"⚠ {note}"
    window.close()


def test_fft_too_coarse_for_contrast_is_a_warning_not_a_failure(qtbot, make_main_window,
                                                                 tmp_path):
    path = make.write(tmp_path / "bat.wav", make.rich(0.5, sr=192000, channels=1), 192000)
    window = make_main_window()
    window.document.set_view(window.document.view.replace(lower_view="contrast"))
    settle(qtbot, window, path)
    window.document.set_params(window.document.params.replace(n_fft=256, hop_length=128))
    settle(qtbot, window)
    assert window.last_error == ""
    assert "spectral contrast: 7 band(s) from 0 Hz left empty" in window.warning_label.text()
    assert window.document.spectrogram.params.n_fft == 256
    window.close()


# -- hostile settings ----------------------------------------------------------------------------
class _Marker:
    """Unpickling this creates ``path``: proof that a settings value was unpickled."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (str(self.path), "w"))


def _escaped(data: bytes) -> str:
    return "".join(f"\\x{b:02x}" for b in data)


def _pickled_variant(marker: Path) -> str:
    """An INI value QSettings turns into a PySide PyObject, i.e. unpickles."""
    payload = pickle.dumps(_Marker(marker), protocol=4)
    blob = (b"\0\0\0\x7f" + struct.pack(">I", 24) + b"PySide::PyObjectWrapper\0"
            + struct.pack(">I", len(payload)) + payload)
    return f'"@Variant({_escaped(blob)})"'


def test_pickle_in_the_settings_file_is_never_loaded(qtbot, make_main_window, settings_path,
                                                     tmp_path):
    marker = tmp_path / "unpickled"
    settings_path.parent.mkdir(parents=True)
    value = _pickled_variant(marker)
    # the attack works on a plain QSettings: this is what the window must not do
    probe = tmp_path / "probe.ini"
    probe.write_text(f"[window]\ngeometry={value}\n")
    QSettings(str(probe), QSettings.Format.IniFormat).value("window/geometry")
    assert marker.exists(), "the payload should unpickle through a plain QSettings"
    marker.unlink()

    sneaky = _escaped(b"@Variant(") + value[len('"@Variant('):-1]  # '@' written as \x40
    settings_path.write_text(
        f"[analysis]\nparams={value}\n[view]\nsettings=\"{sneaky}\"\n"
        f"[files]\nrecent=a, {value}\nlast_folder=@DateTime({_escaped(b'x' * 8)})\n"
        f"[window]\ngeometry={value}\nstate=\"@Var\"\"iant({value[10:-2]})\"\n")
    window = make_main_window()
    assert window.document.params == AnalysisParams()
    assert window.document.view == ViewSettings()
    assert window.settings.recent_files() == []
    assert window.settings.last_folder() == ""
    assert not marker.exists(), "a settings value was unpickled"
    kept = settings_path.with_name(settings_path.name + ".corrupt")
    assert kept.read_text().startswith("[analysis]\nparams=")  # the original is kept aside
    window.close()
    assert not marker.exists()


def test_default_settings_file_is_defused_too(tmp_path):
    """Without SONOLENS_SETTINGS the user's own INI file gets the same treatment."""
    marker = tmp_path / "unpickled"
    config = tmp_path / "config"
    (config / "Sonolens").mkdir(parents=True)
    (config / "Sonolens" / "Sonolens.ini").write_text(
        f"[window]\ngeometry={_pickled_variant(marker)}\n")
    code = ("from PySide6.QtCore import QCoreApplication; app = QCoreApplication([]);"
            "from sonolens.model.settings import Settings; s = Settings();"
            "print(s.path); print(s.geometry())")
    env = {k: v for k, v in os.environ.items() if k != "SONOLENS_SETTINGS"}
    env.update(XDG_CONFIG_HOME=str(config), HOME=str(tmp_path),
               PYTHONPATH=str(Path(__file__).resolve().parents[2] / "app"))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [str(config / "Sonolens" / "Sonolens.ini"), "None"]
    assert not marker.exists()


HOSTILE_VALUES = {
    "analysis/params": [
        '{"n_fft": 1e400, "hop_length": -512}', '{"n_fft": 99999999999}',
        '{"n_mels": 123456789, "sr": -44100}', '{"window": {"a": 1}, "fmin": [1]}',
        '{"p": "x", "contrast_bands": 1000000000}', "[" * 100000, "not json",
        '{"fmin": ' + "9" * 5000 + "}", QByteArray(os.urandom(64)), 12345, ["a", "b"],
    ],
    "view/settings": [
        '{"db_range": -5}', '{"db_range": 1e308, "colormap": "nope"}',
        '{"waveform_channel": 99999999999999999999}', '{"overlays": "spectral_centroid"}',
        '{"kind": ["db"]}', QByteArray(b"\xff\xfe\x00garbage"), 3.5,
    ],
    "files/recent": ['["a\\u0000b"]', '"just a string"', "[" + "1," * 10000 + "1]",
                     '["' + "x" * 100000 + '"]', QByteArray(b"\x00" * 10)],
    "files/last_folder": [QByteArray(b"\x00\x01"), 42, ["x", "y"], "a\0b"],
    "window/geometry": [QByteArray(os.urandom(200)), "text", QByteArray(b"")],
    "window/state": [QByteArray(os.urandom(500)), -1],
}


@pytest.mark.parametrize("key", sorted(HOSTILE_VALUES))
def test_hostile_settings_values_fall_back_to_defaults(qtbot, make_main_window,
                                                       settings_path, tmp_path, good, key):
    settings_path.parent.mkdir(parents=True, exist_ok=True)
    for value in HOSTILE_VALUES[key]:
        qs = QSettings(str(settings_path), QSettings.Format.IniFormat)
        qs.clear()
        qs.setValue(key, value)
        qs.sync()
        del qs
        window = make_main_window()
        assert window.document.params == AnalysisParams()
        assert window.document.view == ViewSettings()
        assert all(isinstance(p, str) and "\0" not in p and len(p) <= 4096
                   for p in window.settings.recent_files())
        assert "\0" not in window.settings.last_folder()
        assert 0 < window.width() <= 20000 and 0 < window.height() <= 20000
        settle(qtbot, window, good)
        window.close()


def _geometry_with(window, *, width: int, height: int) -> QByteArray:
    """The window's own saved geometry with its frame rectangle's size replaced."""
    data = bytearray(window.saveGeometry().data())
    magic, major = struct.unpack(">IH", data[:6])
    assert magic == 0x1D9D0CB and major >= 1  # QWidget::saveGeometry's layout
    x1, y1 = struct.unpack(">ii", data[8:16])
    data[16:24] = struct.pack(">ii", x1 + width - 1, y1 + height - 1)  # frame x2, y2
    data[24:40] = struct.pack(">iiii", x1, y1, x1 + width - 1, y1 + height - 1)  # normal
    return QByteArray(bytes(data))


@pytest.mark.parametrize(("width", "height"), [(-500, -500), (2**30, 2**30), (0, 10)])
def test_absurd_saved_window_size_is_ignored(qtbot, make_main_window, settings_path,
                                             width, height):
    first = make_main_window()
    geometry = _geometry_with(first, width=width, height=height)
    first.close()
    qs = QSettings(str(settings_path), QSettings.Format.IniFormat)
    qs.setValue("window/geometry", geometry)
    qs.sync()
    window = make_main_window()
    assert 100 <= window.width() <= 20000 and 100 <= window.height() <= 20000
    window.close()


def test_oversized_settings_file_is_set_aside(qtbot, make_main_window, settings_path):
    settings_path.parent.mkdir(parents=True)
    settings_path.write_bytes(b"[analysis]\nparams=" + os.urandom(3 * 2**20))
    window = make_main_window()
    assert window.document.params == AnalysisParams()
    assert settings_path.with_name(settings_path.name + ".corrupt").stat().st_size > 2**21
    window.close()
    assert settings_path.stat().st_size < 2**16  # a fresh file of Sonolens' own


def test_binary_garbage_settings_file_gives_defaults(qtbot, make_main_window, settings_path):
    settings_path.parent.mkdir(parents=True)
    settings_path.write_bytes(np.random.default_rng(3).integers(0, 256, 20000,
                                                                dtype=np.uint8).tobytes())
    window = make_main_window()
    assert window.document.params == AnalysisParams()
    assert window.document.view == ViewSettings()
    window.close()


# -- nothing lost: exports on a full disk or into a read-only folder ---------------------------
OLD = b"precious old content\n"
_EXPORT_NAMES = ("features.csv", "spectrogram.npz", "selection.wav", "picture.png",
                 "spectrum.txt")


def _exports(qtbot, window, folder: Path) -> dict[str, callable]:
    """Each window export into ``folder``, run to its end (workers included)."""
    exporter = window.exporter

    def on_worker(start):
        def run(path):
            with qtbot.waitSignals([window.runner.failed], timeout=20000,
                                   raising=False) as blocker:
                start(path)
            return blocker.signal_triggered
        return run

    def spectrum(path):
        window.spectrum_dock.raise_()
        qtbot.waitUntil(lambda: window.spectrum_panel.spectrum is not None, timeout=10000)
        return window.spectrum_panel.export_to(path)

    def selection_wav(path):
        window.document.set_selection((0.2, 1.2))
        return on_worker(exporter.export_selection_audio_to)(path)

    return {
        "features.csv": on_worker(exporter.export_features_to),
        "spectrogram.npz": on_worker(exporter.export_matrix_to),
        "selection.wav": selection_wav,
        "picture.png": lambda path: exporter.export_image_to(path, (640, 320)),
        "spectrum.txt": spectrum,
    }


def _check_each_export_fails_cleanly(qtbot, window, folder: Path, expect: str) -> None:
    for name, export in _exports(qtbot, window, folder).items():
        target = folder / name
        window.last_error = ""
        export(target)
        qtbot.waitUntil(lambda: window.last_error != "", timeout=10000)
        assert expect in window.last_error and str(target) in window.last_error, (
            name, window.last_error)
        assert window._message_box.isVisible()
        window._message_box.close()
        assert target.read_bytes() == OLD, name
        assert disks.leftovers(folder, set(_EXPORT_NAMES)) == [], name
        assert window.document.features is not None


def test_exports_on_a_full_disk_report_and_keep_old_files(qtbot, make_main_window, tmp_path,
                                                          good):
    window = make_main_window()
    settle(qtbot, window, good)
    with disks.tmpfs(tmp_path / "tiny", 512) as folder:
        for name in _exports(qtbot, window, folder):
            (folder / name).write_bytes(OLD)
        disks.fill(folder, leave_bytes=4096)
        _check_each_export_fails_cleanly(qtbot, window, folder, "")
    window.close()


def test_exports_when_the_disk_fills_mid_write(qtbot, make_main_window, tmp_path, good,
                                                monkeypatch):
    window = make_main_window()
    settle(qtbot, window, good)
    folder = tmp_path / "out"
    folder.mkdir()
    for name in _exports(qtbot, window, folder):
        (folder / name).write_bytes(OLD)
    disks.fsync_fails(monkeypatch)  # every writer, libsndfile's too, ends with fsync
    _check_each_export_fails_cleanly(qtbot, window, folder, "No space left on device")
    window.close()


def test_exports_into_a_read_only_folder(qtbot, make_main_window, tmp_path, good):
    window = make_main_window()
    settle(qtbot, window, good)
    folder = tmp_path / "ro"
    folder.mkdir()
    for name in _exports(qtbot, window, folder):
        (folder / name).write_bytes(OLD)
    with disks.read_only(folder) as locked:
        _check_each_export_fails_cleanly(qtbot, window, locked, "cannot write in")
    window.close()


def test_settings_on_a_full_disk_keep_the_old_file(qtbot, make_main_window, tmp_path, good):
    from sonolens.model.settings import Settings
    from sonolens.ui.main_window import MainWindow

    with disks.tmpfs(tmp_path / "tiny", 256) as folder:
        path = folder / "sonolens.ini"
        first = MainWindow(Settings(path))
        qtbot.addWidget(first)
        first.document.set_params(first.document.params.replace(n_fft=4096))
        first.close()
        old = path.read_bytes()
        assert b"4096" in old
        disks.fill(folder, leave_bytes=0)
        second = MainWindow(Settings(path))
        qtbot.addWidget(second)
        assert second.document.params.n_fft == 4096
        settle(qtbot, second, good)
        second.document.set_params(second.document.params.replace(n_fft=512))
        settle(qtbot, second)
        second.close()  # QSettings cannot save: no crash, the old file stays whole
        assert path.read_bytes() == old
        assert disks.leftovers(folder, {path.name, path.name + ".lock"}) == []


def test_exported_csv_from_the_window_is_formula_safe(qtbot, make_main_window, tmp_path):
    path = make.write(tmp_path / "=cmd.wav", make.rich(0.5, channels=1), SR)
    window = make_main_window()
    settle(qtbot, window, path)
    out = tmp_path / "out.csv"
    with qtbot.waitSignal(window.exporter.saved, timeout=10000):
        window.exporter.export_features_to(out)
    table = pd.read_csv(out)
    assert "file" not in table.columns  # one file: no text cells at all
    assert np.isfinite(table.to_numpy()).all()
    window.close()
