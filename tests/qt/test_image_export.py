"""File > Export Image off the GUI thread: a reassigned picture's image is computed by a
job and the PNG encoded by another; the file is the picture ``sonolens render`` draws."""

from __future__ import annotations

import threading

import numpy as np
import soundfile as sf
from PySide6.QtGui import QImage

from tests.qt.conftest import wait_settled

SR = 22050


def _rgb(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    rows = np.frombuffer(image.constBits(), np.uint8).reshape(image.height(),
                                                             image.bytesPerLine())
    return rows[:, : image.width() * 3].reshape(image.height(), image.width(), 3).copy()


def test_a_reassigned_picture_is_computed_on_a_worker_and_drawn_as_render_draws_it(
        qtbot, make_main_window, tmp_path, monkeypatch):
    import sonolens.dsp.reassigned_image as reassigned_image
    from sonolens.ui.render import spectrogram_png

    t = np.arange(int(2.0 * SR)) / SR
    chirp = 0.5 * np.sin(2 * np.pi * (500 * t + 1000 * t**2))
    path = tmp_path / "chirp.wav"
    sf.write(path, chirp.astype(np.float32), SR, subtype="FLOAT")
    window = make_main_window()
    window.open_path(path)
    wait_settled(qtbot, window)
    doc = window.document
    doc.set_view(doc.view.replace(kind="reassigned", overlays=frozenset()))
    wait_settled(qtbot, window)

    computed_on: list[str] = []
    real = reassigned_image.range_image

    def recording(*args, **kwargs):
        computed_on.append(threading.current_thread().name)
        return (yield from real(*args, **kwargs))

    monkeypatch.setattr(reassigned_image, "range_image", recording)
    out = tmp_path / "picture.png"
    with qtbot.waitSignal(window.exporter.saved, timeout=30000):
        assert window.exporter.export_image_to(out, (640, 320))
    assert computed_on and threading.main_thread().name not in computed_on
    monkeypatch.setattr(reassigned_image, "range_image", real)
    want = QImage()
    assert want.loadFromData(spectrogram_png(doc.spectrogram, doc.features, doc.view,
                                             (640, 320), source=doc.source))
    got = QImage(str(out))
    assert (got.width(), got.height()) == (640, 320)
    np.testing.assert_array_equal(_rgb(got), _rgb(want))
    # and it is the reassigned picture, not the stored plain columns under it
    doc.set_view(doc.view.replace(kind="db"))
    wait_settled(qtbot, window)
    plain = tmp_path / "plain.png"
    with qtbot.waitSignal(window.exporter.saved, timeout=30000):
        assert window.exporter.export_image_to(plain, (640, 320))
    inside = (slice(40, 260), slice(90, 520))  # well inside the plot: no axis, no colorbar
    lit_plain = (_rgb(QImage(str(plain)))[inside].astype(int).sum(axis=2) > 400).sum()
    lit_reassigned = (_rgb(got)[inside].astype(int).sum(axis=2) > 400).sum()
    assert 0 < lit_reassigned < 0.5 * lit_plain  # the chirp's ridge: sharper, fewer lit


def test_a_failed_reassigned_image_says_so_and_writes_nothing(qtbot, make_main_window,
                                                               tmp_path, monkeypatch):
    import sonolens.dsp.reassigned_image as reassigned_image
    from sonolens.core.errors import ParameterError

    path = tmp_path / "tone.wav"
    sf.write(path, (0.3 * np.sin(np.arange(SR) * 0.1)).astype(np.float32), SR)
    window = make_main_window()
    window.open_path(path)
    wait_settled(qtbot, window)
    doc = window.document
    doc.set_view(doc.view.replace(kind="reassigned"))
    wait_settled(qtbot, window)

    def failing(*_args, **_kwargs):
        yield from ()
        raise ParameterError("the reassigned image could not be computed")

    monkeypatch.setattr(reassigned_image, "range_image", failing)
    out = tmp_path / "picture.png"
    with qtbot.waitSignal(window.exporter.failed, timeout=30000) as blocker:
        assert window.exporter.export_image_to(out, (640, 320))
    assert "could not be computed" in blocker.args[1]
    assert not out.exists()
    qtbot.waitUntil(lambda: not window.runner.is_busy(), timeout=10000)
    assert window.exporter.image_export.waiting == 0  # the laid-out picture let go


def test_two_exports_in_a_row_write_both_files(qtbot, make_main_window, tmp_path):
    """A second export while the first still computes its image (or encodes) does not
    drop the first: each file is written and said saved."""
    t = np.arange(int(2.0 * SR)) / SR
    path = tmp_path / "chirp.wav"
    sf.write(path, (0.5 * np.sin(2 * np.pi * (500 * t + 1000 * t**2))).astype(np.float32),
             SR, subtype="FLOAT")
    window = make_main_window()
    window.open_path(path)
    wait_settled(qtbot, window)
    doc = window.document
    for kind in ("reassigned", "db"):
        doc.set_view(doc.view.replace(kind=kind))
        wait_settled(qtbot, window)
        saved: list = []
        window.exporter.saved.connect(saved.append)
        targets = [tmp_path / f"{kind}-{k}.png" for k in range(3)]
        for target in targets:  # one after the other, none waited for
            assert window.exporter.export_image_to(target, (480, 240))
        qtbot.waitUntil(lambda s=saved, t=targets: len(s) == len(t), timeout=30000)
        window.exporter.saved.disconnect(saved.append)
        assert sorted(saved) == sorted(targets)
        assert all(QImage(str(target)).height() == 240 for target in targets)
        assert window.exporter.image_export.waiting == 0
