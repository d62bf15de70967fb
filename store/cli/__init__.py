"""The `substrate` command line: the engine's commands, runnable without Qt.

`group.py` holds the command group and what every command shares (errors as one line and exit
status 2, the consoles, `--db`, `--json`, opening a Brain); each module beside it holds the
commands of one feature, added to the group here. `desktop/launcher.py` adds the window commands.
"""

from __future__ import annotations

from store.cli import bundles, coverage, indexing, mcp, notes, simulate
from store.cli.group import cli, main

for command in (
    indexing.index, indexing.watch,
    notes.search, notes.show, notes.problems,
    coverage.coverage, coverage.gaps,
    simulate.simulate,
    bundles.export, bundles.import_,
    mcp.mcp,
):
    cli.add_command(command)
del command

__all__ = ["cli", "main"]
