"""The library API: use reelchat from your own code or chatbot.

    from reelchat import Studio
    studio = Studio("~/.reelchat")
    session = studio.new_session()
    print(session.ask("a 20 second demo of our export button"))
    print(session.video_path)

Everything a session does is kept in the workspace, so `studio.session(id)` picks it up again
later, in another process. Each call has an async twin (`aask`, `asend`) for async bots.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

from reelchat import store
from reelchat.agent.conversation import AgentEvent, Conversation
from reelchat.config import Settings
from reelchat.errors import NotFound
from reelchat.generation.stitch import StitchOptions
from reelchat.media_library import MediaEntry, add_media, list_media
from reelchat.store.tables import WORKSPACE_SCOPE
from reelchat.storyboard.models import Storyboard
from reelchat.workspace import Workspace

_DONE = object()


class StudioSession:
    """One conversation about one video."""

    def __init__(self, studio: Studio, session_id: str | None) -> None:
        self._conversation = Conversation(
            studio.workspace, session_id=session_id, settings=studio.settings, stitch=studio.stitch
        )
        self._workspace = studio.workspace
        self._settings = studio.settings

    @property
    def id(self) -> str:
        return self._conversation.session_id

    def send(self, text: str) -> Iterator[AgentEvent]:
        """Progress events of one turn; the last one is the reply (kind 'reply')."""
        yield from self._conversation.send(text)

    def ask(self, text: str) -> str:
        """Run one turn to the end and return the reply."""
        reply = ""
        for event in self.send(text):
            if event.kind == "reply":
                reply = event.text
        return reply

    @property
    def storyboard(self) -> Storyboard | None:
        try:
            return store.get_version(self._workspace.engine, session_id=self.id).storyboard
        except NotFound:
            return None

    @property
    def video_path(self) -> Path | None:
        """The newest video of this session, if any."""
        videos = store.list_videos(self._workspace.engine, session_id=self.id)
        return self._workspace.resolve(self.id, videos[-1].path) if videos else None

    def add_media(self, source: str | Path | bytes, label: str | None = None) -> MediaEntry:
        """Add a picture (PNG, JPEG, WebP), a clip (MP4, MOV, WebM) or a font (TTF, OTF) to
        this session's media: a file path (only read) or the file's bytes, `label` naming it
        (default: the file's name). The same file twice is one item. MediaRefused (nothing is
        stored) for what cannot be used; see docs/media.md."""
        media_source = source if isinstance(source, bytes) else Path(source)
        return add_media(
            self._workspace, media_source, scope=self.id, label=label,
            settings=self._settings,
        )  # fmt: skip

    def media(self) -> list[MediaEntry]:
        """This session's media, oldest first, then the workspace's (a logo)."""
        return list_media(self._workspace, self.id)

    async def aask(self, text: str) -> str:
        return await asyncio.to_thread(self.ask, text)

    async def asend(self, text: str) -> AsyncIterator[AgentEvent]:
        events = self.send(text)
        while (event := await asyncio.to_thread(next, events, _DONE)) is not _DONE:
            yield event  # type: ignore[misc]


class Studio:
    """A workspace of sessions; settings as keyword arguments (backend='diffusers', ...)."""

    def __init__(
        self,
        workspace: str | Path | None = None,
        *,
        stitch: StitchOptions | None = None,
        **settings: Any,
    ) -> None:
        if workspace is not None:
            settings["workspace"] = Path(workspace)
        self.settings = Settings(**settings)
        self.workspace = Workspace.from_settings(self.settings)
        self.stitch = stitch or StitchOptions()

    def new_session(self) -> StudioSession:
        return StudioSession(self, None)

    def session(self, session_id: str) -> StudioSession:
        """An existing session (NotFound if there is none with that id)."""
        return StudioSession(self, session_id)

    def add_workspace_media(
        self, source: str | Path | bytes, label: str | None = None
    ) -> MediaEntry:
        """Add a picture, clip or font that every session lists (a logo, a brand font); the
        same rules as StudioSession.add_media."""
        media_source = source if isinstance(source, bytes) else Path(source)
        return add_media(
            self.workspace, media_source, scope=WORKSPACE_SCOPE, label=label,
            settings=self.settings,
        )  # fmt: skip

    def sessions(self) -> list[tuple[str, str]]:
        """(id, title) of the sessions, most recent first."""
        return [(row.id, row.title) for row in store.list_sessions(self.workspace.engine)]
