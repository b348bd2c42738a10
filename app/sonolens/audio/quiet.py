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

_lock = threading.Lock()
_users = 0  # threads inside quiet_native_stderr
_saved: int | None = None  # the real stderr while _users > 0 (None: could not redirect)


@contextlib.contextmanager
def quiet_native_stderr() -> Iterator[None]:
    """fd 2 goes to /dev/null while any thread is inside (counted, so decoders on several
    threads run at once: the lock is held only to switch, never around the decoding)."""
    global _users, _saved
    with _lock:
        if _users == 0:
            _saved = _redirect()
        _users += 1
    try:
        yield
    finally:
        with _lock:
            _users -= 1
            if _users == 0 and _saved is not None:
                os.dup2(_saved, 2)
                os.close(_saved)
                _saved = None


def _redirect() -> int | None:
    """Point fd 2 at /dev/null; the duplicate of the real stderr, or None if impossible."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        return None
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
    finally:
        os.close(devnull)
    return saved
