"""What the pages share: settings chosen in the UI, the workspace, conversations, workers."""

from __future__ import annotations

from typing import Any

import streamlit as st

from reelchat.agent.conversation import Conversation
from reelchat.config import Settings
from reelchat.generation.stitch import StitchOptions
from reelchat.ui.worker import TurnWorkers
from reelchat.workspace import Workspace

SETTINGS_KEY = "reelchat_settings"


@st.cache_resource
def workers() -> TurnWorkers:
    """One registry per server process, shared by every tab."""
    return TurnWorkers()


@st.cache_resource
def _workspace(root: str, database: str) -> Workspace:
    from pathlib import Path

    return Workspace(root=Path(root), database=Path(database))


def settings() -> Settings:
    """The environment's settings with the choices made in the settings panel on top."""
    overrides: dict[str, Any] = {
        key: value for key, value in st.session_state.get(SETTINGS_KEY, {}).items() if value
    }
    return Settings(**overrides)


def workspace() -> Workspace:
    current = settings()
    return _workspace(str(current.workspace_dir), str(current.database_path))


def conversation(ws: Workspace, session_id: str, chosen: Settings) -> Conversation:
    """A conversation for a session (cheap: the video backend is process-wide and stays warm).

    Takes its settings as arguments, so worker threads never read `st.session_state`."""
    return Conversation(ws, session_id=session_id, settings=chosen, stitch=StitchOptions())
