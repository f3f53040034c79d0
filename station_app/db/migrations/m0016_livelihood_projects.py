"""Schema 16: 民生实事项目票决制 — candidate projects (征集), 票决 sessions, votes (per deputy or
tallied from paper ballots), milestones (实施), 督查 links to activity days, and year-end ratings
(评单). Every table travels to the county (additive to the v1 package)."""

import peewee as pw

VERSION = 16
NAME = "livelihood_projects"


def apply(db: pw.Database) -> None:
    class Travel(pw.Model):
        uid = pw.CharField(max_length=36, unique=True)
        station_code = pw.CharField(max_length=32, index=True)
        created_at = pw.TextField()
        updated_at = pw.TextField(index=True)
        deleted_at = pw.TextField(null=True)

        class Meta:
            database = db
            legacy_table_names = False

    class LivelihoodProject(Travel):
        year = pw.IntegerField(index=True)
        title = pw.CharField(max_length=100)
        description = pw.TextField(default="")
        village = pw.CharField(max_length=60, default="")
        estimated_cost = pw.BigIntegerField(default=0)  # fen
        department = pw.CharField(max_length=60, default="")
        source = pw.CharField(max_length=12)
        status = pw.CharField(max_length=12)
        registered_on = pw.CharField(max_length=10)
        session_uid = pw.CharField(max_length=36, null=True, index=True)
        budget = pw.BigIntegerField(null=True)  # fen
        progress = pw.IntegerField(default=0)
        completed_at = pw.TextField(null=True)
        carried_from_uid = pw.CharField(max_length=36, null=True)
        case_uids = pw.TextField(default="[]")
        note = pw.TextField(default="")

    class LivelihoodSession(Travel):
        date = pw.CharField(max_length=10, index=True)
        meeting_name = pw.CharField(max_length=120)
        deputies_total = pw.IntegerField()
        present_deputy_uids = pw.TextField(default="[]")
        project_uids = pw.TextField(default="[]")
        quota = pw.IntegerField()
        status = pw.CharField(max_length=8)

    class LivelihoodVote(Travel):
        session_uid = pw.CharField(max_length=36, index=True)
        project_uid = pw.CharField(max_length=36, index=True)
        deputy_uid = pw.CharField(max_length=36, null=True)
        choice = pw.CharField(max_length=8, null=True)
        count_for = pw.IntegerField(default=0)
        count_against = pw.IntegerField(default=0)
        count_abstain = pw.IntegerField(default=0)

    class LivelihoodMilestone(Travel):
        project_uid = pw.CharField(max_length=36, index=True)
        title = pw.CharField(max_length=100)
        planned_date = pw.CharField(max_length=10)
        actual_date = pw.CharField(max_length=10, null=True)
        note = pw.TextField(default="")

    class LivelihoodInspection(Travel):
        activity_day_uid = pw.CharField(max_length=36, index=True)
        project_uid = pw.CharField(max_length=36, index=True)
        findings = pw.TextField(default="")

    class LivelihoodRating(Travel):
        project_uid = pw.CharField(max_length=36, index=True)
        deputy_uid = pw.CharField(max_length=36)
        year = pw.IntegerField()
        rating = pw.CharField(max_length=20)
        rated_on = pw.CharField(max_length=10)
        note = pw.TextField(default="")

    db.create_tables([LivelihoodProject, LivelihoodSession, LivelihoodVote, LivelihoodMilestone,
                      LivelihoodInspection, LivelihoodRating])
    # Partial unique indexes: the same SQL on SQLite and PostgreSQL.
    db.execute_sql("CREATE UNIQUE INDEX livelihood_vote_one_per_deputy ON livelihood_vote"
                   " (session_uid, project_uid, deputy_uid) WHERE deleted_at IS NULL AND deputy_uid IS NOT NULL")
    db.execute_sql("CREATE UNIQUE INDEX livelihood_vote_one_tally ON livelihood_vote"
                   " (session_uid, project_uid) WHERE deleted_at IS NULL AND deputy_uid IS NULL")
    db.execute_sql("CREATE UNIQUE INDEX livelihood_rating_one_per_deputy ON livelihood_rating"
                   " (project_uid, deputy_uid, year) WHERE deleted_at IS NULL")
    db.execute_sql("CREATE UNIQUE INDEX livelihood_inspection_one_per_day ON livelihood_inspection"
                   " (activity_day_uid, project_uid) WHERE deleted_at IS NULL")
