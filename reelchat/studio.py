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
from typing import TYPE_CHECKING, Any

from reelchat import store
from reelchat.agent.conversation import AgentEvent, Conversation
from reelchat.config import Settings
from reelchat.errors import InputFileError, NotFound
from reelchat.export import ExportFormat, ExportResult, current_video, export_session
from reelchat.generation.cut import composition, write_clip
from reelchat.generation.executors import get_executor
from reelchat.generation.runner import render_session
from reelchat.generation.shot_check import CheckLimits
from reelchat.generation.stitch import StitchOptions
from reelchat.generation.subtitles import video_language
from reelchat.generation.video_record import tag_video, video_tags
from reelchat.media_library import MediaEntry, add_media, list_media
from reelchat.store.tables import WORKSPACE_SCOPE
from reelchat.storyboard.models import Storyboard
from reelchat.workspace import Workspace

if TYPE_CHECKING:
    from moviepy import CompositeVideoClip, VideoClip

_DONE = object()


class StudioSession:
    """One conversation about one video."""

    def __init__(self, studio: Studio, session_id: str | None) -> None:
        self._conversation = Conversation(
            studio.workspace, session_id=session_id, settings=studio.settings, stitch=studio.stitch
        )
        self._workspace = studio.workspace
        self._studio = studio

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
            settings=self._studio.settings,
        )  # fmt: skip

    def media(self) -> list[MediaEntry]:
        """This session's media, oldest first, then the workspace's (a logo)."""
        return list_media(self._workspace, self.id)

    def export(
        self, format: str = "otio", *, output: str | Path | None = None, music: Path | None = None
    ) -> ExportResult:
        """Write the current cut for a video editor: `format` is "otio" (OpenTimelineIO JSON),
        "fcpxml" (Final Cut Pro XML) or "edl" (CMX 3600). A storyboard without a video is
        rendered first (with the studio's stitch options; its music goes on the music track
        unless `music` is given, its narration setting decides the narration track). The media
        is copied beside the timeline file and referenced by relative paths (`result.path`,
        `result.media`).

        InputFileError for an unknown format or an output over the workspace's own files."""
        try:
            fmt = ExportFormat(format)
        except ValueError:
            choices = ", ".join(f.value for f in ExportFormat)
            raise InputFileError(f"no export format {format!r}; choose {choices}") from None
        if current_video(self._workspace, self.id) is None:
            render_session(
                self._workspace, get_executor(self._studio.settings), session_id=self.id,
                options=self._studio.stitch,
                limits=CheckLimits.from_settings(self._studio.settings),
            )  # fmt: skip
        target = Path(output).expanduser() if output is not None else None
        music = music if music is not None else self._studio.stitch.music
        return export_session(
            self._workspace, self.id, fmt, output=target, music=music,
            narration=self._studio.stitch.narration,
        )  # fmt: skip

    def timeline(self) -> CompositeVideoClip:
        """The current version's video as one moviepy clip, to add a logo, a lower third or an
        intro in moviepy's own terms and write with `render`.

        It is the cut reelchat stitched (`generation.cut.composition`): the rendered shots, their
        transitions as moviepy effects, titles and captions as image clips, narration and music
        as a CompositeAudioClip; storyboard size, runtime in seconds. Raises NotFound when the
        current version has no video yet."""
        engine = self._workspace.engine
        version = store.get_version(engine, session_id=self.id)
        videos = [
            video
            for video in store.list_videos(engine, session_id=self.id)
            if video.version_number == version.number
        ]
        if not videos:
            raise NotFound(
                f"version {version.number} has no video yet: ask for it to be rendered first"
            )
        rows = store.job_shots(engine, job_id=videos[-1].job_id)
        clips = [self._workspace.clip_path(self.id, row.cache_key) for row in rows]
        return composition(
            version.storyboard,
            clips,
            options=self._studio.stitch,
            cache_dir=self._workspace.clips_dir(self.id),
        )

    def render(self, timeline: VideoClip, path: Path | None = None) -> Path:
        """Write a moviepy clip (usually `timeline()` with layers added) as an MP4 with
        reelchat's encoder settings: H.264, yuv420p, +faststart, BT.709 tags, 48 kHz AAC, at the
        current storyboard's fps, with the same title and reelchat_* tags as a stitched video
        and its audio track tagged with the storyboard's language. By default it goes to a new
        file in the session's videos folder; returns the path. Raises InputFileError unless
        `path` ends in .mp4."""
        if path is not None and Path(path).suffix.lower() != ".mp4":
            raise InputFileError(f"render writes MP4 files: give a path ending in .mp4, not {path}")
        version = store.get_version(self._workspace.engine, session_id=self.id)
        board = version.storyboard
        if path is None:
            path = self._workspace.videos_dir(self.id) / f"timeline-{store.new_id()}.mp4"
        written = write_clip(timeline, Path(path), board.fps)
        tags = video_tags(
            title=board.title, session_id=self.id, version_number=version.number, video_id=None
        )
        tag_video(written, tags, video_language(board))
        return written

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
