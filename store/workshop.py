"""A workshop session: what the brain knew when the room sat down, and what it knows when it
stands up. The start is a snapshot (coverage per area, each note's content hash from the index);
the summary compares the index at the end with it, so every note counts however it was written
(captured in the app, saved from Obsidian, written by an agent), and the activity log says who.
"""

from __future__ import annotations

import datetime as dt
import html
import unicodedata
from dataclasses import dataclass, field

from store import activity
from store import clock
from store import words
from store.coverage import CoverageReport, Gap, NoteCoverage, Totals, gaps


@dataclass(frozen=True)
class Snapshot:
    started: dt.datetime  # aware, UTC
    overall: float
    areas: dict[str, tuple[str, float, int]]  # type -> (label, score, notes written)
    hashes: dict[str, str]  # path -> sha256 of the note as indexed
    notes: dict[str, NoteCoverage] = field(default_factory=dict)  # path -> how the note was judged
    unknowns: dict[str, NoteCoverage] = field(default_factory=dict)  # name (folded) -> a known unknown


@dataclass(frozen=True)
class Progress:
    """What the room did to an area, or to the whole brain, note by note (titles, for the words)."""

    written: tuple[str, ...] = ()  # notes that did not exist when the session started
    stubs: tuple[str, ...] = ()  # of those, the ones with little more than a title: to be filled in
    partial: tuple[str, ...] = ()  # of those, the ones with some of what their type asks
    closed: tuple[str, ...] = ()  # known unknowns that are notes now: gaps closed
    owners: tuple[str, ...] = ()  # notes that had no owner and have one now
    reviewed: tuple[str, ...] = ()  # notes whose review date moved on
    linked: tuple[str, ...] = ()  # names newly linked to that nobody has written: known unknowns the session added
    slipped: tuple[tuple[str, str], ...] = ()  # (title, what it lacks now) for notes that score lower than they did
    removed: tuple[str, ...] = ()
    below: tuple[str, ...] = ()  # notes written that score below what the area (or brain) scored: they pull its mean down

    def __add__(self, other: "Progress") -> "Progress":
        return Progress(*(mine + theirs for mine, theirs in zip(self.__dict__.values(), other.__dict__.values())))

    def said(self) -> str:
        """What changed, in words: "3 notes written (2 stubs, to be filled in) · 2 gaps closed · 1 owner named · 1 review done"."""
        parts = []
        if self.written:
            unfinished = len(self.stubs) + len(self.partial)
            written = words.counted(len(self.written), "note") + " written"
            parts.append(written + (", to be filled in" if unfinished == len(self.written) else f" ({unfinished:,} to be filled in)" if unfinished else ""))
        for titles, one, many in ((self.closed, "gap closed", "gaps closed"), (self.owners, "owner named", "owners named"),
                                  (self.reviewed, "review done", "reviews done")):
            if titles:
                parts.append(words.counted(len(titles), one, many))
        if self.removed:
            parts.append(words.counted(len(self.removed), "note") + " removed")
        return " · ".join(parts)

    def why_lower(self) -> str:
        """Why a score moved down although the room was writing: "2 stubs written, to be filled in; Marcus Lee
        linked, not written yet; Lead Scoring now has no owner". "" when nothing the session did lowers it."""
        reasons = []
        stubs = [t for t in self.below if t in self.stubs]
        partial = [t for t in self.below if t not in self.stubs]
        if stubs:
            reasons.append(f"{words.counted(len(stubs), 'stub')} written, to be filled in ({_names(stubs)})")
        if partial:
            reasons.append(f"{words.counted(len(partial), 'note')} written, to be filled in ({_names(partial)})")
        if self.linked:
            reasons.append(f"{words.counted(len(self.linked), 'name')} linked, not written yet ({_names(self.linked)})")
        reasons.extend(_lacks(title, missing) for title, missing in self.slipped)
        if self.removed:
            reasons.append(f"{words.counted(len(self.removed), 'note')} removed ({_names(self.removed)})")
        return "; ".join(reasons)


def percent(share: float) -> int:
    """A share as the summary shows it, in whole percent."""
    return int(f"{share * 100:.0f}")


def _names(titles, shown: int = 3) -> str:
    titles = list(titles)
    more = len(titles) - shown
    return ", ".join(titles[:shown]) + (f" and {more:,} more" if more > 0 else "")


def _lacks(title: str, missing: str) -> str:
    """How a note that scores lower reads: "Lead Scoring now has no owner", "Lead Routing is due for review"."""
    if missing.startswith(("last reviewed", "never reviewed")):
        return f"{title} is due for review ({missing})"
    return f"{title} now has {missing}" if missing.startswith("no ") else f"{title}: {missing}"


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
    notes_before: int  # notes written, as the map counts them: a known unknown is no note yet
    notes_after: int
    progress: Progress = Progress()

    @property
    def points(self) -> int:
        """The change as the two percentages shown say it (84% → 88% is +4 points, whatever the decimals)."""
        return percent(self.after) - percent(self.before)

    @property
    def down(self) -> bool:
        return self.points < 0 and self.type != "unknown"

    def explained(self) -> str:
        """A score that moved down, in words: "Teams 40% → 38%: 2 stubs written, to be filled in (…)"; "" otherwise."""
        if not self.down:
            return ""
        why = self.progress.why_lower() or "notes judged again as the days pass"
        return f"{self.label} {self.before:.0%} → {self.after:.0%}: {why}"


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
    progress: Progress = Progress()  # what the room did, over every area

    @property
    def points(self) -> int:
        return percent(self.overall_after) - percent(self.overall_before)

    @property
    def down(self) -> bool:
        return self.points < 0

    def explained(self) -> tuple[str, ...]:
        """Every score that moved down, each with its reasons in words; the whole brain's first."""
        overall = ()
        if self.down:
            overall = (f"The whole brain {self.overall_before:.0%} → {self.overall_after:.0%}: "
                       f"{self.progress.why_lower() or 'notes judged again as the days pass'}",)
        return overall + tuple(a.explained() for a in self.areas if a.down)

    @property
    def minutes(self) -> int:
        return max(0, round((self.ended - self.started).total_seconds() / 60))


def snapshot(db, report: CoverageReport, now: dt.datetime | None = None) -> Snapshot:
    return Snapshot(
        started=(now or clock.now_utc()).replace(microsecond=0),  # the activity log counts in seconds
        overall=report.overall,
        areas=_areas(report),
        hashes=dict(db.execute("SELECT path, sha256 FROM files WHERE indexed = 1").fetchall()),
        notes={n.path: n for n in report.notes},
        unknowns={_folded(u.title): u for u in report.known_unknowns},
    )


def _areas(report: CoverageReport) -> dict[str, tuple[str, float, int]]:
    return {a.type: (a.label, a.score, a.total - a.counts.get("known_unknown", 0)) for a in report.areas if a.motion == "all"}


def _folded(name: str) -> str:
    """A name as links match it: without case or Unicode normal form."""
    return unicodedata.normalize("NFC", name).casefold()


def _progress(start: Snapshot, db, report: CoverageReport) -> tuple[dict[str, Progress], tuple[str, ...]]:
    """What the session did, area by area (known unknowns of no type are under "unknown"), and the notes
    written that score below what the whole brain scored when it started."""
    found: dict[str, dict[str, list]] = {}
    below_overall = []

    def add(area: str, kind: str, item) -> None:
        found.setdefault(area, {}).setdefault(kind, []).append(item)

    now_unknown = {_folded(u.title): u for u in report.known_unknowns}
    means = {type_: score for type_, (_label, score, _n) in start.areas.items()}
    by_name = {_folded(n.title): n for n in report.notes}
    start_counted: set[str] = set()  # notes written for any known unknown: the whole brain counted it (at 0)
    counted_before: set[str] = set()  # notes written for a known unknown their area already counted (at 0): they only raise it
    for key, unknown in start.unknowns.items():
        if key in now_unknown:
            continue
        note = by_name.get(key) or report.note(_resolved(db, unknown.title) or "")
        if note is not None:  # written (or named by an alias): the gap is closed where the note now lives
            add(note.type, "closed", note.title)
            start_counted.add(note.path)
            if unknown.type == note.type:
                counted_before.add(note.path)
    for note in report.notes:
        before = start.notes.get(note.path)
        if before is None:
            if note.path in start.hashes:  # a note of no type the blueprint knows that was given one
                continue
            add(note.type, "written", note.title)
            if note.state in ("stub", "partial"):
                add(note.type, "stubs" if note.state == "stub" else "partial", note.title)
            if note.score < means.get(note.type, 0.0) and note.path not in counted_before:
                add(note.type, "below", note.title)
            if note.score < start.overall and note.path not in start_counted:
                below_overall.append(note.title)
            continue
        if not before.owners and note.owners:
            add(note.type, "owners", note.title)
        if note.reviewed and (before.reviewed or "") < note.reviewed:
            add(note.type, "reviewed", note.title)
        if note.score < before.score:
            lacks = [m for m in note.missing if m not in before.missing] or list(note.missing[:1])
            add(note.type, "slipped", (note.title, ", ".join(lacks)))
    for path, before in start.notes.items():
        if report.note(path) is None:
            add(before.type, "removed", before.title)
    for key, unknown in now_unknown.items():
        if key not in start.unknowns:
            add(unknown.type, "linked", unknown.title)
    return {area: Progress(**{kind: tuple(items) for kind, items in kinds.items()}) for area, kinds in found.items()}, tuple(below_overall)


def _resolved(db, name: str) -> str | None:
    """The note a link by this name reaches now, if any (a known unknown answered by an alias of another name)."""
    row = db.execute("SELECT target_path FROM links WHERE target = ? COLLATE NOCASE AND target_path IS NOT NULL LIMIT 1", (name,)).fetchone()
    return row[0] if row else None


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
    progress, below_overall = _progress(start, db, report)
    areas = tuple(
        AreaChange(type_, (after.get(type_) or start.areas.get(type_))[0], start.areas.get(type_, ("", 0.0, 0))[1],
                   after.get(type_, ("", 0.0, 0))[1], start.areas.get(type_, ("", 0.0, 0))[2], after.get(type_, ("", 0.0, 0))[2],
                   progress.get(type_, Progress()))
        for type_ in dict.fromkeys([*start.areas, *after])
    )
    whole = sum(progress.values(), Progress())
    whole = Progress(**{**whole.__dict__, "below": below_overall})
    owners: dict[str, list[str]] = {}
    for note in captured:
        owners.setdefault(note.owner or "nobody yet", []).append(note.title)
    return Summary(
        vault=str(getattr(vault, "name", vault)), started=start.started, ended=now or clock.now_utc(),
        overall_before=start.overall, overall_after=report.overall, captured=captured, changed=changed, removed=removed,
        areas=areas, gaps=gaps(report)[:top], owners={k: tuple(v) for k, v in sorted(owners.items())}, totals=report.totals(),
        progress=whole,
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
        return words.counted(area.points, "point", signed=True) if area.points else ""

    def notes_table(notes: tuple[NoteLine, ...], empty: str) -> str:
        if not notes:
            return f"<p class='none'>{e(empty)}</p>"
        body = "".join(f"<tr><td>{e(n.title)}</td><td>{e(n.type)}</td><td>{e(n.owner or '—')}</td><td>{e(n.by or 'saved in an editor')}</td></tr>"
                       for n in notes)
        return f"<table><tr><th>Note</th><th>Type</th><th>Owner</th><th>Written by</th></tr>{body}</table>"

    moved = [a for a in summary.areas if abs(a.after - a.before) >= 0.0005 or a.notes_after != a.notes_before]
    def label(area: AreaChange) -> str:  # the "unknown" area holds what is linked to but unwritten and of no known type
        return "Linked, never written (no type yet)" if area.type == "unknown" else area.label

    def why(a: AreaChange) -> str:
        return f"<br><small class='why'>Lower for now: {e(a.progress.why_lower() or 'notes judged again as the days pass')}</small>" if a.down else ""

    def row(a: AreaChange) -> str:
        scores = "<td></td><td></td>" if a.type == "unknown" else cell(a.before, a.notes_before) + cell(a.after, a.notes_after)
        return (f"<tr{' class=moved' if a in moved else ''}><td>{e(label(a))}</td>{scores}"
                f"<td>{'' if a.type == 'unknown' else change(a)}</td><td>{a.notes_before} → {a.notes_after}</td>"
                f"<td>{e(a.progress.said())}{why(a)}</td></tr>")

    area_rows = "".join(row(a) for a in summary.areas)
    t = summary.totals
    counts = (f"<p class='totals'>Now: {words.counted(t.notes, 'note')} · {words.counted(t.known_unknowns, 'known unknown')} · {t.stale} stale · "
              f"{t.trapped} trapped · {t.partly_trapped} partly trapped · {words.counted(t.orphans, 'orphan')} · "
              f"{words.counted(t.problems, 'problem')}.</p>") if t else ""
    gap_rows = "".join(f"<li><b>{e(g.title)}</b> <span class='kind'>{e(g.type)}</span> — {e(g.what)}</li>" for g in summary.gaps)
    owner_rows = "".join(f"<li><b>{e(owner)}</b>: {e(', '.join(titles))}</li>" for owner, titles in summary.owners.items())
    lower = "".join(f"<li>{e(line)}</li>" for line in summary.explained())
    lower = (f"<h2>Why some scores are lower</h2><p>An area's score is the average of its notes' scores, and a name linked to but "
             f"not written counts as 0 in it. A new note still to be filled in scores below the area's finished notes, so the "
             f"average dips until it is filled in: that is progress, not loss.</p><ul>{lower}</ul>" if lower else "")
    did = summary.progress.said()
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
.kind {{ color: #5c6b7a; font-size: .9em; }} .why {{ color: #5c6b7a; }}
</style></head><body>
<h1>Workshop summary: {e(summary.vault)}</h1>
<p>{local:%A %d %B %Y, %H:%M} to {summary.ended.astimezone():%H:%M} · {words.counted(summary.minutes, 'minute')}</p>
<p class="lead">The brain knew <b>{pct(summary.overall_before)}</b> of what an orchestrator needs; it now knows
<b>{pct(summary.overall_after)}</b> ({words.counted(summary.points, "point", signed=True)}).</p>
{f'<p class="lead">What the room did: {e(did)}.</p>' if did else ''}
<p>{words.counted(len(summary.captured), "note")} captured, {len(summary.changed)} changed{f', {len(summary.removed)} removed' if summary.removed else ''}: listed below, with who wrote them.</p>
{counts}
<h2>Coverage by area, before → after</h2>
<table><tr><th>Area</th><th>Before</th><th>After</th><th>Change</th><th>Notes written</th><th>What the room did</th></tr>{area_rows}</table>
{lower}
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
