"""The session's state as chat models receive it: a typed object, not text to parse back."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from reelchat import store
from reelchat.errors import NotFound
from reelchat.storyboard.models import Storyboard
from reelchat.workspace import Workspace

STATE_KEY = "reelchat_session"
"""Where the state travels: the system message's additional_kwargs (never sent to an LLM)."""
MEDIA_KEY = "reelchat_media"
"""Where the session's media list and brand kit travel (tools.media.SessionMedia), beside it."""


class SessionState(BaseModel):
    """The current storyboard version and the latest video of a session."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    version: int
    storyboard: Storyboard
    latest_video: str | None = None
    """The latest stitched video's full path."""


def load_state(workspace: Workspace, session_id: str) -> SessionState | None:
    """The session's state, or None when it has no storyboard yet."""
    try:
        row = store.get_version(workspace.engine, session_id=session_id)
    except NotFound:
        return None
    videos = store.list_videos(workspace.engine, session_id=session_id)
    return SessionState(
        version=row.number,
        storyboard=row.storyboard,
        latest_video=str(workspace.resolve(session_id, videos[-1].path)) if videos else None,
    )
