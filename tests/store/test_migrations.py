"""Schema versions: a fresh database is created at HEAD, matching ``tui/store/schema.py``;
a current one is opened without migrating; one from a newer auditlog is refused."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Connection, MetaData, inspect, text

from tests.conftest import ADMIN, make_event
from tests.store.conftest import append_as_of, downgrade, execute
from tui.domain.errors import StoreUnavailable
from tui.domain.timerange import RETENTION
from tui.store import migrate
from tui.store.engine import connect, resolve_url
from tui.store.repository import AuditStore
from tui.store.schema import POSTGRESQL_EVENTS_KEYS, metadata

#: Objects the migration adds beside the metadata: Alembic's bookkeeping, the search index and
#: PostgreSQL's table of stored ids (migration 0003).
SEARCH_INDEX = "ix_events_search"
ID_TABLE = "event_ids"


def _partitions(connection: Connection) -> set[str]:
    """PostgreSQL's partitions of events (weeks and the default): the parent is compared."""
    if connection.dialect.name != "postgresql":
        return set()
    return set(
        connection.execute(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'events'::regclass"
            )
        ).scalars()
    )


def _on(url: str):  # type: ignore[no-untyped-def]
    """A connection to ``url`` for inspecting it, closed afterwards."""
    from contextlib import contextmanager

    @contextmanager
    def opened():  # type: ignore[no-untyped-def]
        engine = connect(resolve_url(url))
        try:
            with engine.connect() as connection:
                yield connection
        finally:
            engine.dispose()

    return opened()


def test_head_is_alembics_head() -> None:
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(migrate._config())
    assert scripts.get_heads() == [migrate.HEAD]
    assert migrate.HEAD in migrate.known_revisions()


def test_a_fresh_database_is_created_at_head(fresh_url) -> None:
    with _on(fresh_url) as connection:
        assert migrate.current_revision(connection) is None
    store = AuditStore.open(fresh_url)
    store.close()
    with _on(fresh_url) as connection:
        assert migrate.current_revision(connection) == migrate.HEAD


def test_the_migrated_schema_matches_the_metadata(fresh_url) -> None:
    AuditStore.open(fresh_url).close()
    with _on(fresh_url) as connection:
        assert _reflected(connection) == _declared(metadata, connection)


def test_alembic_finds_nothing_to_autogenerate(fresh_url) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    AuditStore.open(fresh_url).close()

    with _on(fresh_url) as connection:
        partitions = _partitions(connection)

        def ours(obj, name, kind, reflected, compare_to) -> bool:  # type: ignore[no-untyped-def]
            if kind == "table" and (
                name.startswith("events_fts") or name in partitions or name == ID_TABLE
            ):
                return False
            if kind == "index" and obj.table.name == ID_TABLE:
                return False
            if kind == "index" and obj.table.name in partitions:
                return False
            return name != SEARCH_INDEX

        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": ours}
        )
        differences = compare_metadata(context, metadata)
        if connection.dialect.name == "postgresql":  # the partitioned table's keys
            assert [(d[0], sorted(c.name for c in d[1].columns)) for d in differences] == [
                ("remove_constraint", sorted(POSTGRESQL_EVENTS_KEYS["unique"])),
                ("add_constraint", ["event_id"]),
            ]
        else:
            assert differences == []


def test_the_search_index_exists(fresh_url) -> None:
    store = AuditStore.open(fresh_url)
    store.close()
    with _on(fresh_url) as connection:
        inspector = inspect(connection)
        if connection.dialect.name == "sqlite":
            assert "events_fts" in inspector.get_table_names()
            triggers = connection.execute(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger'")
            ).scalars()
            assert {"events_fts_insert", "events_fts_delete"} <= set(triggers)
        else:
            (index,) = [i for i in inspector.get_indexes("events") if i["name"] == SEARCH_INDEX]
            assert index["dialect_options"]["postgresql_using"] == "gin"
            assert index["dialect_options"]["postgresql_ops"] == {"search_text": "gin_trgm_ops"}


def test_keys_compare_bytewise(fresh_url, backend) -> None:
    # Cursors order by event id; both backends must order ids the same way, by bytes:
    # PostgreSQL through the "C" collation, SQLite through its default (BINARY).
    AuditStore.open(fresh_url).close()
    expected = "C" if backend == "postgresql" else None
    with _on(fresh_url) as connection:
        inspector = inspect(connection)
        for table, column in [("events", "event_id"), ("events", "tenant_id")]:
            (found,) = [c for c in inspector.get_columns(table) if c["name"] == column]
            assert found["type"].collation == expected, (table, column)


def test_opening_a_current_database_runs_no_migration(fresh_url, monkeypatch) -> None:
    store = AuditStore.open(fresh_url)
    store.add_account(ADMIN)
    store.append([make_event(1)])
    store.close()

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a current database was migrated again")

    monkeypatch.setattr(migrate, "upgrade", refuse)
    monkeypatch.setattr(migrate, "known_revisions", refuse)
    reopened = AuditStore.open(fresh_url)
    try:
        assert reopened.reader(ADMIN.email).get("evt_000001") == make_event(1)
    finally:
        reopened.close()


def test_a_database_without_a_version_is_migrated(fresh_url, monkeypatch) -> None:
    calls: list[str] = []
    real_upgrade = migrate.upgrade
    monkeypatch.setattr(
        migrate, "upgrade", lambda engine: calls.append("up") or real_upgrade(engine)
    )
    AuditStore.open(fresh_url).close()
    AuditStore.open(fresh_url).close()
    assert calls == ["up"]


def test_a_database_from_a_newer_auditlog_is_refused(fresh_url) -> None:
    store = AuditStore.open(fresh_url)
    store.add_account(ADMIN)
    store.close()
    execute(fresh_url, text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(StoreUnavailable, match="9999") as refused:
        AuditStore.open(fresh_url)
    assert "newer" in str(refused.value)
    with _on(fresh_url) as connection:  # and it was left as it was
        assert migrate.current_revision(connection) == "9999"
        assert connection.execute(text("SELECT count(*) FROM accounts")).scalar() == 1


# -- comparing reflected and declared schemas --------------------------------------------------


def _column_shape(column_type: Any) -> tuple[Any, Any]:
    return column_type.python_type, getattr(column_type, "length", None)


def _reflected(connection: Connection) -> dict[str, Any]:
    inspector = inspect(connection)
    partitions = _partitions(connection)
    tables = {}
    for name in inspector.get_table_names():
        if name in ("alembic_version", ID_TABLE) or name.startswith("events_fts"):
            continue
        if name in partitions:
            continue
        tables[name] = {
            "columns": {
                c["name"]: (*_column_shape(c["type"]), c["nullable"])
                for c in inspector.get_columns(name)
            },
            "primary_key": sorted(inspector.get_pk_constraint(name)["constrained_columns"]),
            "indexes": {
                i["name"]: (tuple(i["column_names"]), bool(i["unique"]))
                for i in inspector.get_indexes(name)
                if i["name"] != SEARCH_INDEX and not i.get("duplicates_constraint")
            },
            "unique": sorted(
                tuple(u["column_names"]) for u in inspector.get_unique_constraints(name)
            ),
            "foreign_keys": sorted(
                (tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]))
                for f in inspector.get_foreign_keys(name)
            ),
        }
    return tables


def _declared(declared: MetaData, connection: Connection) -> dict[str, Any]:
    dialect = connection.dialect
    tables = {}
    for table in declared.sorted_tables:
        tables[table.name] = {
            "columns": {
                c.name: (*_column_shape(c.type.dialect_impl(dialect)), c.nullable)
                for c in table.columns
            },
            "primary_key": sorted(c.name for c in table.primary_key),
            "indexes": {
                i.name: (tuple(c.name for c in i.columns), bool(i.unique)) for i in table.indexes
            },
            "unique": sorted((c.name,) for c in table.columns if c.unique),
            "foreign_keys": sorted(
                ((f.parent.name,), f.column.table.name, (f.column.name,))
                for f in table.foreign_keys
            ),
        }
    if dialect.name == "postgresql":
        tables["events"]["primary_key"] = sorted(POSTGRESQL_EVENTS_KEYS["primary_key"])
        tables["events"]["unique"] = [POSTGRESQL_EVENTS_KEYS["unique"]]
    return tables


# -- upgrading a 0001 database -----------------------------------------------------------------


def test_a_0001_database_with_events_is_chained_on_upgrade(fresh_url) -> None:
    from tui.store import repository

    engine = connect(resolve_url(fresh_url))
    try:
        migrate.upgrade(engine, "0001")
        columns = "event_id, occurred_at, event_type, area, performer_mail, performer_name, "
        columns += "tenant_id, search_text, body"
        names = [f"c{i}" for i in range(9)]
        insert = text(
            f"INSERT INTO events ({columns}) VALUES ({', '.join(':' + n for n in names)})"
        )
        with engine.begin() as connection:
            for n in (3, 1, 2, 0, 4):  # stored out of id order: the chain follows seq
                row = repository._event_row(make_event(n))
                connection.execute(insert, dict(zip(names, row, strict=True)))
    finally:
        engine.dispose()
    store = AuditStore.open(fresh_url)
    try:
        with _on(fresh_url) as connection:
            assert migrate.current_revision(connection) == migrate.HEAD
        store.add_account(ADMIN)
        report = store.verify(ADMIN.email)
        assert report.valid and (report.events, report.segments) == (5, 1)
        assert store.reader(ADMIN.email).get("evt_000003") == make_event(3)
        store.append([make_event(5)])
        report = store.verify(ADMIN.email)
        assert report.valid and (report.events, report.segments) == (6, 2)
    finally:
        store.close()


# -- upgrading a 0002 database -----------------------------------------------------------------


def _ids_in_step(url: str) -> bool:
    """PostgreSQL's event_ids holds exactly the ids (and times) events holds."""
    with _on(url) as connection:
        differ = connection.execute(
            text(
                "SELECT count(*) FROM (SELECT event_id, occurred_at FROM events "
                "EXCEPT SELECT event_id, occurred_at FROM event_ids) AS missing"
            )
        ).scalar_one()
        counts = connection.execute(
            text("SELECT (SELECT count(*) FROM events), (SELECT count(*) FROM event_ids)")
        ).one()
    return differ == 0 and counts[0] == counts[1]


def _guarded_tables(connection: Connection) -> set[str]:
    """Tables carrying the append-only trigger (PostgreSQL) or its triggers (SQLite)."""
    if connection.dialect.name == "sqlite":
        return set(
            connection.execute(
                text("SELECT tbl_name FROM sqlite_master WHERE name = 'events_no_delete'")
            ).scalars()
        )
    return set(
        connection.execute(
            text(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = c.relname || '_append_only'"
            )
        ).scalars()
    )


def test_a_0002_database_with_events_is_partitioned_on_upgrade(fresh_url, backend) -> None:
    from datetime import timedelta

    stored = [make_event(n, age=timedelta(days=3 * n)) for n in range(80)]  # 0..237 days
    engine = connect(resolve_url(fresh_url))
    try:
        migrate.upgrade(engine, "0002")
        for batch in (stored[:50], stored[50:]):  # two appends as 0002 made them
            append_as_of(engine, batch)
        with engine.connect() as connection:
            old_seq = connection.execute(text("SELECT max(seq) FROM events")).scalar_one()
    finally:
        engine.dispose()
    store = AuditStore.open(fresh_url)
    try:
        with _on(fresh_url) as connection:
            assert migrate.current_revision(connection) == migrate.HEAD
            partitions = sorted(_partitions(connection))
            held = connection.execute(text("SELECT count(*) FROM events")).scalar_one()
            guarded = _guarded_tables(connection)
        assert held == len(stored)
        assert guarded >= {"events", *partitions}
        if backend == "postgresql":
            assert "event_ids" in guarded
            assert _ids_in_step(fresh_url)
        if backend == "postgresql":  # weeks back to retention's cutoff, the rest in the default
            assert "events_default" in partitions and len(partitions) >= 1 + 27
        else:
            assert partitions == []
        store.add_account(ADMIN)
        report = store.verify(ADMIN.email)
        assert report.valid and (report.events, report.segments) == (80, 2)
        reader = store.reader(ADMIN.email)
        assert reader.get("evt_000007") == stored[7]
        # Appends go on: a held id is skipped, the sequence continues, the chain too.
        assert store.append([stored[3], make_event(100)]).added == 1
        with _on(fresh_url) as connection:
            new_seq = connection.execute(
                text("SELECT seq FROM events WHERE event_id = 'evt_000100'")
            ).scalar_one()
        assert new_seq > old_seq
        assert store.verify(ADMIN.email).valid
        removed = store.purge()
        assert removed == sum(1 for e in stored if e.occurred_at < store.now() - RETENTION)
        assert store.verify(ADMIN.email).valid
        if backend == "postgresql":
            assert _ids_in_step(fresh_url)
    finally:
        store.close()


def test_0003_downgrades_to_one_table_and_upgrades_again(fresh_url, backend) -> None:
    from datetime import timedelta

    stored = [make_event(n, age=timedelta(days=5 * n)) for n in range(30)]  # 0..145 days
    store = AuditStore.open(fresh_url)
    store.append(stored)
    store.close()
    downgrade(fresh_url, "0002")
    engine = connect(resolve_url(fresh_url))
    try:
        with engine.connect() as connection:
            assert _partitions(connection) == set()
            assert connection.execute(text("SELECT count(*) FROM events")).scalar_one() == 30
            assert "events" in _guarded_tables(connection)
    finally:
        engine.dispose()
    store = AuditStore.open(fresh_url)
    try:
        store.add_account(ADMIN)
        assert store.append([stored[4], make_event(99)]).added == 1
        report = store.verify(ADMIN.email)
        assert report.valid and report.events == 31
        if backend == "postgresql":
            assert _ids_in_step(fresh_url)
    finally:
        store.close()
