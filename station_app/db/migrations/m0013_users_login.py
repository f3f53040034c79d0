"""Schema 13: users log in (issue 19). ``user`` gains the argon2 hash of the admin's one-time
recovery code, the lockout counters (failed logins in a row, locked until when) and the time of
the last login. Role codes stay 'admin' / 'clerk' / 'readonly' (domain.roles.Role): old 'clerk'
rows keep their value as is."""

import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

VERSION = 13
NAME = "users_login"


def apply(db: pw.Database) -> None:
    migrator = SchemaMigrator.from_database(db)
    migrate(
        migrator.add_column("user", "recovery_hash", pw.CharField(max_length=200, default="")),
        migrator.add_column("user", "failed_logins", pw.IntegerField(default=0)),
        migrator.add_column("user", "locked_until", pw.TextField(null=True)),
        migrator.add_column("user", "last_login_at", pw.TextField(null=True)),
    )
