"""``python -m station_app`` behaves like ``station-app``."""

import sys

from station_app.cli import main

if __name__ == "__main__":
    sys.exit(main())
