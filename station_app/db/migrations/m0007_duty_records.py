"""Schema 7: 履职积分 — the year's rules (indicator set, quotas, grades) as the clerk edits them and
as last applied, and the duty records (EXCHANGE_FORMAT §2.3 duty_records) behind every score."""

import peewee as pw

VERSION = 7
NAME = "duty_records"


def apply(db: pw.Database) -> None:
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class ScoringRules(Base):
        station_code = pw.CharField(max_length=32)
        year = pw.IntegerField()
        doc = pw.TextField()
        applied_doc = pw.TextField(null=True)
        updated_at = pw.TextField()
        applied_at = pw.TextField(null=True)

        class Meta:
            indexes = ((("station_code", "year"), True),)

    class DutyRecord(Base):
        uid = pw.CharField(max_length=36, unique=True)
        station_code = pw.CharField(max_length=32, index=True)
        created_at = pw.TextField()
        updated_at = pw.TextField(index=True)
        deleted_at = pw.TextField(null=True)
        deputy_uid = pw.CharField(max_length=36)
        date = pw.CharField(max_length=10)
        indicator_code = pw.CharField(max_length=16)
        quantity = pw.FloatField(default=1)
        points = pw.FloatField()
        source = pw.CharField(max_length=8)
        source_uid = pw.CharField(max_length=36, null=True)
        note = pw.TextField(default="")
        evidence = pw.CharField(max_length=120, null=True)
        verified = pw.BooleanField(default=False)
        reviewer = pw.CharField(max_length=40, default="")
        reviewed_at = pw.TextField(null=True)

        class Meta:
            indexes = ((("deputy_uid", "date"), False), (("station_code", "date"), False))

    db.create_tables([ScoringRules, DutyRecord])
    # One live automatic record per indicator and source fact: recomputing can only find it again.
    db.execute_sql("CREATE UNIQUE INDEX duty_record_one_per_source ON duty_record (indicator_code, source_uid, deputy_uid)"
                   " WHERE deleted_at IS NULL AND source_uid IS NOT NULL")
