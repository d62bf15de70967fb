"""The vault's activity log: every note Substrate writes, whoever asked (the app, an agent over MCP,
a bundle import), one JSON line each in `VAULT/.substrate/activity.jsonl`.

The app lists it as its session log and the workshop summary counts from it. Appends are one
`write` of one line under a lock, so the app and an agent server writing at once never interleave;
a damaged line is skipped, never fatal.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from filelock import FileLock, Timeout

LOG_PATH = ".substrate/activity.jsonl"
ACTIONS = ("created", "edited", "reviewed", "imported")


@dataclass(frozen=True)
class Entry:
    at: str  # ISO time, UTC, to the second
    by: str  # "app", "mcp", "import"
    action: str  # one of ACTIONS
    path: str
    title: str

    @property
    def when(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.at)


def record(vault: Path, by: str, action: str, path: str, title: str) -> Entry:
    """Append one entry; a log that cannot be written is not a reason to lose the note, so errors are raised
    to the caller only after the note itself is safe (callers write the note first)."""
    entry = Entry(dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), by, action, path, title)
    log = Path(vault) / LOG_PATH
    log.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(entry), ensure_ascii=False) + "\n"
    try:
        with FileLock(str(log) + ".lock", timeout=5):
            with open(log, "a", encoding="utf-8") as out:
                out.write(line)
    except Timeout:  # another writer is stuck: one unlocked append of one short line is still whole on every OS we ship to
        with open(log, "a", encoding="utf-8") as out:
            out.write(line)
    return entry


def read(vault: Path, since: dt.datetime | None = None) -> list[Entry]:
    """The entries in the order written, from `since` on (an aware datetime) if given."""
    log = Path(vault) / LOG_PATH
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    entries = []
    for line in lines:
        try:
            entry = Entry(**{key: str(value) for key, value in json.loads(line).items()})
            if since is None or entry.when >= since:
                entries.append(entry)
        except (ValueError, TypeError):
            continue  # a torn or hand-edited line
    return entries
