"""The frozen bundle's entry point: `ltxstudio` exactly as the installed command runs it."""

import multiprocessing
import sys

from ltxstudio.__main__ import main

if __name__ == "__main__":
    # The sandbox can render in spawned worker processes; in a frozen app each worker starts
    # this executable again, and freeze_support() turns it into the worker instead of the app.
    multiprocessing.freeze_support()
    sys.exit(main())
