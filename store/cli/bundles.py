"""`substrate export` and `substrate import`: context bundles from the command line."""

from __future__ import annotations

from pathlib import Path

import click

from store import words
from store.bundle import Scope
from store.bundle_import import apply, check_space, read_plan
from store.cli.group import db_option, json_option, open_brain, print_json, shown, stderr_console, stdout_console, vault_argument
from store.display import printable
from store.locations import check_output


@click.command()
@vault_argument
@click.option("--scope", "scope_text", default="vault", show_default=True, metavar="SCOPE",
              help="vault, type:T, motion:M, tag:T, program:NAME[:DEPTH] or note:NAME[:DEPTH].")
@click.option("--out", required=True, type=click.Path(path_type=Path, dir_okay=False),
              help="The bundle to write (a .zip), outside the vault; an existing file is kept unless --force.")
@click.option("--force", is_flag=True, help="Replace the file at --out if there is one.")
@click.option("--exclude", multiple=True, metavar="NOTE", help="Leave this note out (a path, title or alias; repeatable).")
@click.option("--allow-secrets", is_flag=True, help="Export even if secrets or personal data were found.")
@db_option
def export(vault, scope_text, out, force, exclude, allow_secrets, db_path):
    """Write a context bundle of VAULT: the notes, a manifest, context.md and report.html."""
    scope = Scope.parse(scope_text)
    check_output(out, vault, replace_existing=force, what="the bundle")
    brain, _ = open_brain(vault, db_path, may_read_only=True)
    with brain:
        result = brain.read.export_bundle(scope, out, allow_secrets=allow_secrets, exclude={brain.read.note_path(name) for name in exclude})
    if result.findings and not allow_secrets:
        err = stderr_console()
        err.print(f"[bold red]Not exported:[/] {words.counted(len(result.findings), 'possible secret')} or personal data found (shown redacted):")
        for finding in result.findings[:50]:
            err.print(f"  {shown(str(finding))}")
        if len(result.findings) > 50:
            err.print(f"  … and {len(result.findings) - 50} more")
        err.print("Leave those notes out with --exclude NOTE, or export anyway with --allow-secrets.")
        click.get_current_context().exit(2)
    stdout_console().print(f"Wrote {shown(str(result.path))}: {words.counted(result.notes, 'note')} ({scope.words()}), {result.size / 1024:.0f} KB.")


@click.command(name="import")
@click.argument("bundle", type=click.Path(path_type=Path, dir_okay=False, exists=True))
@vault_argument
@click.option("--dry-run", is_flag=True, help="Check the bundle and show the plan; write nothing.")
@click.option("--conflicts", type=click.Choice(["beside", "skip"]), default="beside", show_default=True,
              help="A note that differs from the vault's: land it beside (\"NOTE (from BUNDLE).md\") or skip it. Never overwrite.")
@json_option
def import_(bundle, vault, dry_run, conflicts, as_json):
    """Bring the notes of BUNDLE into VAULT; nothing is ever overwritten."""
    if not vault.is_dir():
        raise click.BadParameter(f"{printable(str(vault))} is not a folder", param_hint="VAULT")
    plan = read_plan(bundle, vault)
    if dry_run:
        check_space(plan, vault, conflicts)
        if as_json:
            print_json({"new": plan.new, "identical": plan.identical, "conflicts": plan.conflicts,
                         "name_taken": [{"incoming": a, "note": b} for a, b in plan.taken]})
            return
        out = stdout_console()
        out.print(f"{shown(bundle.name)}: {len(plan.new)} new, {len(plan.identical)} identical, {len(plan.conflicts)} conflicting (nothing written).")
        for path in plan.conflicts:
            out.print(f"  conflict: {shown(path)} — would land {'beside it' if conflicts == 'beside' else 'nowhere (skipped)'}")
        _print_taken(out, plan.taken, plan.new)
        return
    done = apply(plan, vault, conflicts)
    if as_json:
        print_json({"written": done.written, "beside": [list(p) for p in done.beside], "skipped": done.skipped,
                     "name_taken": [{"incoming": a, "note": b} for a, b in done.taken],
                     "identical": done.identical, "summary": str(done.summary_path)})
        return
    out = stdout_console()
    out.print(f"Imported {shown(bundle.name)}: {words.counted(len(done.written), 'new note')}, {len(done.beside)} beside a different note, "
              f"{len(done.skipped)} skipped, {len(done.identical)} already identical.")
    for mine, incoming in done.beside:
        out.print(f"  {shown(incoming)} (your {shown(mine)} is untouched)")
    _print_taken(out, done.taken, done.written)
    out.print(f"[dim]Kept a record in {shown(str(done.summary_path))}[/]")


def _print_taken(out, taken: list[tuple[str, str]], incoming_new: list[str]) -> None:
    for incoming, note in taken:
        if note in incoming_new:  # two notes of the bundle answer to one name: the first comes in
            out.print(f"  not imported: {shown(incoming)} — the bundle's {shown(note)} has that name too, and only one note may")
        else:
            out.print(f"  not imported: {shown(incoming)} — your {shown(note)} already has that name; add what the bundle says to it instead")
