"""Work off the UI thread.

`VaultSession` owns one vault's `Brain`: its index writer and watcher (the watcher's thread does
every index write) and its `BrainReader`, and turns what they report into Qt signals. Its `read`
runs a read of the reader on a pool thread (each thread reads through a connection of its own);
its `write` runs a write of the brain (a note captured, an owner named, a bundle imported) on the
session's one write thread, in the order asked. Both hand the result back on the UI thread.
"""

from __future__ import annotations

import itertools
import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal, Slot

from store.brain import Brain
from store.errors import IndexBusy
from store.reader import BrainReader
from store.locations import check_index
from store.safe_write import sweep_leftovers
from store.watch import Applied, Watcher

log = logging.getLogger(__name__)

UI_SWITCH_INTERVAL = 0.001  # seconds a Python thread may hold the GIL before it must hand over


class _Relay(QObject):
    """Carries a background result to the UI thread: a QObject created there, so its signals
    are delivered there whichever thread emits them."""

    finished = Signal(object, object)  # callback, result
    failed = Signal(object, object)  # callback, exception

    def __init__(self):
        super().__init__()
        self.finished.connect(lambda callback, result: callback(result))
        self.failed.connect(lambda callback, exc: callback(exc))


class _Task(QRunnable):
    def __init__(self, work, on_done, on_failed, relay: _Relay):
        super().__init__()
        self.work, self.on_done, self.on_failed, self.relay = work, on_done, on_failed, relay

    def run(self) -> None:
        try:
            result = self.work()
        except BaseException as exc:  # handed to the UI thread, which shows it in words
            log.debug("background work failed", exc_info=True)
            self.relay.failed.emit(self.on_failed, exc)
            return
        self.relay.finished.emit(self.on_done, result)


_relay: _Relay | None = None


def run_in_background(work: Callable[[], object], on_done: Callable[[object], None], on_failed: Callable[[BaseException], None],
                      pool: QThreadPool | None = None) -> None:
    """Run `work` on a thread of `pool` (the global one by default); call `on_done(result)` or `on_failed(exc)` on the UI thread."""
    global _relay
    if _relay is None:
        _relay = _Relay()
    (pool or QThreadPool.globalInstance()).start(_Task(work, on_done, on_failed, _relay))


class VaultSession(QObject):
    """One open vault: its index, kept live by a watcher, and signals for what happens to it."""

    opened = Signal(object)  # the session itself, once the index can be read
    openFailed = Signal(object)  # the exception
    indexProgressed = Signal(int, int)  # done, total (a rescan reading files)
    indexUpdated = Signal(object)  # Changes, once committed
    wrote = Signal(object)  # what a write of this session wrote (a path, or an import's record), before it is indexed
    noticed = Signal(str)  # a message for the person
    liveChanged = Signal(bool)

    _generation = itertools.count(1)

    def __init__(self, vault: Path, db_path: Path | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.vault = Path(vault)
        self.db_path = db_path
        self.brain: Brain | None = None
        self.watcher: Watcher | None = None
        self.read_only = False
        self.live = False
        self.closed = False
        self._live_timer = QTimer(self, interval=2000, timeout=self._check_live)
        self._writes = QThreadPool(self)
        self._writes.setMaxThreadCount(1)  # one write at a time, in the order asked
        # Reads of this vault on threads of its own: a window opened after another never waits behind
        # the reads the last one left queued (the pool everyone shares held them up for a minute).
        self._reads = QThreadPool(self)
        self._reads.setMaxThreadCount(max(2, QThreadPool.globalInstance().maxThreadCount()))

    def open(self) -> None:
        """Open the index and start watching, off the UI thread."""
        # Every call from Qt into Python takes the GIL; with the indexer busy in Python, the default
        # 5 ms switch interval made the UI thread wait ~1 s in a row while a big vault was indexed.
        sys.setswitchinterval(UI_SWITCH_INTERVAL)
        threading.Thread(target=self._open, name="substrate-open", daemon=True).start()

    def _open(self) -> None:
        try:
            check_index(self.db_path, self.vault, db_option=False)
            try:
                brain = Brain(self.vault, self.db_path)
            except IndexBusy:  # another Substrate keeps this index live: read what it writes
                brain = Brain(self.vault, self.db_path, read_only=True)
                self.read_only = True
        except BaseException as exc:
            self.openFailed.emit(exc)
            return
        if self.closed:
            brain.close()
            return
        self.brain = brain
        self.opened.emit(self)
        for notice in brain.notices:
            self.noticed.emit(notice)
        if self.read_only:
            self.noticed.emit("Another Substrate (the app or `substrate watch`) is keeping this vault's index up to date; this window reads it as it is.")
            return
        self.watcher = Watcher(brain, self._applied, self.noticed.emit, self.indexProgressed.emit)
        try:
            self.watcher.start(wait=True, timeout=3600)
        except BaseException as exc:
            self.openFailed.emit(exc)
            return
        self.live = self.watcher.live
        self.liveChanged.emit(self.live)
        sweep_leftovers(self.vault)  # temporary files of saves a crash cut off

    def _applied(self, applied: Applied) -> None:
        self.indexUpdated.emit(applied.changes)

    @Slot()
    def _check_live(self) -> None:
        live = bool(self.watcher and self.watcher.live)
        if live != self.live:
            self.live = live
            self.liveChanged.emit(live)

    def start_checking(self) -> None:
        self._live_timer.start()

    @property
    def reader(self) -> BrainReader | None:
        return self.brain.read if self.brain is not None else None

    def read(self, work: Callable[[BrainReader], object], on_done: Callable, on_failed: Callable) -> None:
        """Run `work(reader)` off the UI thread; `on_done(result)` or `on_failed(exc)` on the UI thread."""
        brain = self.brain
        if brain is None or self.closed:
            return
        run_in_background(lambda: work(brain.read), on_done, on_failed, self._reads)

    def write(self, work: Callable[[Brain], object], on_done: Callable, on_failed: Callable) -> None:
        """Run `work(brain)`, a write through one of the `Brain`'s writer methods, on the session's write
        thread; then `wrote(result)` for whoever follows this session's writes, and `on_done(result)`."""
        brain = self.brain
        if brain is None or self.closed:
            return

        def done(result) -> None:
            self.wrote.emit(result)
            on_done(result)

        run_in_background(lambda: work(brain), done, on_failed, self._writes)

    def close(self) -> None:
        self.closed = True
        self._live_timer.stop()
        if self.watcher is not None:
            self.watcher.stop()
        self._writes.waitForDone(5000)
        self._reads.clear()  # reads not started yet answer a window that is going
        self._reads.waitForDone(5000)
        if self.brain is not None:
            self.brain.close()
