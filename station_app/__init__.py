"""联络站工作台 — offline desk application for a township 人大代表联络站."""

__version__ = "0.1.0"
APP_NAME = "station_app"
APP_TITLE = "联络站工作台"
