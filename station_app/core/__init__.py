"""The core under every layer: errors a user can act on (errors.py), where data lives (paths.py),
atomic file writing (fileio.py) and the crash log (crashlog.py). Plain Python, no Qt, no database:
domain/, db/, services/, printing/, ui/ and the command line all import from here, and core
imports none of them."""
