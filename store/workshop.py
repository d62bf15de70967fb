"""A workshop session: what the brain knew when the room sat down, and what it knows when it
stands up. The start is a snapshot (coverage per area, each note's content hash from the index);
the summary compares the index at the end with it, so every note counts however it was written
(captured in the app, saved from Obsidian, written by an agent), and the activity log says who.
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, field

from store import activity
from store import clock
from store import words
from store.coverage import CoverageReport, Gap, Totals, gaps


@dataclass(frozen=True)
class Snapshot:
    started: dt.datetime  # aware, UTC
    overall: float
    areas: dict[str, tuple[str, float, int]]  # type -> (label, score, notes)
    hashes: dict[str, str]  # path -> sha256 of the note as indexed


@dataclass(frozen=True)
class NoteLine:
    path: str
    title: str
    type: str
    owner: str
    by: str = ""  # who wrote it, from the activity log: You, An agent, A bundle; "" when saved elsewhere


@dataclass(frozen=True)
class AreaChange:
    type: str
    label: str
    before: float
    after: float
    notes_before: int
    notes_after: int


@dataclass(frozen=True)
class Summary:
    vault: str
    started: dt.datetime
    ended: dt.datetime
    overall_before: float
    overall_after: float
    captured: tuple[NoteLine, ...]
    changed: tuple[NoteLine, ...]
    removed: tuple[str, ...]
    areas: tuple[AreaChange, ...]
    gaps: tuple[Gap, ...]
    owners: dict[str, tuple[str, ...]] = field(default_factory=dict)  # owner -> titles of captured notes
    totals: Totals | None = None  # the brain's counts at the end, as the app and the command line show them

    @property
    def minutes(self) -> int:
        return max(0, round((self.ended - self.started).total_seconds() / 60))


def snapshot(db, report: CoverageReport, now: dt.datetime | None = None) -> Snapshot:
    return Snapshot(
        started=(now or clock.now_utc()).replace(microsecond=0),  # the activity log counts in seconds
        overall=report.overall,
        areas=_areas(report),
        hashes=dict(db.execute("SELECT path, sha256 FROM files WHERE indexed = 1").fetchall()),
    )


def _areas(report: CoverageReport) -> dict[str, tuple[str, float, int]]:
    return {a.type: (a.label, a.score, a.total) for a in report.areas if a.motion == "all"}


def summarise(start: Snapshot, db, report: CoverageReport, vault, now: dt.datetime | None = None, top: int = 10) -> Summary:
    """The session from `start` to now: notes captured, changed and removed; coverage before and after per
    area; the gaps that remain, most valuable first; who owns what was captured."""
    hashes = dict(db.execute("SELECT path, sha256 FROM files WHERE indexed = 1").fetchall())
    writers = {e.path: activity.WHO.get(e.by, e.by) for e in activity.read(vault, start.started) if e.is_note}
    rows = {path: (title, type_ or "note", owner or "") for path, title, type_, owner in db.execute("SELECT path, title, type, owner FROM notes")}

    def line(path: str) -> NoteLine:
        title, type_, owner = rows.get(path, (path, "note", ""))
        return NoteLine(path, title, type_, owner, writers.get(path, ""))

    captured = tuple(line(p) for p in sorted(hashes) if p not in start.hashes and p in rows)
    changed = tuple(line(p) for p in sorted(hashes) if p in start.hashes and hashes[p] != start.hashes[p] and p in rows)
    removed = tuple(sorted(set(start.hashes) - set(hashes)))
    after = _areas(report)
    areas = tuple(
        AreaChange(type_, (after.get(type_) or start.areas.get(type_))[0], start.areas.get(type_, ("", 0.0, 0))[1],
                   after.get(type_, ("", 0.0, 0))[1], start.areas.get(type_, ("", 0.0, 0))[2], after.get(type_, ("", 0.0, 0))[2])
        for type_ in dict.fromkeys([*start.areas, *after])
    )
    owners: dict[str, list[str]] = {}
    for note in captured:
        owners.setdefault(note.owner or "nobody yet", []).append(note.title)
    return Summary(
        vault=str(getattr(vault, "name", vault)), started=start.started, ended=now or clock.now_utc(),
        overall_before=start.overall, overall_after=report.overall, captured=captured, changed=changed, removed=removed,
        areas=areas, gaps=gaps(report)[:top], owners={k: tuple(v) for k, v in sorted(owners.items())}, totals=report.totals(),
    )


def summary_html(summary: Summary) -> str:
    """The summary as one self-contained page: no script, nothing fetched, printable."""
    e = html.escape
    local = summary.started.astimezone()

    def pct(value: float) -> str:
        return f"{value:.0%}"

    def cell(value: float, notes: int) -> str:
        if not notes:  # an area with no note at all is a whole missing area: a gap, as on the map
            return f'<td class="score" style="background:{words.score_hex(0.0)}">0%<br><small>none written</small></td>'
        return f'<td class="score" style="background:{words.score_hex(value)}">{pct(value)}</td>'

    def change(area: AreaChange) -> str:
        points = round((area.after - area.before) * 100)
        return words.counted(points, "point", signed=True) if points else ""

    def notes_table(notes: tuple[NoteLine, ...], empty: str) -> str:
        if not notes:
            return f"<p class='none'>{e(empty)}</p>"
        body = "".join(f"<tr><td>{e(n.title)}</td><td>{e(n.type)}</td><td>{e(n.owner or '—')}</td><td>{e(n.by or 'saved in an editor')}</td></tr>"
                       for n in notes)
        return f"<table><tr><th>Note</th><th>Type</th><th>Owner</th><th>Written by</th></tr>{body}</table>"

    moved = [a for a in summary.areas if abs(a.after - a.before) >= 0.0005 or a.notes_after != a.notes_before]
    def label(area: AreaChange) -> str:  # the "unknown" area holds what is linked to but unwritten and of no known type
        return "Linked, never written (no type yet)" if area.type == "unknown" else area.label

    def row(a: AreaChange) -> str:
        scores = "<td></td><td></td>" if a.type == "unknown" else cell(a.before, a.notes_before) + cell(a.after, a.notes_after)
        return (f"<tr{' class=moved' if a in moved else ''}><td>{e(label(a))}</td>{scores}"
                f"<td>{'' if a.type == 'unknown' else change(a)}</td><td>{a.notes_before} → {a.notes_after}</td></tr>")

    area_rows = "".join(row(a) for a in summary.areas)
    t = summary.totals
    counts = (f"<p class='totals'>Now: {words.counted(t.notes, 'note')} · {words.counted(t.known_unknowns, 'known unknown')} · {t.stale} stale · "
              f"{t.trapped} trapped · {t.partly_trapped} partly trapped · {words.counted(t.orphans, 'orphan')} · "
              f"{words.counted(t.problems, 'problem')}.</p>") if t else ""
    gap_rows = "".join(f"<li><b>{e(g.title)}</b> <span class='kind'>{e(g.type)}</span> — {e(g.what)}</li>" for g in summary.gaps)
    owner_rows = "".join(f"<li><b>{e(owner)}</b>: {e(', '.join(titles))}</li>" for owner, titles in summary.owners.items())
    delta = (summary.overall_after - summary.overall_before) * 100
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Workshop summary · {e(summary.vault)} · {local:%Y-%m-%d}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 2em auto; max-width: 60em; color: #1d2733; line-height: 1.45; }}
h1 {{ font-size: 1.7em; margin-bottom: .2em; }} h2 {{ margin-top: 1.6em; border-bottom: 1px solid #d5dbe3; }}
.lead {{ font-size: 1.25em; }} .none {{ color: #5c6b7a; }}
table {{ border-collapse: collapse; width: 100%; }} th, td {{ text-align: left; padding: .3em .6em; border-bottom: 1px solid #e5e9ef; }}
td.score {{ text-align: center; color: #111; font-weight: 600; width: 6em; }} tr.moved td:first-child {{ font-weight: 700; }}
.kind {{ color: #5c6b7a; font-size: .9em; }}
</style></head><body>
<h1>Workshop summary: {e(summary.vault)}</h1>
<p>{local:%A %d %B %Y, %H:%M} to {summary.ended.astimezone():%H:%M} · {words.counted(summary.minutes, 'minute')}</p>
<p class="lead">The brain knew <b>{pct(summary.overall_before)}</b> of what an orchestrator needs; it now knows
<b>{pct(summary.overall_after)}</b> ({words.counted(round(delta), "point", signed=True)}).
{words.counted(len(summary.captured), "note")} captured, {len(summary.changed)} changed{f', {len(summary.removed)} removed' if summary.removed else ''}.</p>
{counts}
<h2>Coverage by area, before → after</h2>
<table><tr><th>Area</th><th>Before</th><th>After</th><th>Change</th><th>Notes</th></tr>{area_rows}</table>
<h2>Notes captured</h2>
{notes_table(summary.captured, "No new notes.")}
<h2>Notes changed</h2>
{notes_table(summary.changed, "No notes changed.")}
<h2>Who owns what was captured</h2>
{f'<ul>{owner_rows}</ul>' if owner_rows else "<p class='none'>Nothing captured.</p>"}
<h2>What to do next: the top remaining gaps</h2>
<ol>{gap_rows}</ol>
<p class="none">Made by Substrate from the vault's notes and its coverage blueprint.</p>
</body></html>
"""
