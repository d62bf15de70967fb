"""A note as one HTML page for the note view: what it says, what it is, how it links.

Every piece of text from the vault is escaped here or by the engine's renderer; the page holds
no script, and links use `note:`, `unwritten:` or http(s)/mailto only.
"""

from __future__ import annotations

import html
from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import quote

from store.coverage import NoteCoverage
from store.display import printable
from store.query import LinkRow, NoteDetail
from store.reader import NotePage  # what `BrainReader.note_page` gives: all the note view needs
from store.render import note_href
from store.words import STATES, in_places, relation_label, reverse_label, word_for

@dataclass(frozen=True)
class Colors:
    text: str
    muted: str
    link: str
    ghost: str
    warn: str
    good: str
    rule: str


def page_html(page: NotePage, colors: Colors) -> str:
    d = page.detail
    parts = [_style(colors), f"<h1>{_e(d.title)}</h1>", _meta_line(d, page.coverage), _coverage_line(page.coverage)]
    parts.append(f'<div class="body">{page.body_html}</div>' if page.body_html.strip() else '<p class="muted">This note has no text yet.</p>')
    parts.append(_fields(d))
    parts.append(_links_section("Links out", d.links_out, lambda l: relation_label(l.rel, page.blueprint), lambda l: _target(l)))
    parts.append(_links_section("Links in", d.links_in, lambda l: reverse_label(l.rel, page.blueprint),
                                lambda l: f'<a class="note" href="{note_href(l.source)}">{_e(l.source_title)}</a>'))
    if d.problems:
        items = "".join(f"<li>{'line ' + str(p.line) + ': ' if p.line else ''}{_e(p.message)}</li>" for p in d.problems)
        parts.append(f'<h2>Problems</h2><ul class="problems">{items}</ul>')
    parts.append(f'<p class="muted path">{_e(d.path)}</p>')
    return "<html><body>" + "\n".join(p for p in parts if p) + "</body></html>"


def _e(text) -> str:
    """Text from the vault for the page: no markup, and no control or bidi character (a name may hold any)."""
    return html.escape(printable(str(text or "")))


def _style(c: Colors) -> str:
    return (
        f"<style>body {{ color: {c.text}; }} a {{ color: {c.link}; text-decoration: none; }} a.unwritten {{ color: {c.ghost}; }}"
        f" a.outside {{ text-decoration: underline; }} .muted {{ color: {c.muted}; }} .warn {{ color: {c.warn}; }}"
        f" .good {{ color: {c.good}; }} .blocked {{ color: {c.muted}; font-style: italic; }}"
        f" h2 {{ margin-top: 18px; border-bottom: 1px solid {c.rule}; }} td {{ padding: 2px 10px 2px 0; vertical-align: top; }}"
        f" th {{ text-align: left; padding-right: 10px; }} code, pre {{ font-family: monospace; }}</style>"
    )


def _meta_line(d: NoteDetail, coverage: NoteCoverage | None) -> str:
    """What the note is. A fact shows as a warning only where the coverage judgement counts it against
    the note (what its type requires), so the line never contradicts the coverage line under it."""
    judged = coverage.missing if coverage else ()

    def fact(text: str, warned: bool) -> str:
        return f'<span class="{"warn" if warned else "muted"}">{text}</span>'

    bits = [f"<b>{_e(d.type or 'no type')}</b>"]
    if d.motion:
        bits.append(_e(d.motion.upper() if d.motion in ("b2b", "b2c") else d.motion))
    owners = [l for l in d.links_out if l.rel == "owner"]
    if owners:
        bits.append("owner " + ", ".join(_target(l) for l in owners))
    elif d.owner:
        bits.append(f"owner {_e(d.owner)}")
    elif "no owner" in judged:  # a type that needs no owner (a person) says nothing of one
        bits.append(fact("no owner", True))
    if d.lives_in:
        bits.append(f'lives in {fact(_e(in_places(d.lives_in)), coverage is not None and coverage.risk == "trapped")}')
    else:
        bits.append(fact("where it lives is not said", False))
    overdue = coverage is not None and coverage.stale
    bits.append(fact(f"reviewed {_e(d.reviewed)}", overdue) if d.reviewed else fact("never reviewed", overdue))
    if d.tags:
        bits.append(_e(" ".join(f"#{t}" for t in d.tags)))
    return '<p class="muted">' + " · ".join(bits) + "</p>"


def _coverage_line(coverage: NoteCoverage | None) -> str:
    if coverage is None:
        return ""
    css = "good" if coverage.state == "covered" else "warn"
    missing = f" — {_e(', '.join(coverage.missing))}" if coverage.missing else ""
    return f'<p><span class="{css}">Coverage: {word_for(STATES, coverage.state)} ({round(coverage.score * 100)}%)</span>{missing}</p>'


def _fields(d: NoteDetail) -> str:
    if not d.fields:
        return ""
    rows = "".join(
        f"<tr><td><b>{_e(f.key)}</b></td><td>{_e(f.value)}</td><td class=\"muted\">{_e(f.section or '')}</td></tr>" for f in d.fields
    )
    return f"<h2>Fields</h2><table>{rows}</table>"


def _target(link: LinkRow) -> str:
    shown = _e(link.label or link.target)
    if link.target_path:
        return f'<a class="note" href="{note_href(link.target_path)}">{shown}</a>'
    return f'<a class="unwritten" href="unwritten:{quote(link.target)}" title="not written yet">{shown}</a>'


def _links_section(heading: str, links: list[LinkRow], name_of, show) -> str:
    if not links:
        return ""
    grouped: dict[str, list[str]] = defaultdict(list)
    for link in links:
        shown = show(link)
        if shown not in grouped[name_of(link)]:
            grouped[name_of(link)].append(shown)
    rows = "".join(f"<tr><td><b>{_e(name)}</b></td><td>{', '.join(items)}</td></tr>" for name, items in sorted(grouped.items()))
    return f"<h2>{heading}</h2><table>{rows}</table>"
