"""The VideoBackend seam: what any renderer of shots (animatic, diffusion) must provide."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from reelchat.config import Settings
from reelchat.storyboard.models import Camera, Shot, ShotMedia, Storyboard

Progress = Callable[[float], None]
"""Called with the fraction of a shot done (0..1). It may raise RenderCancelled to stop."""


class ShotRequest(BaseModel):
    """Everything that decides a shot's pixels; nothing else reaches a backend."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: str
    prompt: str
    negative_prompt: str
    camera: Camera
    seed: int
    style: str
    width: int
    height: int
    fps: int | float
    """Frames a second; 23.976, 29.97 and 59.94 stand for the exact NTSC fractions."""
    frames: int
    media: ShotMedia | None = None
    """The person's picture or clip for this shot (by content id, with focus and highlight)."""
    palette: tuple[str, ...] = ()
    """Brand colours ('#rrggbb') a backend that picks colours uses first."""
    font: str = ""
    """Media id of the brand's font file for drawn text; empty for the default fonts."""
    condition_key: str = ""
    """Cache key of the clip whose last frame this shot continues from (chained shots)."""
    condition_frame: Path | None = Field(default=None, exclude=True)
    """That frame as an image file; left out of the cache key, which `condition_key` covers."""
    media_file: Path | None = Field(default=None, exclude=True)
    """The media item's file in the workspace (`media.id` covers it in the cache key)."""
    font_file: Path | None = Field(default=None, exclude=True)
    """The brand font's file in the workspace (`font` covers it in the cache key)."""

    @classmethod
    def for_shot(cls, storyboard: Storyboard, shot: Shot) -> ShotRequest:
        return cls.model_validate(storyboard.pixel_inputs(shot))


@dataclass(frozen=True)
class Clip:
    """A rendered shot: an H.264 MP4 written with generation.media's shared recipe."""

    path: Path
    frames: int
    width: int
    height: int
    fps: int | float


@runtime_checkable
class VideoBackend(Protocol):
    name: str
    """Identifies the renderer, its model and every setting that changes pixels (cache keys)."""
    chains_shots: bool
    """True when each shot continues from the last frame of the one before it."""
    # Optional: `consumes`, the ShotRequest fields the backend uses (generation.cache keys on
    # those only; all of them when it is absent); `consumes_with_media`, those a shot with a
    # person's picture or clip uses (`consumes` when absent); `notes_for(request)`, sentences
    # about how it renders a shot that reach the person (a fallback: see backend_notes).

    def generate(self, request: ShotRequest, output: Path, progress: Progress) -> Clip:
        """Render `request` into `output` (an .mp4 path), reporting progress as it goes."""
        ...


def batch_size(backend: VideoBackend, request: ShotRequest) -> int:
    """How many shots like `request` one model call may take: 1 unless the backend batches."""
    sizer = getattr(backend, "batch_size", None)
    return sizer(request) if sizer is not None else 1


def backend_notes(backend: VideoBackend, request: ShotRequest) -> tuple[str, ...]:
    """What a person should know about how `backend` renders `request` (a fallback it takes):
    the backend's optional `notes_for`, none by default."""
    notes_for = getattr(backend, "notes_for", None)
    return tuple(notes_for(request)) if notes_for is not None else ()


def generate_clips(
    backend: VideoBackend, requests: list[ShotRequest], outputs: list[Path], progress: Progress
) -> list[Clip]:
    """One model call: a single shot through `generate`, several of one shape through the
    backend's `generate_batch` (only backends whose batch_size allows it get more than one)."""
    if len(requests) == 1:
        return [backend.generate(requests[0], outputs[0], progress)]
    return backend.generate_batch(requests, outputs, progress)  # type: ignore[attr-defined]


_WARM_LOCK = threading.Lock()
_WARM: dict[tuple[object, ...], VideoBackend] = {}
"""The process-wide warm backend cache: a backend (and its model) is loaded once per process
and reused for every shot, turn and session."""


def get_backend(settings: Settings) -> VideoBackend:
    """The warm backend the settings ask for, loading it on first use."""
    key = (settings.backend, settings.model, settings.workspace_dir, *settings.diffusion_key())
    with _WARM_LOCK:  # UI tabs and async callers may ask at the same moment
        if key not in _WARM:
            _WARM[key] = _load_backend(settings)
        return _WARM[key]


def _load_backend(settings: Settings) -> VideoBackend:
    if settings.backend == "animatic":
        from reelchat.generation.animatic import AnimaticBackend

        return AnimaticBackend()
    from reelchat.generation.diffusion import DiffusersBackend

    return DiffusersBackend.from_settings(settings)
