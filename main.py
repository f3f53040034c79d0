"""Thin entry point: ``python main.py [ARGS]`` behaves like ``station-app [ARGS]``."""

import sys

from station_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
