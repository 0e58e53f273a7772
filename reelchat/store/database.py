"""Opening the SQLite database (WAL, foreign keys, a busy timeout, checked headers, migrated
schema) and the write transaction every query runs in.

Every transaction is `BEGIN IMMEDIATE`, so the CLI, the UI and render workers can write at once
without 'database is locked' errors, and it checks that the file is still the one opened.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy.exc
from sqlalchemy import Engine, event
from sqlmodel import Session, create_engine

from reelchat.errors import StoreUnavailable
from reelchat.store.migrations import migrate


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino


def damaged(path: Path, reason: str) -> StoreUnavailable:
    """The one-line error for a database file that cannot be used."""
    return StoreUnavailable(
        f"the database {path} cannot be used ({reason}); nothing was changed. Restore it from "
        "a backup, or move it aside to start an empty workspace"
    )


def check_header(path: Path) -> None:
    """StoreUnavailable when the file at `path` exists but is not a whole SQLite database:
    not a database at all, or fewer bytes than its header says it holds (truncated).

    The file is read through SQLite (a read-only connection), never through a handle of our
    own: closing any descriptor of a database file drops every POSIX lock this process holds
    on it, so another process could checkpoint the WAL under this process's open connections
    (sqlite.org/howtocorrupt.html, section 2.2)."""
    if not path.exists() or path.stat().st_size == 0:
        return
    probe = None
    try:
        probe = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        page_size = probe.execute("PRAGMA page_size").fetchone()[0]
        pages = probe.execute("PRAGMA page_count").fetchone()[0]
    except sqlite3.OperationalError:
        return  # locked, unreadable or a full disk: opening the engine reports it, as ever
    except sqlite3.DatabaseError as error:
        reason = "it is not a SQLite database" if "not a database" in str(error) else str(error)
        raise damaged(path, reason) from None
    finally:
        if probe is not None:
            probe.close()
    quiet = not path.with_name(path.name + "-wal").exists()  # no checkpoint under way
    if quiet and pages * page_size > path.stat().st_size:
        raise damaged(path, "it is truncated: shorter than its header says")


def open_db(path: Path) -> Engine:
    """Open (creating if needed) the database at `path` in WAL mode with foreign keys on.

    A file that is not a SQLite database raises StoreUnavailable at once. Every transaction
    checks that the file is still the one opened here: a database deleted or replaced while a
    process runs raises StoreUnavailable instead of writing into an unlinked file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    check_header(path)
    engine = create_engine(
        f"sqlite:///{path}", connect_args={"timeout": 30, "check_same_thread": False}
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    opened: list[tuple[int, int] | None] = []

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if opened and _identity(path) != opened[0]:
            raise StoreUnavailable(
                f"the database {path} was deleted or replaced while reelchat was running; "
                "nothing more was saved. Put it back (or restore a backup) and run again"
            )
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    try:
        migrate(engine)
    except sqlalchemy.exc.OperationalError:
        raise
    except sqlalchemy.exc.DatabaseError as error:
        raise damaged(path, str(error.orig or error).splitlines()[0]) from None
    opened.append(_identity(path))
    return engine


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """One write transaction; a damaged file (not a lock or a full disk) is StoreUnavailable."""
    try:
        with Session(engine, expire_on_commit=False) as db, db.begin():
            yield db
    except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.IntegrityError):
        raise
    except sqlalchemy.exc.DatabaseError as error:
        path = Path(engine.url.database or "")
        raise damaged(path, str(error.orig or error).splitlines()[0]) from None
