"""Open the plan database from a URL: engine, sessions, and the migrations applied on open.

``--db`` takes a SQLAlchemy URL (``sqlite:///plans.db``, ``postgresql://user:pw@host/db``) or a plain file
path (a SQLite file). Without one, ``KEHOACH_DB`` is used, else ``kehoach.db`` in the working directory:
no server is needed. ``postgresql://`` URLs use psycopg 3 (the ``[postgres]`` extra).

Alembic is configured here in code, with the migrations read from the installed package, so that a
non-editable install migrates its database without an alembic.ini.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from importlib.resources import as_file, files
from pathlib import Path
from typing import Iterator

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

from kehoach.parsers.errors import MissingDependency

DEFAULT_FILE = "kehoach.db"
ENV_VAR = "KEHOACH_DB"


class DatabaseURLError(ValueError):
    """A --db value that is neither a database URL nor a file path."""


def resolve_url(url: str | Path | None = None) -> str:
    """The URL to open: the argument, else $KEHOACH_DB, else a SQLite file in the working directory."""
    url = str(url or os.environ.get(ENV_VAR) or DEFAULT_FILE)
    if "://" not in url:
        return f"sqlite:///{Path(url).expanduser().resolve()}"
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.close()


def make_engine(url: str | Path | None = None) -> Engine:
    """An engine for the URL, without migrating. SQLite gets foreign keys enforced."""
    resolved = resolve_url(url)
    try:
        parsed = make_url(resolved)
    except ArgumentError as err:
        raise DatabaseURLError(f"not a database URL: {str(url)!r}") from err
    if parsed.get_backend_name() == "postgresql":
        try:
            import psycopg  # noqa: F401
        except ImportError as err:
            raise MissingDependency(str(url), "PostgreSQL needs psycopg 3: pip install 'kehoach[postgres]'") from err
    try:
        engine = create_engine(parsed)
    except NoSuchModuleError as err:
        raise DatabaseURLError(f"not a database URL: {str(url)!r} (unknown database {parsed.drivername!r})") from err
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


@contextmanager
def _alembic_config(connection=None) -> Iterator[Config]:
    with as_file(files("kehoach.pipeline.store") / "migrations") as location:
        cfg = Config()
        cfg.set_main_option("script_location", str(location))
        if connection is not None:
            cfg.attributes["connection"] = connection
        yield cfg


def head_revision() -> str | None:
    with _alembic_config() as cfg:
        return ScriptDirectory.from_config(cfg).get_current_head()


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest migration (a no-op when it is there already)."""
    head = head_revision()
    with engine.connect() as conn:
        if MigrationContext.configure(conn).get_current_revision() == head:
            return
    with engine.begin() as conn, _alembic_config(conn) as cfg:
        command.upgrade(cfg, "head")


class Store:
    """The plan database: ``Store(url)`` opens (and migrates) it; ``with store.session() as s:`` works in it."""

    def __init__(self, url: str | Path | None = None, migrate_on_open: bool = True):
        self.url = resolve_url(url)
        self.engine = make_engine(url)
        if migrate_on_open:
            migrate(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session that commits when the block ends cleanly and rolls back otherwise."""
        session = self._sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def dispose(self) -> None:
        self.engine.dispose()

    def __repr__(self) -> str:
        return f"Store({make_url(self.url).render_as_string(hide_password=True)!r})"


def open_store(url: str | None = None) -> Store:
    return Store(url)
