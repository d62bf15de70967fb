"""`substrate index` and `substrate watch`: bringing the index up to date, once or live."""

from __future__ import annotations

import signal
import sys
import time

import click

from store import words
from store.brain import Brain
from store.cli.group import db_option, json_option, json_text, open_brain, shown, stderr_console, vault_argument
from store.display import printable


@click.command()
@vault_argument
@db_option
def index(vault, db_path):
    """Index VAULT (only what changed since last time) and print a summary."""
    brain, seconds = open_brain(vault, db_path, show_progress=True)
    with brain:
        click.echo(_summary_line(brain, seconds))


def _summary_line(brain: Brain, seconds: float) -> str:
    s = brain.read.summary()
    skipped = f", {words.counted(s.skipped, 'file')} skipped" if s.skipped else ""
    counts = [words.counted(s.notes, "note"), words.counted(s.links, "link"), words.counted(s.unresolved, "unresolved link"),
              words.counted(s.problems + len(brain.read.blueprint_problems()), "problem")]
    return f"Indexed {printable(brain.vault.name)}: {', '.join(counts)}{skipped}, {seconds:.2f} s"


@click.command()
@vault_argument
@db_option
@json_option
def watch(vault, db_path, as_json):
    """Index VAULT, then keep the index live, printing one line per applied batch."""
    from store.watch import Watcher  # watchdog loads only for this command

    # Started as a background job (`substrate watch &`, some service managers), the shell leaves
    # SIGINT ignored and Ctrl+C or `kill -INT` would do nothing: take both stop signals back.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    brain, seconds = open_brain(vault, db_path, show_progress=True)
    err = stderr_console()
    err.print(shown(_summary_line(brain, seconds)))
    watcher = Watcher(
        brain,
        on_applied=lambda applied: _print_applied(applied, as_json),
        on_notice=lambda message: err.print(f"[yellow]Notice:[/] {shown(message)}"),
    )
    try:
        watcher.start()
        err.print(f"Watching {shown(str(brain.vault.root))} for changes. Press Ctrl+C to stop.")
        while True:
            time.sleep(3600)  # until a stop signal raises KeyboardInterrupt
    except KeyboardInterrupt:
        pass
    finally:
        watcher.stop()
        brain.close()
    err.print("Stopped.")


def _print_applied(applied, as_json: bool) -> None:
    c = applied.changes
    if as_json:
        record = {
            "changed": list(c.changed), "added": list(c.added), "removed": list(c.removed),
            "renamed": [list(pair) for pair in c.renamed], "relinked": c.relinked,
            "rescan": applied.rescan, "milliseconds": round(applied.milliseconds, 1), "scan_problems": c.scan_problems,
        }
        click.echo(json_text(record, indent=None))
    else:
        names = [printable(name) for name in (*c.changed, *c.added, *c.removed, *(f"{old} -> {new}" for old, new in c.renamed))]
        shown = ", ".join(names[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
        if c.scan_problems:  # a folder became unreadable, a name that is not UTF-8 came or went
            shown += ("; " if shown else "") + "what could not be indexed changed (substrate problems lists it)"
        click.echo(
            f"{time.strftime('%H:%M:%S')}  {len(c.changed)} changed, {len(c.added)} added, {len(c.removed)} removed, "
            f"{len(c.renamed)} renamed in {applied.milliseconds:.0f} ms{': ' + shown if shown else ''}"
        )
    sys.stdout.flush()
