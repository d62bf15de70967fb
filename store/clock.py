"""The engine's one clock: which day it is, for reviews, staleness, coverage history and new notes.

Everything that asks "what day is it?" asks `today()`, and "what time is it?" asks `now_utc()`;
nothing else calls `date.today()` or `datetime.now()` (tests/test_architecture.py checks).

The time zone rule: moments are stored in UTC (coverage history, the activity log, bundles);
a moment becomes a calendar day only through `local_day()`, and a day becomes a moment only
through `day_start_utc()`, both in the machine's own time zone. So "today's snapshots" are the
ones taken since local midnight, east or west of Greenwich.

Which day it is, first match wins:
1. `fixed(day)`, in this process (tests);
2. `SUBSTRATE_TODAY=YYYY-MM-DD` (tests, benchmarks; inherited by the CLI and MCP subprocesses);
3. the day the open vault stands at, from its `.substrate/as-of` file: the sample brain carries
   one, so its tour shows the README's figures whenever it is taken (see `follow_vault`);
4. the local calendar day of `now_utc()`: a person's own vault always ages with the real day.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from pathlib import Path

from store.errors import BadDay
from store.vault import read_config_file

TODAY_VARIABLE = "SUBSTRATE_TODAY"
AS_OF_PATH = ".substrate/as-of"
STAMP_FORMAT = "%Y-%m-%dT%H:%MZ"  # how coverage history stores its moments (UTC, to the minute)
_fixed_day: dt.date | None = None
_fixed_now: dt.datetime | None = None
_vault_day: dt.date | None = None


def today() -> dt.date:
    """The calendar day, by the rules above."""
    if _fixed_day is not None:
        return _fixed_day
    pinned = os.environ.get(TODAY_VARIABLE)
    if pinned:
        try:
            return dt.date.fromisoformat(pinned)
        except ValueError:
            raise BadDay(TODAY_VARIABLE, pinned) from None
    if _vault_day is not None:
        return _vault_day
    return local_day(now_utc())


def now_utc() -> dt.datetime:
    """This moment, time-zone aware, in UTC (fixed by `fixed_now()` in tests). Pinning the day
    does not move it: timestamps stay real, so they never run backwards."""
    return _fixed_now if _fixed_now is not None else dt.datetime.now(dt.timezone.utc)


def now_local() -> dt.datetime:
    """This moment on the machine's wall clock (aware), for times shown to the person."""
    return now_utc().astimezone()


def local_day(moment: dt.datetime | str) -> dt.date:
    """The local calendar day a moment falls on: an aware datetime, or a stored UTC stamp
    ('2026-12-01T20:30Z' or ISO 8601 with an offset)."""
    if isinstance(moment, str):
        moment = parse_utc(moment)
    return moment.astimezone().date()


def day_start_utc(day: dt.date) -> dt.datetime:
    """The moment the local calendar day `day` begins, in UTC: where "since that day" starts."""
    return dt.datetime.combine(day, dt.time.min).astimezone().astimezone(dt.timezone.utc)


def stamp(moment: dt.datetime) -> str:
    """A moment as coverage history stores it: UTC, to the minute."""
    return moment.astimezone(dt.timezone.utc).strftime(STAMP_FORMAT)


def parse_utc(text: str) -> dt.datetime:
    """A stored UTC stamp back to an aware datetime."""
    if text.endswith("Z") and len(text) == len("2026-12-01T20:30Z"):
        return dt.datetime.strptime(text, STAMP_FORMAT).replace(tzinfo=dt.timezone.utc)
    moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)


def vault_day(vault_root: Path) -> dt.date | None:
    """The day a vault says it stands at (`.substrate/as-of`, one YYYY-MM-DD), or None.
    A missing, unreadable or malformed file means the real day: it never stops the vault opening."""
    try:
        # non-blocking, and only a plain file: a pipe or a device in its place must not hang the opening
        text = read_config_file(Path(vault_root) / AS_OF_PATH, 64, cut=True).decode("utf-8", errors="replace")  # a day is ten characters
        return dt.date.fromisoformat(text.strip()[:10])
    except (OSError, ValueError):
        return None


def follow_vault(vault_root: Path) -> dt.date | None:
    """From now on (in this process), `today()` is the day the vault stands at, if it names one;
    otherwise the real day. Called whenever a vault is opened (the Brain, the window)."""
    global _vault_day
    _vault_day = vault_day(vault_root)
    return _vault_day


@contextlib.contextmanager
def fixed(day: dt.date):
    """Within the block, `today()` is `day` (for tests, in this process only)."""
    global _fixed_day
    before, _fixed_day = _fixed_day, day
    try:
        yield day
    finally:
        _fixed_day = before


@contextlib.contextmanager
def fixed_now(moment: dt.datetime):
    """Within the block, the real clock reads `moment` (aware), so `now_utc()` is it and, unless
    the day is pinned, `today()` is its local day (for tests, in this process only)."""
    global _fixed_now
    if moment.tzinfo is None:
        raise ValueError("fixed_now needs an aware datetime (with a time zone)")
    before, _fixed_now = _fixed_now, moment.astimezone(dt.timezone.utc)
    try:
        yield _fixed_now
    finally:
        _fixed_now = before
