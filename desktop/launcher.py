"""The `substrate` console script. It runs the engine's command group from `store.cli`; the
window commands join that group here, and Qt is imported only when a window is asked for,
so `substrate index` never loads Qt."""

from __future__ import annotations

import os
import signal
import sys

if sys.argv[1:2] == ["watch"]:
    # `substrate watch &` inherits SIGINT ignored. Take Ctrl+C and SIGTERM back before the imports
    # below (half a second), while stopping needs no clean-up; `store.cli.indexing.watch` then installs its own.
    for _stop in (signal.SIGINT, signal.SIGTERM):
        signal.signal(_stop, lambda *_: os._exit(130))

from pathlib import Path  # noqa: E402 - after the signals, on purpose

import click  # noqa: E402

from store.cli import cli  # noqa: E402


@cli.command("open")
@click.argument("vault", required=False, type=click.Path(path_type=Path, file_okay=False))
def open_window(vault):
    """Open VAULT in the Substrate window (without VAULT: the last one, or the sample brain)."""
    from desktop.app import run

    if vault is not None and not vault.is_dir():
        raise click.BadParameter(f"{vault} is not a folder. A vault is the folder that holds your notes.", param_hint="VAULT")
    sys.exit(run(vault))


@cli.command("selftest")
@click.option("--keep", type=click.Path(path_type=Path, file_okay=False), help="Keep the images and the bundle it makes here.")
def selftest(keep):
    """Check that this Substrate has everything it needs (offscreen; also `substrate --selftest`)."""
    from desktop.selftest import run_selftest

    sys.exit(run_selftest(keep))


def main(argv=None) -> None:
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["--selftest"]:  # the form a frozen app is run with
        args = ["selftest", *args[1:]]
    cli.main(args=args or ["open"], prog_name="substrate")
