"""Render-job leases: which runner holds a job (claim, heartbeat, take-over of a dead one),
what is live, and which process runs (or finishes) a session's turn."""

from __future__ import annotations

import os
import secrets
import socket
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, update
from sqlmodel import Session, select

from reelchat.errors import JobBusy, NotFound
from reelchat.store.database import transaction as _tx
from reelchat.store.tables import JobStatus, RenderJob, TurnClaim, _now

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
    query = select(RenderJob).where(
        RenderJob.session_id == session_id, RenderJob.status == JobStatus.running
    )
    with _tx(engine) as db:
        running = list(db.exec(query.order_by(RenderJob.created_at)).all())
    return [job for job in running if _is_live(job, now)]


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


def _owner_alive(owner: str, since: datetime, now: datetime) -> bool:
    """Whether the process named 'host:pid:token' still runs (on this host: its pid; on
    another: it claimed less than STALE_AFTER ago)."""
    since = since if since.tzinfo else since.replace(tzinfo=UTC)
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host == socket.gethostname() and pid.isdigit():
        return _pid_alive(int(pid))
    return now - since <= STALE_AFTER


def turn_in_progress(db: Session, session_id: str) -> bool:
    """Whether a live process holds the session's turn claim (in the middle of a chat turn,
    perhaps waiting for the model), inside the caller's transaction `db`."""
    row = db.get(TurnClaim, session_id)
    return row is not None and _owner_alive(row.owner, row.claimed_at, _now())


def claim_turn(engine: Engine, *, session_id: str, checkpoint_id: str, owner: str) -> bool:
    """Claim the session's conversation for one turn (a new message, or finishing one that
    was cut off at `checkpoint_id`): True for exactly one of several processes that ask at
    once (checked and written in one write transaction); False while another live process
    holds it. A dead holder's claim is taken over; the holder releases it with release_turn."""
    now = _now()
    with _tx(engine) as db:
        row = db.get(TurnClaim, session_id)
        held = row is not None and row.owner != owner
        if held and _owner_alive(row.owner, row.claimed_at, now):  # type: ignore[union-attr]
            return False
        if row is None:
            row = TurnClaim(session_id=session_id, checkpoint_id=checkpoint_id, owner=owner)
        row.checkpoint_id, row.owner, row.claimed_at = checkpoint_id, owner, now
        db.add(row)
    return True


def release_turn(engine: Engine, *, session_id: str, owner: str) -> None:
    """Give up a claim made with claim_turn (no-op when `owner` does not hold it)."""
    with _tx(engine) as db:
        row = db.get(TurnClaim, session_id)
        if row is not None and row.owner == owner:
            db.delete(row)


def request_cancel(engine: Engine, *, job_id: str) -> None:
    """Ask a running job to stop; the runner checks between frames (or diffusion steps)."""
    with _tx(engine) as db:
        job = db.get(RenderJob, job_id)
        if job is None:
            raise NotFound(f"no render job with id {job_id!r}")
        job.cancel_requested = True
        db.add(job)


def cancel_running_jobs(engine: Engine, *, session_id: str) -> None:
    """Ask every running job of a session to stop (the Cancel button, Ctrl-C in a chat)."""
    with _tx(engine) as db:
        db.connection().execute(
            update(RenderJob)
            .where(RenderJob.session_id == session_id, RenderJob.status == JobStatus.running)
            .values(cancel_requested=True)
        )
