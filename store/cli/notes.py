"""`substrate search`, `substrate show` and `substrate problems`: reading the notes."""

from __future__ import annotations

import dataclasses
from collections import defaultdict

import click
from rich.console import Console

from store import words
from store import query
from store.cli.group import db_option, json_option, open_brain, print_json, shown, stdout_console, vault_argument


@click.command()
@vault_argument
@click.argument("text")
@db_option
@json_option
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 500), help="How many results at most.")
def search(vault, text, db_path, as_json, limit):
    """Search VAULT's notes for TEXT, best matches first."""
    brain, _ = open_brain(vault, db_path, may_read_only=True)
    with brain:
        hits = brain.read.search(text, limit=limit)
    if as_json:
        print_json(hits)
        return
    out = stdout_console()
    if not hits:
        out.print(f"No notes match '{shown(text)}'.")
        return
    for number, hit in enumerate(hits, start=1):
        out.print(f"[bold]{number}. {shown(hit.title)}[/]  [dim]{shown(hit.type)} · {shown(hit.path)}[/]")
        out.print(f"   {_highlighted(hit.snippet)}")


def _highlighted(snippet: str) -> str:
    start, end = query.HIGHLIGHT
    return shown(snippet).replace(start, "[reverse]").replace(end, "[/reverse]")


@click.command()
@vault_argument
@click.argument("note")
@db_option
@json_option
def show(vault, note, db_path, as_json):
    """Show NOTE (a path, name, alias or title) with its fields and typed links."""
    brain, _ = open_brain(vault, db_path, may_read_only=True)
    with brain:
        detail = brain.read.note(note)
        blueprint = brain.read.blueprint()
    if as_json:
        data = dataclasses.asdict(detail)
        for link in data["links_in"]:
            link["inverse"] = blueprint.inverse(link["rel"]) or f"{link['rel']} (from)"
        print_json(data)
        return
    _print_detail(stdout_console(), detail, blueprint)


def _print_detail(out: Console, d: query.NoteDetail, blueprint) -> None:
    out.print(f"[bold]{shown(d.title)}[/]  [dim]{shown(d.path)}[/]")
    facts = [("type", d.type), ("owner", d.owner), ("status", d.status), ("reviewed", d.reviewed),
             ("lives in", ", ".join(d.lives_in)), ("motion", d.motion), ("confidence", d.confidence),
             ("aliases", ", ".join(d.aliases)), ("tags", ", ".join(f"#{t}" for t in d.tags))]
    for label, value in facts:
        if value:
            out.print(f"  {label + ':':<12} {shown(str(value))}")
    if d.fields:
        out.print("\n[bold]Fields[/]")
        for f in d.fields:
            where = f" [dim]({shown(f.section)})[/]" if f.section else ""
            out.print(f"  {shown(f.key)}: {shown(f.value)}{where}")
    _print_links(out, "Links out", d.links_out, lambda l: l.target_path or f"{l.target} (not written yet)",
                 lambda rel: words.relation_label(rel, blueprint))
    _print_links(out, "Links in", d.links_in, lambda l: l.source, lambda rel: words.reverse_label(rel, blueprint))
    if d.problems:
        out.print("\n[bold]Problems[/]")
        for p in d.problems:
            out.print(f"  line {p.line or '-'}: {shown(p.message)}")


def _print_links(out: Console, heading: str, links: list[query.LinkRow], describe, name) -> None:
    if not links:
        return
    out.print(f"\n[bold]{heading}[/]")
    grouped = defaultdict(list)
    for link in links:
        grouped[name(link.rel)].append(link)
    for label, rows in grouped.items():
        out.print(f"  {shown(label)}")
        for link in rows:
            out.print(f"    {shown(describe(link))}  [dim]line {link.line}[/]")


@click.command()
@vault_argument
@db_option
@json_option
def problems(vault, db_path, as_json):
    """List every problem found in VAULT's notes."""
    brain, _ = open_brain(vault, db_path, may_read_only=True)
    with brain:
        rows = brain.read.problems()
    if as_json:
        print_json(rows)
        return
    out = stdout_console()
    for p in rows:
        where = f"{p.path}:{p.line}" if p.line else p.path
        out.print(f"{shown(where)}: {shown(p.message)}")
    out.print(f"{words.counted(len(rows), 'problem')}.")
