"""Bring a database to the current schema version, paying for Alembic only when needed.

Importing Alembic costs about a third of a second, more than the viewer's whole start-up
budget, so the common case (the database is current) is decided with one plain query.
"""

from __future__ import annotations

from sqlalchemy import Connection, Engine, text

from tui.domain.errors import StoreUnavailable

#: The newest revision in ``migrations/versions``; a test checks it matches Alembic's head.
HEAD = "0006"


def current_revision(connection: Connection) -> str | None:
    """The database's schema revision, or None for a database without our schema."""
    from sqlalchemy import inspect

    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def ensure_current(engine: Engine) -> None:
    """Create a fresh database at HEAD, or upgrade an older one in place."""
    with engine.connect() as connection:
        revision = current_revision(connection)
    if revision == HEAD:
        return
    if revision is not None and revision not in known_revisions():
        raise StoreUnavailable(
            f"the database has schema version {revision}, which this auditlog does not know; "
            "it was written by a newer auditlog: upgrade auditlog"
        )
    upgrade(engine)


def upgrade(engine: Engine, target: str = "head") -> None:
    from alembic import command

    with engine.begin() as connection:
        config = _config()
        config.attributes["connection"] = connection
        command.upgrade(config, target)


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory.from_config(_config()).walk_revisions()}


def _config():  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "tui.store:migrations")
    return config
