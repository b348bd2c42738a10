"""Several files open at once, one tab each: opening adds, switching shows a kept file
at once with its selection, annotations (unsaved too), zoom and results, dropping several
files opens them all, closing asks about unsaved annotations, a memory budget is kept."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from sonolens.core.annotations import Annotation, AnnotationSet
from tests.qt.conftest import write_tone
from tests.qt.pixels import grab_rgb


@pytest.fixture
def files(tmp_path) -> list[Path]:
    return [write_tone(tmp_path / f"t{k}.wav", freq=f, seconds=2.0 + k)
            for k, f in enumerate((440.0, 1000.0, 3000.0))]


@pytest.fixture
def window(qtbot, make_main_window, files):
    win = make_main_window()
    win.open_path(files[0])
    qtbot.waitUntil(win.is_settled, timeout=30000)
    return win


def open_and_wait(qtbot, window, path: Path) -> None:
    window.open_path(path)
    qtbot.waitUntil(lambda: window.document.source is not None
                    and Path(window.document.source.path) == path and window.is_settled(),
                    timeout=30000)


def test_opening_adds_a_tab_and_switching_back_restores_everything(qtbot, window, files):
    doc = window.document
    first_features = doc.features
    doc.set_selection((0.5, 1.25))
    marks = AnnotationSet()
    marks.add(Annotation(0.2, 0.9, "kept", "words"))
    doc.set_annotations(marks)
    assert doc.annotations_dirty
    window.waveform.plot.setXRange(0.25, 1.5, padding=0)
    open_and_wait(qtbot, window, files[1])  # no question about the unsaved annotations
    documents = window.documents
    assert [e.path.name for e in documents.entries] == ["t0.wav", "t1.wav"]
    assert documents.tabs.isVisible() and documents.tabs.currentIndex() == 1
    assert doc.selection is None and not doc.annotations.annotations
    assert doc.duration == pytest.approx(3.0, abs=0.01)
    documents.tabs.setCurrentIndex(0)  # the user clicks the first tab
    assert Path(doc.source.path) == files[0]
    assert doc.features is first_features  # kept, not computed again
    assert not window.runner.is_busy()
    assert doc.selection == (0.5, 1.25)
    assert doc.annotations is marks and doc.annotations_dirty
    qtbot.waitUntil(window.is_settled, timeout=10000)
    (x0, x1), _ = window.waveform.plot.getViewBox().viewRange()
    assert (x0, x1) == pytest.approx((0.25, 1.5), abs=1e-6)
    before = grab_rgb(window.spectrogram_view)
    documents.tabs.setCurrentIndex(1)
    qtbot.waitUntil(window.is_settled, timeout=10000)
    documents.tabs.setCurrentIndex(0)
    qtbot.waitUntil(window.is_settled, timeout=10000)
    after = grab_rgb(window.spectrogram_view)
    assert np.abs(after.astype(int) - before.astype(int)).max() <= 2  # the same picture


def test_opening_an_open_file_shows_its_tab(qtbot, window, files):
    open_and_wait(qtbot, window, files[1])
    window.open_path(files[0])
    assert window.documents.tabs.currentIndex() == 0
    assert len(window.documents.entries) == 2
    assert Path(window.document.source.path) == files[0]


def test_dropping_several_files_opens_them_all(qtbot, window, files):
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(p)) for p in files[1:]])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, data,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)
    qtbot.waitUntil(lambda: len(window.documents.entries) == 3 and window.is_settled(),
                    timeout=30000)
    assert [e.path.name for e in window.documents.entries] == ["t0.wav", "t1.wav", "t2.wav"]
    assert Path(window.document.source.path) == files[2]
    window.documents.tabs.setCurrentIndex(1)  # cancelled mid-way: analysed when shown
    qtbot.waitUntil(window.is_settled, timeout=30000)
    assert window.document.features.complete
    assert window.document.duration == pytest.approx(3.0, abs=0.01)


def test_closing_a_tab_with_unsaved_annotations_asks(qtbot, window, files):
    marks = AnnotationSet()
    marks.add(Annotation(0.1, 0.4, "x", "t"))
    window.document.set_annotations(marks)
    open_and_wait(qtbot, window, files[1])
    documents = window.documents
    asked = []
    documents.ask_discard = lambda count: asked.append(count) or "cancel"
    assert not documents.close_tab(0)
    assert asked == [1] and len(documents.entries) == 2
    documents.ask_discard = lambda count: "discard"
    assert documents.close_tab(0)
    assert [e.path.name for e in documents.entries] == ["t1.wav"]
    assert not documents.tabs.isVisible()  # one file: no tab bar
    assert documents.close_tab(0)
    assert window.document.source is None and documents.entries == []


def test_results_beyond_the_memory_budget_are_computed_again(qtbot, window, files):
    window.documents.budget = 0  # keep no results of files not shown
    window.document.set_selection((0.25, 0.75))
    open_and_wait(qtbot, window, files[1])
    assert window.documents.entries[0].state.source is None  # dropped
    window.documents.tabs.setCurrentIndex(0)
    qtbot.waitUntil(lambda: window.document.source is not None
                    and Path(window.document.source.path) == files[0]
                    and window.is_settled(), timeout=30000)
    assert window.document.selection == (0.25, 0.75)  # its marks came back with it


def test_closing_the_window_asks_about_unsaved_annotations_in_other_tabs(qtbot, window,
                                                                         files):
    marks = AnnotationSet()
    marks.add(Annotation(0.1, 0.4, "x", "t"))
    window.document.set_annotations(marks)
    open_and_wait(qtbot, window, files[1])
    asked = []
    window.documents.ask_discard = lambda count: asked.append(count) or "cancel"
    window.close()
    assert asked == [1] and window.isVisible()
    window.documents.ask_discard = lambda count: "discard"
    window.close()
    assert not window.isVisible()


def test_a_session_keeps_every_open_file(qtbot, make_main_window, window, files, tmp_path):
    from sonolens.export.session import read_session

    window.document.set_selection((0.5, 1.0))
    open_and_wait(qtbot, window, files[1])
    marks = AnnotationSet()
    marks.add(Annotation(0.3, 0.6, "second", "words"))
    window.document.set_annotations(marks)
    window.documents.tabs.setCurrentIndex(0)  # A shown: B kept, unsaved annotations and all
    target = tmp_path / "both.sonolens"
    assert window.sessions.save_to(target, wait=True)
    saved = read_session(target)
    assert saved.audio == files[0] and saved.selection == (0.5, 1.0)
    assert [o.audio for o in saved.others] == [files[1]]
    assert saved.others[0].annotations.annotations == marks.annotations
    assert window.documents.unsaved_elsewhere() == 0  # written with the session
    fresh = make_main_window()
    fresh.open_path(target)
    qtbot.waitUntil(lambda: fresh.document.source is not None and fresh.is_settled(),
                    timeout=30000)
    assert Path(fresh.document.source.path) == files[0]
    assert fresh.document.selection == (0.5, 1.0)
    assert [e.path.name for e in fresh.documents.entries] == ["t0.wav", "t1.wav"]
    fresh.documents.tabs.setCurrentIndex(1)  # opened now, with its annotations (saved)
    qtbot.waitUntil(lambda: fresh.document.source is not None
                    and Path(fresh.document.source.path) == files[1]
                    and fresh.is_settled(), timeout=30000)
    assert fresh.document.annotations.annotations == marks.annotations
    assert not fresh.document.annotations_dirty


def test_a_tab_compares_its_file_with_the_shown_one(qtbot, window, files):
    open_and_wait(qtbot, window, files[1])  # shown: t1; the other tab: t0
    texts = [text for text, _ in window.documents.tab_actions(0)]
    assert texts == ["Compare t1.wav With t0.wav", "Close"]
    assert [t for t, _ in window.documents.tab_actions(1)] == ["Close"]  # the shown one
    window.documents.tab_actions(0)[0][1]()
    compare = window.compare.windows[-1]
    assert compare.paths == (files[1], files[0])
    qtbot.waitUntil(lambda: compare.offset is not None or bool(compare.last_error),
                    timeout=30000)
    compare.close()


# -- review findings: tab switches meet opens, recovery, sessions, mute/solo -------------------


def test_closing_the_last_tab_empties_the_window(qtbot, window, files):
    assert window.documents.close_tab(0)
    assert window.document.source is None and window.documents.entries == []
    assert window.windowTitle() == "Sonolens[*]"  # no file named in it
    assert window.playback.player is None


def test_choosing_a_tab_while_a_file_opens_drops_that_open(qtbot, window, files):
    doc = window.document
    marks = AnnotationSet()
    marks.add(Annotation(0.2, 0.9, "kept", "words"))
    doc.set_annotations(marks)
    open_and_wait(qtbot, window, files[1])
    window.open_path(files[2])  # under way
    window.documents.tabs.setCurrentIndex(0)  # the user clicks t0 meanwhile
    assert Path(doc.source.path) == files[0] and doc.annotations is marks
    qtbot.wait(500)  # the dropped open does not land over it
    qtbot.waitUntil(window.is_settled, timeout=30000)
    assert Path(doc.source.path) == files[0] and doc.annotations is marks
    assert [e.path.name for e in window.documents.entries] == ["t0.wav", "t1.wav"]
    window.documents.tabs.setCurrentIndex(1)
    qtbot.waitUntil(window.is_settled, timeout=30000)
    assert Path(doc.source.path) == files[1]


def test_mute_and_solo_belong_to_their_tab(qtbot, make_main_window, tmp_path):
    import soundfile as sf

    stereo, quad = tmp_path / "st.wav", tmp_path / "q.wav"
    sf.write(stereo, np.zeros((22050, 2), np.float32), 22050)
    sf.write(quad, np.zeros((22050, 4), np.float32), 22050)
    window = make_main_window()
    open_and_wait(qtbot, window, stereo)
    window.meter_strip.toggle("mute", 1)
    muted = window.document.channel_mix
    open_and_wait(qtbot, window, quad)
    assert window.document.channel_mix.channels == 4
    window.documents.tabs.setCurrentIndex(0)
    assert window.document.channel_mix == muted and muted.channels == 2
    window.documents.tabs.setCurrentIndex(1)
    assert window.document.channel_mix.channels == 4


def test_switching_back_to_unsaved_annotations_does_not_offer_recovery(qtbot, window, files):
    asked = []
    window.sessions.recovery.ask_recover = lambda n: asked.append(n) or False
    marks = AnnotationSet()
    marks.add(Annotation(0.2, 0.9, "kept", "words"))
    window.document.set_annotations(marks)  # autosaved when the tab is left
    recovery = window.sessions.recovery.path()
    open_and_wait(qtbot, window, files[1])
    assert recovery.is_file()  # written on leaving, not lost with the timer
    window.documents.tabs.setCurrentIndex(0)
    qtbot.wait(500)
    assert asked == [] and recovery.is_file()
    assert window.document.annotations is marks and window.document.annotations_dirty


def test_the_session_of_the_shown_file_is_applied(qtbot, window, files, tmp_path):
    doc = window.document
    marks = AnnotationSet()
    marks.add(Annotation(0.2, 0.9, "kept", "words"))
    doc.set_annotations(marks)
    target = tmp_path / "s.sonolens"
    assert window.sessions.save_to(target, wait=True)
    doc.set_annotations(AnnotationSet(), saved=True)
    window.open_path(target)
    qtbot.waitUntil(lambda: doc.annotations.annotations == marks.annotations, timeout=10000)
    assert window.sessions.path == target and window.sessions._pending is None
    assert len(window.documents.entries) == 1
