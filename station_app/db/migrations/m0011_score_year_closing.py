"""Schema 11: 年度评定 — an admin closes a station's scoring year: the final score and grade of
each deputy is frozen (``score_year_grade``) under one closing (``score_year_closing``, who and
when, the rules' grades as applied). Until then screens and printouts show progress, not a grade.
Reopening deletes the closing (audited); it never travels to the county."""

import peewee as pw

VERSION = 11
NAME = "score_year_closing"


def apply(db: pw.Database) -> None:
    class Base(pw.Model):
        class Meta:
            database = db
            legacy_table_names = False

    class ScoreYearClosing(Base):
        station_code = pw.CharField(max_length=32)
        year = pw.IntegerField()
        as_of = pw.CharField(max_length=10)  # the date the frozen figures run to (31 Dec)
        closed_at = pw.TextField()
        closed_by = pw.CharField(max_length=40)
        rules_doc = pw.TextField()  # the RuleSet JSON the grades were taken with

        class Meta:
            indexes = ((("station_code", "year"), True),)

    class ScoreYearGrade(Base):
        closing = pw.ForeignKeyField(ScoreYearClosing, on_delete="CASCADE", backref="grades")
        deputy_uid = pw.CharField(max_length=36)
        deputy_name = pw.CharField(max_length=40)
        raw = pw.FloatField()  # type: ignore[assignment]  # 年度积分; the column shadows Model.raw
        score100 = pw.FloatField()  # 百分制
        grade = pw.CharField(max_length=16)
        rank = pw.IntegerField()
        by_indicator = pw.TextField()  # JSON {indicator code: counted points}

        class Meta:
            indexes = ((("closing", "deputy_uid"), True),)

    db.create_tables([ScoreYearClosing, ScoreYearGrade])
