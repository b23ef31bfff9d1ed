"""Alembic migrations of the plan database, shipped inside the package so an installed kehoach can migrate
its database without an alembic.ini (``kehoach.pipeline.store.db`` configures Alembic in code)."""
