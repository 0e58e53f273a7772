"""The executor seam: where shots render. The runner decides what to render and records it;
an executor only runs a backend somewhere and leaves each clip at the path the runner chose.

`local` renders in this process (the default); `ray` renders on warm actors of a Ray cluster
(optional extra `[cluster]`). Ray is imported only when the ray executor is chosen.
"""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from reelchat.config import Settings
from reelchat.errors import ReelchatError
from reelchat.generation.backend import Clip, Progress, ShotRequest, VideoBackend, get_backend


@dataclass(frozen=True, eq=False)
class ShotWork:
    """One model call: a shot, or several of one shape, and where the runner wants the clips."""

    requests: list[ShotRequest]
    outputs: list[Path]
    """Driver paths; an executor writes each clip there atomically before reporting it done."""
    progress: Progress = field(repr=False)
    """Runs on the driver: records progress and raises RenderCancelled when the job is stopped."""


@dataclass(frozen=True)
class WorkDone:
    work: ShotWork
    clips: list[Clip]
    """Empty when the call failed."""
    error: Exception | None
    seconds: float
    """Wall time of the model call, for all its shots together."""


@runtime_checkable
class Executor(Protocol):
    backend: VideoBackend
    """What the runner plans with (name for cache keys, chains_shots, batch_size): for a remote
    executor, a description of the backend its workers run."""

    @property
    def slots(self) -> int:
        """How many model calls may be in flight at once."""
        ...

    def submit(self, work: ShotWork) -> None:
        """Start `work` (or queue it for next_done); never more than `slots` at once."""
        ...

    def next_done(self) -> WorkDone:
        """Wait for a submitted call to finish. A failed call comes back with its error;
        RenderCancelled or KeyboardInterrupt raised by a progress callback propagate."""
        ...

    def stop(self) -> None:
        """After a cancel: interrupt running calls between steps and forget every submitted one."""
        ...

    def turn(self) -> AbstractContextManager[object]:
        """Held by a render for as long as it uses the executor: renders that share one (chat
        sessions of one UI process on one Ray cluster) take turns instead of mixing calls."""
        ...


def failure_reason(error: BaseException) -> str:
    """What a person reads about a failed shot: our own messages as they are, others typed."""
    if isinstance(error, ReelchatError):
        return str(error)
    return f"{type(error).__name__}: {error}"


def as_executor(renderer: VideoBackend | Executor) -> Executor:
    """A backend on its own renders in this process, through the local executor."""
    if isinstance(renderer, Executor):
        return renderer
    from reelchat.generation.executors.local import LocalExecutor

    return LocalExecutor(renderer)


_LOCK = threading.Lock()
_EXECUTORS: dict[tuple[object, ...], Executor] = {}
"""Like the warm backend cache: one executor (and its Ray actors) per process and settings."""


def get_executor(settings: Settings) -> Executor:
    """The executor the settings ask for; a ray executor connects to the cluster on first use."""
    if settings.executor == "local":
        return as_executor(get_backend(settings))
    key = (
        settings.backend, settings.model, settings.workspace_dir, *settings.diffusion_key(),
        settings.ray_address, settings.ray_workers,
    )  # fmt: skip
    with _LOCK:
        if key not in _EXECUTORS:
            try:
                from reelchat.generation.executors.ray_executor import RayExecutor
            except ModuleNotFoundError as error:
                if (error.name or "").split(".")[0] != "ray":
                    raise
                raise ReelchatError(
                    "the ray executor needs Ray: pip install 'reelchat[cluster]'"
                    " (or choose --executor local)"
                ) from None
            _EXECUTORS[key] = RayExecutor.from_settings(settings)
        return _EXECUTORS[key]
