"""`python -m rl4lrm`: the same as the `rl4lrm` command."""

import sys

from .cli import main

sys.exit(main())
