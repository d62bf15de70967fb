"""The vault's activity log: every note Substrate writes, whoever asked (the app, an agent over MCP,
a bundle import), one JSON line each in `VAULT/.substrate/activity.jsonl`.

The app lists it as its session log and the workshop summary counts from it. Appends are one
`write` of one line under a lock, so the app and an agent server writing at once never interleave;
a damaged line is skipped, never fatal.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from filelock import FileLock, Timeout

from store import clock
from store.display import printable
from store.errors import NotRecorded
from store.vault import read_config_file

LOG_PATH = ".substrate/activity.jsonl"
WHO = {"app": "You", "mcp": "An agent", "import": "A bundle"}  # who wrote it, in the words the app shows
READ_AT_ONCE = 8 * 1024 * 1024  # an entry is a few hundred bytes: tens of thousands of them at a time
IMPORT_OUTCOMES = ("import done", "import rolled back")  # actions about a bundle import as a whole, not about one note


@dataclass(frozen=True)
class Entry:
    at: str  # ISO time, UTC, to the second
    by: str  # a key of WHO
    action: str  # "created", "edited", "reviewed" or "imported"; or one of IMPORT_OUTCOMES
    path: str
    title: str
    detail: str = ""  # for an import's outcome: what it brought, or why it was rolled back

    @property
    def is_note(self) -> bool:
        return self.action not in IMPORT_OUTCOMES

    @property
    def when(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.at)


def record(vault: Path, by: str, action: str, path: str, title: str, detail: str = "") -> Entry:
    """Append one entry; a log that cannot be written is not a reason to lose the note, so callers write
    the note first and NotRecorded comes after it is safe. The log is never written through a link
    that leads out of the vault."""
    entry = Entry(clock.now_utc().isoformat(timespec="seconds"), by, action, path, title, detail)
    log = Path(vault) / LOG_PATH
    line = json.dumps(asdict(entry), ensure_ascii=False) + "\n"
    try:
        log.parent.mkdir(parents=True, exist_ok=True)
        lock = str(log) + ".lock"
        for place in (log, Path(lock)):
            if not _inside(place, vault):
                raise NotRecorded(entry, f"{LOG_PATH} leads out of the vault (to {printable(os.path.realpath(place))}), "
                                         "and Substrate writes nothing outside it; remove that link")
        try:
            with FileLock(lock, timeout=5):
                _append(log, line)
        except Timeout:  # another writer is stuck: one unlocked append of one short line is still whole on every OS we ship to
            _append(log, line)
    except OSError as exc:
        raise NotRecorded(entry, _advice(exc, Path(vault))) from None
    return entry


def _advice(exc: OSError, vault: Path) -> str:
    """Why the log could not be written, and the one thing that mends it."""
    records = vault / ".substrate"
    if records.exists() and not records.is_dir():
        return "a file named .substrate is where Substrate keeps its records folder; rename that file"
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{exc.strerror}; free some space on the vault's disk"
    if exc.errno == errno.EROFS:
        return f"{exc.strerror}; the vault's disk is read-only"
    if isinstance(exc, PermissionError):
        return f"{exc.strerror}; fix the permissions of {LOG_PATH}"
    return f"{exc.strerror or exc} ({printable(str(exc.filename or LOG_PATH))})"


def _append(log: Path, line: str) -> None:
    with open(log, "a", encoding="utf-8") as out:
        out.write(line)


def _inside(place: Path, vault: Path) -> bool:
    root = os.path.realpath(vault)
    return os.path.realpath(place).startswith(root.rstrip(os.sep) + os.sep)


def read(vault: Path, since: dt.datetime | None = None) -> list[Entry]:
    """The entries in the order written, from `since` on (an aware datetime) if given."""
    entries, offset = [], 0
    while True:
        more, end = read_from(vault, offset)
        entries += more
        if end == offset:
            return [entry for entry in entries if since is None or entry.when >= since]
        offset = end


def end_of_log(vault: Path) -> int:
    """Where the next entry will start: read from here to see only what comes after now."""
    try:
        return (Path(vault) / LOG_PATH).stat().st_size
    except OSError:
        return 0


def read_from(vault: Path, offset: int) -> tuple[list[Entry], int]:
    """The whole entries written from byte `offset` on, at most READ_AT_ONCE bytes of them, and the offset
    after the last (a line still being written is left for the next read). Only a regular file is
    read: a pipe or a link to a device in the log's place is no log."""
    try:
        data = read_config_file(Path(vault) / LOG_PATH, READ_AT_ONCE, offset, cut=True)
    except OSError:
        return [], offset
    complete = data[: data.rfind(b"\n") + 1]
    if not complete and len(data) == READ_AT_ONCE:  # one line longer than any entry: not a log line, passed over
        return [], offset + len(data)
    entries = []
    for line in complete.decode("utf-8", errors="replace").splitlines():
        try:
            entries.append(Entry(**{key: str(value) for key, value in json.loads(line).items()}))
        except (ValueError, TypeError):
            continue  # a torn or hand-edited line
    return entries, offset + len(complete)
