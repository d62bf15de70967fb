"""The `substrate` command group and what its commands share: the error handling, the consoles,
the common options, opening a vault's Brain, and printing names and JSON harmlessly.

Errors a user can cause print one line and exit with status 2; the commands live in the modules
beside this one, by feature, and `store/cli/__init__.py` adds them to the group.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from pathlib import Path

import click
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from store import words
from store.brain import Brain
from store.display import printable
from store.errors import IndexBusy, SubstrateError, still_indexing
from store.locations import check_index

USER_ERROR = 2


class SubstrateGroup(click.Group):
    """Turns SubstrateError into one line on stderr and exit status 2, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except SubstrateError as exc:
            click.echo(f"Error: {printable(str(exc))}", err=True)
            ctx.exit(USER_ERROR)
        except KeyboardInterrupt:
            click.echo("Stopped.", err=True)
            ctx.exit(130)


@click.group(cls=SubstrateGroup)
@click.version_option(words.app_version(), prog_name="substrate")
def cli():
    """Substrate: the brain your orchestration needs, kept as markdown notes."""


vault_argument = click.argument("vault", type=click.Path(path_type=Path))
db_option = click.option(
    "--db", "db_path", type=click.Path(path_type=Path, dir_okay=False),
    help="Index file to use (default: one per vault in Substrate's data folder).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")


def shown(text) -> str:
    """A name, title or message from the vault as rich markup that prints harmlessly: no markup of its
    own, and no control character, terminal escape or bidi mark (see `store.display.printable`)."""
    return escape(printable(str(text)))


# JSON escapes C0 controls itself; DEL, C1 controls, bidi and zero-width marks and line separators it
# leaves raw. Escaped as \uXXXX they are the same JSON strings, harmless on a terminal.
_RAW_IN_JSON = re.compile("[\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ud800-\udfff]")


def json_text(value, indent: int | None = 2) -> str:
    """`value` as JSON for a terminal: names exactly as they are, every character that could act on a screen escaped."""
    return _RAW_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, indent=indent, ensure_ascii=False, default=_plain))


def stdout_console() -> Console:
    return Console(highlight=False, soft_wrap=True)


def stderr_console() -> Console:
    return Console(stderr=True, highlight=False)


def open_brain(vault: Path, db_path: Path | None, show_progress: bool = False, may_read_only: bool = False) -> tuple[Brain, float]:
    """Open the vault's brain and bring its index up to date; return it with the seconds that took.

    When another process is the index's writer (the app, `substrate watch`), it keeps the index
    current: a command that only reads attaches read-only instead of failing."""
    started = time.perf_counter()
    err = stderr_console()
    check_index(db_path, vault)
    try:
        brain = Brain(vault, db_path)
    except IndexBusy:
        if not may_read_only:
            raise
        brain = Brain(vault, db_path, read_only=True)
        if (building := brain.read.building()) is not None:
            err.print(f"[yellow]Notice:[/] {still_indexing(*building)}; results are partial.")
        else:
            err.print("[yellow]Notice:[/] another Substrate is keeping this index up to date; reading it as it is.")
        return brain, time.perf_counter() - started
    for notice in brain.notices:
        err.print(f"[yellow]Notice:[/] {shown(notice)}")
    if show_progress and err.is_terminal:
        with Progress(TextColumn("Indexing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(), console=err, transient=True) as bar:
            task = bar.add_task("index", total=None)
            brain.refresh(progress=lambda done, total: bar.update(task, completed=done, total=total))
    else:
        brain.refresh()
    return brain, time.perf_counter() - started


def print_json(value) -> None:
    """JSON on stdout; the engine's result dataclasses print as their fields."""
    click.echo(json_text(value))


def _plain(value):
    return dataclasses.asdict(value) if dataclasses.is_dataclass(value) else str(value)


today_option = click.option("--today", type=click.DateTime(["%Y-%m-%d"]), help="Judge freshness as of this day (YYYY-MM-DD).")


def report_blueprint_problems(brain: Brain) -> None:
    for problem in brain.read.blueprint_problems():  # the same words as `substrate problems` and the app's panel
        line = f" line {problem.line}" if problem.line else ""
        stderr_console().print(f"[yellow]Blueprint:[/] {shown(problem.path)}{line}: {shown(problem.message)}")


def main(argv=None) -> None:
    cli.main(args=argv, prog_name="substrate")
