"""pYIN's Viterbi decoding over 2 x n_pitch states, banded, equal to ``librosa.sequence.viterbi``.

librosa builds the dense transition matrix ``kron(transition_loop(2, 1 - switch_prob),
transition_local(n, width, 'triangle'))`` and, per frame, takes the max over all 2n
predecessors of ``value[i] + log(transition[i, j] + tiny)``, first maximum on ties
(``np.argmax``). Outside the triangular band a transition is exactly 0, so its log weight is
the constant ``log(tiny)``: the best out-of-band predecessor is the first maximum of
``value + log(tiny)`` over the part of each block before and after the band, which per-block
prefix/suffix maxima give in O(1). The band (librosa's own log weights) is swept diagonal by
diagonal over runs of targets at once, a branch-free loop that LLVM vectorises; targets whose
best so far already beats every source value within reach plus the largest weight are left
out. Candidates merge by (larger sum, then lower state), so the path is librosa's, state for
state. Per frame: O(n) plus the swept part of 4 x n x band (~243k sums at most for C2..C7).
"""

from __future__ import annotations

from collections.abc import Generator
from dataclasses import dataclass

import numba
import numpy as np

from sonolens.core.errors import ParameterError

TINY = float(np.finfo(np.float64).tiny)  # librosa's epsilon for float64 probabilities
KEEP_POINTERS_BYTES = 64 * 2**20  # beyond: checkpointed decoding (~28k frames, 10 min)


@dataclass(frozen=True)
class Transitions:
    """Banded log transition weights between n_pitch voiced and n_pitch unvoiced states.

    ``lo``/``hi`` (2n, 2): first/last nonzero source row of target state J in source block a
    (relative to the block; lo = n, hi = n-1 if none). ``diagonals`` (2, 2, n_diag, n): log
    weight from source ``a*n + j + d_lo + q`` to target ``b*n + j`` at [a, b, q, j] (-inf
    outside lo..hi); ``top`` (2, 2): the largest of each block; ``log_init`` (2n,)."""

    n_pitch: int
    lo: np.ndarray
    hi: np.ndarray
    diagonals: np.ndarray
    d_lo: int
    top: np.ndarray
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
    targets = np.arange(n_states) % n_pitch
    d_lo = int(min(0, (lo - targets[:, None]).min()))
    d_hi = int(max(0, (hi - targets[:, None]).max()))
    q = np.arange(d_hi - d_lo + 1)[:, None]
    j = np.arange(n_pitch)[None, :]
    source = j + d_lo + q  # row within the source block
    diagonals = np.empty((2, 2, len(q), n_pitch))
    for a in range(2):
        for b in range(2):
            inside = (source >= lo[b * n_pitch + j, a]) & (source <= hi[b * n_pitch + j, a])
            rows = a * n_pitch + np.clip(source, 0, n_pitch - 1)
            values = np.log(full[rows, b * n_pitch + j] + TINY)
            diagonals[a, b] = np.where(inside, values, -np.inf)
    p_init = np.ones(n_states) / n_states
    return Transitions(n_pitch=n_pitch, lo=lo, hi=hi, diagonals=diagonals, d_lo=d_lo,
                       top=diagonals.max(axis=(2, 3)), log_init=np.log(p_init + TINY),
                       log_outside=float(np.log(np.zeros(1) + TINY)[0]))


@dataclass(frozen=True)
class Observations:
    """pYIN observations of a block of n frames, compactly: the voiced states' nonzero
    probabilities at (frame, bin) (bin < n_pitch, frame-then-bin order) and P(voiced) (n,)."""

    n: int
    frame: np.ndarray
    bin: np.ndarray
    prob: np.ndarray
    voiced: np.ndarray

    def log_prob(self, n_pitch: int) -> np.ndarray:
        """librosa's ``log(prob + tiny)`` of the dense observations (n, 2 n_pitch)."""
        dense = np.zeros((self.n, 2 * n_pitch))
        dense[self.frame, self.bin] = self.prob
        dense[:, n_pitch:] = ((1 - self.voiced) / n_pitch)[:, None]
        return np.log(dense + TINY)


class Decoder:
    """Viterbi over blocks of observations: the forward pass as they come, then the path.

    Up to ``KEEP_POINTERS_BYTES`` of uint16 backpointers (2 n_pitch per frame) are kept
    and the path is read back from them. A longer input keeps only each block's compact
    observations and the value vector it starts from (~10 KB per block plus ~100 bytes a
    frame), and :meth:`backward` recomputes one block's backpointers at a time, last block
    first: the same numbers, memory flat, the decoding cost twice."""

    def __init__(self, trans: Transitions, n_frames: int) -> None:
        self.trans = trans
        self.n_frames = n_frames
        n_states = 2 * trans.n_pitch
        self.checkpointed = n_frames * n_states * 2 > KEEP_POINTERS_BYTES
        rows = 0 if self.checkpointed else max(n_frames, 1)
        self.ptr = np.zeros((rows, n_states), dtype=np.uint16)
        self.value = np.empty(n_states)
        self.blocks: list[tuple[int, np.ndarray, Observations]] = []
        self.done = 0

    def feed(self, obs: Observations, path: bool = False) -> np.ndarray | None:
        """Advance the forward pass over the next block's observations. With ``path``,
        return a provisional state per frame of the block (obs.n,): the best path ending
        at its last frame, traced back within the block (read-only: the final path is
        unchanged; the later frames may still change it)."""
        if obs.n == 0:
            return np.empty(0, dtype=np.int64) if path else None
        if self.checkpointed:
            self.blocks.append((self.done, self.value.copy(), obs))
            ptr = np.empty((obs.n, len(self.value)), dtype=np.uint16)
        else:
            ptr = self.ptr[self.done:self.done + obs.n]
        self._forward(obs.log_prob(self.trans.n_pitch), self.value, ptr, self.done == 0)
        self.done += obs.n
        return _backtrack(ptr, int(np.argmax(self.value))) if path else None

    def backward(self) -> Generator[int, None, np.ndarray]:
        """Most likely state per frame (n_frames,) int64; yields frames decoded so far."""
        last = int(np.argmax(self.value))
        if not self.checkpointed:
            return _backtrack(self.ptr[: self.done], last)
        states = np.empty(self.done, dtype=np.int64)
        for first, value, obs in reversed(self.blocks):
            ptr = np.empty((obs.n, len(value)), dtype=np.uint16)
            self._forward(obs.log_prob(self.trans.n_pitch), value.copy(), ptr, first == 0)
            states[first:first + obs.n] = _backtrack(ptr, last)
            last = int(ptr[0, states[first]])
            yield self.done - first
        return states

    def _forward(self, log_prob: np.ndarray, value: np.ndarray, ptr: np.ndarray,
                 initial: bool) -> None:
        t = self.trans
        if initial:
            value[:] = log_prob[0] + t.log_init
        _forward(log_prob, 1 if initial else 0, value, ptr, t.lo, t.hi, t.diagonals, t.d_lo,
                 t.top, t.log_outside, t.n_pitch)


@numba.njit(cache=True, nogil=True)
def _forward(log_prob, start, value, ptr, lo, hi, diagonals, d_lo, top, log_outside,
             n):  # pragma: no cover - compiled
    pre_v = np.empty((2, n + 1))
    pre_i = np.empty((2, n + 1), dtype=np.int64)
    suf_v = np.empty((2, n + 1))
    suf_i = np.empty((2, n + 1), dtype=np.int64)
    best = np.empty(n)
    arg = np.empty(n, dtype=np.int64)
    chunk = np.empty((n + 7) // 8)
    new = np.empty(2 * n)
    for t in range(start, log_prob.shape[0]):
        _gap_maxima(value, log_outside, n, pre_v, pre_i, suf_v, suf_i)
        for b in range(2):
            # out of band: before and after the band in each source block
            for j in range(n):
                best[j] = -np.inf
                arg[j] = 2 * n
                for a in range(2):
                    k = lo[b * n + j, a]
                    _merge(best, arg, j, pre_v[a, k], pre_i[a, k])
                    k = hi[b * n + j, a] + 1
                    _merge(best, arg, j, suf_v[a, k], suf_i[a, k])
            # the bands, staying in the block first (the larger weights)
            for a in (b, 1 - b):
                _sweep_needed(value, a, b, n, diagonals, d_lo, top[a, b], best, arg, chunk)
            for j in range(n):
                new[b * n + j] = log_prob[t, b * n + j] + best[j]
                ptr[t, b * n + j] = arg[j]
        value[:] = new


@numba.njit(cache=True, nogil=True)
def _sweep_needed(value, a, b, n, diagonals, d_lo, top, best, arg,
                  chunk):  # pragma: no cover - compiled
    """Sweep the band from source block a to target block b, but only over the runs of
    targets that could gain: those whose best so far is not above the largest source value
    within reach (from maxima of 8-state chunks) plus the largest weight."""
    for c in range(len(chunk)):
        chunk[c] = value[a * n + 8 * c:a * n + min(n, 8 * c + 8)].max()
    n_diag = diagonals.shape[2]
    reach = -np.inf
    run = -1
    for j in range(n + 1):
        need = False
        if j < n:
            if j % 8 == 0:
                c0 = max(0, j + d_lo) // 8
                c1 = min(n - 1, j + 7 + d_lo + n_diag - 1) // 8
                reach = chunk[c0:c1 + 1].max() + top
            need = reach >= best[j]
        if need and run < 0:
            run = j
        elif not need and run >= 0:
            for q in range(n_diag):
                d = d_lo + q
                j0 = max(run, -d)
                j1 = min(j, n - d)
                if j1 > j0:
                    src = a * n + d + j0
                    _sweep(value[src:src + j1 - j0], diagonals[a, b, q, j0:j1],
                           best[j0:j1], arg[j0:j1], src)
            run = -1


@numba.njit(cache=True, nogil=True, inline="always")
def _merge(best, arg, j, s, i):  # pragma: no cover - compiled
    """Keep the better of (best[j], arg[j]) and (s, i): larger sum, then lower state."""
    if s > best[j] or (s == best[j] and i < arg[j]):
        best[j] = s
        arg[j] = i


@numba.njit(cache=True, nogil=True, inline="always", boundscheck=False)
def _sweep(values, weights, best, arg, first):  # pragma: no cover - compiled
    """One diagonal: source ``first + k`` to target k, for every k (branch-free)."""
    for k in range(values.shape[0]):
        s = values[k] + weights[k]
        better = (s > best[k]) | ((s == best[k]) & (first + k < arg[k]))
        best[k] = s if better else best[k]
        arg[k] = first + k if better else arg[k]


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
