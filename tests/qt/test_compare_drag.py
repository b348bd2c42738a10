"""Moving B by hand in the compare window: Alt+drag on B's spectrogram (B's drawing follows
the mouse, the drop sets the offset and B lines up with A), Escape cancels, Ctrl+Z undoes,
Alt+Left/Right nudge by a hop.

The dragged amount is computed here from the pixel distance and the seconds per pixel read
from the time axis's drawn labels; alignment is read from the grabbed pixels of A's and B's
spectrograms (the column where a tone burst starts)."""

from __future__ import annotations

import time

import numpy as np
import pytest
import soundfile as sf
from PySide6.QtCore import QEvent, QPoint, Qt

from tests.qt.compare_helpers import open_compare
from tests.qt.mouse import _send
from tests.qt.pixels import axis_labels, grab_rgb, parse_clock, plot_area

SR = 22050
DELAY = 0.4  # s: B is A with this much silence before it
BURSTS = (1.0, 2.3)  # s: starts of 2 kHz tone bursts in A (80 ms each)
ALT = Qt.KeyboardModifier.AltModifier
NONE = Qt.KeyboardModifier.NoModifier
LEFT = Qt.MouseButton.LeftButton


@pytest.fixture
def takes(tmp_path):
    t = np.arange(int(4.0 * SR)) / SR
    y = 0.001 * np.random.default_rng(3).standard_normal(len(t))
    for start in BURSTS:
        on = (t >= start) & (t < start + 0.08)
        y[on] += 0.5 * np.sin(2 * np.pi * 2000 * t[on])
    a, b = tmp_path / "a.wav", tmp_path / "b.wav"
    sf.write(a, y.astype(np.float32), SR, subtype="FLOAT")
    delayed = np.concatenate([np.zeros(int(DELAY * SR)), y])
    sf.write(b, delayed.astype(np.float32), SR, subtype="FLOAT")
    return a, b


@pytest.fixture
def compare(qtbot, make_main_window, takes):
    compare = open_compare(qtbot, make_main_window, *takes, offset=0.0)  # B 0.4 s late
    qtbot.wait(50)
    return compare


def burst_columns(view) -> np.ndarray:
    """Pixel columns (widget x) where the spectrogram lights up: a tone burst starts at
    the first column of each lit run. Brightness: the summed RGB of the plot's rows."""
    rgb = grab_rgb(view).astype(float)
    left, top, right, bottom = plot_area(view).inner()
    level = rgb[top + 2:bottom - 2, left + 1:right - 1].sum(axis=2).mean(axis=0)
    lit = level > (level.min() + level.max()) / 2
    starts = np.flatnonzero(lit[1:] & ~lit[:-1]) + 1
    # a burst's onset and end click light more columns than the tone between: the first
    # start of each group (bursts are > 1 s apart, their clicks 80 ms)
    first = starts[np.diff(starts, prepend=-10**6) > 60]
    return first + left + 1


def seconds_per_pixel(compare) -> float:
    """From the labels drawn on the time axis under the views (shared time axis): a line
    through (label x px, label value s)."""
    view = compare.curves.plot_view
    view.grab()
    labels = axis_labels(view, view.plot.getAxis("bottom"))
    assert len(labels) >= 3
    x = np.array([label.x for label in labels])
    seconds = np.array([parse_clock(label.text) for label in labels])
    slope, _ = np.polyfit(x, seconds, 1)
    return float(slope)


def drag_point(view, x: int) -> QPoint:
    area = plot_area(view)
    return QPoint(x, int(area.top + area.height / 2))


def press(view, x: int, modifiers=ALT) -> None:
    """Real mouse events (the button held while moving) at widget x, mid-height."""
    _send(view, QEvent.Type.MouseButtonPress, drag_point(view, x), LEFT, LEFT, modifiers)


def move(view, x: int, modifiers=ALT) -> None:
    _send(view, QEvent.Type.MouseMove, drag_point(view, x), Qt.MouseButton.NoButton, LEFT,
          modifiers)


def release(view, x: int, modifiers=ALT) -> None:
    _send(view, QEvent.Type.MouseButtonRelease, drag_point(view, x), LEFT,
          Qt.MouseButton.NoButton, modifiers)


def settled_at(compare, offset: float):
    b = compare.b.document.source
    return (b is not None and b.shift == round(offset * b.samplerate)
            and compare.is_settled())


def test_alt_drag_moves_b_live_and_the_drop_lines_it_up_with_a(qtbot, compare):
    a_view, b_view = compare.a.views.spectrogram, compare.b.views.spectrogram
    assert plot_area(a_view) == plot_area(b_view)  # same pixel columns for the same time
    per_px = seconds_per_pixel(compare)
    a_starts, b_starts = burst_columns(a_view), burst_columns(b_view)
    assert len(a_starts) == len(BURSTS) and len(b_starts) == len(BURSTS)
    gap = b_starts - a_starts  # B drawn DELAY later than A before the drag
    np.testing.assert_allclose(gap * per_px, DELAY, atol=3 * per_px)

    x0 = int(plot_area(b_view).left + plot_area(b_view).width * 0.7)
    x1 = x0 - round(DELAY / per_px)  # drag B left by the delay's pixels
    press(b_view, x0)
    move(b_view, (x0 + x1) // 2)
    move(b_view, x1)
    # mid-drag: the offset box shows what the drop will set; B's drawing follows the mouse
    expected = 0.0 - (x1 - x0) * per_px
    assert compare.offset_box.value() == pytest.approx(expected, abs=per_px / 2 + 1e-4)
    assert compare.offset == 0.0  # nothing applied yet
    moving = burst_columns(b_view)
    np.testing.assert_allclose(moving, b_starts + (x1 - x0), atol=2)
    release(b_view, x1)

    assert compare.offset == pytest.approx(expected, abs=per_px / 2 + 1e-4)
    assert compare.offset == pytest.approx(DELAY, abs=per_px)
    assert compare.confidence is None and "manual" in compare.confidence_label.text()
    offset = compare.offset
    qtbot.waitUntil(lambda: settled_at(compare, offset), timeout=60000)
    qtbot.wait(50)
    np.testing.assert_allclose(burst_columns(b_view), a_starts, atol=2)  # lined up
    # analysed again at the offset: B's loud frames (the bursts) are A's, within a frame
    loud_a, loud_b = (np.flatnonzero(side.document.features.columns["rms"] > 0.1)
                      for side in (compare.a, compare.b))
    assert len(loud_a) > 0 and len(loud_b) == pytest.approx(len(loud_a), abs=2)
    assert np.abs(loud_b[:, None] - loud_a[None, :]).min(axis=1).max() <= 1
    assert compare.difference_offset == offset  # the difference was made again

    compare.offset_edits.undo_action.trigger()  # Align > Undo (Ctrl+Z)
    assert compare.offset == 0.0 and compare.offset_box.value() == 0.0
    qtbot.waitUntil(lambda: settled_at(compare, 0.0), timeout=60000)
    qtbot.wait(50)
    np.testing.assert_allclose(burst_columns(b_view), b_starts, atol=2)
    compare.offset_edits.redo_action.trigger()
    assert compare.offset == offset


def test_escape_cancels_the_drag(qtbot, compare):
    b_view = compare.b.views.spectrogram
    b_starts = burst_columns(b_view)
    x0 = int(plot_area(b_view).left + 300)
    press(b_view, x0)
    move(b_view, x0 + 60)
    assert compare.offset_box.value() < 0  # dragged right: B later, offset smaller
    np.testing.assert_allclose(burst_columns(b_view), b_starts + 60, atol=2)
    qtbot.keyClick(compare.offset_box, Qt.Key.Key_Escape)
    assert compare.offset_box.value() == 0.0 and compare.offset == 0.0
    np.testing.assert_allclose(burst_columns(b_view), b_starts, atol=1)
    release(b_view, x0 + 60)
    qtbot.wait(EDIT_WAIT_MS)
    assert compare.offset == 0.0 and not compare.offset_edits.stack.canUndo()
    assert compare.b.document.selection is None  # the drag was not a selection either


EDIT_WAIT_MS = 600


def test_a_plain_drag_on_b_caption_moves_b(qtbot, compare):
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QApplication

    handle = compare.b.caption
    per_px = seconds_per_pixel(compare)
    y = handle.height() // 2

    def send(kind, x, button, buttons):
        point = QPointF(x, y)
        QApplication.sendEvent(handle, QMouseEvent(kind, point, handle.mapToGlobal(point),
                                                   button, buttons, NONE))

    x0 = handle.width() // 2
    send(QEvent.Type.MouseButtonPress, x0, LEFT, LEFT)
    send(QEvent.Type.MouseMove, x0 - 25, Qt.MouseButton.NoButton, LEFT)
    expected = 25 * per_px  # dragged left: B earlier on A's axis, the offset larger
    assert compare.offset_box.value() == pytest.approx(expected, abs=per_px / 2 + 1e-4)
    send(QEvent.Type.MouseButtonRelease, x0 - 25, LEFT, Qt.MouseButton.NoButton)
    assert compare.offset == pytest.approx(expected, abs=per_px / 2 + 1e-4)
    assert "manual" in compare.confidence_label.text()


def test_plain_drag_on_b_still_selects(qtbot, compare):
    b_view = compare.b.views.spectrogram
    x0 = int(plot_area(b_view).left + 200)
    press(b_view, x0, NONE)
    for x in range(x0, x0 + 101, 20):
        time.sleep(0.02)  # pyqtgraph drops moves faster than its mouse rate limit
        move(b_view, x, NONE)
    release(b_view, x0 + 100, NONE)
    assert compare.a.document.selection is not None
    assert compare.offset == 0.0


def test_alt_arrows_nudge_b_by_a_hop_and_ctrl_z_undoes(qtbot, compare):
    hop = compare.a.document.params.hop_length / SR
    b_view = compare.b.views.spectrogram
    per_px = seconds_per_pixel(compare)
    b_starts = burst_columns(b_view)
    compare.activateWindow()
    qtbot.waitUntil(compare.isActiveWindow, timeout=5000)
    for _ in range(4):  # the keys, as typed (the main window's Alt+Right is not asked)
        qtbot.keyClick(b_view, Qt.Key.Key_Right, ALT)
    assert compare.offset_box.value() == pytest.approx(-4 * hop, abs=1e-4)
    np.testing.assert_allclose(burst_columns(b_view), b_starts + 4 * hop / per_px, atol=2)
    qtbot.waitUntil(lambda: compare.offset is not None and compare.offset < 0, timeout=5000)
    assert compare.offset == pytest.approx(-4 * hop, abs=1e-9)
    qtbot.keyClick(b_view, Qt.Key.Key_Left, ALT | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: compare.offset > -4 * hop, timeout=5000)
    assert compare.offset == pytest.approx(-4 * hop + 0.010, abs=1e-9)
    assert compare.offset_edits.stack.count() == 2  # the four hops were one step
    ctrl = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(b_view, Qt.Key.Key_Z, ctrl)
    assert compare.offset == pytest.approx(-4 * hop, abs=1e-9)
    qtbot.keyClick(b_view, Qt.Key.Key_Z, ctrl)
    assert compare.offset == 0.0 and compare.offset_box.value() == 0.0


def _stack_texts(compare) -> list[str]:
    stack = compare.offset_edits.stack
    return [stack.text(k) for k in range(stack.count())]


def test_ctrl_z_right_after_nudges_drops_them_not_the_step_before(qtbot, compare):
    hop = compare.a.document.params.hop_length / SR
    b_view = compare.b.views.spectrogram
    compare.activateWindow()
    qtbot.waitUntil(compare.isActiveWindow, timeout=5000)
    compare.offset_box.setValue(0.05)  # typed, then applied once the typing pauses
    qtbot.waitUntil(lambda: compare.offset == pytest.approx(0.05), timeout=5000)
    qtbot.keyClick(b_view, Qt.Key.Key_Right, ALT)  # nudged, not applied yet...
    assert compare.offset_box.value() == pytest.approx(0.05 - hop, abs=1e-4)
    qtbot.keyClick(b_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # ...undone
    assert compare.offset == pytest.approx(0.05) and compare.offset_box.value() == 0.05
    qtbot.wait(EDIT_WAIT_MS)  # the nudge never lands later
    assert compare.offset == pytest.approx(0.05)
    assert _stack_texts(compare) == ["Type Offset"] and compare.offset_edits.stack.index() == 1
    qtbot.keyClick(b_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the typing
    assert compare.offset == 0.0
    assert compare.offset_edits.redo_action.isEnabled()


def test_a_typed_offset_then_a_nudge_at_once_keeps_both(qtbot, compare):
    hop = compare.a.document.params.hop_length / SR
    b_view = compare.b.views.spectrogram
    compare.activateWindow()
    qtbot.waitUntil(compare.isActiveWindow, timeout=5000)
    compare.offset_box.setValue(0.1234)  # typed; its timer has not fired yet
    qtbot.keyClick(b_view, Qt.Key.Key_Right, ALT)  # at once: the typed offset goes first
    assert compare.offset == pytest.approx(0.1234)
    qtbot.waitUntil(lambda: compare.offset != pytest.approx(0.1234), timeout=5000)
    assert compare.offset == pytest.approx(0.1234 - hop, abs=1e-9)
    assert _stack_texts(compare) == ["Type Offset", "Move B"]


def test_escape_on_a_drag_after_nudges_keeps_the_nudges(qtbot, compare):
    hop = compare.a.document.params.hop_length / SR
    b_view = compare.b.views.spectrogram
    compare.activateWindow()
    qtbot.waitUntil(compare.isActiveWindow, timeout=5000)
    qtbot.keyClick(b_view, Qt.Key.Key_Right, ALT)
    qtbot.keyClick(b_view, Qt.Key.Key_Right, ALT)
    x0 = int(plot_area(b_view).left + 300)
    press(b_view, x0)  # the drag starts from the nudged place
    move(b_view, x0 + 40)
    qtbot.keyClick(compare.offset_box, Qt.Key.Key_Escape)
    release(b_view, x0 + 40)
    assert compare.offset_box.value() == pytest.approx(-2 * hop, abs=1e-4)  # nudged, kept
    qtbot.waitUntil(lambda: compare.offset != 0.0, timeout=5000)
    assert compare.offset == pytest.approx(-2 * hop, abs=1e-9)
    assert _stack_texts(compare) == ["Move B"]
