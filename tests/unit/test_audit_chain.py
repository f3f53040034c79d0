"""The audit log's hash chain (issue 19 item 3): each entry's hash covers the previous one's, so
`check` names the first entry edited, deleted or inserted in the file."""

from __future__ import annotations

import sqlite3

import pytest

from station_app.db import close_database, open_database
from station_app.db.audit_store import stream_links
from station_app.db.connection import make_database
from station_app.db.migrations import run_migrations
from station_app.domain.audit_chain import GENESIS, entry_hash, first_break
from station_app.services import audit, context
from station_app.services.check import run_check


def _fill(n: int) -> None:
    for i in range(n):
        audit.record("update", "reception", f"uid-{i}", {"summary": "旧"}, {"summary": f"新{i}"}, summary=f"第{i}次")


def _errors() -> list[str]:
    return [f.message for f in run_check() if f.severity == "error"]


def _raw(db_path, sql: str, *params) -> None:
    con = sqlite3.connect(db_path)
    try:
        con.execute(sql, params)
        con.commit()
    finally:
        con.close()


def test_a_long_chain_verifies_in_batches(station_db):
    _fill(120)
    seqs = [link.seq for link in stream_links(batch=7)]  # keyset over many small batches
    assert seqs == list(range(1, len(seqs) + 1)) and len(seqs) >= 120
    assert first_break(stream_links(batch=7)) is None
    assert audit.verify_chain() is None
    assert not any("审计日志" in m for m in _errors())


def test_each_entry_chains_to_the_previous_one(station_db):
    _fill(3)
    links = list(stream_links())
    assert links[0].prev_hash == GENESIS
    for before, after in zip(links, links[1:], strict=False):
        assert after.prev_hash == before.hash
        assert after.hash == entry_hash(after.seq, after.prev_hash, after.values)


def test_an_edited_entry_is_named(station_db, db_path):
    _fill(60)
    _raw(db_path, "UPDATE audit_log SET summary = '改过了' WHERE seq = 57")
    at = next(link for link in stream_links() if link.seq == 57).values["at"]
    errors = _errors()
    assert f"审计日志第 57 条（{at[:16].replace('T', ' ')} 修改 接待登记）被改动过" in errors
    finding = audit.verify_chain()
    assert (finding.kind, finding.seq) == ("edited", 57)


def test_an_edited_actor_or_before_value_is_named_too(station_db, db_path):
    _fill(5)
    _raw(db_path, "UPDATE audit_log SET \"before\" = '{\"summary\":\"假\"}' WHERE seq = 2")
    assert audit.verify_chain().seq == 2
    _raw(db_path, "UPDATE audit_log SET \"before\" = '{\"summary\":\"旧\"}' WHERE seq = 2")
    assert audit.verify_chain() is None
    _raw(db_path, "UPDATE audit_log SET actor = 'someone' WHERE seq = 4")
    assert audit.verify_chain().seq == 4


def test_a_deleted_entry_is_named(station_db, db_path):
    _fill(60)
    _raw(db_path, "DELETE FROM audit_log WHERE seq = 58")
    assert "审计日志第 57 条之后缺少第 58 条（被删除）" in _errors()
    assert audit.verify_chain().kind == "deleted"


def test_a_deleted_first_entry_and_a_run_of_them(station_db, db_path):
    _fill(10)
    _raw(db_path, "DELETE FROM audit_log WHERE seq IN (4, 5, 6)")
    assert audit.verify_chain().message == "审计日志第 3 条之后缺少第 4–6 条（被删除）"
    _raw(db_path, "DELETE FROM audit_log WHERE seq = 1")
    assert audit.verify_chain().message == "审计日志缺少开头的第 1 条（被删除）"


def test_a_forged_entry_without_a_number_is_named(station_db, db_path):
    _fill(5)
    _raw(db_path, "INSERT INTO audit_log (at, actor, action, table_name, record_uid, station_code, summary)"
                  " VALUES ('2026-03-02T10:15:00.000000+08:00', 'admin', 'delete', 'reception', 'x', 'T01', '')")
    assert "审计日志中有一条没有序号或校验值的条目（2026-03-02 10:15 删除 接待登记），是被插入的" in _errors()


def test_a_forged_entry_with_a_taken_number_is_named(station_db, db_path):
    _fill(5)
    link = next(link for link in stream_links() if link.seq == 3)
    _raw(db_path, "DROP INDEX audit_log_seq")  # the attacker's way round the unique number
    values = dict(link.values, summary="伪造")
    _raw(db_path, "INSERT INTO audit_log (at, actor, action, table_name, record_uid, station_code, \"before\","
                  " \"after\", summary, seq, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
         *[values[c] for c in ("at", "actor", "action", "table_name", "record_uid", "station_code", "before", "after",
                               "summary")], 3, link.prev_hash, entry_hash(3, link.prev_hash, values))
    finding = audit.verify_chain()
    assert finding.kind == "inserted" and finding.message.startswith("审计日志第 3 条出现了两次")


def test_an_entry_rehashed_after_an_edit_breaks_the_next_link(station_db, db_path):
    _fill(6)
    link = next(link for link in stream_links() if link.seq == 3)
    values = dict(link.values, summary="改过并重算")
    _raw(db_path, "UPDATE audit_log SET summary = ?, hash = ? WHERE seq = 3", "改过并重算",
         entry_hash(3, link.prev_hash, values))
    finding = audit.verify_chain()
    assert (finding.kind, finding.seq) == ("broken", 4)
    assert "第 3 条被改动后重算过" in finding.message


def test_the_actor_is_the_logged_in_user(station_db):
    from station_app.domain.roles import Role

    context.set_user(context.Actor("wangli", Role.ADMIN))
    try:
        audit.event("unmask", "查看了完整电话", "reception", "r-1", "T01")
    finally:
        context.set_user(None)
    row = audit.query(action="unmask")[0]
    assert (row.actor, row.table_name, row.record_uid, row.station_code) == ("wangli", "reception", "r-1", "T01")
    assert audit.verify_chain() is None


def test_query_filters_and_pages(station_db):
    import datetime as dt

    _fill(30)
    audit.event("login", "登录", "user", "u1")
    assert audit.count(action="update", table="reception") == 30
    assert audit.count(action="login") == 1 and audit.count(table="user") == 1
    assert len(audit.query(action="update", limit=10, offset=25)) == 5
    first = audit.page(None, 12, action="update")
    second = audit.page(first.next_key, 12, action="update")
    assert len(first.rows) == 12 and first.rows[0].seq > second.rows[0].seq
    from station_app.domain import clock

    today = clock.today()
    assert audit.count(date_from=today + dt.timedelta(days=1)) == 0
    assert audit.count(date_to=today - dt.timedelta(days=1)) == 0
    assert "login" in audit.choices().actions


def test_migration_chains_the_old_entries(tmp_path):
    path = tmp_path / "v13.db"
    db = make_database(str(path))
    db.connect()
    run_migrations(db, str(path), backup=False, target=13)
    for i in range(5):
        db.execute_sql("INSERT INTO audit_log (at, actor, action, table_name, record_uid, station_code, \"before\","
                       " \"after\", summary) VALUES (?, 'clerk', 'update', 'deputy', ?, 'OLD1', NULL, '{\"a\":1}', ?)",
                       (f"2025-01-0{i + 1}T09:00:00.000000+08:00", f"d{i}", f"旧条目{i}"))
    db.close()
    open_database(str(path))
    try:
        links = list(stream_links())
        assert [link.seq for link in links] == [1, 2, 3, 4, 5]
        assert [link.values["summary"] for link in links] == [f"旧条目{i}" for i in range(5)]
        assert audit.verify_chain() is None
        audit.event("login", "登录")  # a new entry continues the chain
        assert [link.seq for link in stream_links()][-1] == 6 and audit.verify_chain() is None
    finally:
        close_database()
    _raw(path, "UPDATE audit_log SET summary = '改' WHERE seq = 2")
    open_database(str(path))
    try:
        assert audit.verify_chain().seq == 2
    finally:
        close_database()


@pytest.mark.parametrize("n", [0, 1])
def test_an_empty_or_single_entry_log_is_whole(db, n):
    _fill(n)
    assert audit.verify_chain() is None
