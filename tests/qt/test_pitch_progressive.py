"""A long pitch job draws provisional tracks (complete=False, a growing prefix of frames,
NaN beyond) before the exact one replaces them; the exact one equals librosa.pyin and a
late provisional track never replaces it."""

from __future__ import annotations

import time

import librosa
import numpy as np
import pytest

from sonolens.model.results import PITCH
from tests.qt.conftest import wait_settled
from tests.qt.test_pitch_window import SR, tone_with_gap

BLOCK = 16  # frames per pYIN block here: 130 frames -> 9 blocks, each slowed below


@pytest.fixture
def slow_blocks(monkeypatch):
    """Small pYIN blocks that take 0.15 s each (a long file in miniature): the reporter's
    throttle (0.05 s) passes between blocks, so each provisional track is delivered."""
    from sonolens.dsp import pyin, pyin_viterbi

    monkeypatch.setattr(pyin, "BLOCK_FRAMES", BLOCK)
    feed = pyin_viterbi.Decoder.feed

    def slow_feed(self, obs, path=False):
        time.sleep(0.15)
        return feed(self, obs, path)

    monkeypatch.setattr(pyin_viterbi.Decoder, "feed", slow_feed)


def test_provisional_tracks_are_drawn_then_replaced(qtbot, make_main_window, tmp_path,
                                                    slow_blocks):
    window = make_main_window()
    y = tone_with_gap(tmp_path / "tone.wav")
    window.open_path(tmp_path / "tone.wav")
    wait_settled(qtbot, window)
    doc, layer = window.document, window.binder.pitch
    received = []
    doc.result_changed.connect(lambda key: received.append(doc.result(PITCH))
                               if key == PITCH else None)
    doc.set_view(doc.view.replace(overlays=frozenset(doc.view.overlays) | {"f0"}))
    drawn = []

    def partial_drawn() -> bool:
        track = doc.result(PITCH)
        if track is None or track.complete or layer.track is not track:
            return False
        x, yy = layer.curves.getData()
        if x is None or not np.isfinite(yy).any():
            return False
        drawn.append((track, x[np.isfinite(yy)]))
        return True

    qtbot.waitUntil(partial_drawn, timeout=30000)
    wait_settled(qtbot, window, timeout=60000)
    partials = [t for t in received if not t.complete]
    assert len(partials) >= 2 and received[-1].complete
    n = received[-1].n_frames
    f0, flag, prob = librosa.pyin(y, sr=SR, fmin=librosa.note_to_hz("C2"),
                                  fmax=librosa.note_to_hz("C7"), frame_length=2048,
                                  hop_length=512, center=True)
    done_counts = []
    for track in partials:
        assert track.n_frames == n
        filled = np.flatnonzero(~np.isnan(track.f0) | (track.voiced_prob > 0))
        done = int(filled.max()) + 1
        done_counts.append(done)
        # a prefix: librosa's voiced probabilities so far, nothing beyond (NaN, unvoiced)
        np.testing.assert_allclose(track.voiced_prob[:done], prob[:done], atol=1e-4)
        assert np.isnan(track.f0[done:]).all() and not track.voiced_flag[done:].any()
        assert (track.voiced_prob[done:] == 0).all()
    assert done_counts == sorted(done_counts) and done_counts[0] < n
    # the drawn curve of a provisional track covers only its done frames
    track, xs = drawn[0]
    last_done = np.flatnonzero(~np.isnan(track.f0)).max()
    assert xs.max() <= track.times[last_done] + 1e-9
    final = doc.result(PITCH)
    assert final.complete and layer.track is final
    assert np.mean(final.voiced_flag == flag) >= 0.999
    np.testing.assert_allclose(final.voiced_prob, prob, atol=1e-4)
    both = final.voiced_flag & flag
    assert np.max(np.abs(1200 * np.log2(final.f0[both] / f0[both]))) < 1.0
    # a provisional track arriving late (same parameters) never replaces the exact one
    assert not doc.accept(PITCH, partials[-1], doc.token())
    assert doc.result(PITCH) is final
