"""Coverage over time: one snapshot a minute at most while the vault changes, so the app can
show how the substrate compounds."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import sqlite_utils

from store import clock
from store.coverage import CoverageReport


@dataclass(frozen=True)
class HistoryPoint:
    taken_at: str  # UTC, ISO 8601, to the minute; `clock.local_day(taken_at)` is the day it was taken here
    overall: float
    notes: int
    counts: dict[str, int]
    areas: dict[str, dict[str, float]]  # type -> {"score": …, "total": …}


def record(db: sqlite_utils.Database, report: CoverageReport, now: dt.datetime) -> HistoryPoint:
    """Store the report's summary; a second snapshot in the same minute replaces the first."""
    point = HistoryPoint(
        taken_at=clock.stamp(now),
        overall=report.overall,
        notes=len(report.notes),
        counts=report.counts,
        areas={a.type: {"score": a.score, "total": a.total} for a in report.areas if a.motion == "all"},
    )
    with db.atomic():
        db["coverage_history"].upsert(
            {"taken_at": point.taken_at, "overall": point.overall, "notes": point.notes,
             "counts": json.dumps(point.counts), "areas": json.dumps(point.areas)},
            pk="taken_at",
        )
    return point


def read(db: sqlite_utils.Database, since: dt.date | None = None) -> list[HistoryPoint]:
    """The snapshots in order, from the start of the local day `since` on (rows are in UTC)."""
    rows = db.execute(
        "SELECT taken_at, overall, notes, counts, areas FROM coverage_history WHERE taken_at >= ? ORDER BY taken_at",
        [clock.stamp(clock.day_start_utc(since)) if since else ""],
    )
    return [HistoryPoint(t, overall, notes, json.loads(counts), json.loads(areas)) for t, overall, notes, counts, areas in rows]
