"""Alembic environment: runs the migrations on the connection that ``kehoach.pipeline.store.db`` hands over
in ``config.attributes["connection"]``, or on ``sqlalchemy.url`` when run by the alembic command."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from kehoach.pipeline.store.models import Base

config = context.config


def _configure(**kwargs) -> None:
    context.configure(target_metadata=Base.metadata, compare_type=True, **kwargs)


def run_offline() -> None:
    """``--sql`` mode: print the DDL for the configured URL instead of running it."""
    _configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        _configure(connection=conn, render_as_batch=conn.dialect.name == "sqlite")
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
