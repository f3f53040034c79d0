"""Peewee models, connection and numbered migrations. No Qt here."""

from station_app.db.connection import close_database, database, open_database

__all__ = ["database", "open_database", "close_database"]
