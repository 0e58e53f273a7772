"""Reads and writes of clip attempts: every render of a clip, its provenance and check verdict."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import select

from reelchat.store.database import transaction as _tx
from reelchat.store.tables import ClipAttempt


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
