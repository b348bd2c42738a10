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

CHUNK = 8  # source rows per bound in the banded max
TINY = float(np.finfo(np.float64).tiny)  # librosa's epsilon for float64 probabilities


@dataclass(frozen=True)
class Transitions:
    """Banded log transition weights. ``lo``/``hi`` (2n, 2): first/last nonzero source row
    of target state j in source block a (relative to the block; lo = n, hi = n-1 if none);
    ``weights`` (2n, 2, band): log weights of those rows (-inf past the band);
    ``chunk_w`` (2n, 2, n_chunks): their maximum within each CHUNK-aligned chunk of source
    rows the band touches, from chunk ``lo // CHUNK`` on; ``log_init`` (2n,)."""

    n_pitch: int
    lo: np.ndarray
    hi: np.ndarray
    weights: np.ndarray
    chunk_w: np.ndarray
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
    """``librosa.sequence.transition_local(n_states, width, window='triangle', wrap=False)``
    (n_states, n_states): the same rolled, cut and row-normalised triangle rows."""
    if width < 1:
        raise ParameterError(f"pYIN transition width {width} must be at least 1")
    if width > n_states:
        raise ParameterError(
            f"pYIN transition width {width} exceeds the {n_states} pitch bins: "
            "lower max_transition_rate or widen fmin..fmax")
    lpad = (n_states - width) // 2
    row0 = np.pad(triangle(width), (lpad, n_states - width - lpad))
    rows = np.arange(n_states)[:, None]
    cols = np.arange(n_states)[None, :]
    transition = row0[(cols - (n_states // 2 + rows + 1)) % n_states]  # np.roll of row0
    transition[cols >= np.minimum(n_states, rows + width // 2 + 1)] = 0
    transition[cols < np.maximum(0, rows - width // 2)] = 0
    transition /= transition.sum(axis=1, keepdims=True)
    return transition


def make_transitions(n_pitch: int, width: int, switch_prob: float) -> Transitions:
    """Band structure of librosa's pYIN transition matrix (same float steps)."""
    local = transition_local(n_pitch, width)
    stay = 1 - switch_prob
    switch = np.array([[stay, (1 - stay) / 1], [(1 - stay) / 1, stay]])
    full = np.kron(switch, local)  # (2n, 2n): full[i, j] = P(i -> j)
    n_states = 2 * n_pitch
    lo = np.full((n_states, 2), n_pitch, dtype=np.int64)
    hi = np.full((n_states, 2), n_pitch - 1, dtype=np.int64)
    for block in range(2):
        nonzero = full[block * n_pitch:(block + 1) * n_pitch] != 0
        some = nonzero.any(axis=0)
        lo[some, block] = np.argmax(nonzero, axis=0)[some]
        hi[some, block] = n_pitch - 1 - np.argmax(nonzero[::-1], axis=0)[some]
    size = hi - lo + 1  # 0 where a block has no band
    band = max(1, int(size.max()))
    offsets = np.arange(band)
    inside = offsets[None, None, :] < size[:, :, None]
    rows = np.minimum(lo[:, :, None] + offsets, n_pitch - 1) + n_pitch * np.arange(2)[None, :, None]
    targets = np.broadcast_to(np.arange(n_states)[:, None, None], rows.shape)
    weights = np.where(inside, np.log(full[rows, targets] + TINY), -np.inf)
    chunk_w = np.full((n_states, 2, band // CHUNK + 2), -np.inf)
    for q in range(chunk_w.shape[-1]):
        start = (lo // CHUNK + q) * CHUNK - lo  # chunk q of the band, relative to lo
        within = (offsets >= start[:, :, None]) & (offsets < start[:, :, None] + CHUNK)
        chunk_w[:, :, q] = np.where(within, weights, -np.inf).max(axis=-1)
    p_init = np.ones(n_states) / n_states
    return Transitions(n_pitch=n_pitch, lo=lo, hi=hi, weights=weights, chunk_w=chunk_w,
                       log_init=np.log(p_init + TINY),
                       log_outside=float(np.log(np.zeros(1) + TINY)[0]))


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
                 t.lo, t.hi, t.weights, t.chunk_w, t.log_outside, t.n_pitch)
        self.done += len(log_prob)

    def states(self) -> np.ndarray:
        """Most likely state per frame (n_frames,) int64."""
        return _backtrack(self.ptr[: self.done], int(np.argmax(self.value)))


@numba.njit(cache=True, nogil=True)
def _forward(log_prob, start, value, ptr, lo, hi, weights, chunk_w, log_outside,
             n):  # pragma: no cover - compiled
    n_states = 2 * n
    n_chunks = (n + CHUNK - 1) // CHUNK
    levels = 1
    while (1 << levels) <= n_chunks:
        levels += 1
    pre_v = np.empty((2, n + 1))
    pre_i = np.empty((2, n + 1), dtype=np.int64)
    suf_v = np.empty((2, n + 1))
    suf_i = np.empty((2, n + 1), dtype=np.int64)
    table = np.empty((2, levels, n_chunks))  # range maxima of the chunk maxima
    band_w = np.empty((n_states, 2))
    for j in range(n_states):
        for a in range(2):
            band_w[j, a] = chunk_w[j, a].max()
    new = np.empty(n_states)
    for t in range(start, log_prob.shape[0]):
        _gap_maxima(value, log_outside, n, pre_v, pre_i, suf_v, suf_i)
        _chunk_table(value, n, n_chunks, levels, table)
        arg = 0
        for j in range(n_states):
            # seed with the previous target's best and the band centres: a good first
            # best lets the bounds below skip nearly every chunk
            seed = arg
            best = -np.inf
            arg = n_states
            for a in range(2):
                for i in (seed, a * n + j % n):
                    k = i - a * n - lo[j, a]
                    if 0 <= k <= hi[j, a] - lo[j, a]:
                        best, arg = _better(value[i] + weights[j, a, k], i, best, arg)
            # out-of-band predecessors: before and after the band of each block
            for a in range(2):
                best, arg = _better(pre_v[a, lo[j, a]], pre_i[a, lo[j, a]], best, arg)
                best, arg = _better(suf_v[a, hi[j, a] + 1], suf_i[a, hi[j, a] + 1], best, arg)
            # the bands, chunk by chunk: a band or chunk whose bound (max value + max
            # weight) is below the best so far cannot hold the maximum
            for a in range(2):
                if hi[j, a] < lo[j, a]:
                    continue
                c0 = lo[j, a] // CHUNK
                c1 = hi[j, a] // CHUNK
                if _range_max(table, a, c0, c1) + band_w[j, a] < best:
                    continue
                for q in range(c1 - c0 + 1):
                    if table[a, 0, c0 + q] + chunk_w[j, a, q] >= best:
                        best, arg = _scan(value, weights, j, a, q, lo, hi, n, best, arg)
            new[j] = log_prob[t, j] + best
            ptr[t, j] = arg
        value[:] = new


@numba.njit(cache=True, nogil=True, inline="always")
def _better(s, i, best, arg):  # pragma: no cover - compiled
    """The better of (s, i) and (best, arg): larger sum, then lower state (first argmax)."""
    if s > best or (s == best and i < arg):
        return s, i
    return best, arg


@numba.njit(cache=True, nogil=True, inline="always")
def _range_max(table, a, c0, c1):  # pragma: no cover - compiled
    level = 0
    while (2 << level) <= c1 - c0 + 1:
        level += 1
    return max(table[a, level, c0], table[a, level, c1 + 1 - (1 << level)])


@numba.njit(cache=True, nogil=True)
def _chunk_table(value, n, n_chunks, levels, table):  # pragma: no cover - compiled
    """table[a, l, c] = max of value over chunks c .. c + 2**l - 1 of block a."""
    for a in range(2):
        for c in range(n_chunks):
            top = -np.inf
            for i in range(a * n + c * CHUNK, a * n + min(n, (c + 1) * CHUNK)):
                top = max(top, value[i])
            table[a, 0, c] = top
        for level in range(1, levels):
            half = 1 << (level - 1)
            for c in range(n_chunks - (1 << level) + 1):
                table[a, level, c] = max(table[a, level - 1, c], table[a, level - 1, c + half])


@numba.njit(cache=True, nogil=True, inline="always")
def _scan(value, weights, j, a, q, lo, hi, n, best, arg):  # pragma: no cover - compiled
    """Best (value + weight, state) of chunk q of target j's band in block a, merged with
    (best, arg): larger sum wins, then the lower state (np.argmax's first maximum)."""
    first = lo[j, a]
    c = first // CHUNK + q
    base = a * n
    for i in range(max(first, c * CHUNK), min(hi[j, a], c * CHUNK + CHUNK - 1) + 1):
        s = value[base + i] + weights[j, a, i - first]
        best, arg = _better(s, base + i, best, arg)
    return best, arg


@numba.njit(cache=True, nogil=True)
def _gap_maxima(value, log_outside, n, pre_v, pre_i, suf_v, suf_i):  # pragma: no cover
    """First maxima of value + log(tiny) over each block's prefixes [0, k) and suffixes
    [k, n) (indices are states; -inf and 2n when empty)."""
    for a in range(2):
        base = a * n
        best = -np.inf
        arg = 2 * n
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
        arg = 2 * n
        suf_v[a, n] = best
        suf_i[a, n] = arg
        for k in range(n - 1, -1, -1):
            s = value[base + k] + log_outside
            if s >= best:
                best = s
                arg = base + k
            suf_v[a, k] = best
            suf_i[a, k] = arg


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
