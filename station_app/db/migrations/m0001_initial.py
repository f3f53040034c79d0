"""Schema 1: station profile, deputies, settings, users, audit log."""

import peewee as pw

VERSION = 1
NAME = "initial"


def apply(db: pw.Database) -> None:
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Station(Base):
        code = pw.CharField(max_length=32, unique=True)
        name = pw.CharField(max_length=100)
        township = pw.CharField(max_length=100, default="")
        county = pw.CharField(max_length=100, default="")
        address = pw.CharField(max_length=200, default="")
        phone = pw.CharField(max_length=40, default="")
        is_home = pw.BooleanField(default=False)
        created_at = pw.TextField()
        updated_at = pw.TextField()

    class Deputy(Base):
        uid = pw.CharField(max_length=36, unique=True)
        station_code = pw.CharField(max_length=32, index=True)
        created_at = pw.TextField()
        updated_at = pw.TextField(index=True)
        deleted_at = pw.TextField(null=True)
        name = pw.CharField(max_length=40, index=True)
        gender = pw.CharField(max_length=8, null=True)
        ethnicity = pw.CharField(max_length=20, default="")
        birth_date = pw.CharField(max_length=10, null=True)
        party = pw.CharField(max_length=20, default="")
        levels_mask = pw.IntegerField()
        sector = pw.CharField(max_length=40, default="")
        group_name = pw.CharField(max_length=40, default="", index=True)
        phone = pw.CharField(max_length=40, default="")
        term = pw.CharField(max_length=40, default="")
        active = pw.BooleanField(default=True)
        photo = pw.CharField(max_length=120, null=True)
        note = pw.TextField(default="")

    class Setting(Base):
        key = pw.CharField(max_length=80, primary_key=True)
        value = pw.TextField(null=True)

    class User(Base):
        uid = pw.CharField(max_length=36, unique=True)
        username = pw.CharField(max_length=40, unique=True)
        display_name = pw.CharField(max_length=40, default="")
        password_hash = pw.CharField(max_length=200)
        role = pw.CharField(max_length=16, default="clerk")
        active = pw.BooleanField(default=True)
        created_at = pw.TextField()
        updated_at = pw.TextField()

    class AuditLog(Base):
        at = pw.TextField(index=True)
        actor = pw.CharField(max_length=40)
        action = pw.CharField(max_length=20)
        table_name = pw.CharField(max_length=40)
        record_uid = pw.CharField(max_length=64, index=True)
        station_code = pw.CharField(max_length=32, default="")
        before = pw.TextField(null=True)
        after = pw.TextField(null=True)
        summary = pw.CharField(max_length=200, default="")

    db.create_tables([Station, Deputy, Setting, User, AuditLog])
