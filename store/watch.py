"""Keeping the index live: file events become batches, and batches are applied by the
incremental indexer, each in one transaction.

Events are hints, never the truth (watchdog can drop them): a batch re-reads the files the
events name, and anything the events cannot account for — a folder moved, a burst, a queue
overflow, the periodic check — becomes a rescan, which compares the whole vault with the index.
One thread owns the index's writer: the observer thread only queues paths.
"""

from __future__ import annotations

import errno
import logging
import os
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

from store import words
from store.brain import Brain
from store.display import is_decodable
from store.errors import SubstrateError
from store.index import Changes
from store.unwatched import Poller, unwatched

QUIET_SECONDS = 0.1  # a save is applied once its folder has been quiet this long…
MAX_DELAY_SECONDS = 1.0  # …or this long after its first event, however busy the folder
BURST_PATHS = 1000  # more changed paths than this in one batch: one rescan is cheaper
RECONCILE_SECONDS = 300.0  # a rescan this often catches anything the events missed
RETURN_CHECK_SECONDS = 2.0  # how often to look for a vault that went away
RETRY_SECONDS = 5.0  # after a failed batch (disk full…), wait this long before trying again
POLL_SECONDS = 2.0  # the polling fallback's interval (the whole vault, or only the folders the system would not watch)
_IGNORED_EVENTS = {"opened", "closed_no_write"}  # our own reads cause these
_STOP = object()
_RESCAN = object()


@dataclass(frozen=True)
class Applied:
    """One batch, fully committed: what changed and how long applying it took."""

    changes: Changes
    milliseconds: float
    rescan: bool


class _Queueing(FileSystemEventHandler):
    """Runs on the observer's thread: turns events into vault-relative paths, nothing more."""

    def __init__(self, root: str, inbox: queue.SimpleQueue):
        self.root = root
        self.inbox = inbox

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in _IGNORED_EVENTS:
            return
        if event.is_directory:
            if event.event_type != "modified":  # created, deleted or moved folders: their notes are unknown
                self.inbox.put(_RESCAN)
            return
        for path in (event.src_path, getattr(event, "dest_path", "")):
            rel = self._relative(path)
            if rel is not None:
                # a name that is not UTF-8 cannot be a row: a rescan lists it as a problem (and drops it when it goes)
                self.inbox.put(rel if is_decodable(rel) else _RESCAN)

    def _relative(self, path) -> str | None:
        if not path:
            return None
        path = os.fsdecode(path)
        rel = os.path.relpath(path, self.root)
        if rel.startswith(".."):
            return None
        rel = rel.replace(os.sep, "/")
        return rel if rel.lower().endswith(".md") else None


class _OverflowAlarm(logging.Handler):
    """watchdog reports a kernel queue overflow only in its log: listen there."""

    def __init__(self, inbox: queue.SimpleQueue):
        super().__init__(logging.WARNING)
        self.inbox = inbox

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" in record.getMessage().lower():
            self.inbox.put(_RESCAN)


class Watcher:
    """Keeps `brain`'s index live until stopped.

    `on_applied(Applied)` is called from the watcher's thread after each batch commits, never
    for a half-applied batch; `on_notice(str)` gets messages for the person (the vault went
    away, the system's watch limit was reached…); `on_progress(done, total)` follows a rescan's
    reading (the first index of a big vault). All must be quick and thread-safe.
    """

    def __init__(
        self,
        brain: Brain,
        on_applied: Callable[[Applied], None],
        on_notice: Callable[[str], None] | None = None,
        on_progress: Callable[[int, int], None] | None = None,
        *,
        quiet: float = QUIET_SECONDS,
        max_delay: float = MAX_DELAY_SECONDS,
        burst: int = BURST_PATHS,
        reconcile_every: float = RECONCILE_SECONDS,
        polling: bool = False,
    ):
        self.brain = brain
        self.on_applied = on_applied
        self.on_notice = on_notice or (lambda message: None)
        self.on_progress = on_progress
        self.quiet, self.max_delay, self.burst = quiet, max_delay, burst
        self.reconcile_every = reconcile_every
        self.polling = polling
        self._inbox: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._observer = None
        self._alarm = _OverflowAlarm(self._inbox)
        self._ready = threading.Event()
        self._retry_at = 0.0
        self._polling_all = False
        self._poller: Poller | None = None  # the folders the system refused to watch, polled
        self._next_poll = 0.0
        self._told_unwatched = False
        self.vault_present = True
        self.error: BaseException | None = None

    # --- control, from any thread ------------------------------------------------------------

    def start(self, wait: bool = True, timeout: float = 60.0) -> None:
        """Start watching; with wait, return once the start-up rescan has been applied."""
        self.brain.defer_history = True
        self._thread = threading.Thread(target=self._run, name="substrate-watcher", daemon=True)
        self._thread.start()
        if wait and not self._ready.wait(timeout):
            raise TimeoutError("The watcher did not finish its first scan in time.")
        if self.error is not None:
            raise self.error

    def stop(self, timeout: float = 10.0) -> None:
        self._inbox.put(_STOP)
        if self._thread is not None:
            self._thread.join(timeout)
        self._stop_observer()

    def request_rescan(self) -> None:
        self._inbox.put(_RESCAN)

    @property
    def polled(self) -> tuple[str, ...]:
        """The vault's folders polled because the system refused to watch them ("" is the vault itself)."""
        poller = self._poller
        return tuple(poller.rels) if poller is not None else ()

    @property
    def live(self) -> bool:
        return self._observer is not None and self._observer.is_alive() and self.vault_present

    # --- the watcher's thread -----------------------------------------------------------------

    def _run(self) -> None:
        logging.getLogger("watchdog").addHandler(self._alarm)
        try:
            self._start_observer()
            self._apply(set(), rescan=True)  # reconcile what changed while nothing was watching
            self._ready.set()
            self._loop()
        except BaseException as exc:  # surfaced by start(); the app shows it, the thread ends
            self.error = exc
            self._stop_observer()
        finally:
            logging.getLogger("watchdog").removeHandler(self._alarm)
            self._ready.set()

    def _loop(self) -> None:
        pending: set[str] = set()
        rescan = False
        first = last = 0.0
        next_reconcile = time.monotonic() + self.reconcile_every
        while True:
            now = time.monotonic()
            self._poll_unwatched(now)
            if pending or rescan:
                wait = min(last + self.quiet, first + self.max_delay) - now
            else:  # idle: look now and then whether the vault is still there (one stat)
                wait = min(next_reconcile - now, RETURN_CHECK_SECONDS)
            if self._poller is not None:
                wait = min(wait, self._next_poll - now)
            item = self._next(max(wait, 0.0))
            if item is _STOP:
                return
            now = time.monotonic()
            if item is not None:
                if not (pending or rescan):
                    first = now
                last = now
                if item is _RESCAN:
                    rescan = True
                else:
                    pending.add(item)
                if now < first + self.max_delay:
                    continue  # a steady stream of events must not hold a batch back past the maximum delay
            if pending or rescan:
                if now >= last + self.quiet or now >= first + self.max_delay:
                    pending, rescan = self._apply(pending, rescan or len(pending) > self.burst)
                    first = last = max(time.monotonic(), self._retry_at)
            elif now >= next_reconcile or self.vault_present != self.brain.vault.root.is_dir():
                pending, rescan = self._apply(set(), rescan=True)
                next_reconcile = time.monotonic() + self.reconcile_every
            else:
                self._record_history()

    def _next(self, timeout: float):
        try:
            return self._inbox.get(timeout=timeout) if timeout > 0 else self._inbox.get_nowait()
        except queue.Empty:
            return None

    def _apply(self, paths: set[str], rescan: bool) -> tuple[set[str], bool]:
        """Apply one batch; return what must wait for the next (files still being written)."""
        started = time.perf_counter()
        try:
            changes = self.brain.refresh(progress=self.on_progress) if rescan else self.brain.refresh_paths(sorted(paths))
        except SubstrateError as exc:
            return self._failed(exc, paths, rescan)
        self._retry_at = 0.0
        if not self.vault_present:
            self.vault_present = True
            self.on_notice(f"The vault at {self.brain.vault.root} is back; the index is live again.")
            self._restart_observer()
        elif rescan:  # folders may have come or gone: each new one needs a watch the system may refuse
            self._cover_unwatched()
        if changes:
            self.on_applied(Applied(changes, (time.perf_counter() - started) * 1000, rescan))
        return set(changes.unsettled), False

    def _record_history(self) -> None:
        try:
            self.brain.record_history_if_due()
        except SubstrateError as exc:
            self.on_notice(str(exc))

    def _failed(self, exc: SubstrateError, paths: set[str], rescan: bool) -> tuple[set[str], bool]:
        if not self.brain.vault.root.is_dir():
            if self.vault_present:
                self.vault_present = False
                self.on_notice(str(exc))
            return set(), False  # wait for the vault to come back; then one rescan catches up
        self.on_notice(f"{exc} Trying again in {RETRY_SECONDS:g} s.")
        self._retry_at = time.monotonic() + RETRY_SECONDS
        return paths, True

    # --- the observer -------------------------------------------------------------------------

    def _start_observer(self) -> None:
        root = str(self.brain.vault.root)
        handler = _Queueing(root, self._inbox)
        self._polling_all = True
        if not self.polling:
            try:
                self._observer = _started(Observer(), handler, root)
                self._polling_all = False
                self._cover_unwatched()
                return
            except OSError as exc:
                if exc.errno not in (errno.ENOSPC, errno.EMFILE):
                    raise
                self.on_notice(_limit_message(exc))
        self._poller = None
        self._observer = _started(PollingObserver(timeout=POLL_SECONDS), handler, root)

    def _cover_unwatched(self) -> None:
        """Poll the folders the system refused to watch (its limit reached part way): watchdog
        says nothing of those, and their edits would wait for the next full rescan."""
        found = None if self._polling_all else unwatched(self.brain.vault)
        if not found or not found[0]:
            self._poller = None
            return
        rels, total = found
        if self._poller is None or self._poller.rels != rels:
            self._poller = Poller(self.brain.vault, rels)
            self._next_poll = time.monotonic() + POLL_SECONDS
        if not self._told_unwatched:
            self._told_unwatched = True
            self.on_notice(_partial_message(len(rels), total))

    def _poll_unwatched(self, now: float) -> None:
        if self._poller is None or now < self._next_poll:
            return
        self._next_poll = now + POLL_SECONDS
        for change in self._poller.poll():
            self._inbox.put(_RESCAN if change is None else change)

    def _restart_observer(self) -> None:
        self._stop_observer()
        try:
            self._start_observer()
        except OSError as exc:
            self.on_notice(f"Could not watch the vault again ({exc.strerror}); changes are picked up every {RECONCILE_SECONDS:g} s.")

    def _stop_observer(self) -> None:
        observer, self._observer = self._observer, None
        if observer is not None:
            observer.stop()
            if observer.is_alive():
                observer.join(5)


def _started(observer, handler, root: str):
    observer.schedule(handler, root, recursive=True)
    observer.start()
    return observer


def _limit_message(exc: OSError) -> str:
    setting = "max_user_watches" if exc.errno == errno.ENOSPC else "max_user_instances"
    return (
        f"The system's limit on watched folders is reached ({exc.strerror}). Substrate checks the vault every "
        f"{POLL_SECONDS:g} s instead, which is slower. {_raise_the_limit(setting)}"
    )


def _partial_message(unwatched_count: int, total: int) -> str:
    return (
        f"The system's limit on watched folders is reached: {unwatched_count} of the vault's {words.counted(total, 'folder')} are not watched. "
        f"Substrate checks those every {POLL_SECONDS:g} s instead, which is slower. {_raise_the_limit('max_user_watches')}"
    )


def _raise_the_limit(setting: str) -> str:
    return f"To fix it, raise the limit: sudo sysctl fs.inotify.{setting}=524288 (and add it to /etc/sysctl.conf to keep it)."
