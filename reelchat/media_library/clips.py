"""Clips a person adds: a video stream is required, the length is read from the container
before anything is decoded, and the picture is re-encoded to H.264 yuv420p MP4 with no audio
and no metadata."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import av

from reelchat.errors import MediaRefused, MediaToolError
from reelchat.generation.media import BROWSER_ARGS, TO_BT709, VIDEO_CODEC_ARGS, run_ffmpeg

CONTAINERS = {"mov,mp4,m4a,3gp,3g2,mj2": "MP4/MOV", "matroska,webm": "WebM"}
"""FFmpeg's demuxer names accepted, with the name a person knows them by."""
MAX_SIDE = 1920
"""Longest side of a stored clip (pixels): the largest frame a storyboard renders is 1080p, so
a 4K clip is scaled down once when it is added rather than at every render."""


@dataclass(frozen=True)
class ClipFacts:
    """What the container says about a clip, before decoding it."""

    container: str
    duration: float
    """Seconds."""
    width: int
    height: int
    has_audio: bool


def is_container(path: Path) -> bool:
    """Whether FFmpeg recognises `path`'s content as one of the accepted containers."""
    try:
        with av.open(str(path), mode="r") as container:
            return container.format.name in CONTAINERS
    except (av.FFmpegError, OSError, ValueError):
        return False


def looks_like_clip(head: bytes) -> bool:
    """Whether a file's first bytes start an MP4/MOV (an `ftyp` box) or a WebM (EBML)."""
    return head[4:8] == b"ftyp" or head.startswith(b"\x1a\x45\xdf\xa3")


def read_facts(path: Path, *, name: str, max_seconds: float) -> ClipFacts:
    """The container's facts about the clip at `path`, refused (MediaRefused) when it is not an
    MP4/MOV/WebM, has no video stream, or lasts longer than `max_seconds` (read from the
    container's header: nothing is decoded)."""
    try:
        container = av.open(str(path), mode="r")
    except (av.FFmpegError, OSError, ValueError):
        raise MediaRefused(f"{name} is not an image, clip or font reelchat can read") from None
    with container:
        kind = CONTAINERS.get(container.format.name)
        if kind is None:
            raise MediaRefused(
                f"{name} is a {container.format.long_name} file; reelchat takes MP4, MOV and "
                "WebM clips: convert it to MP4 and add it again"
            )
        if not container.streams.video and not container.streams.audio:
            raise MediaRefused(
                f"{name} is a damaged or truncated {kind} file (no stream in it could be read); "
                "export it again and add the new file"
            )
        if not container.streams.video:
            raise MediaRefused(
                f"{name} has no video stream (it holds only sound or data); reelchat takes "
                "clips with a picture"
            )
        stream = container.streams.video[0]
        duration = _seconds(container, stream)
        if duration > max_seconds:
            raise MediaRefused(
                f"{name} lasts {_clock(duration)}, longer than the {_clock(max_seconds)} a clip "
                "may last (REELCHAT_MEDIA_MAX_CLIP_SECONDS); trim it to the part you want to "
                "show and add that"
            )
        return ClipFacts(
            container=kind,
            duration=duration,
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            has_audio=bool(container.streams.audio),
        )


def normalise_clip(path: Path, output: Path, *, name: str, max_seconds: float) -> None:
    """Re-encode the clip at `path` into `output`: H.264 yuv420p MP4 (the shared recipe), at
    most MAX_SIDE pixels on its longest side, without audio, subtitles, chapters or metadata,
    cut at `max_seconds`. MediaRefused when FFmpeg cannot decode it."""
    fit = (
        f"scale='min({MAX_SIDE},iw)':'min({MAX_SIDE},ih)':force_original_aspect_ratio=decrease,"
        "scale=trunc(iw/2)*2:trunc(ih/2)*2"
    )
    try:
        run_ffmpeg(
            ["-i", str(path), "-map", "0:v:0", "-an", "-sn", "-dn",
             "-map_metadata", "-1", "-map_chapters", "-1", "-t", f"{max_seconds:.3f}",
             "-vf", f"{fit},{TO_BT709}", *VIDEO_CODEC_ARGS, *BROWSER_ARGS,
             "-f", "mp4", str(output)],
            what=f"decode {name}",
        )  # fmt: skip
    except MediaToolError as error:  # ffmpeg's last words name the damage
        raise MediaRefused(f"{name} could not be decoded as a clip ({error})") from None


def stored_facts(path: Path, *, name: str) -> tuple[int, int, float]:
    """(width, height, seconds) of a stored clip, from its container; MediaRefused when the
    re-encode produced no picture."""
    with av.open(str(path), mode="r") as container:
        if not container.streams.video or not container.streams.video[0].frames:
            raise MediaRefused(f"{name} holds no frame that could be decoded")
        stream = container.streams.video[0]
        return stream.codec_context.width, stream.codec_context.height, _seconds(container, stream)


def _seconds(container: av.container.InputContainer, stream: av.video.stream.VideoStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return float(stream.duration * stream.time_base)
    if container.duration is not None:
        return container.duration / av.time_base
    return 0.0


def _clock(seconds: float) -> str:
    whole = round(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"
