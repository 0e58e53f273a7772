"""Where a session's files live: <workspace>/sessions/<session-id>/{clips,videos,audio}.

Names are generated (ids, hashes), never taken from user text, and every path is checked to
stay inside the workspace.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine

from reelchat import store
from reelchat.config import Settings

if TYPE_CHECKING:  # langgraph is imported only when a conversation needs it
    from langgraph.checkpoint.base import BaseCheckpointSaver

_ID = re.compile(r"^[0-9a-f]{6,32}$")
_KEY = re.compile(r"^[0-9a-f]{32}$")


@dataclass(frozen=True)
class Workspace:
    root: Path
    database: Path

    @classmethod
    def from_settings(cls, settings: Settings) -> Workspace:
        return cls(root=settings.workspace_dir, database=settings.database_path)

    @cached_property
    def engine(self) -> Engine:
        self.root.mkdir(parents=True, exist_ok=True)
        return store.open_db(self.database)

    @cached_property
    def checkpointer(self) -> BaseCheckpointSaver:
        """LangGraph's conversation checkpoints, in a database file of their own; one
        connection per workspace object, shared by its conversations (the saver locks it)."""
        import sqlite3

        from langgraph.checkpoint.sqlite import SqliteSaver

        self.root.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(
            str(self.root / "checkpoints.db"), check_same_thread=False, timeout=30
        )
        connection.execute("PRAGMA journal_mode=WAL")
        saver = SqliteSaver(connection)
        saver.setup()
        return saver

    def session_dir(self, session_id: str) -> Path:
        if not _ID.match(session_id):
            raise ValueError(f"not a session id: {session_id!r}")
        path = (self.root / "sessions" / session_id).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise ValueError("session folder escapes the workspace")
        return path

    def clips_dir(self, session_id: str) -> Path:
        return self.session_dir(session_id) / "clips"

    def clip_path(self, session_id: str, key: str) -> Path:
        """Where the clip with this cache key lives in a session (the key is a hex hash)."""
        if not _KEY.match(key):
            raise ValueError(f"not a clip key: {key!r}")
        return self.clips_dir(session_id) / f"{key}.mp4"

    def videos_dir(self, session_id: str) -> Path:
        return self.session_dir(session_id) / "videos"

    def resolve(self, session_id: str, relative: str) -> Path:
        """A stored relative path back to a file inside the session folder."""
        base = self.session_dir(session_id)
        path = (base / relative).resolve()
        if not path.is_relative_to(base):
            raise ValueError("stored path escapes the session folder")
        return path
