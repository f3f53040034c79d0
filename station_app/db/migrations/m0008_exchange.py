"""Schema 8: the USB exchange (EXCHANGE_FORMAT §2) — the packages this database has sent (so the
next incremental package knows where to start and names its predecessor) and the packages it has
imported (so the county sees each station's chain and its gaps)."""

import peewee as pw

VERSION = 8
NAME = "exchange"


def apply(db: pw.Database) -> None:
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class ExchangeSent(Base):
        package_id = pw.CharField(max_length=36, unique=True)
        station_code = pw.CharField(max_length=32)
        kind = pw.CharField(max_length=12)
        period_from = pw.CharField(max_length=10)
        period_to = pw.CharField(max_length=10)
        created_at = pw.TextField()
        previous_package_id = pw.CharField(max_length=36, null=True)
        file_name = pw.CharField(max_length=200)
        counts = pw.TextField()
        bytes = pw.BigIntegerField(default=0)

        class Meta:
            indexes = ((("station_code", "created_at"), False),)

    class ExchangeImported(Base):
        package_id = pw.CharField(max_length=36, unique=True)
        station_code = pw.CharField(max_length=32)
        kind = pw.CharField(max_length=12)
        period_from = pw.CharField(max_length=10)
        period_to = pw.CharField(max_length=10)
        created_at = pw.TextField()
        previous_package_id = pw.CharField(max_length=36, null=True)
        file_name = pw.CharField(max_length=200)
        counts = pw.TextField()
        imported_at = pw.TextField()
        status = pw.CharField(max_length=12)
        reason = pw.TextField(default="")

        class Meta:
            indexes = ((("station_code", "created_at"), False),)

    db.create_tables([ExchangeSent, ExchangeImported])
