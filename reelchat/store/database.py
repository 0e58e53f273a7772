"""Opening the SQLite database (WAL, foreign keys, a busy timeout, checked headers, migrated
schema) and the write transaction every query runs in.

Every transaction is `BEGIN IMMEDIATE`, so the CLI, the UI and render workers can write at once
without 'database is locked' errors, and it checks that the file is still the one opened.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy.exc
from sqlalchemy import Engine, event
from sqlmodel import Session, create_engine

from reelchat.errors import StoreUnavailable
from reelchat.store.migrations import migrate

SQLITE_HEADER = b"SQLite format 3\x00"


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
    a foreign header, or fewer bytes than its header says it holds (truncated). Reads 100
    bytes; the layout is SQLite's file format, section 1.3 (sqlite.org/fileformat.html)."""
    if not path.exists() or path.stat().st_size == 0:
        return
    with open(path, "rb") as handle:
        header = handle.read(100)
    if not header.startswith(SQLITE_HEADER):
        raise damaged(path, "it is not a SQLite database")
    if len(header) < 100:
        raise damaged(path, "it is truncated")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(header[28:32], "big")
    valid = header[24:28] == header[92:96]  # the in-header size is current
    quiet = not path.with_name(path.name + "-wal").exists()  # no checkpoint under way
    if valid and quiet and pages * page_size > path.stat().st_size:
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
