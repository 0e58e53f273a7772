"""The store's tables (sqlmodel) and the statuses their rows take."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

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


class TurnClaim(SQLModel, table=True):
    """Which process runs a turn on a session's conversation now (or finishes one cut off)."""

    session_id: str = Field(foreign_key="session.id", ondelete="CASCADE", primary_key=True)
    checkpoint_id: str
    owner: str
    claimed_at: datetime = Field(default_factory=_now)


class ClipAttempt(SQLModel, table=True):
    """One render of a clip (a shot the shot check failed renders again): where it came from
    and what the check found. `details_json` holds the full provenance (generation.provenance)."""

    session_id: str = Field(foreign_key="session.id", ondelete="CASCADE", primary_key=True)
    key: str = Field(primary_key=True)
    """The clip's cache key."""
    attempt: int = Field(primary_key=True)
    """1 for the first render, then one more for each re-render after a failed check."""
    seed: int
    passed: bool
    problems: str = ""
    """What the shot check found, '; '-joined (empty when it passed)."""
    details_json: str = "{}"
    started_at: datetime
    finished_at: datetime


class RenderRate(SQLModel, table=True):
    """How fast this workspace renders: seconds per frame for one renderer, device and size,
    updated after every shot (generation.estimate)."""

    backend: str = Field(primary_key=True)
    """The backend's name (it names the preset, steps and dtype), or 'stitch'."""
    device: str = Field(primary_key=True)
    width: int = Field(primary_key=True)
    height: int = Field(primary_key=True)
    seconds_per_frame: float
    samples: int = 0
    updated_at: datetime = Field(default_factory=_now)


class MediaKind(StrEnum):
    image = "image"
    clip = "clip"
    font = "font"


class MediaItem(SQLModel, table=True):
    """A person's picture, clip or font file, stored once per workspace by content: the file
    is `<workspace>/media/<id>.<suffix>` (Workspace.media_file), normalised when it was added."""

    id: str = Field(primary_key=True)
    """The first 16 hex digits of the SHA-256 of the file as added (storyboard.models.MediaId)."""
    kind: MediaKind
    suffix: str
    """The stored file's extension: png for images, mp4 for clips, ttf or otf for fonts."""
    bytes: int
    """Size of the stored (normalised) file."""
    width: int = 0
    height: int = 0
    duration: float = 0.0
    """Seconds, for clips."""
    has_alpha: bool = False
    created_at: datetime = Field(default_factory=_now)


WORKSPACE_SCOPE = "workspace"
"""The scope of media shared by every session (a logo): MediaListing.scope holds it or a
session id."""


class MediaListing(SQLModel, table=True):
    """A media item as a session (or the whole workspace) lists it, under the name the person
    gave the file: a label only, never a path."""

    scope: str = Field(primary_key=True)
    """A session id, or WORKSPACE_SCOPE."""
    media_id: str = Field(foreign_key="mediaitem.id", ondelete="CASCADE", primary_key=True)
    label: str
    added_at: datetime = Field(default_factory=_now)


class BrandKit(SQLModel, table=True):
    """The workspace's brand kit (one row): storyboard.models.Brand as JSON. New storyboards
    take it; editing it updates the current storyboard as a new version."""

    id: int = Field(default=1, primary_key=True)
    brand_json: str = "{}"
    updated_at: datetime = Field(default_factory=_now)
