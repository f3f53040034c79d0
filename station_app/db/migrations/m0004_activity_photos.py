"""Schema 4: photos of an activity day (活动照片)."""

import peewee as pw

VERSION = 4
NAME = "activity_photos"


def apply(db: pw.Database) -> None:
    class ActivityPhoto(pw.Model):
        uid = pw.CharField(max_length=36, unique=True)
        station_code = pw.CharField(max_length=32, index=True)
        created_at = pw.TextField()
        updated_at = pw.TextField(index=True)
        deleted_at = pw.TextField(null=True)
        activity_day_uid = pw.CharField(max_length=36, index=True)
        photo = pw.CharField(max_length=120)
        caption = pw.CharField(max_length=200, default="")

        class Meta:
            database = db
            legacy_table_names = False

    db.create_tables([ActivityPhoto])
