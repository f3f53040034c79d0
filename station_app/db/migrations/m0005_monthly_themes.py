"""Schema 5: the theme of each month's activity days (月度主题), one per station and month."""

import peewee as pw

VERSION = 5
NAME = "monthly_themes"


def apply(db: pw.Database) -> None:
    class MonthlyTheme(pw.Model):
        station_code = pw.CharField(max_length=32)
        month = pw.CharField(max_length=7)
        theme = pw.CharField(max_length=200)
        updated_at = pw.TextField()

        class Meta:
            database = db
            legacy_table_names = False
            indexes = ((("station_code", "month"), True),)

    db.create_tables([MonthlyTheme])
