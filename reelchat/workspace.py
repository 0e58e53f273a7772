"""Where a session's files live: <workspace>/sessions/<session-id>/{clips,videos,audio}.

Names are generated (ids, hashes), never taken from user text, and every path is checked to
stay inside the workspace without following a symbolic link: a link anywhere below the
workspace folder is refused for reads, writes and deletes.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from reelchat import store
from reelchat.config import Settings
from reelchat.errors import InputFileError, WorkspaceUnsafe, first_line

if TYPE_CHECKING:  # langgraph is imported only when a conversation needs it
    from langgraph.checkpoint.base import BaseCheckpointSaver

_ID = re.compile(r"^[0-9a-f]{6,32}$")
_KEY = re.compile(r"^[0-9a-f]{32}$")
_MEDIA_ID = re.compile(r"^[0-9a-f]{16}$")
MEDIA_SUFFIXES = ("png", "mp4", "ttf", "otf")
"""What stored media files are: images normalised to PNG, clips to MP4, fonts as they came."""


@dataclass(frozen=True)
class Workspace:
    root: Path
    database: Path

    @classmethod
    def from_settings(cls, settings: Settings) -> Workspace:
        return cls(root=settings.workspace_dir, database=settings.database_path)

    @cached_property
    def engine(self) -> Engine:
        """The app database; a missing one is created only when the workspace holds no
        session folders (otherwise it was deleted or moved: StoreUnavailable)."""
        self.root.mkdir(parents=True, exist_ok=True)
        sessions = self.root / "sessions"
        if not self.database.exists() and sessions.is_dir() and any(sessions.iterdir()):
            from reelchat.errors import StoreUnavailable

            raise StoreUnavailable(
                f"the database {self.database} is missing, but the workspace holds session "
                "folders: put the database back (or restore it from a backup); reelchat does "
                "not make a new empty one over existing work"
            )
        engine = store.open_db(self.database)
        with contextlib.suppress(OperationalError):  # a read-only or full disk: reads work
            store.end_dead_jobs(engine)
        return engine

    @cached_property
    def checkpointer(self) -> BaseCheckpointSaver:
        """LangGraph's conversation checkpoints, in a database file of their own; one
        connection per workspace object, shared by its conversations (the saver locks it)."""
        import sqlite3

        from langgraph.checkpoint.sqlite import SqliteSaver

        self.root.mkdir(parents=True, exist_ok=True)
        path = self._checked(self.root / "checkpoints.db")
        store.check_header(path)
        connection = sqlite3.connect(str(path), check_same_thread=False, timeout=30)
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            saver = SqliteSaver(connection)
            saver.setup()
        except sqlite3.OperationalError:
            raise
        except sqlite3.DatabaseError as error:
            raise store.damaged(path, first_line(error)) from None
        return saver

    def _checked(self, path: Path) -> Path:
        """`path` (below the workspace folder) when no part of it below that folder is a
        symbolic link; WorkspaceUnsafe otherwise. Parts that do not exist yet are fine."""
        root = self.root.absolute()
        relative = Path(os.path.normpath(path.absolute())).relative_to(root)
        current = root
        for part in relative.parts:
            current = current / part
            if current.is_symlink():
                raise WorkspaceUnsafe(
                    f"{current} is a symbolic link; reelchat never follows links inside its "
                    "workspace (nothing was read, written or deleted through it): replace it "
                    "with a plain file or folder"
                )
        return current

    def session_dir(self, session_id: str) -> Path:
        """`<workspace>/sessions/<id>`, checked: no symbolic link on the way."""
        if not _ID.match(session_id):
            raise ValueError(f"not a session id: {session_id!r}")
        return self._checked(self.root / "sessions" / session_id)

    def clips_dir(self, session_id: str) -> Path:
        return self._checked(self.session_dir(session_id) / "clips")

    def clip_path(self, session_id: str, key: str) -> Path:
        """Where the clip with this cache key lives in a session (the key is a hex hash)."""
        if not _KEY.match(key):
            raise ValueError(f"not a clip key: {key!r}")
        return self._checked(self.clips_dir(session_id) / f"{key}.mp4")

    @property
    def media_dir(self) -> Path:
        """`<workspace>/media`: people's pictures, clips and fonts, one file per content id."""
        return self._checked(self.root / "media")

    def media_file(self, media_id: str, suffix: str) -> Path:
        """Where the media item `media_id` (16 hex digits) is stored, as `<id>.<suffix>`."""
        if not _MEDIA_ID.match(media_id) or suffix not in MEDIA_SUFFIXES:
            raise ValueError(f"not a media file: {media_id!r}.{suffix!r}")
        return self._checked(self.media_dir / f"{media_id}.{suffix}")

    def videos_dir(self, session_id: str) -> Path:
        return self._checked(self.session_dir(session_id) / "videos")

    def resolve(self, session_id: str, relative: str) -> Path:
        """A stored relative path back to a file inside the session folder."""
        base = self.session_dir(session_id)
        path = Path(os.path.normpath(base / relative))
        if not path.is_relative_to(base):
            raise ValueError("stored path escapes the session folder")
        return self._checked(path)

    def own_files(self) -> list[Path]:
        """The files reelchat keeps for itself: the databases (with their journals) and the
        session folders. An output must never land on one of them."""
        names = [self.database, self.root / "checkpoints.db"]
        journals = [name.with_name(name.name + end) for name in names for end in _JOURNALS]
        own = [self.root / "sessions", self.root / "media", self.root / "blocklist.txt"]
        return [*names, *journals, *own]

    def check_output(self, output: Path, *, what: str = "--output") -> None:
        """Refuse an output path that is (or is inside) one of the workspace's own files:
        InputFileError, before anything renders or is stored."""
        target = output.expanduser().resolve()
        for own in self.own_files():
            own = own.resolve()
            if target == own or target.is_relative_to(own) and own.name in ("sessions", "media"):
                raise InputFileError(
                    f"{what} {output} would overwrite the workspace's own files ({own.name}); "
                    "choose a file outside the workspace"
                )

    def remove_orphan_temps(self, session_id: str) -> int:
        """Remove the temp files and `.stitch-*` folders that killed renders left in a
        session's clips/ and videos/ folders; returns how many were removed.

        Call it only while holding the session's render claim with no other live runner in
        the session (the runner does, right after claiming a job): every dot-named entry there
        is then a leftover of a dead owner. Entries younger than TEMP_GRACE seconds are kept.
        """
        removed = 0
        now = time.time()
        for folder in (self.clips_dir(session_id), self.videos_dir(session_id)):
            if not folder.is_dir():
                continue
            for entry in folder.iterdir():
                if not entry.name.startswith(".") or now - entry.lstat().st_mtime < TEMP_GRACE:
                    continue
                if entry.is_dir() and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    entry.unlink(missing_ok=True)
                removed += 1
        return removed


_JOURNALS = ("-wal", "-shm", "-journal")
TEMP_GRACE = 2.0
"""Seconds a temp entry is left alone (a write that began a moment ago in this process)."""
