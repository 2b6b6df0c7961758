"""`python -m components`: the `containers` command line (components/cli.py)."""

import sys

from components.cli import main

sys.exit(main())
