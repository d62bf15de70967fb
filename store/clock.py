"""The engine's one clock: which day it is, for reviews, staleness, coverage history and new notes.

Everything that asks "what day is it?" asks `today()`; nothing else calls `date.today()`.
Tests, benchmarks and the sample brain's tour fix the day with `SUBSTRATE_TODAY=YYYY-MM-DD`
(inherited by the CLI and MCP subprocesses) or `fixed(day)` in-process, so figures never drift
as real reviews age.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os

TODAY_VARIABLE = "SUBSTRATE_TODAY"
_fixed_day: dt.date | None = None


def today() -> dt.date:
    """The local calendar day (fixed by `fixed()` or SUBSTRATE_TODAY when set)."""
    if _fixed_day is not None:
        return _fixed_day
    pinned = os.environ.get(TODAY_VARIABLE)
    if pinned:
        return dt.date.fromisoformat(pinned)
    return dt.date.today()


@contextlib.contextmanager
def fixed(day: dt.date):
    """Within the block, `today()` is `day` (for tests, in this process only)."""
    global _fixed_day
    before, _fixed_day = _fixed_day, day
    try:
        yield day
    finally:
        _fixed_day = before
