"""`substrate mcp`: the brain for AI agents, over the Model Context Protocol (stdio)."""

from __future__ import annotations

import click

from store.cli.group import db_option, vault_argument
from store.display import printable
from store.locations import check_index


@click.command()
@vault_argument
@db_option
@click.option("--allow-capture", is_flag=True, help="Add a `capture` tool that writes new notes (never edits or deletes one).")
def mcp(vault, db_path, allow_capture):
    """Serve VAULT to AI agents over MCP on stdin/stdout, read-only (see the README for a client's settings)."""
    if not vault.is_dir():
        raise click.BadParameter(f"{printable(str(vault))} is not a folder", param_hint="VAULT")
    from store.mcp_server import serve

    check_index(db_path, vault)
    serve(vault, db_path, allow_capture)
