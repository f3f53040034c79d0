"""Schema 12: an index on ``reception.visitor_id_number``, so the reception form can warn at once
that an ID number typed in was given earlier under another name (one indexed look-up, no scan)."""

import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

VERSION = 12
NAME = "visitor_id_index"


def apply(db: pw.Database) -> None:
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_index("reception", ("visitor_id_number",), False))
