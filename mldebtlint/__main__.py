"""`python -m mldebtlint`: the command line, never importing from the project being checked."""

import os
import sys

# `python -m` puts the current directory first on sys.path: run from a project that holds a
# `click.py` or `libcst/`, the import below would load (and so run) the project's code
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from mldebtlint.cli import main

if __name__ == "__main__":
    main()
