"""Named, ordered schema migrations for the app database.

The database's `PRAGMA user_version` is its schema version: the number of steps below that
have run. Opening a database runs the missing steps in order, each in its own `BEGIN
IMMEDIATE` transaction that first re-reads the version (so two processes opening one database
at once run each step once). A step is never edited after a release: a change to the schema is
a new function appended to MIGRATIONS. The shape follows simonw/llm's `llm/migrations.py`.
A database whose version is higher than this code knows was made by a newer reelchat and is
refused rather than written to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Engine

from reelchat.errors import StoreUnavailable

Connection = Any
"""A DB-API (sqlite3) connection inside an open transaction."""

MIGRATIONS: list[Callable[[Connection], None]] = []


def migration(step: Callable[[Connection], None]) -> Callable[[Connection], None]:
    """Append `step` to MIGRATIONS (its position is its version number)."""
    MIGRATIONS.append(step)
    return step


def _columns(connection: Connection, table: str) -> set[str]:
    return {row[1] for row in connection.execute(f'PRAGMA table_info("{table}")')}


@migration
def m001_initial(connection: Connection) -> None:
    """The schema of the first releases (tables made by `create_all`, no version recorded);
    `IF NOT EXISTS`, so a database made by such a release is taken over as it is."""
    for statement in _INITIAL_SCHEMA.split(";\n"):
        if statement.strip():
            connection.execute(statement)


@migration
def m002_job_owner_and_heartbeat(connection: Connection) -> None:
    """Render jobs name their runner and its last heartbeat (job leases); releases before
    them made renderjob without these columns."""
    present = _columns(connection, "renderjob")
    if "owner" not in present:
        connection.execute("ALTER TABLE renderjob ADD COLUMN owner VARCHAR NOT NULL DEFAULT ''")
    if "heartbeat_at" not in present:
        connection.execute("ALTER TABLE renderjob ADD COLUMN heartbeat_at DATETIME")


@migration
def m003_turn_claim(connection: Connection) -> None:
    """Which process runs a turn on a session's conversation (store.claim_turn)."""
    connection.execute(
        """CREATE TABLE IF NOT EXISTS turnclaim (
        session_id VARCHAR NOT NULL,
        checkpoint_id VARCHAR NOT NULL,
        owner VARCHAR NOT NULL,
        claimed_at DATETIME NOT NULL,
        PRIMARY KEY (session_id),
        FOREIGN KEY(session_id) REFERENCES session (id) ON DELETE CASCADE)"""
    )


@migration
def m004_running_jobs_index(connection: Connection) -> None:
    """Finding running jobs (dead-runner checks on every start) reads an index, not the table."""
    connection.execute("CREATE INDEX IF NOT EXISTS ix_renderjob_status ON renderjob (status)")


@migration
def m005_clip_attempts(connection: Connection) -> None:
    """Every render of a clip with its provenance and the shot check's verdict."""
    connection.execute(
        """CREATE TABLE IF NOT EXISTS clipattempt (
        session_id VARCHAR NOT NULL,
        "key" VARCHAR NOT NULL,
        attempt INTEGER NOT NULL,
        seed INTEGER NOT NULL,
        passed BOOLEAN NOT NULL,
        problems VARCHAR NOT NULL,
        details_json VARCHAR NOT NULL,
        started_at DATETIME NOT NULL,
        finished_at DATETIME NOT NULL,
        PRIMARY KEY (session_id, "key", attempt),
        FOREIGN KEY(session_id) REFERENCES session (id) ON DELETE CASCADE)"""
    )


@migration
def m006_render_rates(connection: Connection) -> None:
    """Seconds per frame per renderer, device and size: the history render estimates use."""
    connection.execute(
        """CREATE TABLE IF NOT EXISTS renderrate (
        backend VARCHAR NOT NULL,
        device VARCHAR NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        seconds_per_frame FLOAT NOT NULL,
        samples INTEGER NOT NULL,
        updated_at DATETIME NOT NULL,
        PRIMARY KEY (backend, device, width, height))"""
    )


@migration
def m007_media(connection: Connection) -> None:
    """A person's media (pictures, clips, fonts) by content, where each is listed, and the
    workspace's brand kit."""
    connection.execute(
        """CREATE TABLE IF NOT EXISTS mediaitem (
        id VARCHAR NOT NULL,
        kind VARCHAR(5) NOT NULL,
        suffix VARCHAR NOT NULL,
        bytes INTEGER NOT NULL,
        width INTEGER NOT NULL,
        height INTEGER NOT NULL,
        duration FLOAT NOT NULL,
        has_alpha BOOLEAN NOT NULL,
        created_at DATETIME NOT NULL,
        PRIMARY KEY (id))"""
    )
    connection.execute(
        """CREATE TABLE IF NOT EXISTS medialisting (
        scope VARCHAR NOT NULL,
        media_id VARCHAR NOT NULL,
        label VARCHAR NOT NULL,
        added_at DATETIME NOT NULL,
        PRIMARY KEY (scope, media_id),
        FOREIGN KEY(media_id) REFERENCES mediaitem (id) ON DELETE CASCADE)"""
    )
    connection.execute(
        """CREATE TABLE IF NOT EXISTS brandkit (
        id INTEGER NOT NULL,
        brand_json VARCHAR NOT NULL,
        updated_at DATETIME NOT NULL,
        PRIMARY KEY (id))"""
    )


def schema_version(connection: Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def migrate(engine: Engine) -> int:
    """Run the steps `engine`'s database lacks, in order; returns its schema version.
    StoreUnavailable when the database was made by a newer reelchat."""
    raw = engine.raw_connection()
    try:
        connection = raw.driver_connection
        assert connection is not None
        while True:
            connection.execute("BEGIN IMMEDIATE")
            try:
                version = schema_version(connection)
                if version > len(MIGRATIONS):
                    raise StoreUnavailable(
                        f"the database was made by a newer reelchat (schema {version}; this "
                        f"one knows {len(MIGRATIONS)}); upgrade reelchat to open it"
                    )
                if version == len(MIGRATIONS):
                    connection.execute("COMMIT")
                    return version
                MIGRATIONS[version](connection)
                connection.execute(f"PRAGMA user_version = {version + 1}")
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
    finally:
        raw.close()


_INITIAL_SCHEMA = """
CREATE TABLE IF NOT EXISTS session (
    id VARCHAR NOT NULL,
    title VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    updated_at DATETIME NOT NULL,
    current_version INTEGER,
    PRIMARY KEY (id));
CREATE TABLE IF NOT EXISTS message (
    id INTEGER NOT NULL,
    session_id VARCHAR NOT NULL,
    role VARCHAR NOT NULL,
    content VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(session_id) REFERENCES session (id) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS storyboardversion (
    id INTEGER NOT NULL,
    session_id VARCHAR NOT NULL,
    number INTEGER NOT NULL,
    storyboard_json VARCHAR NOT NULL,
    note VARCHAR NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (session_id, number),
    FOREIGN KEY(session_id) REFERENCES session (id) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS clip (
    session_id VARCHAR NOT NULL,
    "key" VARCHAR NOT NULL,
    path VARCHAR NOT NULL,
    backend VARCHAR NOT NULL,
    frames INTEGER NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    fps INTEGER NOT NULL,
    render_seconds FLOAT NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (session_id, "key"),
    FOREIGN KEY(session_id) REFERENCES session (id) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS renderjob (
    id VARCHAR NOT NULL,
    session_id VARCHAR NOT NULL,
    version_number INTEGER NOT NULL,
    backend VARCHAR NOT NULL,
    status VARCHAR(9) NOT NULL,
    progress FLOAT NOT NULL,
    error VARCHAR NOT NULL,
    cancel_requested BOOLEAN NOT NULL,
    created_at DATETIME NOT NULL,
    started_at DATETIME,
    finished_at DATETIME,
    PRIMARY KEY (id),
    FOREIGN KEY(session_id) REFERENCES session (id) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS batchitem (
    batch_key VARCHAR NOT NULL,
    row_key VARCHAR NOT NULL,
    row_index INTEGER NOT NULL,
    session_id VARCHAR NOT NULL,
    status VARCHAR NOT NULL,
    output VARCHAR NOT NULL,
    updated_at DATETIME NOT NULL,
    PRIMARY KEY (batch_key, row_key),
    FOREIGN KEY(session_id) REFERENCES session (id) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS jobshot (
    job_id VARCHAR NOT NULL,
    position INTEGER NOT NULL,
    shot_id VARCHAR NOT NULL,
    cache_key VARCHAR NOT NULL,
    status VARCHAR(9) NOT NULL,
    progress FLOAT NOT NULL,
    error VARCHAR NOT NULL,
    render_seconds FLOAT NOT NULL,
    PRIMARY KEY (job_id, position),
    FOREIGN KEY(job_id) REFERENCES renderjob (id) ON DELETE CASCADE);
CREATE TABLE IF NOT EXISTS video (
    id VARCHAR NOT NULL,
    session_id VARCHAR NOT NULL,
    job_id VARCHAR NOT NULL,
    version_number INTEGER NOT NULL,
    path VARCHAR NOT NULL,
    duration FLOAT NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    created_at DATETIME NOT NULL,
    PRIMARY KEY (id),
    FOREIGN KEY(session_id) REFERENCES session (id) ON DELETE CASCADE,
    FOREIGN KEY(job_id) REFERENCES renderjob (id) ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS ix_session_title ON session (title);
CREATE INDEX IF NOT EXISTS ix_session_updated_at ON session (updated_at);
CREATE INDEX IF NOT EXISTS ix_message_session_id ON message (session_id);
CREATE INDEX IF NOT EXISTS ix_storyboardversion_session_id ON storyboardversion (session_id);
CREATE INDEX IF NOT EXISTS ix_renderjob_session_id ON renderjob (session_id);
CREATE INDEX IF NOT EXISTS ix_video_session_id ON video (session_id);
"""
