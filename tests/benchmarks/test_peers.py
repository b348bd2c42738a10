"""Side by side with Spek on the hour FLAC (issue 18): real windows under Xvfb, polled frames.

Run on demand (skipped otherwise)::

    SONOLENS_BENCH=1 SONOLENS_BENCH_PEER_FILE=/tmp/sl/long60.flac \\
        .venv/bin/python -m pytest tests/benchmarks/test_peers.py -s

``SONOLENS_BENCH_PEER_FILE`` (default: a generated 60-minute 44.1 kHz stereo FLAC, the
window benchmark's signal), ``SONOLENS_BENCH_PEER_ROUNDS`` (default 3),
``SONOLENS_BENCH_SHOT=DIR`` (the last round's frames at "fully drawn", one PNG per app).

One Xvfb display (``-fbdir``: its frame buffer is a memory-mapped XWD file, read in well
under a millisecond, where ``xwd -root`` costs ~100 ms a frame; ``-nocursor``: Qt's
cursor would be drawn into it). Each round runs, one after the other: ``spek FILE``;
``python -m sonolens FILE`` with fresh settings and a fresh ``SONOLENS_CACHE_DIR``
("cold"); the same again on that cache dir ("reopen"). Every 50 ms the frame is read and
the process tree (``/proc``) sampled:

* window: the first frame with >= 10,000 pixels unlike the empty screen;
* first pixels: the first later frame with coloured (spectrogram) pixels new in the
  window (its right 15 % left out: Spek's colour scale); Sonolens also writes its own
  milestones (``SONOLENS_TRACE``, core/trace.py: seconds since its process started, on the
  same clock as the launch here);
* fully drawn: the time of the last change, once the screen stayed unchanged for 3 s and
  the process tree used under 5 % of a core over the last second;
* CPU-s: user + system time of the tree (children reaped included) at that point; peak
  RSS: VmHWM of the process plus that of each child seen.

Times count from the launch. The app is then killed. Spek's window is its default
640x460 (no window manager to resize it), Sonolens' 1280x820.
Targets: Sonolens fully drawn / Spek <= 1, spectrogram complete / Spek <= 0.5, reopen
fully drawn <= 1.5 s, window <= 0.5 s, first columns <= 0.5 s after the window.
"""

from __future__ import annotations

import os
import signal
import statistics
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from tests.benchmarks.test_extract_speed import (
    _only_on_demand,  # noqa: F401 - autouse fixture: skip unless asked for
    _verdict,
)
from tests.benchmarks.test_window_open import write_stereo_flac

from sonolens.core import trace

pytestmark = pytest.mark.benchmark

ROUNDS = int(os.environ.get("SONOLENS_BENCH_PEER_ROUNDS", "3"))
PEER_MINUTES = 60.0
SCREEN = (1600, 1000)
POLL_S = 0.05
QUIET_S = 3.0
IDLE_CPU = 0.05  # CPU-s per second: "idle"
WINDOW_PIXELS = 10_000
FIRST_PIXELS = 200
TIMEOUT_S = 600.0
APP = Path(__file__).resolve().parents[2] / "app"
EVENTS = ("window_built", "window_shown", "spectrogram_first", "spectrogram_complete",
          "envelope_complete", "features_complete", "settled")
TARGET_DRAWN_RATIO = 1.0
TARGET_SPECTROGRAM_RATIO = 0.5
TARGET_REOPEN_S = 1.5
TARGET_WINDOW_S = 0.5
TARGET_FIRST_AFTER_WINDOW_S = 0.5


def now() -> float:
    """CLOCK_BOOTTIME seconds: the clock of /proc starttimes and of core/trace."""
    return time.clock_gettime(time.CLOCK_BOOTTIME)


@dataclass(frozen=True)
class XwdLayout:
    """Where the pixels of an XWD image (Xvfb's -fbdir file, ``xwd`` output) are."""

    offset: int  # bytes before the first row: header, window name, colour map
    height: int
    width: int
    depth: int  # bytes per pixel: 4 (B, G, R, X) or 3 (B, G, R)
    line: int  # bytes per row

    @classmethod
    def of(cls, data: np.ndarray) -> XwdLayout:
        header = struct.unpack(">25I", data[:100].tobytes())
        size, width, height, bpp, line = header[0], header[4], header[5], header[11], header[12]
        offset = size + header[19] * 12
        # DESIGN §11: some Xvfb/xwd pairs write packed 3-byte rows under a 32-bit header
        if len(data) - offset == width * height * 3:
            return cls(offset, height, width, 3, width * 3)
        return cls(offset, height, width, bpp // 8, line)

    def raw(self, data: np.ndarray) -> np.ndarray:
        """The rows as stored (a copy): (height, line) uint8."""
        end = self.offset + self.height * self.line
        return np.array(data[self.offset:end]).reshape(self.height, self.line)

    def rgb(self, raw: np.ndarray) -> np.ndarray:
        """(height, width, 3) uint8 RGB of raw rows (least significant byte first: B)."""
        pixels = raw[:, :self.width * self.depth].reshape(self.height, self.width, self.depth)
        return pixels[:, :, 2::-1]


class Screen:
    """An Xvfb display whose frame buffer is read straight from its mmapped XWD file."""

    def __init__(self, scratch: Path) -> None:
        fbdir = scratch / "fb"
        fbdir.mkdir()
        read, write = os.pipe()
        self.proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write), "-screen", "0", f"{SCREEN[0]}x{SCREEN[1]}x24",
             "-fbdir", str(fbdir), "-nocursor", "-nolisten", "tcp"],
            pass_fds=(write,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(write)
        with os.fdopen(read) as pipe:
            number = pipe.readline().strip()
        assert number, "Xvfb did not start"
        self.display = f":{number}"
        self._map = np.memmap(fbdir / "Xvfb_screen0", dtype=np.uint8, mode="r")
        self.layout = XwdLayout.of(self._map)
        self.empty = self.raw()  # the screen without any window

    def wait_empty(self, timeout_s: float = 10.0) -> None:
        """Until the last app's window is gone from the frame buffer."""
        end = time.monotonic() + timeout_s
        while not np.array_equal(self.raw(), self.empty) and time.monotonic() < end:
            time.sleep(POLL_S)

    def raw(self) -> np.ndarray:
        """The frame buffer now, as stored (a copy): (height, bytes per line) uint8."""
        return self.layout.raw(self._map)

    def rgb(self, raw: np.ndarray) -> np.ndarray:
        return self.layout.rgb(raw)

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(10)


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, CPU seconds incl. reaped children) of ``pid``, or None (gone)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            text = stat.read()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2:].split()
    ticks = sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    return int(fields[1]), ticks / os.sysconf("SC_CLK_TCK")


def _hwm_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


class Tree:
    """CPU time and peak RSS of a process and its descendants, sampled."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.pids = {pid}
        self.hwm: dict[int, float] = {}
        self.samples = 0

    def sample(self) -> float:
        """CPU-seconds of the live tree now (reaped children count in their parent)."""
        if self.samples % 10 == 0:
            self._find_children()
        self.samples += 1
        total = 0.0
        for pid in list(self.pids):
            stat = _stat(pid)
            if stat is None:
                self.pids.discard(pid)
                continue
            total += stat[1]
            self.hwm[pid] = max(self.hwm.get(pid, 0.0), _hwm_mb(pid))
        return total

    def _find_children(self) -> None:
        parents: dict[int, int] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                stat = _stat(int(entry))
                if stat is not None:
                    parents[int(entry)] = stat[0]
        while new := {pid for pid, parent in parents.items()
                      if parent in self.pids and pid not in self.pids}:
            self.pids |= new

    def peak_rss_mb(self) -> float:
        return sum(self.hwm.values())


@dataclass
class Run:
    app: str
    window_s: float = float("nan")
    first_s: float = float("nan")  # first coloured pixels in the window (screen)
    drawn_s: float = float("nan")  # last change of the screen
    cpu_s: float = float("nan")
    rss_mb: float = float("nan")
    processes: int = 0  # in the tree, seen
    poll_cpu_s: float = float("nan")  # this harness's own CPU time while polling
    events: dict[str, float] = field(default_factory=dict)  # trace, from the launch
    changes: list[tuple[float, tuple[int, int, int, int]]] = field(default_factory=list)
    # ^ the last few changes of the screen: (s from launch, box top, bottom, left, right)
    shot: np.ndarray | None = None

    @property
    def spectrogram_s(self) -> float:
        """When the spectrogram was complete: Sonolens says; Spek draws only that."""
        return self.events.get("spectrogram_complete", self.drawn_s)


def _coloured(rgb: np.ndarray) -> np.ndarray:
    """Pixels with a clear hue (a colormap's), not greys or text."""
    wide = rgb.astype(np.int16)
    return (wide.max(axis=2) - wide.min(axis=2)) >= 48


def _bbox(mask: np.ndarray) -> tuple[int, int, int, int]:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return int(rows[0]), int(rows[-1]) + 1, int(cols[0]), int(cols[-1]) + 1


def run_app(app: str, cmd: list[str], env: dict[str, str], screen: Screen, scratch: Path,
            trace_file: Path | None = None) -> Run:
    """Launch ``cmd`` on ``screen``; measure until fully drawn and idle; kill it."""
    run = Run(app)
    screen.wait_empty()
    empty = screen.empty
    own = time.process_time()
    log = (scratch / f"{app}.log").open("w")
    launch = now()
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)
    started = trace.process_start(proc.pid)
    tree, cpu = Tree(proc.pid), [(0.0, 0.0)]
    last, window, box, changed = empty, None, None, launch
    try:
        while True:
            time.sleep(POLL_S)
            frame, t = screen.raw(), now()
            cpu.append((t, tree.sample()))
            if proc.poll() is not None:
                raise AssertionError(f"{app} exited {proc.returncode}: "
                                     f"{(scratch / f'{app}.log').read_text()[-2000:]}")
            if not np.array_equal(frame, last):
                if window is not None:
                    diff = (screen.rgb(frame) != screen.rgb(last)).any(axis=2)
                    run.changes = [*run.changes[-5:], (t - launch, _bbox(diff))]
                changed, last = t, frame
                rgb = screen.rgb(frame)
                if window is None:
                    shown = (rgb != screen.rgb(empty)).any(axis=2)
                    if shown.sum() >= WINDOW_PIXELS:
                        window, box = rgb.copy(), _bbox(shown)
                        run.window_s = t - launch
                elif run.first_s != run.first_s:
                    top, bottom, left, right = box
                    right = left + int(0.85 * (right - left))
                    new = (_coloured(rgb[top:bottom, left:right])
                           & (rgb[top:bottom, left:right] != window[top:bottom, left:right])
                           .any(axis=2))
                    if new.sum() >= FIRST_PIXELS:
                        run.first_s = t - launch
            recent = [c for c in cpu if c[0] >= t - 1.0]
            idle = t - launch > 1.0 and recent[-1][1] - recent[0][1] < IDLE_CPU
            if window is not None and t - changed >= QUIET_S and idle:
                break
            if t - launch > TIMEOUT_S:
                raise AssertionError(f"{app}: not settled after {TIMEOUT_S:.0f} s")
        run.drawn_s, run.cpu_s = changed - launch, cpu[-1][1]
        run.rss_mb, run.processes = tree.peak_rss_mb(), len(tree.hwm)
        run.poll_cpu_s = time.process_time() - own
        rgb = screen.rgb(last)
        top, bottom, left, right = _bbox((rgb != screen.rgb(empty)).any(axis=2))
        run.shot = rgb[top:bottom, left:right].copy()
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if proc.poll() is None:
                os.killpg(proc.pid, sig)  # the group of this child only (own session)
                try:
                    proc.wait(5)
                except subprocess.TimeoutExpired:
                    continue
        log.close()
    if trace_file is not None and trace_file.exists():
        offset = (started - launch) if started is not None else 0.0
        run.events = {name: s + offset for name, s in trace.read(trace_file).items()}
    return run


def save_png(rgb: np.ndarray, path: Path) -> None:
    from PySide6.QtGui import QImage

    data = np.ascontiguousarray(rgb)
    assert QImage(data.data, data.shape[1], data.shape[0], data.strides[0],
                  QImage.Format.Format_RGB888).save(str(path)), f"cannot write {path}"


def sonolens_env(display: str, run_dir: Path, cache: Path) -> dict[str, str]:
    run_dir.mkdir(parents=True)
    env = {**os.environ, "DISPLAY": display, "QT_QPA_PLATFORM": "xcb",
           "SONOLENS_SETTINGS": str(run_dir / "settings.ini"),
           "SONOLENS_CACHE_DIR": str(cache), "SONOLENS_TRACE": str(run_dir / "trace.txt")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(APP), env.get("PYTHONPATH")) if p)
    return env


def _median(runs: list[Run], value) -> float:
    return statistics.median(value(run) for run in runs)


def test_side_by_side_with_spek(tmp_path: Path) -> None:
    audio = Path(os.environ.get("SONOLENS_BENCH_PEER_FILE") or tmp_path / "long.flac")
    if not audio.exists():
        write_stereo_flac(audio, PEER_MINUTES * 60, tmp_path)
    shots = Path(os.environ.get("SONOLENS_BENCH_SHOT") or tmp_path)
    screen = Screen(tmp_path)
    load_before = os.getloadavg()
    runs: dict[str, list[Run]] = {"Spek": [], "Sonolens cold": [], "Sonolens reopen": []}
    try:
        for k in range(ROUNDS):
            spek_env = {**os.environ, "DISPLAY": screen.display}
            runs["Spek"].append(run_app("spek", ["spek", str(audio)], spek_env, screen,
                                        tmp_path))
            cache = tmp_path / f"cache{k}"
            for name, tag in (("Sonolens cold", "cold"), ("Sonolens reopen", "reopen")):
                run_dir = tmp_path / f"{tag}{k}"
                env = sonolens_env(screen.display, run_dir, cache)
                runs[name].append(run_app(
                    "sonolens", [sys.executable, "-m", "sonolens", str(audio)], env, screen,
                    tmp_path, run_dir / "trace.txt"))
    finally:
        screen.close()
    load_after = os.getloadavg()
    for name, tag in (("Spek", "spek"), ("Sonolens cold", "sonolens_cold"),
                      ("Sonolens reopen", "sonolens_reopen")):
        save_png(runs[name][-1].shot, shots / f"peer_{tag}.png")

    print()
    print(f"{audio} ({audio.stat().st_size / 1e6:.0f} MB), {ROUNDS} rounds, medians, seconds "
          f"from launch; load average (1, 5, 15 min) before "
          f"{' '.join(f'{v:.2f}' for v in load_before)}, after "
          f"{' '.join(f'{v:.2f}' for v in load_after)}")
    columns = [("window", "window_s"), ("first px", "first_s"), ("spectro", "spectrogram_s"),
               ("drawn", "drawn_s"), ("CPU-s", "cpu_s"), ("RSS MB", "rss_mb")]
    print(f"{'':16}" + "".join(f"{head:>9}" for head, _ in columns)
          + "   trace: built shown first  spec   env  feat settled")
    for name, group in runs.items():
        line = f"{name:16}" + "".join(
            f"{_median(group, lambda r, a=a: getattr(r, a)):9.2f}" for _, a in columns)
        if group[0].events:
            line += "        " + " ".join(
                f"{_median(group, lambda r, e=e: r.events.get(e, float('nan'))):5.2f}"
                for e in EVENTS)
        print(line)
        print("  each round: drawn " + ", ".join(f"{r.drawn_s:.2f}" for r in group)
              + "; CPU-s " + ", ".join(f"{r.cpu_s:.1f}" for r in group)
              + f"; processes {max(r.processes for r in group)}; harness polling "
              + ", ".join(f"{r.poll_cpu_s:.1f}" for r in group) + " CPU-s")
        print("  last changes of the screen (s: rows, columns), last round: " + "; ".join(
            f"{t:.2f}: {top}-{bottom}, {left}-{right}"
            for t, (top, bottom, left, right) in group[-1].changes[-4:]))
    spek, cold, reopen = runs["Spek"], runs["Sonolens cold"], runs["Sonolens reopen"]
    pairs = list(zip(spek, cold, strict=True))
    print("  per round, Sonolens cold / Spek: drawn "
          + ", ".join(f"{c.drawn_s / s.drawn_s:.2f}" for s, c in pairs) + "; spectrogram "
          + ", ".join(f"{c.spectrogram_s / s.drawn_s:.2f}" for s, c in pairs) + "; CPU-s "
          + ", ".join(f"{c.cpu_s / s.cpu_s:.2f}" for s, c in pairs))
    spek_drawn = _median(spek, lambda r: r.drawn_s)
    checks = [  # (what, value, target: at most)
        ("Sonolens fully drawn / Spek", _median(cold, lambda r: r.drawn_s) / spek_drawn,
         TARGET_DRAWN_RATIO),
        ("spectrogram complete / Spek", _median(cold, lambda r: r.spectrogram_s) / spek_drawn,
         TARGET_SPECTROGRAM_RATIO),
        ("reopen fully drawn (s)", _median(reopen, lambda r: r.drawn_s), TARGET_REOPEN_S),
        ("window on screen (s)", _median(cold, lambda r: r.window_s), TARGET_WINDOW_S),
        ("first columns - window (s)", _median(cold, lambda r: r.events["spectrogram_first"]
                                               - r.events["window_shown"]),
         TARGET_FIRST_AFTER_WINDOW_S),
    ]
    for label, value, target in checks:
        print(f"target {label:30} <= {target:4g}: {value:6.2f}  {_verdict(value <= target)}")
    print(f"frames at 'fully drawn': {shots}/peer_*.png")
    assert all(value <= target for _, value, target in checks)
