"""Schema 15: signed packages (EXCHANGE_FORMAT §2.3a).

- ``station_key``: the importing database's registry of station keys (station code → Ed25519
  public key), one row per station. Re-enrolling a station (a new PC) replaces the row's key and
  counts ``enrolments``; the audit log keeps the old key and the new one (before → after).
- ``own_key``: this station's own key pair, made at its first export. The private key lives in the
  station database, which is encrypted at rest (SQLCipher) and unlocked by a user's login.
- The setting ``export.password`` is deleted: the export password is never stored in plain text
  (it goes to the OS keyring where one works, else it is asked each time).
"""

import peewee as pw

VERSION = 15
NAME = "station_keys"


def apply(db: pw.Database) -> None:
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class StationKey(Base):
        station_code = pw.CharField(max_length=32, unique=True)
        public_key = pw.CharField(max_length=64)
        fingerprint = pw.CharField(max_length=20)
        enrolled_at = pw.TextField()
        enrolled_by = pw.CharField(max_length=40)
        enrolments = pw.IntegerField(default=1)

    class OwnKey(Base):
        station_code = pw.CharField(max_length=32, unique=True)
        private_key = pw.CharField(max_length=64)
        public_key = pw.CharField(max_length=64)
        fingerprint = pw.CharField(max_length=20)
        created_at = pw.TextField()

    db.create_tables([StationKey, OwnKey])
    db.execute_sql("DELETE FROM setting WHERE key = 'export.password'")
