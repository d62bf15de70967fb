"""Worker processes that die with their parent, whatever killed it.

A pool's workers wait on a queue from their parent; when the parent is SIGKILLed (or crashes)
nobody tells them, and they wait forever (45 MB each, piling up with every killed run). Each
worker therefore watches its parent's pid and exits once it is gone.

Linux's PR_SET_PDEATHSIG would be quicker but fires when the *thread* that started the worker
ends, not the process: the watcher's thread starts the pool the Brain keeps, so a stopped
watcher would kill workers the Brain still uses.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor

PARENT_CHECK_SECONDS = 0.5


def pool(workers: int, context) -> ProcessPoolExecutor:
    """A process pool whose workers exit when this process is gone."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_die_with, initargs=(os.getpid(),))


def _die_with(parent: int) -> None:
    threading.Thread(target=_watch_parent, args=(parent,), name="substrate-parent-watch", daemon=True).start()


def _watch_parent(parent: int) -> None:
    if sys.platform == "win32":  # a Windows process keeps its parent's pid; spawn hands it a handle to wait on instead
        multiprocessing.parent_process().join()
        os._exit(1)
    # An orphan is re-parented (to init or a subreaper): its parent pid changes. A parent that
    # died before this thread started is caught by the same comparison.
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)
