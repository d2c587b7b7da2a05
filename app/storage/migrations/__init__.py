"""Alembic migrations of the storage schema (run by `app.storage.db.migrate`)."""
