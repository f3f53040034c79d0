"""Schema 3: 代表活动日, duty rota, attendance, holiday overrides, deputies' unavailable dates."""

import peewee as pw

VERSION = 3
NAME = "activity_days"


def apply(db: pw.Database) -> None:
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class Travel(Base):
        uid = pw.CharField(max_length=36, unique=True)
        station_code = pw.CharField(max_length=32, index=True)
        created_at = pw.TextField()
        updated_at = pw.TextField(index=True)
        deleted_at = pw.TextField(null=True)

    class ActivityDay(Travel):
        date = pw.CharField(max_length=10, index=True)
        start_time = pw.CharField(max_length=5, null=True)
        end_time = pw.CharField(max_length=5, null=True)
        kind = pw.CharField(max_length=16, default="reception")
        theme = pw.CharField(max_length=200, default="")
        place = pw.CharField(max_length=200, default="")
        host = pw.CharField(max_length=40, default="")
        status = pw.CharField(max_length=12, default="planned")
        agenda = pw.TextField(default="")
        discussion = pw.TextField(default="")
        decisions = pw.TextField(default="")
        follow_ups = pw.TextField(default="")
        origin = pw.CharField(max_length=12, default="manual")
        original_date = pw.CharField(max_length=10, null=True)
        change_reason = pw.CharField(max_length=200, default="")

    class Duty(Travel):
        activity_day_uid = pw.CharField(max_length=36, index=True)
        deputy_uid = pw.CharField(max_length=36, index=True)
        manual = pw.BooleanField(default=False)
        note = pw.CharField(max_length=200, default="")

    class Attendance(Travel):
        activity_day_uid = pw.CharField(max_length=36, index=True)
        deputy_uid = pw.CharField(max_length=36, index=True)
        status = pw.CharField(max_length=8)

    class HolidayOverride(Base):
        date = pw.CharField(max_length=10, unique=True)
        kind = pw.CharField(max_length=8)
        note = pw.CharField(max_length=100, default="")

    class DeputyUnavailable(Base):
        deputy_uid = pw.CharField(max_length=36, index=True)
        date_from = pw.CharField(max_length=10)
        date_to = pw.CharField(max_length=10)
        reason = pw.CharField(max_length=100, default="")

    db.create_tables([ActivityDay, Duty, Attendance, HolidayOverride, DeputyUnavailable])
    # Partial unique indexes: the same SQL on SQLite and PostgreSQL.
    db.execute_sql("CREATE UNIQUE INDEX activity_day_one_per_date ON activity_day (station_code, date)"
                   " WHERE deleted_at IS NULL AND status <> 'cancelled'")
    db.execute_sql("CREATE UNIQUE INDEX attendance_one_per_deputy ON attendance (activity_day_uid, deputy_uid)"
                   " WHERE deleted_at IS NULL")
    db.execute_sql("CREATE UNIQUE INDEX duty_one_per_deputy ON duty (activity_day_uid, deputy_uid)"
                   " WHERE deleted_at IS NULL")
