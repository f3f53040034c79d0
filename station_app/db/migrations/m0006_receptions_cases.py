"""Schema 6: 接待登记 (receptions), 意见建议 (cases) and their timeline (case events), the managed
list of 承办单位 (departments), and the Chinese keyword index.

The keyword index is SQLite-only (the one marked place): contentless FTS5 tables fed with text
split into single characters (``土 地``, with a separator token wherever the text has a space or
punctuation), so 1-, 2- and 3-character terms are all found — FTS5 ``trigram`` silently finds
nothing for 2-character terms (BASELINES.md). The reception index's rowid is the reception's
``sort_key`` (microseconds of ``received_at``, made unique), so the index itself pages newest
first. On PostgreSQL (the county
server) the search falls back to ILIKE; no index is created there.
"""

import peewee as pw

VERSION = 6
NAME = "receptions_cases"


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

    class Reception(Travel):
        station_code = pw.CharField(max_length=32)  # no index of its own: the composites lead with it
        received_at = pw.TextField()
        sort_key = pw.BigIntegerField(unique=True)
        channel = pw.CharField(max_length=12)
        visitor_name = pw.CharField(max_length=40, index=True)
        visitor_phone = pw.CharField(max_length=40, default="", index=True)
        visitor_id_number = pw.CharField(max_length=18, default="")
        village = pw.CharField(max_length=60, default="", index=True)
        visitor_count = pw.IntegerField(default=1)
        deputy_uids = pw.TextField(default="[]")
        activity_day_uid = pw.CharField(max_length=36, null=True, index=True)
        summary = pw.TextField(default="")

        class Meta:
            indexes = ((("station_code", "sort_key"), False), (("station_code", "received_at"), False))

    class ReceptionDeputy(Base):
        reception_uid = pw.CharField(max_length=36, index=True)
        deputy_uid = pw.CharField(max_length=36)

        class Meta:
            indexes = ((("deputy_uid", "reception_uid"), True),)

    class Case(Travel):
        station_code = pw.CharField(max_length=32)
        reception_uid = pw.CharField(max_length=36, null=True, index=True)
        number = pw.CharField(max_length=20)
        registered_at = pw.TextField()
        category = pw.CharField(max_length=24, index=True)
        content = pw.TextField()
        handling = pw.CharField(max_length=16)
        urgency = pw.CharField(max_length=8, default="normal")
        department = pw.CharField(max_length=60, default="", index=True)
        co_departments = pw.TextField(default="[]")
        deadline = pw.CharField(max_length=10, null=True)
        status = pw.CharField(max_length=20)
        evaluation = pw.CharField(max_length=20, null=True)
        rounds = pw.IntegerField(default=1)
        resolved_at = pw.TextField(null=True)

        class Meta:
            table_name = "case"
            indexes = ((("station_code", "number"), True),
                       (("station_code", "registered_at", "id"), False),
                       (("status", "deadline"), False))

    class CaseEvent(Travel):
        station_code = pw.CharField(max_length=32)  # events are read by case
        case_uid = pw.CharField(max_length=36, index=True)
        at = pw.TextField()
        action = pw.CharField(max_length=12)
        actor = pw.CharField(max_length=40, default="")
        note = pw.TextField(default="")
        round = pw.IntegerField(default=1)
        department = pw.CharField(max_length=60, default="")
        deadline = pw.CharField(max_length=10, null=True)
        evaluation = pw.CharField(max_length=20, null=True)

    class Department(Base):
        station_code = pw.CharField(max_length=32)
        name = pw.CharField(max_length=60)
        contact = pw.CharField(max_length=40, default="")
        phone = pw.CharField(max_length=40, default="")
        active = pw.BooleanField(default=True)
        sort_order = pw.IntegerField(default=0)

        class Meta:
            indexes = ((("station_code", "name"), True),)

    class CaseCounter(Base):
        station_code = pw.CharField(max_length=32)
        year = pw.IntegerField()
        last = pw.IntegerField(default=0)

        class Meta:
            indexes = ((("station_code", "year"), True),)

    db.create_tables([Reception, ReceptionDeputy, Case, CaseEvent, Department, CaseCounter])
    if isinstance(db, pw.SqliteDatabase):
        db.execute_sql("CREATE VIRTUAL TABLE reception_fts USING fts5(body, content='', tokenize='unicode61 remove_diacritics 0')")
        db.execute_sql("CREATE VIRTUAL TABLE case_fts USING fts5(body, content='', tokenize='unicode61 remove_diacritics 0')")
