"""Numbered migrations: a database made with the first schema upgrades to the newest."""

import sqlite3

import peewee as pw
import pytest

from station_app.db import close_database, open_database
from station_app.db.connection import make_database
from station_app.db.migrations import current_version, latest_version, run_migrations
from station_app.db.models import ALL_MODELS
from station_app.errors import DatabaseError
from station_app.paths import backups_dir
from station_app.services import deputies


def _schema(path) -> dict[str, set[str]]:
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {t: {r[1] for r in con.execute(f"PRAGMA table_info(\"{t}\")")} for t in tables}
    finally:
        con.close()


def test_upgrade_from_first_schema(tmp_path):
    path = tmp_path / "old.db"
    db = make_database(str(path))
    db.connect()
    assert run_migrations(db, str(path), backup=False, target=1) == [1]
    assert current_version(db) == 1
    # data written by a version-1 program, with its own SQL (no models of today)
    db.execute_sql("INSERT INTO station (code, name, township, county, address, phone, is_home, created_at, updated_at)"
                   " VALUES ('OLD1', '旧站', '', '', '', '', 1, '2024-01-01T09:00:00.000000+08:00', '2024-01-01T09:00:00.000000+08:00')")
    db.execute_sql("INSERT INTO deputy (uid, station_code, created_at, updated_at, name, gender, ethnicity, party, levels_mask,"
                   " sector, group_name, phone, term, active, note) VALUES ('6f1c2b7e-4d2a-4c1e-9a3b-1c2d3e4f5a6b', 'OLD1',"
                   " '2024-01-01T09:00:00.000000+08:00', '2024-01-01T09:00:00.000000+08:00', '老代表', 'male', '汉族', '群众', 16,"
                   " '', '', '13812345678', '', 1, '')")
    db.close()
    assert "commitment" not in _schema(path)["deputy"]

    open_database(str(path))  # the app's start: backs up, then migrates
    try:
        assert current_version(pw.SqliteDatabase(str(path))) == latest_version()
        rec = deputies.get("6f1c2b7e-4d2a-4c1e-9a3b-1c2d3e4f5a6b")
        assert rec.name == "老代表" and rec.levels == ("township",) and rec.commitment == ""
    finally:
        close_database()
    backups = list(backups_dir(str(path)).glob("old-before-v1-*.db"))
    assert len(backups) == 1
    assert "commitment" not in _schema(backups[0])["deputy"]


def test_upgrade_through_the_activity_day_schemas(tmp_path):
    """A database made by the schema-3 program (first activity days) keeps its days, duty and
    sign-ins through every later step, and the one-live-day-per-date guard survives."""
    import datetime as dt

    from station_app.services import activity

    path = tmp_path / "v3.db"
    db = make_database(str(path))
    db.connect()
    assert run_migrations(db, str(path), backup=False, target=3) == [1, 2, 3]
    ts = "'2026-03-16T09:00:00.000000+08:00'"
    dep, day = "6f1c2b7e-4d2a-4c1e-9a3b-1c2d3e4f5a6b", "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    db.execute_sql("INSERT INTO station (code, name, township, county, address, phone, is_home, created_at, updated_at)"
                   f" VALUES ('OLD1', '旧站', '', '', '', '', 1, {ts}, {ts})")
    db.execute_sql("INSERT INTO deputy (uid, station_code, created_at, updated_at, name, ethnicity, party, levels_mask,"
                   f" sector, group_name, phone, term, active, note, commitment, sort_order) VALUES ('{dep}', 'OLD1',"
                   f" {ts}, {ts}, '老代表', '汉族', '群众', 16, '', '', '', '', 1, '', '', 0)")
    db.execute_sql("INSERT INTO activity_day (uid, station_code, created_at, updated_at, date, start_time, end_time, kind,"
                   " theme, place, host, status, agenda, discussion, decisions, follow_ups, origin, original_date,"
                   f" change_reason) VALUES ('{day}', 'OLD1', {ts}, {ts}, '2026-03-16', '09:00', '11:30', 'reception',"
                   " '春耕', '接待室', '', 'held', '', '', '', '', 'rule', '2026-03-15', '原定3月15日逢周日')")
    for table in ("duty", "attendance"):
        extra = ("manual, note", "0, ''") if table == "duty" else ("status", "'present'")
        db.execute_sql(f"INSERT INTO {table} (uid, station_code, created_at, updated_at, activity_day_uid, deputy_uid,"
                       f" {extra[0]}) VALUES ('{table}-0000-4000-8000-000000000000', 'OLD1', {ts}, {ts}, '{day}',"
                       f" '{dep}', {extra[1]})")
    db.close()
    assert "monthly_theme" not in _schema(path)

    open_database(str(path))
    try:
        assert current_version(pw.SqliteDatabase(str(path))) == latest_version()
        rec = activity.get(day)
        assert rec.theme == "春耕" and rec.original_date == dt.date(2026, 3, 15) and rec.duty_names == ("老代表",)
        assert activity.attendance_facts(dt.date(2026, 1, 1), dt.date(2026, 12, 31))[dep].present == 1
        with pytest.raises(pw.IntegrityError):  # the partial unique index made by migration 3 still guards
            pw.SqliteDatabase(str(path)).execute_sql(
                "INSERT INTO activity_day (uid, station_code, created_at, updated_at, date, kind, theme, place, host,"
                " status, agenda, discussion, decisions, follow_ups, origin, change_reason) VALUES"
                f" ('x', 'OLD1', {ts}, {ts}, '2026-03-16', 'other', '', '', '', 'planned', '', '', '', '', 'manual', '')")
        assert activity.set_monthly_theme("2026-03", "春耕生产", apply=False) == 0  # the table of migration 5
    finally:
        close_database()
    assert len(list(backups_dir(str(path)).glob("v3-before-v3-*.db"))) == 1


def test_migrated_schema_matches_models(tmp_path):
    path = tmp_path / "new.db"
    open_database(str(path))
    close_database()
    migrated = _schema(path)
    for model in ALL_MODELS:
        table = model._meta.table_name
        assert table in migrated, table
        assert {f.column_name for f in model._meta.sorted_fields} == migrated[table], table


def test_newer_database_is_refused(tmp_path):
    path = tmp_path / "future.db"
    open_database(str(path))
    close_database()
    con = sqlite3.connect(path)
    con.execute("INSERT INTO schema_version (version, name, applied_at) VALUES (?, 'future', '2030-01-01')",
                (latest_version() + 1,))
    con.commit()
    con.close()
    with pytest.raises(DatabaseError, match="更新版本"):
        open_database(str(path))


def test_not_a_database(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("这不是数据库", encoding="utf-8")
    with pytest.raises(DatabaseError, match="不是"):
        open_database(str(path))
    assert path.read_text(encoding="utf-8") == "这不是数据库"


def test_failed_migration_rolls_back(tmp_path, monkeypatch):
    from station_app.db import migrations

    path = tmp_path / "half.db"
    db = make_database(str(path))
    db.connect()
    run_migrations(db, str(path), backup=False, target=1)
    mods = migrations.all_migrations()

    def boom(_db):
        _db.execute_sql("ALTER TABLE deputy ADD COLUMN half_done TEXT")
        raise RuntimeError("power cut")

    monkeypatch.setattr(mods[1], "apply", boom)
    with pytest.raises(RuntimeError):
        run_migrations(db, str(path), backup=False)
    assert current_version(db) == 1
    assert "half_done" not in {c.name for c in db.get_columns("deputy")}
    db.close()


def test_bulk_insert_sql_has_exactly_the_given_columns_in_order(db):
    from station_app.db.bulk import insert_sql
    from station_app.db.models import Reception

    sql = insert_sql(Reception, [Reception.summary, Reception.station_code, Reception.id])
    assert sql == 'INSERT INTO "reception" ("summary", "station_code", "id") VALUES (?, ?, ?)'
