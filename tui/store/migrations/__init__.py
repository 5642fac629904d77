"""Alembic migrations. ``tui.store.migrate.ensure_current`` runs them; no alembic.ini is needed."""
