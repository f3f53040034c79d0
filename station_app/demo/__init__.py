"""Demo data (``station-app demo``, the tests and the benchmarks stand on it): deterministic
Chinese deputies, activity days, receptions, cases and duty records. Not a use case of the
station, so not under services/: it fills a database through db/ (bulk inserts) and calls the
services where their rules apply (activity days, scoring). Nothing in services/ imports it.

``make_demo`` (make.py) fills the station; ``demo_receptions.generate`` the receptions and
cases at scale; names.py holds the name pools both draw from.
"""

from station_app.demo.make import DemoSummary, make_demo

__all__ = ["make_demo", "DemoSummary"]
