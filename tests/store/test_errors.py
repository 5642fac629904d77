"""Where the database is, and what a user is told when it cannot be used."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import ADMIN, make_event
from tests.store.conftest import execute, window
from tui.domain.errors import StoreUnavailable
from tui.store.engine import DB_ENV, describe, resolve_url
from tui.store.repository import AuditStore


def _readable(message: str) -> None:
    """One line, no traceback, no driver class names: something to show a user."""
    assert message and "\n" not in message
    assert "Traceback" not in message and "sqlalchemy" not in message.lower()
    assert "psycopg." not in message and "(Background on this error" not in message


# -- resolve_url ---------------------------------------------------------------------------------


def test_a_plain_path_means_a_sqlite_file(tmp_path) -> None:
    url = resolve_url(str(tmp_path / "audit.db"))
    assert (url.get_backend_name(), url.database) == ("sqlite", str(tmp_path / "audit.db"))


def test_a_relative_path_is_made_absolute(tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_url("sub/audit.db").database == str(tmp_path / "sub" / "audit.db")


def test_a_home_relative_path_is_expanded(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    assert resolve_url("~/audit.db").database == str(tmp_path / "audit.db")


def test_a_path_with_spaces_and_unicode_is_kept(tmp_path) -> None:
    path = tmp_path / "my audit ünï.db"
    assert resolve_url(str(path)).database == str(path)


def test_a_sqlite_url_is_kept(tmp_path) -> None:
    url = resolve_url(f"sqlite:///{tmp_path}/a.db")
    assert (url.drivername, url.database) == ("sqlite", f"{tmp_path}/a.db")


@pytest.mark.parametrize(
    "given",
    [
        "postgresql://u:p@db.example.com:5433/audit",
        "postgres://u:p@db.example.com:5433/audit",
        "postgresql+psycopg://u:p@db.example.com:5433/audit",
    ],
)
def test_postgresql_urls_use_psycopg_3(given) -> None:
    url = resolve_url(given)
    assert url.drivername == "postgresql+psycopg"
    assert (url.host, url.port, url.database, url.username) == (
        "db.example.com",
        5433,
        "audit",
        "u",
    )


@pytest.mark.parametrize(
    "given",
    ["mysql://u@h/db", "mssql+pyodbc://u@h/db", "oracle://u@h/db", "duckdb:///x.db"],
)
def test_other_databases_are_refused(given) -> None:
    with pytest.raises(StoreUnavailable, match="SQLite or PostgreSQL") as refused:
        resolve_url(given)
    _readable(str(refused.value))


@pytest.mark.parametrize(
    "given",
    ["postgresql+psycopg2://u@h/db", "postgresql+asyncpg://u@h/db", "sqlite+aiosqlite:///x"],
)
def test_drivers_that_are_not_shipped_are_refused_by_name(given) -> None:
    with pytest.raises(StoreUnavailable, match=given.split("://")[0].split("+")[1]) as refused:
        AuditStore.open(given)
    _readable(str(refused.value))


def test_a_malformed_url_is_refused(tmp_path) -> None:
    with pytest.raises(StoreUnavailable, match="neither a database URL nor a file path"):
        resolve_url("postgresql://u@h:notaport/db")


def test_the_environment_names_the_database_when_no_url_is_given(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv(DB_ENV, str(tmp_path / "from-env.db"))
    assert resolve_url(None).database == str(tmp_path / "from-env.db")
    assert resolve_url(str(tmp_path / "given.db")).database == str(tmp_path / "given.db")


def test_without_url_or_environment_the_users_data_directory_is_used(monkeypatch) -> None:
    monkeypatch.delenv(DB_ENV, raising=False)
    for value in (None, ""):
        database = Path(resolve_url(value).database or "")
        assert database.name == "auditlog.sqlite3"
        assert database.is_absolute() and "auditlog" in database.parent.parts


def test_describe_never_shows_a_password() -> None:
    label = describe(resolve_url("postgresql://audit:s3cr3t@db.example.com/audit"))
    assert "s3cr3t" not in label and "db.example.com" in label


def test_a_sqlite_database_and_its_folders_are_created_on_first_use(tmp_path) -> None:
    path = tmp_path / "new" / "folders" / "audit.db"
    AuditStore.open(str(path)).close()
    assert path.is_file()


# -- databases that cannot be used ---------------------------------------------------------------


def test_a_closed_postgresql_port_is_unavailable() -> None:
    with pytest.raises(StoreUnavailable) as refused:
        AuditStore.open("postgresql://audit:s3cr3t@127.0.0.1:1/test")
    message = str(refused.value)
    _readable(message)
    assert "127.0.0.1" in message and "s3cr3t" not in message


def test_a_missing_postgresql_database_is_unavailable(request) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import PG_URL

    request.getfixturevalue("pg_schema_url")  # needs the server
    url = PG_URL.rsplit("/", 1)[0] + "/no_such_database_here"
    with pytest.raises(StoreUnavailable, match="no_such_database_here") as refused:
        AuditStore.open(url)
    _readable(str(refused.value))


def _not_a_database(tmp_path: Path) -> Path:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"these are notes, not a database\n" * 200)
    return path


def _a_directory(tmp_path: Path) -> Path:
    path = tmp_path / "a-directory.db"
    path.mkdir()
    return path


def _below_a_file(tmp_path: Path) -> Path:
    (tmp_path / "plain-file").write_text("x")
    return tmp_path / "plain-file" / "audit.db"


def _in_proc(tmp_path: Path) -> Path:
    return Path("/proc/self/no-such-place/audit.db")


@pytest.mark.parametrize(
    "make_path", [_not_a_database, _a_directory, _below_a_file, _in_proc], ids=lambda f: f.__name__
)
def test_an_unusable_sqlite_path_is_unavailable(tmp_path, make_path) -> None:
    path = make_path(tmp_path)
    with pytest.raises(StoreUnavailable) as refused:
        AuditStore.open(str(path))
    message = str(refused.value)
    _readable(message)
    assert str(path) in message


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_sqlite_file_is_unavailable(tmp_path) -> None:
    path = tmp_path / "locked.db"
    AuditStore.open(str(path)).close()
    path.chmod(0)
    with pytest.raises(StoreUnavailable):
        AuditStore.open(str(path))


def test_a_database_broken_while_open_gives_store_unavailable(fresh_url, clock) -> None:
    store = AuditStore.open(fresh_url, clock=clock)
    try:
        store.add_account(ADMIN)
        reader = store.reader(ADMIN.email)
        execute(fresh_url, text("DROP TABLE events"))
        for call in (
            lambda: reader.page(window(clock)),
            lambda: reader.count(window(clock)),
            lambda: reader.get("evt_000001"),
            lambda: store.append([make_event(1)]),
            lambda: store.purge(),
        ):
            with pytest.raises(StoreUnavailable, match="events") as refused:
                call()
            _readable(str(refused.value))
    finally:
        store.close()


@pytest.mark.postgres
def test_an_open_store_survives_a_dropped_server_connection(request, clock) -> None:  # type: ignore[no-untyped-def]
    from tests.conftest import _empty_postgres

    url = request.getfixturevalue("pg_schema_url")
    _empty_postgres(url)
    store = AuditStore.open(url, clock=clock)
    try:
        store.add_account(ADMIN)
        store.append([make_event(1)])
        reader = store.reader(ADMIN.email)
        with store._engine.connect() as connection:
            pid = connection.execute(text("SELECT pg_backend_pid()")).scalar()
        execute(url, text(f"SELECT pg_terminate_backend({int(pid)})"))
        assert [e.id for e in reader.page(window(clock)).events] == ["evt_000001"]
    finally:
        store.close()
        _empty_postgres(url)


# -- the SQLite file moved away or replaced while a store has it open ---------------------------


def _seeded(path: Path, clock, event: int) -> AuditStore:  # type: ignore[no-untyped-def]
    store = AuditStore.open(str(path), clock=clock)
    store.add_account(ADMIN)
    store.append([make_event(event)])
    return store


def _move(files: list[Path], folder: Path) -> None:
    for file in files:
        file.rename(folder / file.name)


def test_a_sqlite_path_with_uri_characters_is_created_and_opened_as_named(tmp_path) -> None:
    """The file is opened through a SQLite URI: ``?``, ``#``, ``%`` and spaces stay literal."""
    path = tmp_path / "odd ?mode=ro&x #1 100% ü.db"
    AuditStore.open(str(path)).close()
    store = AuditStore.open(str(path))
    try:
        store.append([make_event(1)])
    finally:
        store.close()
    assert path.is_file() and path.stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.endswith(("-wal", "-shm"))) == [
        path.name
    ]


def test_a_sqlite_file_moved_away_while_open_is_unavailable_and_not_recreated(
    tmp_path, clock
) -> None:
    path = tmp_path / "audit.db"
    store = _seeded(path, clock, 1)
    away = tmp_path / "away"
    away.mkdir()
    try:
        reader = store.reader(ADMIN.email)
        assert [e.id for e in reader.page(window(clock)).events] == ["evt_000001"]
        _move(list(tmp_path.glob("audit.db*")), away)
        for _ in range(2):  # the pooled connection is dropped, and a new one is not made
            with pytest.raises(StoreUnavailable, match="unable to open database file") as refused:
                reader.page(window(clock))
            _readable(str(refused.value))
            assert not path.exists(), "an empty database was created in its place"
        _move(list(away.iterdir()), tmp_path)
        assert [e.id for e in reader.page(window(clock)).events] == ["evt_000001"]
    finally:
        store.close()


def test_a_sqlite_file_replaced_while_open_is_read_from_the_new_file(tmp_path, clock) -> None:
    """A restore over the open file: the store reads what is at the path now.

    The old file's WAL goes with it (``_move``): SQLite cannot tell a WAL left behind from
    the new file's own, and would read its pages over the new file (sqlite.org, "How To
    Corrupt", mispairing database files and hot journals); no connection setting helps.
    """
    path = tmp_path / "audit.db"
    store = _seeded(path, clock, 1)
    restored, away = tmp_path / "restored", tmp_path / "away"
    restored.mkdir()
    away.mkdir()
    _seeded(restored / "audit.db", clock, 2).close()
    try:
        reader = store.reader(ADMIN.email)
        assert [e.id for e in reader.page(window(clock)).events] == ["evt_000001"]
        _move(list(tmp_path.glob("audit.db*")), away)
        (restored / "audit.db").replace(path)
        assert [e.id for e in reader.page(window(clock)).events] == ["evt_000002"]
    finally:
        store.close()


def test_a_sqlite_file_replaced_by_another_kind_of_file_is_unavailable(tmp_path, clock) -> None:
    path = tmp_path / "audit.db"
    store = _seeded(path, clock, 1)
    try:
        reader = store.reader(ADMIN.email)
        reader.page(window(clock))
        away = tmp_path / "away"
        away.mkdir()
        _move(list(tmp_path.glob("audit.db*")), away)
        _not_a_database(tmp_path).replace(path)
        with pytest.raises(StoreUnavailable, match="file is not a database") as refused:
            reader.page(window(clock))
        _readable(str(refused.value))
    finally:
        store.close()


# -- PostgreSQL: a bounded wait for locks --------------------------------------------------------


@pytest.mark.postgres
def test_postgresql_waits_for_a_lock_at_most_the_busy_timeout_unless_the_url_says(
    request, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """The store's own lock timeout where the deployment set none, the deployment's where it
    did; statements themselves are never cut short (a long export runs to its end)."""
    url = request.getfixturevalue("pg_schema_url")
    monkeypatch.setattr("tui.store.engine.SQLITE_BUSY_TIMEOUT_MS", 1234)
    deployment = url.replace("options=", "options=-clock_timeout%3D750%20", 1)
    for given, expected in ((url, "1234ms"), (deployment, "750ms")):
        store = AuditStore.open(given)
        try:
            for _ in range(2):  # the connection the migration check used, and a reused one
                with store._engine.connect() as connection:
                    assert connection.exec_driver_sql("SHOW lock_timeout").scalar() == expected
                    assert connection.exec_driver_sql("SHOW statement_timeout").scalar() == "0"
        finally:
            store.close()


def test_nul_in_user_input_is_an_answer_not_a_database_error(store) -> None:
    """PostgreSQL refuses NUL even as a bound value; no stored key can hold one anyway."""
    import pytest

    from tests.conftest import ADMIN, FIXED_NOW, make_event
    from tui.domain.access import Scope
    from tui.domain.errors import AccessDenied, InvalidInput, NotFound
    from tui.domain.query import Cursor, EventQuery

    store.add_account(ADMIN)
    store.append([make_event(1)])
    reader = store.reader(ADMIN.email)
    query = EventQuery.default(FIXED_NOW)
    assert reader.page(query.with_changes(performer="ada\x00@example.com")).events == ()
    assert reader.page(query.with_changes(scope=Scope.of_tenants({"t_\x0001"}))).events == ()
    assert reader.count(query.with_changes(text="coll\x00ector")).value == 0
    with pytest.raises(NotFound):
        reader.get("evt_\x00000001")
    with pytest.raises(InvalidInput):
        reader.page(query, Cursor(1, "evt\x00"))
    with pytest.raises(AccessDenied):
        store.reader("ada\x00@example.com")


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
def test_postgresql_sessions_run_without_jit_and_keep_the_urls_options(store) -> None:
    """The server's JIT compiled the pickers' counts for a second each (issue 5); the URL's
    own ``options`` (here the test's search_path) must still apply."""
    with store._read() as connection:
        assert connection.execute(text("SHOW jit")).scalar() == "off"
        assert "auditlog_" in connection.execute(text("SHOW search_path")).scalar()
