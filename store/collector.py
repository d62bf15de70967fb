"""Pausing Python's cyclic garbage collector while many short-lived objects are built.

Indexing a vault or measuring its coverage creates hundreds of thousands of small objects that
hold no cycles; they are freed as soon as they go out of use. Left on, the collector walks them
again and again for nothing: a third of a coverage pass, and in the app 30-100 ms pauses that
freeze the window (a collection holds every thread). Pauses nest and may overlap across threads.
"""

from __future__ import annotations

import contextlib
import gc
import threading

_lock = threading.Lock()
_pauses = 0
_was_enabled = True


@contextlib.contextmanager
def paused():
    global _pauses, _was_enabled
    with _lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()
