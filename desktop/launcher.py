"""The `substrate` console script. It runs the engine's command group from `store.cli`; the
window commands join that group here, so `substrate index` never loads Qt."""

from store.cli import cli


def main(argv=None) -> None:
    cli.main(args=argv, prog_name="substrate")
