"""Reads and writes of render history: every render of a clip (its provenance and check
verdict) and the render rates that estimates come from."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import select

from reelchat.store.database import transaction as _tx
from reelchat.store.tables import ClipAttempt, RenderRate, _now


def add_clip_attempt(engine: Engine, *, attempt: ClipAttempt) -> None:
    """Record one render of a clip (a re-render of the same key and number replaces it)."""
    with _tx(engine) as db:
        db.merge(attempt)


def clip_attempts(engine: Engine, *, session_id: str, key: str) -> list[ClipAttempt]:
    """Every recorded render of the clip with cache key `key`, first attempt first."""
    with _tx(engine) as db:
        rows = db.exec(
            select(ClipAttempt)
            .where(ClipAttempt.session_id == session_id, ClipAttempt.key == key)
            .order_by(ClipAttempt.attempt)  # type: ignore[arg-type]
        ).all()
        return list(rows)


RATE_WEIGHT = 0.5
"""Weight of the newest shot in a render rate (an exponential moving average): recent shots
count most, so a warm model's speed replaces the first shot's loading time quickly."""


def get_rate(
    engine: Engine, *, backend: str, device: str, width: int, height: int
) -> RenderRate | None:
    """The recorded seconds per frame for this renderer, device and size, if any."""
    with _tx(engine) as db:
        return db.get(RenderRate, (backend, device, width, height))


def record_rate(
    engine: Engine, *, backend: str, device: str, width: int, height: int, frames: int,
    seconds: float,
) -> None:  # fmt: skip
    """Fold one render of `frames` frames that took `seconds` into the rate (RATE_WEIGHT)."""
    if frames <= 0 or seconds <= 0:
        return
    latest = seconds / frames
    with _tx(engine) as db:
        row = db.get(RenderRate, (backend, device, width, height))
        if row is None:
            row = RenderRate(
                backend=backend, device=device, width=width, height=height,
                seconds_per_frame=latest,
            )  # fmt: skip
        else:
            row.seconds_per_frame += RATE_WEIGHT * (latest - row.seconds_per_frame)
        row.samples += 1
        row.updated_at = _now()
        db.add(row)
