"""Queries on sessions, messages, storyboard versions, clips, job rows, videos and batches.

Functions are keyword-only and take the engine first; none builds SQL from user text.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, select

from reelchat.errors import JobBusy, NotFound, VersionConflict
from reelchat.store.database import transaction as _tx
from reelchat.store.leases import _is_live, turn_in_progress
from reelchat.store.tables import (
    BatchItem,
    ChatSession,
    ClipRecord,
    JobShot,
    JobStatus,
    Message,
    RenderJob,
    ShotStatus,
    StoryboardVersion,
    Video,
    _now,
)
from reelchat.storyboard.models import Storyboard


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
    """Delete a session and its rows; refused (JobBusy) while a live runner renders it or a
    live process is in the middle of a chat turn on it, so no turn writes to a deleted session."""
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
        if turn_in_progress(db, session_id):
            raise JobBusy(
                f"session {session_id} is in the middle of a chat turn in another process "
                "(perhaps waiting for the model); wait for that turn to finish, then delete"
            )
        db.delete(row)


def _touch(db: Session, session_id: str) -> ChatSession:
    row = db.get(ChatSession, session_id)
    if row is None:
        raise NotFound(f"no session with id {session_id!r}")
    row.updated_at = _now()
    db.add(row)
    return row


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


def get_batch_item(engine: Engine, *, batch_key: str, row_key: str) -> BatchItem | None:
    with _tx(engine) as db:
        return db.get(BatchItem, (batch_key, row_key))


def batch_outputs(engine: Engine, *, batch_key: str) -> list[str]:
    """The video files (as recorded) of the finished people of the batch `batch_key`."""
    query = select(BatchItem.output).where(
        BatchItem.batch_key == batch_key, BatchItem.status == "done"
    )
    with _tx(engine) as db:
        return [output for output in db.exec(query).all() if output]


def save_batch_item(engine: Engine, *, item: BatchItem) -> None:
    with _tx(engine) as db:
        item.updated_at = _now()
        db.merge(item)
