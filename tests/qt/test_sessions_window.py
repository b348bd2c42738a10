"""Sessions and never losing annotations, driven in the window: File > Save Session then
Open Session in a fresh window restores params, view, annotations, selection and view
range; unsaved edits are autosaved to a recovery file that a new window offers after a
crash; closing with unsaved annotations asks, and Cancel keeps the window open."""

from __future__ import annotations

import json
import time

import pytest

from sonolens.core.annotations import Annotation, AnnotationSet, Tier
from sonolens.core.params import AnalysisParams
from sonolens.core.progress import Progress
from sonolens.core.view_settings import ViewSettings
from sonolens.export.session import read_session
from sonolens.ui import sessions
from tests.qt.conftest import wait_settled, write_rich


def marks() -> AnnotationSet:
    notes = AnnotationSet(tiers=[Tier("calls"), Tier("clicks", points=True)])
    notes.add(Annotation(0.5, 1.25, 'call "A", é', "calls", 1000.0, 5000.0, (("Notes", "n"),)))
    notes.add(Annotation(2.0, 2.0, "click", "clicks"))
    return notes


@pytest.fixture
def audio(tmp_path):
    folder = tmp_path / "rec"
    folder.mkdir()
    return write_rich(folder / "rich.wav", seconds=3.0)


def opened(qtbot, make_main_window, path):
    window = make_main_window()
    window.open_path(path)
    wait_settled(qtbot, window)
    return window


def recovery_file(window):
    return window.sessions.recovery.path()


def test_saved_session_reopens_everything_as_it_was(qtbot, make_main_window, audio, tmp_path):
    window = opened(qtbot, make_main_window, audio)
    doc = window.document
    params = doc.params.replace(n_fft=1024, hop_length=256)
    view = doc.view.replace(colormap="gray", db_range=60.0, kind="power")
    window.settings_panel.set_values(params, view)
    doc.set_params(params)
    doc.set_view(view)
    doc.set_annotations(marks())
    doc.set_selection((0.75, 1.5))
    window.navigator.show(0.4, 2.2)
    wait_settled(qtbot, window)
    assert doc.annotations_dirty
    target = tmp_path / "work.sonolens"
    with qtbot.waitSignal(window.sessions.saved, timeout=10000):
        assert window.sessions.save_to(target)
    assert not doc.annotations_dirty
    stored = json.loads(target.read_text(encoding="utf-8"))
    assert stored["audio"] == "rec/rich.wav"

    fresh = make_main_window()  # shares the settings: start it from the defaults
    fresh.document.set_params(AnalysisParams())
    fresh.document.set_view(ViewSettings())
    fresh.settings_panel.set_values(AnalysisParams(), ViewSettings())
    with qtbot.waitSignal(fresh.sessions.opened, timeout=20000):
        fresh.open_path(target)  # as File > Open, drag-and-drop and the command line do
    wait_settled(qtbot, fresh)
    got = fresh.document
    assert got.source.path == audio
    assert got.params == params and got.view == view
    assert fresh.settings_panel.params() == params  # the panel shows them too
    assert got.annotations.tiers == marks().tiers
    assert got.annotations.annotations == marks().annotations
    assert not got.annotations_dirty
    assert got.selection == pytest.approx((0.75, 1.5))
    t0, t1 = fresh.navigator.visible()
    assert (t0, t1) == pytest.approx((0.4, 2.2), abs=1e-6)
    assert str(target) in fresh.settings.recent_files()


def test_a_missing_or_broken_session_is_one_message(qtbot, make_main_window, audio, tmp_path):
    window = opened(qtbot, make_main_window, audio)
    bad = tmp_path / "bad.sonolens"
    bad.write_text('{"version": 1, "audio": "x.wav", "params": {"n_fft": -1}}')
    window.open_path(bad)
    qtbot.waitUntil(lambda: "n_fft" in window.last_error, timeout=10000)
    assert window.last_error.startswith("bad.sonolens: ")
    assert window.document.source.path == audio  # what was open stays open


def test_edits_are_autosaved_and_offered_after_a_crash(qtbot, make_main_window, audio):
    window = opened(qtbot, make_main_window, audio)
    window.document.set_annotations(marks())
    recovery = recovery_file(window)
    assert not recovery.exists()
    qtbot.waitUntil(recovery.exists, timeout=6000)  # within a few seconds of the edit
    assert read_session(recovery).annotations.annotations == marks().annotations
    window.sessions.guard = False  # the process dies: no question, nothing cleaned up
    window.close()
    assert recovery.exists()

    asked = []
    fresh = make_main_window()
    fresh.sessions.recovery.ask_recover = lambda count: asked.append(count) or True
    fresh.open_path(audio)
    qtbot.waitUntil(lambda: fresh.document.annotations.annotations == marks().annotations,
                    timeout=20000)
    assert asked == [2]
    assert fresh.document.annotations_dirty  # recovered, still not saved anywhere


def test_declined_recovery_is_forgotten(qtbot, make_main_window, audio):
    window = opened(qtbot, make_main_window, audio)
    window.document.set_annotations(marks())
    window.sessions.recovery.autosave()
    recovery = recovery_file(window)
    assert recovery.exists()
    window.sessions.guard = False
    window.close()
    fresh = make_main_window()
    fresh.sessions.recovery.ask_recover = lambda count: False
    fresh.open_path(audio)
    qtbot.waitUntil(lambda: not recovery.exists(), timeout=20000)
    assert fresh.document.annotations.annotations == []


def test_close_with_unsaved_annotations_asks_and_cancel_keeps_the_window(
        qtbot, make_main_window, audio, tmp_path):
    window = opened(qtbot, make_main_window, audio)
    window.document.set_annotations(marks())
    asked = []
    window.sessions.ask_unsaved = lambda: asked.append(1) or "cancel"
    assert not window.close()
    assert asked == [1] and window.isVisible()
    assert window.document.annotations.annotations == marks().annotations
    # opening another file does not ask: the annotations wait in the first file's tab
    other = write_rich(tmp_path / "other.wav", seconds=1.0)
    window.open_path(other)
    qtbot.waitUntil(lambda: window.document.source is not None
                    and window.document.source.path == other, timeout=20000)
    assert asked == [1]
    window.documents.show_tab(0)
    assert window.document.source.path == audio and window.document.annotations_dirty
    assert window.document.annotations.annotations == marks().annotations
    # Save writes the session (here to the file already chosen) and closes cleanly
    window.sessions.path = tmp_path / "kept.sonolens"
    window.sessions.recovery.autosave()
    assert recovery_file(window).exists()
    window.sessions.ask_unsaved = lambda: "save"
    recovery = recovery_file(window)
    assert window.close()
    assert not window.isVisible()
    assert read_session(tmp_path / "kept.sonolens").annotations.annotations == \
        marks().annotations
    assert not recovery.exists()  # a clean close forgets the recovery file


def test_clean_close_without_edits_does_not_ask(qtbot, make_main_window, audio):
    window = opened(qtbot, make_main_window, audio)
    window.sessions.ask_unsaved = lambda: pytest.fail("nothing unsaved: no question")
    assert window.close()


def test_closing_right_after_save_still_writes_the_session(qtbot, make_main_window, audio,
                                                          tmp_path, monkeypatch):
    def slow_write(session, path):  # the worker's write has not happened when it closes
        while True:
            yield Progress(0, 1, "writing session")
            time.sleep(0.01)

    monkeypatch.setattr(sessions, "write_session_job", slow_write)
    window = opened(qtbot, make_main_window, audio)
    window.document.set_annotations(marks())
    target = tmp_path / "quick.sonolens"
    window.sessions.save_to(target)  # on the runner; the window closes at once
    window.sessions.ask_unsaved = lambda: pytest.fail("saved: no question")
    assert window.close()
    assert read_session(target).annotations.annotations == marks().annotations


def test_the_document_knows_what_is_unsaved(qtbot, make_main_window, audio):
    window = opened(qtbot, make_main_window, audio)
    doc = window.document
    assert not doc.annotations_dirty  # a freshly opened recording
    doc.set_annotations(marks())
    assert doc.annotations_dirty  # an import or an edit
    doc.mark_annotations_saved()
    assert not doc.annotations_dirty
    doc.annotations.add(Annotation(2.5, 2.75, "in place", "calls"))
    doc.annotations_changed.emit()  # an edit made in place still counts
    assert doc.annotations_dirty
    doc.set_annotations(marks(), saved=True)  # read from a session
    assert not doc.annotations_dirty


def test_autosave_waits_for_an_import_under_way(qtbot, make_main_window, audio, monkeypatch):
    from sonolens.workers.export_jobs import KEY_LABELS_READ

    window = opened(qtbot, make_main_window, audio)
    window.document.set_annotations(marks())
    recovery = window.sessions.recovery
    busy = {KEY_LABELS_READ}
    monkeypatch.setattr(recovery.runner, "is_busy", lambda key=None: key in busy)
    recovery.timer.timeout.emit()  # the autosave is due while annotations are read
    assert not recovery_file(window).exists() and recovery.timer.isActive()
    busy.clear()
    recovery.timer.timeout.emit()
    assert recovery_file(window).exists()
