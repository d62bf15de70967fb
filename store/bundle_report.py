"""What a bundle says to people and to agents: `context.md` (every note in reading order) and
`report.html` (self-contained: inline CSS and SVG, no script, nothing fetched, all text escaped)."""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Mapping
from multiprocessing import get_context
from urllib.parse import unquote

import sqlite_utils

from store import worker_pool
from store import words
from store.coverage import CoverageReport
from store.render import make_resolver, render_body

READING_ORDER = ("goal", "program", "process", "audience", "metric", "system", "seam", "data_object", "source", "policy",
                 "decision", "agent", "team", "person")


def _meta(db: sqlite_utils.Database, paths: list[str]) -> dict[str, dict]:
    found = {}
    for start in range(0, len(paths), 500):
        chunk = paths[start : start + 500]
        rows = db.execute(f"SELECT path, title, type, owner, reviewed, lives_in, body FROM notes WHERE path IN ({','.join('?' * len(chunk))})", chunk)
        for path, title, type_, owner, reviewed, lives_in, body in rows:
            found[path] = {"title": title, "type": type_ or "", "owner": owner or "", "reviewed": reviewed or "",
                           "lives_in": json.loads(lives_in or "[]"), "body": body or ""}
    return found


def _ordered(meta: dict[str, dict]) -> list[str]:
    rank = {kind: i for i, kind in enumerate(READING_ORDER)}
    return sorted(meta, key=lambda p: (rank.get(meta[p]["type"], len(rank)), meta[p]["title"].casefold(), p))


def _facts(note: dict, judged_notes: dict, path: str) -> str:
    judged = judged_notes.get(path)
    parts = [note["type"] or "no type", f"owner {_plain(note['owner']) or 'nobody'}",
             f"reviewed {note['reviewed']}" if note["reviewed"] else "never reviewed",
             f"lives in {', '.join(note['lives_in'])}" if note["lives_in"] else "where it lives: not said"]
    if judged:
        parts.append(f"coverage {words.word_for(words.STATES, judged.state)} {judged.score:.0%}")
    return " · ".join(parts)


def _plain(owner: str) -> str:
    return owner.replace("[[", "").replace("]]", "").strip().strip('"')


def context_markdown(db: sqlite_utils.Database, report: CoverageReport, manifest: dict) -> str:
    """Every note, in reading order (goals and programs first, people last), each with its facts."""
    meta = _meta(db, [n["path"] for n in manifest["notes"]])
    judged = {n.path: n for n in report.notes}
    scope = manifest["scope"]
    lines = [f"# Context from {manifest['vault']} ({scope['kind']}{': ' + scope['value'] if scope['value'] else ''})", "",
             f"{words.counted(len(meta), 'note')}, exported {manifest['created']} by {manifest['generator']}. "
             f"The whole brain's coverage: {report.overall:.0%}.", ""]
    for path in _ordered(meta):
        note = meta[path]
        lines += ["---", "", f"## {note['title']}", "", f"*{_facts(note, judged, path)}* — `{path}`", "", note["body"].strip(), ""]
    return "\n".join(lines).rstrip() + "\n"


_NOTE_HREF = re.compile(r'href="note:([^"]*)"')
_UNWRITTEN_HREF = re.compile(r'\shref="unwritten:[^"]*"')
_VAULT_IMAGE = re.compile(r'<img src="vault:[^"]*" alt="([^"]*)">')
CSS = """
body{font:15px/1.5 -apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
main{max-width:980px;margin:0 auto;padding:24px 32px;background:#fff}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:28px 0 6px;border-top:1px solid #e3e6ea;padding-top:18px}
.facts{color:#5b6472;font-size:13px}.path{color:#8a929e;font-size:12px}
a.note{color:#1f6feb;text-decoration:none}a.unwritten{color:#b04a4a;text-decoration:underline dotted}
a.outside{color:#1f6feb}table{border-collapse:collapse}td,th{border:1px solid #e3e6ea;padding:3px 8px;text-align:left}
.toc{columns:2;font-size:14px}.toc a{color:#1d2330}.blocked{color:#8a929e;font-style:italic}
code,pre{background:#f2f4f7;border-radius:3px}pre{padding:8px;overflow:auto}
.body h1,.body h2,.body h3,.body h4{font-size:16px;border:0;margin:14px 0 4px;padding:0}
table.map td{text-align:center;color:#14171f;min-width:90px;border:2px solid #fff}table.map th{text-align:left;border:0}
table.map td.empty{color:#8a929e;background:#f6f7f9}
ul.totals{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:4px 16px;color:#5b6472}
"""


def report_html(db: sqlite_utils.Database, report: CoverageReport, manifest: dict, contents: dict[str, bytes],
                labels: Mapping[str, str] | None = None) -> str:
    meta = _meta(db, list(contents))
    judged = {n.path: n for n in report.notes}
    order = _ordered(meta)
    anchors = {path: f"n{i}" for i, path in enumerate(order)}
    scope = manifest["scope"]
    esc = html.escape
    parts = [
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">",
        # No request may leave the page: no scripts, no remote images, fonts or styles.
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">",
        f"<title>{esc(manifest['vault'])} — context bundle</title><style>{CSS}</style></head><body><main>",
        f"<h1>{esc(manifest['vault'])}: context bundle</h1>",
        f"<p class=\"facts\">{esc(scope['kind'])}{': ' + esc(scope['value']) if scope['value'] else ''} · {words.counted(len(order), 'note')} · "
        f"exported {esc(manifest['created'])} by {esc(manifest['generator'])}</p>",
        f"<h2>What the brain knows: {report.overall:.0%}</h2>", _totals(report), _coverage_svg(report), _heat_map(report), _risks(report, anchors),
    ]
    if manifest.get("run"):
        parts.append(_run_section(manifest["run"]))
    parts.append("<h2>Notes</h2><div class=\"toc\">" + "".join(
        f"<div><a href=\"#{anchors[p]}\">{esc(meta[p]['title'])}</a> <span class=\"facts\">{esc(meta[p]['type'])}</span></div>" for p in order) + "</div>")
    links = {}
    for source, target, target_path in db.execute("SELECT source, target, target_path FROM links"):
        if source in anchors:
            links.setdefault(source, []).append((target, target_path))
    rendered = render_many([(path, meta[path]["body"], meta[path]["title"], links.get(path, []), dict(labels or {})) for path in order])
    for path, body in zip(order, rendered):
        note = meta[path]
        body = _NOTE_HREF.sub(lambda m: f'href="#{anchors[unquote(m.group(1))]}"' if unquote(m.group(1)) in anchors else "", body)
        body = _UNWRITTEN_HREF.sub("", body)
        body = _VAULT_IMAGE.sub(lambda m: f'<span class="blocked">[image not in the bundle: {m.group(1)}]</span>', body)
        parts.append(f"<h2 id=\"{anchors[path]}\">{esc(note['title'])}</h2><p class=\"facts\">{esc(_facts(note, judged, path))}</p>"
                     f"<div class=\"body\">{body}</div><p class=\"path\">{esc(path)}</p>")
    parts.append("</main></body></html>")
    return "\n".join(parts)


PARALLEL_FROM = 400  # notes; below this, starting worker processes costs more than it saves


def render_many(items: list[tuple[str, str, str, list, dict]]) -> list[str]:
    """Each note's body as HTML; a big scope is rendered on every core (markdown-it is pure Python)."""
    if len(items) < PARALLEL_FROM:
        return [_render_one(item) for item in items]
    workers = max(1, min(4, os.cpu_count() or 1))
    with worker_pool.pool(workers, get_context("spawn")) as pool:
        return list(pool.map(_render_one, items, chunksize=200))


def _render_one(item: tuple[str, str, str, list, dict]) -> str:
    path, body, title, links, labels = item
    return render_body(body, make_resolver(path, links), title, labels=labels)


TOTAL_WORDS = (("notes", "notes"), ("known_unknowns", "known unknowns"), ("covered", "covered"), ("stale", "stale"),
               ("partial", "partial"), ("stub", "stubs"), ("trapped", "trapped"), ("partly_trapped", "partly trapped"),
               ("orphans", "orphans"), ("problems", "problems"), ("empty_areas", "areas with none written"))


def _totals(report: CoverageReport) -> str:
    """The whole brain's counts, as the app and the command line show them (`CoverageReport.totals`)."""
    totals = report.totals().as_dict()
    items = "".join(f'<li data-count="{key}"><b>{totals[key]}</b> {words}</li>' for key, words in TOTAL_WORDS)
    return f'<ul class="totals">{items}</ul>'


def _coverage_svg(report: CoverageReport) -> str:
    """One stacked bar of the notes by coverage state, drawn inline."""
    total = sum(report.counts.values()) or 1
    x, rects, legend = 0.0, [], []
    for state in words.STATES.values():
        n = report.counts.get(state.key, 0)
        if not n:
            continue
        width = 900 * n / total
        rects.append(f'<rect x="{x:.1f}" y="0" width="{width:.1f}" height="22" fill="{state.colour}"><title>{state.count(n)}</title></rect>')
        legend.append(state.count(n))
        x += width
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="900" height="22" role="img" aria-label="coverage">{"".join(rects)}</svg>'
            f'<p class="facts">{html.escape(" · ".join(legend))}</p>')


def _heat_map(report: CoverageReport) -> str:
    """The coverage map as a table: one row per area, one column per motion, each cell colored by its score."""
    motions = (("all", "All"), ("b2b", "B2B"), ("b2c", "B2C"), ("shared", "Shared"))
    cells = {(a.type, a.motion): a for a in report.areas}
    rows = []
    for kind, label in dict.fromkeys((a.type, a.label) for a in report.areas):
        tds = []
        for motion, _word in motions:
            area = cells.get((kind, motion))
            if area is not None and not area.total and motion == "all":  # an area with no note at all: a gap
                tds.append(f'<td style="background:{words.score_hex(0.0)}">0%<br><small>none written</small></td>')
                continue
            if area is None or not area.total:
                tds.append('<td class="empty">—</td>')
                continue
            tds.append(f'<td style="background:{words.score_hex(area.score)}">{area.score:.0%}<br><small>{words.counted(area.total, "note")}</small></td>')
        rows.append(f"<tr><th>{html.escape(label)}</th>{''.join(tds)}</tr>")
    head = "".join(f"<th>{word}</th>" for _m, word in motions)
    return f'<table class="map"><tr><th></th>{head}</tr>{"".join(rows)}</table>'


def _risks(report: CoverageReport, anchors: dict[str, str]) -> str:
    def item(note) -> str:
        title = html.escape(note.title)
        name = f'<a class="note" href="#{anchors[note.path]}">{title}</a>' if note.path in anchors else title
        return f"<li>{name}: {html.escape('; '.join(note.missing) or words.word_for(words.STATES, note.state))}</li>"

    trapped = [n for n in report.trapped if n.path in anchors][:15]
    unknown = list(report.known_unknowns)[:15]
    out = []
    if trapped:
        out.append("<h2>Trapped knowledge</h2><p>Only in a head, Slack or email: an orchestrator cannot read it.</p><ul>" + "".join(map(item, trapped)) + "</ul>")
    if unknown:
        out.append("<h2>Known unknowns</h2><p>Linked to, never written.</p><ul>" + "".join(map(item, unknown)) + "</ul>")
    return "".join(out)


def _run_section(run: dict) -> str:
    esc = html.escape
    rows = "".join(f"<tr><td>{esc(str(s.get('lane', '')))}</td><td>{esc(str(s.get('name', '')))}</td><td>{esc(words.word_for(words.DECISIONS, str(s.get('decision', ''))))}</td>"
                   f"<td>{esc('; '.join(map(str, s.get('reasons', []))))}</td></tr>" for s in run.get("steps", []))
    title = esc(str(run.get("program", {}).get("title", "")))
    outcome = esc(str(run.get("outcome", "")))
    return f"<h2>The simulated run: {title}</h2><p>{outcome}</p><table><tr><th>Lane</th><th>Step</th><th>Decision</th><th>Why</th></tr>{rows}</table>"
