"""Silence what C decoders print on the process's stderr (mpg123's "Note: resync...").

Our own messages say what matters in one line; the library chatter would break the CLI's
one-line-error contract. Process-wide, so it is held only around native decoder calls.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator

_lock = threading.RLock()


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    with _lock:
        try:
            sys.stderr.flush()
            saved = os.dup(2)
        except (OSError, ValueError):
            yield
            return
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 2)
            yield
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            os.close(devnull)
