"""Schema 10: a deputy's 公开联系电话 — the number he or she agrees to publish, printed in full
on contact cards and boards and put in full in their QR codes (the private ``phone`` stays masked)."""

import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

VERSION = 10
NAME = "deputy_public_phone"


def apply(db: pw.Database) -> None:
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("deputy", "public_phone", pw.CharField(max_length=40, default="")))
