"""The frozen app's entry point: the same `substrate` command as the console script.

Started without arguments it opens the window; `--selftest` checks the build; every other
`substrate` command works too (`Substrate index VAULT`, `Substrate mcp VAULT`, …)."""

import multiprocessing

from desktop.launcher import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the indexer's worker processes start this executable again
    main()
