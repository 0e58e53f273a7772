"""SQLite store (sqlmodel): sessions, messages, storyboard versions, clips, render jobs, videos.

Every write runs in a `BEGIN IMMEDIATE` transaction on a WAL database with a busy timeout, so
the CLI, the UI and render workers can write at once without 'database is locked' errors.
Functions are keyword-only and take the engine first; none builds SQL from user text.
"""

from __future__ import annotations

import os
import secrets
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Any

import sqlalchemy.exc
from sqlalchemy import Engine, UniqueConstraint, event, func, inspect, update
from sqlmodel import Field, Session, SQLModel, create_engine, select

from reelchat.errors import JobBusy, NotFound, StoreUnavailable, VersionConflict
from reelchat.storyboard.models import Storyboard


def _now() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return secrets.token_hex(6)


class JobStatus(StrEnum):
    queued = "queued"
    running = "running"
    done = "done"
    failed = "failed"
    cancelled = "cancelled"


class ShotStatus(StrEnum):
    queued = "queued"
    running = "running"
    rendered = "rendered"
    cached = "cached"
    failed = "failed"
    cancelled = "cancelled"


class ChatSession(SQLModel, table=True):
    __tablename__ = "session"
    id: str = Field(default_factory=new_id, primary_key=True)
    title: str = Field(index=True)
    created_at: datetime = Field(default_factory=_now)
    updated_at: datetime = Field(default_factory=_now, index=True)
    current_version: int | None = None


class Message(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="session.id", ondelete="CASCADE", index=True)
    role: str
    content: str
    created_at: datetime = Field(default_factory=_now)


class StoryboardVersion(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("session_id", "number"),)
    id: int | None = Field(default=None, primary_key=True)
    session_id: str = Field(foreign_key="session.id", ondelete="CASCADE", index=True)
    number: int
    storyboard_json: str
    note: str = ""
    created_at: datetime = Field(default_factory=_now)

    @property
    def storyboard(self) -> Storyboard:
        return Storyboard.model_validate_json(self.storyboard_json)


class ClipRecord(SQLModel, table=True):
    __tablename__ = "clip"
    session_id: str = Field(foreign_key="session.id", ondelete="CASCADE", primary_key=True)
    key: str = Field(primary_key=True)
    path: str
    """Relative to the session folder."""
    backend: str
    frames: int
    width: int
    height: int
    fps: int
    render_seconds: float
    created_at: datetime = Field(default_factory=_now)


class RenderJob(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True)
    session_id: str = Field(foreign_key="session.id", ondelete="CASCADE", index=True)
    version_number: int
    backend: str
    status: JobStatus = JobStatus.queued
    progress: float = 0.0
    error: str = ""
    cancel_requested: bool = False
    created_at: datetime = Field(default_factory=_now)
    started_at: datetime | None = None
    finished_at: datetime | None = None
    owner: str = ""
    """Which runner holds the job: 'host:pid:token' (see claim_job)."""
    heartbeat_at: datetime | None = None
    """When the owner last wrote progress; a stale one means the runner is gone."""


class JobShot(SQLModel, table=True):
    job_id: str = Field(foreign_key="renderjob.id", ondelete="CASCADE", primary_key=True)
    position: int = Field(primary_key=True)
    shot_id: str
    cache_key: str
    status: ShotStatus = ShotStatus.queued
    progress: float = 0.0
    error: str = ""
    render_seconds: float = 0.0


class Video(SQLModel, table=True):
    id: str = Field(default_factory=new_id, primary_key=True)
    session_id: str = Field(foreign_key="session.id", ondelete="CASCADE", index=True)
    job_id: str = Field(foreign_key="renderjob.id", ondelete="CASCADE")
    version_number: int
    path: str
    """Relative to the session folder."""
    duration: float
    width: int
    height: int
    created_at: datetime = Field(default_factory=_now)


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
        SQLModel.metadata.create_all(engine)
        _add_new_columns(engine)
    except sqlalchemy.exc.OperationalError:
        raise
    except sqlalchemy.exc.DatabaseError as error:
        raise damaged(path, str(error.orig or error).splitlines()[0]) from None
    opened.append(_identity(path))
    return engine


def _add_new_columns(engine: Engine) -> None:
    """Add columns that newer versions define to a database made by an older one (nullable
    or defaulted columns only, so existing rows stay valid)."""
    inspector = inspect(engine)
    for table in SQLModel.metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            kind = column.type.compile(engine.dialect)
            default = " DEFAULT ''" if not column.nullable else ""
            with engine.begin() as connection:
                connection.exec_driver_sql(
                    f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}{default}'
                )


@contextmanager
def _tx(engine: Engine) -> Iterator[Session]:
    """One write transaction; a damaged file (not a lock or a full disk) is StoreUnavailable."""
    try:
        with Session(engine, expire_on_commit=False) as db, db.begin():
            yield db
    except (sqlalchemy.exc.OperationalError, sqlalchemy.exc.IntegrityError):
        raise
    except sqlalchemy.exc.DatabaseError as error:
        path = Path(engine.url.database or "")
        raise damaged(path, str(error.orig or error).splitlines()[0]) from None


# --- sessions -----------------------------------------------------------------------------


def create_session(engine: Engine, *, title: str) -> ChatSession:
    with _tx(engine) as db:
        row = ChatSession(title=title.strip()[:120] or "Untitled video")
        db.add(row)
    return row


def get_session(engine: Engine, *, session_id: str) -> ChatSession:
    with _tx(engine) as db:
        row = db.get(ChatSession, session_id)
    if row is None:
        raise NotFound(f"no session with id {session_id!r}; `reelchat sessions list` shows them")
    return row


def list_sessions(engine: Engine, *, limit: int = 50, search: str = "") -> list[ChatSession]:
    query = select(ChatSession).order_by(ChatSession.updated_at.desc()).limit(limit)
    if search:
        query = query.where(ChatSession.title.contains(search, autoescape=True))  # % and _ as text
    with _tx(engine) as db:
        return list(db.exec(query).all())


def delete_session(engine: Engine, *, session_id: str) -> None:
    """Delete a session and its rows; refused while a live runner renders it."""
    with _tx(engine) as db:
        row = db.get(ChatSession, session_id)
        if row is None:
            raise NotFound(f"no session with id {session_id!r}")
        running = db.exec(
            select(RenderJob).where(
                RenderJob.session_id == session_id, RenderJob.status == JobStatus.running
            )
        ).all()
        for job in running:
            if _is_live(job, _now()):
                raise JobBusy(
                    f"session {session_id} is rendering (job {job.id}); cancel it with "
                    f"`reelchat cancel {job.id}` or wait for it to finish, then delete"
                )
        db.delete(row)


def _touch(db: Session, session_id: str) -> ChatSession:
    row = db.get(ChatSession, session_id)
    if row is None:
        raise NotFound(f"no session with id {session_id!r}")
    row.updated_at = _now()
    db.add(row)
    return row


# --- messages -----------------------------------------------------------------------------


def add_message(engine: Engine, *, session_id: str, role: str, content: str) -> Message:
    with _tx(engine) as db:
        _touch(db, session_id)
        row = Message(session_id=session_id, role=role, content=content)
        db.add(row)
    return row


def list_messages(engine: Engine, *, session_id: str) -> list[Message]:
    query = select(Message).where(Message.session_id == session_id).order_by(Message.id)
    with _tx(engine) as db:
        return list(db.exec(query).all())


# --- storyboard versions ------------------------------------------------------------------


def add_version(
    engine: Engine,
    *,
    session_id: str,
    storyboard: Storyboard,
    note: str = "",
    based_on: int | None = None,
) -> StoryboardVersion:
    """Save `storyboard` as the session's next version and make it current.

    With `based_on` (the version the storyboard was computed from) the save is a
    compare-and-swap: it happens only while that version is still the current one, checked
    in the same write transaction, so an edit never silently undoes one another process saved
    in between (VersionConflict; re-read, re-apply and save again).
    """
    with _tx(engine) as db:
        session = _touch(db, session_id)
        if based_on is not None and session.current_version != based_on:
            raise VersionConflict(
                f"another process saved version {session.current_version} of this storyboard "
                f"while this edit was made from version {based_on}; nothing was saved"
            )
        last = db.exec(
            select(func.max(StoryboardVersion.number)).where(
                StoryboardVersion.session_id == session_id
            )
        ).one()
        row = StoryboardVersion(
            session_id=session_id,
            number=(last or 0) + 1,
            storyboard_json=storyboard.model_dump_json(),
            note=note,
        )
        db.add(row)
        session.current_version = row.number
    return row


SQLITE_INTEGER_MAX = 2**63 - 1


def _version_text(number: int) -> str:
    """A version number as text, even one with thousands of digits (str() refuses those)."""
    return str(number) if number.bit_length() <= 64 else "with that many digits"


def get_version(engine: Engine, *, session_id: str, number: int | None = None) -> StoryboardVersion:
    """Version `number` of a session, or its current one. A number outside SQLite's 64-bit
    integers (or below 1) is NotFound, like any version that does not exist."""
    if number is not None and not 1 <= number <= SQLITE_INTEGER_MAX:
        raise NotFound(
            f"session {session_id} has no storyboard version {_version_text(number)}; "
            "`reelchat sessions show` lists its versions"
        )
    with _tx(engine) as db:
        session = db.get(ChatSession, session_id)
        if session is None:
            raise NotFound(f"no session with id {session_id!r}")
        wanted = number if number is not None else session.current_version
        if wanted is None:
            raise NotFound(f"session {session_id} has no storyboard yet")
        row = db.exec(
            select(StoryboardVersion).where(
                StoryboardVersion.session_id == session_id, StoryboardVersion.number == wanted
            )
        ).first()
    if row is None:
        raise NotFound(f"session {session_id} has no storyboard version {wanted}")
    return row


def list_versions(engine: Engine, *, session_id: str) -> list[StoryboardVersion]:
    query = (
        select(StoryboardVersion)
        .where(StoryboardVersion.session_id == session_id)
        .order_by(StoryboardVersion.number)
    )
    with _tx(engine) as db:
        return list(db.exec(query).all())


def restore_version(engine: Engine, *, session_id: str, number: int) -> StoryboardVersion:
    """Make an earlier version current again, as a new version (history is never rewritten)."""
    old = get_version(engine, session_id=session_id, number=number)
    return add_version(
        engine, session_id=session_id, storyboard=old.storyboard, note=f"restored version {number}"
    )


# --- clips --------------------------------------------------------------------------------


def find_clip(engine: Engine, *, session_id: str, key: str) -> ClipRecord | None:
    with _tx(engine) as db:
        return db.get(ClipRecord, (session_id, key))


def find_clip_anywhere(engine: Engine, *, key: str) -> ClipRecord | None:
    """A clip with this key in any session: same key, same pixels, so it can be shared."""
    with _tx(engine) as db:
        return db.exec(select(ClipRecord).where(ClipRecord.key == key)).first()


def record_clip(engine: Engine, *, clip: ClipRecord) -> None:
    with _tx(engine) as db:
        db.merge(clip)


# --- render jobs --------------------------------------------------------------------------


def create_job(
    engine: Engine,
    *,
    session_id: str,
    version_number: int,
    backend: str,
    shots: list[tuple[int, str, str]],
) -> RenderJob:
    """A queued job with one row per shot to render: (position, shot id, cache key)."""
    with _tx(engine) as db:
        _touch(db, session_id)
        job = RenderJob(session_id=session_id, version_number=version_number, backend=backend)
        db.add(job)
        db.flush()
        for position, shot_id, key in shots:
            db.add(JobShot(job_id=job.id, position=position, shot_id=shot_id, cache_key=key))
    return job


def get_job(engine: Engine, *, job_id: str) -> RenderJob:
    with _tx(engine) as db:
        job = db.get(RenderJob, job_id)
    if job is None:
        raise NotFound(f"no render job with id {job_id!r}")
    return job


def list_jobs(engine: Engine, *, session_id: str) -> list[RenderJob]:
    query = (
        select(RenderJob).where(RenderJob.session_id == session_id).order_by(RenderJob.created_at)
    )
    with _tx(engine) as db:
        return list(db.exec(query).all())


def job_shots(engine: Engine, *, job_id: str) -> list[JobShot]:
    query = select(JobShot).where(JobShot.job_id == job_id).order_by(JobShot.position)
    with _tx(engine) as db:
        return list(db.exec(query).all())


def unfinished_job(
    engine: Engine, *, session_id: str, version_number: int, backend: str
) -> RenderJob | None:
    """The latest job for this version that did not finish (killed, failed or cancelled)."""
    query = (
        select(RenderJob)
        .where(
            RenderJob.session_id == session_id,
            RenderJob.version_number == version_number,
            RenderJob.backend == backend,
        )
        .order_by(RenderJob.created_at.desc())
    )
    with _tx(engine) as db:
        latest = db.exec(query).first()
    return latest if latest is not None and latest.status != JobStatus.done else None


def update_job(engine: Engine, *, job_id: str, **fields: Any) -> RenderJob:
    with _tx(engine) as db:
        job = db.get(RenderJob, job_id)
        if job is None:
            raise NotFound(f"no render job with id {job_id!r}")
        for name, value in fields.items():
            setattr(job, name, value)
        db.add(job)
    return job


def update_job_shot(engine: Engine, *, job_id: str, position: int, **fields: Any) -> None:
    with _tx(engine) as db:
        row = db.get(JobShot, (job_id, position))
        if row is None:
            raise NotFound(f"job {job_id} has no shot {position}")
        for name, value in fields.items():
            setattr(row, name, value)
        db.add(row)


# --- job ownership ------------------------------------------------------------------------

STALE_AFTER = timedelta(minutes=10)
"""A running job whose owner wrote nothing for this long is taken to be dead (a hung or
crashed runner on another host); on this host a dead owner is seen at once from its pid."""


def runner_id() -> str:
    """A new owner id for one run of a job: host, pid and a random token."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by someone else
        return True
    return True


def _is_live(job: RenderJob, now: datetime) -> bool:
    """True while a runner is rendering `job`: it is running, its heartbeat is fresh and,
    when the owner is on this host, its process still exists."""
    if job.status != JobStatus.running or job.heartbeat_at is None:
        return False
    beat = job.heartbeat_at if job.heartbeat_at.tzinfo else job.heartbeat_at.replace(tzinfo=UTC)
    if now - beat > STALE_AFTER:
        return False
    host, _, rest = job.owner.partition(":")
    pid = rest.partition(":")[0]
    if host == socket.gethostname() and pid.isdigit():
        return _pid_alive(int(pid))
    return True


def claim_job(engine: Engine, *, job_id: str, owner: str) -> RenderJob:
    """Mark `job` running for `owner`, unless another live runner holds it (JobBusy).

    The claim is one UPDATE guarded by the status, owner and heartbeat read in the same write
    transaction, so of two runners that claim at once exactly one wins; a job whose runner
    crashed (dead pid, or no heartbeat for STALE_AFTER) is taken over.
    """
    now = _now()
    with _tx(engine) as db:
        job = db.get(RenderJob, job_id)
        if job is None:
            raise NotFound(f"no render job with id {job_id!r}")
        if job.owner != owner and _is_live(job, now):
            raise JobBusy(
                f"job {job_id} is already being rendered by another process ({job.owner}); "
                f"wait for it, or stop it with `reelchat cancel {job_id}` and render again"
            )
        claimed = db.connection().execute(
            update(RenderJob)
            .where(
                RenderJob.id == job_id,
                RenderJob.status == job.status,
                RenderJob.owner == job.owner,
                (RenderJob.heartbeat_at == job.heartbeat_at)
                if job.heartbeat_at is not None
                else RenderJob.heartbeat_at.is_(None),
            )
            .values(
                status=JobStatus.running,
                owner=owner,
                heartbeat_at=now,
                started_at=now,
                finished_at=None,
                error="",
                cancel_requested=False,
            )  # fmt: skip
        )
        if claimed.rowcount != 1:  # cannot happen under BEGIN IMMEDIATE; kept as the guard
            raise JobBusy(f"job {job_id} was claimed by another process; render again")
        db.expire(job)
        db.refresh(job)
    return job


def heartbeat(engine: Engine, *, job_id: str, owner: str) -> RenderJob | None:
    """Refresh the owner's heartbeat; the job as it is now, or None when another runner took
    it over (the caller must stop)."""
    with _tx(engine) as db:
        result = db.connection().execute(
            update(RenderJob)
            .where(RenderJob.id == job_id, RenderJob.owner == owner)
            .values(heartbeat_at=_now())
        )
        job = db.get(RenderJob, job_id)
    return job if result.rowcount == 1 else None


def live_job(engine: Engine, *, session_id: str) -> RenderJob | None:
    """The session's job that a live runner is rendering now, if any."""
    return next(iter(live_jobs(engine, session_id=session_id)), None)


def live_jobs(engine: Engine, *, session_id: str) -> list[RenderJob]:
    """The session's jobs that live runners are rendering now."""
    now = _now()
    return [job for job in list_jobs(engine, session_id=session_id) if _is_live(job, now)]


DEAD_RUNNER = (
    "the process rendering it stopped (killed, crashed or out of disk space); render again "
    "to resume: finished shots are kept"
)


def end_dead_jobs(engine: Engine) -> int:
    """Mark 'failed' every job still 'running' whose runner is gone (see _is_live), so what a
    person sees says what happened; returns how many. Rendering again resumes such a job."""
    now = _now()
    ended = 0
    with _tx(engine) as db:
        running = db.exec(select(RenderJob).where(RenderJob.status == JobStatus.running)).all()
        for job in running:
            if _is_live(job, now):
                continue
            job.status, job.error, job.finished_at = JobStatus.failed, DEAD_RUNNER, now
            db.add(job)
            ended += 1
    return ended


class TurnRepair(SQLModel, table=True):
    """Which process finishes a session's interrupted turn (one graph checkpoint)."""

    session_id: str = Field(foreign_key="session.id", ondelete="CASCADE", primary_key=True)
    checkpoint_id: str
    owner: str
    claimed_at: datetime = Field(default_factory=_now)


def _owner_alive(owner: str, since: datetime, now: datetime) -> bool:
    """Whether the process named 'host:pid:token' still runs (on this host: its pid; on
    another: it claimed less than STALE_AFTER ago)."""
    since = since if since.tzinfo else since.replace(tzinfo=UTC)
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host == socket.gethostname() and pid.isdigit():
        return _pid_alive(int(pid))
    return now - since <= STALE_AFTER


def claim_turn_repair(engine: Engine, *, session_id: str, checkpoint_id: str, owner: str) -> bool:
    """Claim the finishing of the session's interrupted turn (at `checkpoint_id`): True for
    exactly one of several processes that ask at once (checked and written in one write
    transaction); False while another live process holds it. A dead holder's claim is taken
    over; the holder releases it with release_turn_repair when the turn is finished."""
    now = _now()
    with _tx(engine) as db:
        row = db.get(TurnRepair, session_id)
        held = row is not None and row.owner != owner
        if held and _owner_alive(row.owner, row.claimed_at, now):  # type: ignore[union-attr]
            return False
        if row is None:
            row = TurnRepair(session_id=session_id, checkpoint_id=checkpoint_id, owner=owner)
        row.checkpoint_id, row.owner, row.claimed_at = checkpoint_id, owner, now
        db.add(row)
    return True


def release_turn_repair(engine: Engine, *, session_id: str, owner: str) -> None:
    """Give up a claim made with claim_turn_repair (no-op when `owner` does not hold it)."""
    with _tx(engine) as db:
        row = db.get(TurnRepair, session_id)
        if row is not None and row.owner == owner:
            db.delete(row)


def request_cancel(engine: Engine, *, job_id: str) -> None:
    """Ask a running job to stop; the runner checks between frames (or diffusion steps)."""
    update_job(engine, job_id=job_id, cancel_requested=True)


def cancel_running_jobs(engine: Engine, *, session_id: str) -> None:
    """Ask every running job of a session to stop (the Cancel button, Ctrl-C in a chat)."""
    for job in list_jobs(engine, session_id=session_id):
        if job.status == JobStatus.running:
            request_cancel(engine, job_id=job.id)


# --- videos -------------------------------------------------------------------------------


def add_video(engine: Engine, *, video: Video) -> Video:
    with _tx(engine) as db:
        _touch(db, video.session_id)
        db.add(video)
    return video


def list_videos(engine: Engine, *, session_id: str) -> list[Video]:
    query = select(Video).where(Video.session_id == session_id).order_by(Video.created_at)
    with _tx(engine) as db:
        return list(db.exec(query).all())


def rename_session(engine: Engine, *, session_id: str, title: str) -> None:
    with _tx(engine) as db:
        row = _touch(db, session_id)
        row.title = title.strip()[:120] or row.title


def shot_clip_keys(engine: Engine, *, session_id: str) -> dict[str, str]:
    """For each shot id, the cache key of its most recently finished clip in this session."""
    query = (
        select(JobShot.shot_id, JobShot.cache_key)
        .join(RenderJob, RenderJob.id == JobShot.job_id)
        .where(
            RenderJob.session_id == session_id,
            JobShot.status.in_([ShotStatus.rendered, ShotStatus.cached]),
        )
        .order_by(RenderJob.created_at)
    )
    with _tx(engine) as db:
        return {shot_id: key for shot_id, key in db.exec(query).all()}


# --- personalised batches -----------------------------------------------------------------


class BatchItem(SQLModel, table=True):
    """One person of a batch: which session made their video, and how it went."""

    batch_key: str = Field(primary_key=True)
    """Hash of the template storyboard."""
    row_key: str = Field(primary_key=True)
    """Hash of the person's personalised storyboard."""
    row_index: int
    session_id: str = Field(foreign_key="session.id", ondelete="CASCADE")
    status: str = "running"
    output: str = ""
    """Where the person's MP4 was written (the path the user chose for the batch)."""
    updated_at: datetime = Field(default_factory=_now)


def get_batch_item(engine: Engine, *, batch_key: str, row_key: str) -> BatchItem | None:
    with _tx(engine) as db:
        return db.get(BatchItem, (batch_key, row_key))


def save_batch_item(engine: Engine, *, item: BatchItem) -> None:
    with _tx(engine) as db:
        item.updated_at = _now()
        db.merge(item)
