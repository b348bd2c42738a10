"""Child process of test_late_library_threads.py (run as ``python -m tests.qt.late_threads_child
FOLDER``): a fresh interpreter, so no library is loaded that the window does not load itself.

A first window analyses a file and closes (the warm-up: every pool a first analysis starts
exists); its native threads are the baseline. A second window then shows MFCC, whose pass 2
imports ``scipy.fft`` on a job's thread -- the first load of scipy and of the OpenBLAS it
brings. After it closes, the threads started since the baseline that are still running after
10 s are printed as JSON: {"scipy_before": bool, "scipy_after": bool, "left": [names]}.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def native_threads() -> set[int]:
    return {int(name) for name in os.listdir("/proc/self/task")}


def thread_name(tid: int) -> str:
    try:
        return Path(f"/proc/self/task/{tid}/comm").read_text().strip()
    except OSError:  # ended meanwhile
        return "?"


def main(folder: Path) -> None:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    os.environ["SONOLENS_NO_CACHE"] = "1"  # the second window computes, not reads
    os.environ["SONOLENS_FIT_ON_OPEN"] = "0"
    import numpy as np
    import pyqtgraph as pg
    import soundfile as sf
    from PySide6.QtWidgets import QApplication

    from sonolens.model.settings import Settings
    from sonolens.ui.main_window import MainWindow

    app = QApplication([])
    pg.setConfigOptions(useOpenGL=False, imageAxisOrder="row-major")
    sr = 22050
    t = np.arange(2 * sr) / sr
    path = folder / "tone.wav"
    sf.write(path, (0.5 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), sr)

    def wait_until(condition, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise SystemExit("timed out waiting for the window")
            app.processEvents()
            time.sleep(0.01)

    def analyse(lower_view: str) -> None:
        window = MainWindow(Settings(folder / "sonolens.ini"))
        window.show()
        doc = window.document
        doc.set_view(doc.view.replace(lower_view=lower_view))
        window.open_path(path)
        wait_until(lambda: window.is_settled() and (
            lower_view != "mfcc" or "mfcc_1" in doc.features.names))
        window.close()
        app.processEvents()

    analyse("features")
    baseline = native_threads()
    scipy_before = "scipy.special" in sys.modules
    analyse("mfcc")
    deadline = time.monotonic() + 10.0
    while native_threads() - baseline and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.05)
    left = sorted(thread_name(tid) for tid in native_threads() - baseline)
    print(json.dumps({"scipy_before": scipy_before, "scipy_after": "scipy.special" in sys.modules,
                      "left": left}))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
