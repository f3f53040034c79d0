"""Schema 2: a deputy's 亮承诺 text (for the 三亮 card) and a roster sort order."""

import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

VERSION = 2
NAME = "deputy_commitment_sort_order"


def apply(db: pw.Database) -> None:
    migrator = SchemaMigrator.from_database(db)
    migrate(
        migrator.add_column("deputy", "commitment", pw.TextField(default="")),
        migrator.add_column("deputy", "sort_order", pw.IntegerField(default=0)),
    )
