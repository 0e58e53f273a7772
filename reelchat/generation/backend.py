"""The VideoBackend seam: what any renderer of shots (animatic, diffusion) must provide."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict

from reelchat.storyboard.models import Camera, Shot, Storyboard

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
    fps: int
    frames: int

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
    fps: int


@runtime_checkable
class VideoBackend(Protocol):
    name: str
    """Identifies the renderer and its model in cache keys (e.g. 'animatic-v1')."""

    def generate(self, request: ShotRequest, output: Path, progress: Progress) -> Clip:
        """Render `request` into `output` (an .mp4 path), reporting progress as it goes."""
        ...


def cache_key(backend: VideoBackend, request: ShotRequest) -> str:
    """Same backend and same request, same key, same file: the clip cache's address."""
    payload = json.dumps(
        {"backend": backend.name, **request.model_dump(mode="json")}, sort_keys=True
    )
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


_WARM: dict[tuple[str, str | None], VideoBackend] = {}
"""The process-wide warm backend cache: a backend is loaded once and reused for every shot."""


def get_backend(kind: str, model: str | None = None) -> VideoBackend:
    """The warm backend for `kind` (loading it on first use)."""
    key = (kind, model)
    if key not in _WARM:
        factories: dict[str, Callable[[str | None], VideoBackend]] = {
            "animatic": _animatic,
        }
        if kind not in factories:
            raise ValueError(f"unknown backend {kind!r}; choose one of {', '.join(factories)}")
        _WARM[key] = factories[kind](model)
    return _WARM[key]


def _animatic(model: str | None) -> VideoBackend:
    from reelchat.generation.animatic import AnimaticBackend

    return AnimaticBackend()
