"""pYIN's Viterbi decoding over 2 x n_pitch states, banded, equal to ``librosa.sequence.viterbi``.

librosa builds the dense transition matrix ``kron(transition_loop(2, 1 - switch_prob),
transition_local(n, width, 'triangle'))`` and, per frame, takes the max over all 2n
predecessors of ``value[i] + log(transition[i, j] + tiny)``. Outside the triangular band a
transition is exactly 0, so its log weight is the constant ``log(tiny)``: the best
out-of-band predecessor is the first maximum of ``value + log(tiny)`` over the parts of each
block before and after the band, which per-block prefix/suffix maxima give in O(1). Only the
band (the nonzero entries, with librosa's own log weights) is scanned. Candidates are visited
in increasing state order and replaced only on a strictly larger sum, so ties resolve to the
first state as ``np.argmax`` does: the decoded path is the same state for state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numba
import numpy as np

from sonolens.core.errors import ParameterError

TINY = float(np.finfo(np.float64).tiny)  # librosa's epsilon for float64 probabilities


@dataclass(frozen=True)
class Transitions:
    """Banded log transition weights. ``lo``/``hi`` (2n, 2): first/last nonzero source row
    of target state j in source block a (relative to the block; lo = n, hi = n-1 if none);
    ``weights`` (2n, 2, band): log weights of those rows; ``log_init`` (2n,)."""

    n_pitch: int
    lo: np.ndarray
    hi: np.ndarray
    weights: np.ndarray
    log_init: np.ndarray
    log_outside: float


def triangle(m: int) -> np.ndarray:
    """``scipy.signal.get_window('triangle', m, fftbins=False)`` (scipy's ``triang``)."""
    if m <= 1:
        return np.ones(m)
    n = np.arange(1, (m + 1) // 2 + 1)
    if m % 2 == 0:
        w = (2 * n - 1.0) / m
        return np.r_[w, w[::-1]]
    w = 2 * n / (m + 1.0)
    return np.r_[w, w[-2::-1]]


def transition_local(n_states: int, width: int) -> np.ndarray:
    """``librosa.sequence.transition_local(n_states, width, window='triangle', wrap=False)``."""
    if width < 1:
        raise ParameterError(f"pYIN transition width {width} must be at least 1")
    if width > n_states:
        raise ParameterError(
            f"pYIN transition width {width} exceeds the {n_states} pitch bins: "
            "lower max_transition_rate or widen fmin..fmax")
    window = triangle(width)
    lpad = (n_states - width) // 2
    row0 = np.pad(window, (lpad, n_states - width - lpad))
    transition = np.zeros((n_states, n_states))
    for i in range(n_states):
        row = np.roll(row0, n_states // 2 + i + 1)
        row[min(n_states, i + width // 2 + 1):] = 0
        row[: max(0, i - width // 2)] = 0
        transition[i] = row
    transition /= transition.sum(axis=1, keepdims=True)
    return transition


def make_transitions(n_pitch: int, width: int, switch_prob: float) -> Transitions:
    """Band structure of librosa's pYIN transition matrix (same float steps)."""
    local = transition_local(n_pitch, width)
    stay = 1 - switch_prob
    switch = np.array([[stay, (1 - stay) / 1], [(1 - stay) / 1, stay]])
    full = np.kron(switch, local)
    log_trans = np.log(full + TINY)
    n_states = 2 * n_pitch
    lo = np.full((n_states, 2), n_pitch, dtype=np.int64)
    hi = np.full((n_states, 2), n_pitch - 1, dtype=np.int64)
    for target in range(n_states):
        for block in range(2):
            rows = np.flatnonzero(full[block * n_pitch:(block + 1) * n_pitch, target])
            if len(rows):
                lo[target, block], hi[target, block] = rows[0], rows[-1]
    band = max(1, int((hi - lo + 1).max()))
    weights = np.zeros((n_states, 2, band))
    for target in range(n_states):
        for block in range(2):
            a, b = lo[target, block], hi[target, block]
            if b >= a:
                rows = block * n_pitch + np.arange(a, b + 1)
                weights[target, block, : b - a + 1] = log_trans[rows, target]
    p_init = np.ones(n_states) / n_states
    return Transitions(n_pitch=n_pitch, lo=lo, hi=hi, weights=weights,
                       log_init=np.log(p_init + TINY), log_outside=float(np.log(0.0 + TINY)))


class Decoder:
    """Forward pass block by block (keeps uint16 backpointers), then the backtrack."""

    def __init__(self, trans: Transitions, n_frames: int) -> None:
        self.trans = trans
        self.value = np.empty(2 * trans.n_pitch)
        self.ptr = np.zeros((max(n_frames, 1), 2 * trans.n_pitch), dtype=np.uint16)
        self.done = 0

    def feed(self, log_prob: np.ndarray) -> None:
        """Advance over log observation probabilities (n_block_frames, 2n) float64."""
        t = self.trans
        if len(log_prob) == 0:
            return
        start = 0
        if self.done == 0:
            self.value[:] = log_prob[0] + t.log_init
            start = 1
        _forward(log_prob, start, self.value, self.ptr[self.done:self.done + len(log_prob)],
                 t.lo, t.hi, t.weights, t.log_outside, t.n_pitch)
        self.done += len(log_prob)

    def states(self) -> np.ndarray:
        """Most likely state per frame (n_frames,) int64."""
        return _backtrack(self.ptr[: self.done], int(np.argmax(self.value)))


@numba.njit(cache=True, nogil=True)
def _forward(log_prob, start, value, ptr, lo, hi, weights, log_outside,
             n):  # pragma: no cover - compiled
    n_states = 2 * n
    pre_v = np.empty((2, n + 1))
    pre_i = np.empty((2, n + 1), dtype=np.int64)
    suf_v = np.empty((2, n + 1))
    suf_i = np.empty((2, n + 1), dtype=np.int64)
    new = np.empty(n_states)
    for t in range(start, log_prob.shape[0]):
        for a in range(2):
            base = a * n
            best = -np.inf
            arg = -1
            pre_v[a, 0] = best
            pre_i[a, 0] = arg
            for k in range(n):
                s = value[base + k] + log_outside
                if s > best:
                    best = s
                    arg = base + k
                pre_v[a, k + 1] = best
                pre_i[a, k + 1] = arg
            best = -np.inf
            arg = -1
            suf_v[a, n] = best
            suf_i[a, n] = arg
            for k in range(n - 1, -1, -1):
                s = value[base + k] + log_outside
                if s >= best:
                    best = s
                    arg = base + k
                suf_v[a, k] = best
                suf_i[a, k] = arg
        for j in range(n_states):
            best = -np.inf
            arg = -1
            for a in range(2):
                base = a * n
                first = lo[j, a]
                last = hi[j, a]
                if pre_v[a, first] > best:
                    best = pre_v[a, first]
                    arg = pre_i[a, first]
                for k in range(last - first + 1):
                    s = value[base + first + k] + weights[j, a, k]
                    if s > best:
                        best = s
                        arg = base + first + k
                if suf_v[a, last + 1] > best:
                    best = suf_v[a, last + 1]
                    arg = suf_i[a, last + 1]
            new[j] = log_prob[t, j] + best
            ptr[t, j] = arg
        value[:] = new


@numba.njit(cache=True, nogil=True)
def _backtrack(ptr, last):  # pragma: no cover - compiled
    n_steps = ptr.shape[0]
    state = np.empty(n_steps, dtype=np.int64)
    if n_steps == 0:
        return state
    state[n_steps - 1] = last
    for t in range(n_steps - 2, -1, -1):
        state[t] = ptr[t + 1, state[t + 1]]
    return state
