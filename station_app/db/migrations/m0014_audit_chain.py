"""Schema 14: the audit log becomes a hash chain (issue 19 item 3) — each entry gains ``seq`` (1, 2,
3, … without gaps, unique), ``prev_hash`` and ``hash`` (SHA-256 over the entry and the previous
hash: ``domain/audit_chain.py``). The entries already there are chained here in id order."""

import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

from station_app.domain.audit_chain import COLUMNS, GENESIS, entry_hash

VERSION = 14
NAME = "audit_chain"

BATCH = 2000


def apply(db: pw.Database) -> None:
    migrator = SchemaMigrator.from_database(db)
    migrate(
        migrator.add_column("audit_log", "seq", pw.BigIntegerField(null=True)),
        migrator.add_column("audit_log", "prev_hash", pw.CharField(max_length=64, null=True)),
        migrator.add_column("audit_log", "hash", pw.CharField(max_length=64, null=True)),
    )
    cols = ", ".join(f'"{c}"' for c in COLUMNS)
    prev, seq, last_id = GENESIS, 0, 0
    while True:  # in batches by id: flat memory on a county's millions of entries
        rows = db.execute_sql(f'SELECT id, {cols} FROM audit_log WHERE id > {last_id} ORDER BY id LIMIT {BATCH}').fetchall()
        if not rows:
            break
        for row in rows:
            last_id, seq = row[0], seq + 1
            digest = entry_hash(seq, prev, dict(zip(COLUMNS, row[1:], strict=True)))
            db.execute_sql("UPDATE audit_log SET seq = %s, prev_hash = %s, hash = %s WHERE id = %s"
                           .replace("%s", db.param), (seq, prev, digest, last_id))
            prev = digest
    migrate(migrator.add_index("audit_log", ("seq",), True))
