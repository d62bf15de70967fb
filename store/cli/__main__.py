"""`python -m store.cli`: the engine's commands without the window."""

import sys

from store.cli import main

sys.exit(main())
