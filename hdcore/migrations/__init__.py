"""The core's Alembic environment and revisions, shipped inside the package (see hdcore.migrate)."""
