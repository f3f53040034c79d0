"""Schema 9: the station profile carries its reception rule (接待日) and its activity-day rules
(活动日规则, a JSON list of texts), so that a station imported at
the county, or restored onto a new PC from its own package, prints exactly as at home."""

import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

VERSION = 9
NAME = "station_profile"


def apply(db: pw.Database) -> None:
    migrator = SchemaMigrator.from_database(db)
    migrate(migrator.add_column("station", "reception_rule", pw.CharField(max_length=200, default="")),
            migrator.add_column("station", "schedule_rules", pw.TextField(default="[]")))
