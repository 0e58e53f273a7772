"""The ray executor: one long-lived actor per GPU (or CPU slot) keeps its backend warm, and each
model call goes to an actor as one frees up.

Clips come back as bytes through Ray's object store and the driver writes them, and the files a
request points at (a start frame, the shot's picture, the brand font) go out the same way, so
workers need no shared disk and SQLite stays on the driver. Ray restarts an actor that dies (a
killed process, a lost node) and retries its call a bounded number of times; a call that still
fails comes back as a failed shot. Imported only when the ray executor is chosen.
"""

from __future__ import annotations

import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ray
from ray.exceptions import GetTimeoutError, RayError

from reelchat.config import Settings
from reelchat.errors import ReelchatError, RenderCancelled, RenderFailed, first_line
from reelchat.generation.backend import (
    Clip,
    ShotRequest,
    backend_notes,
    batch_size,
    generate_clips,
    get_backend,
)
from reelchat.generation.cache import consumed_fields
from reelchat.generation.executors import ShotWork, WorkDone, failure_reason
from reelchat.generation.media import atomic_output

MAX_RESTARTS = 3
"""How often Ray restarts a worker actor that died (its process was killed, its node lost)."""
MAX_TASK_RETRIES = 2
"""How often a model call is retried on a restarted actor before its shots are marked failed."""
POLL_SECONDS = 0.25
"""How often the driver asks the busy actors for progress (and checks for a cancel)."""
START_SECONDS = 600.0
"""How long to wait for the actors to start and load their backend."""
STOP_SECONDS = 60.0
"""How long a cancel waits for running calls to reach their next step and stop."""


@dataclass(frozen=True)
class Rendered:
    """What an actor sends back for one model call: each clip's MP4 bytes and its shape."""

    clips: list[tuple[bytes, int, int, int, int]]
    error: str
    seconds: float


class ShotWorker:
    """A Ray actor: builds its backend once from the settings and renders calls from any job,
    session or batch until the driver ends. Its progress and cancel methods run beside a
    render (max_concurrency=2)."""

    def __init__(self, settings: Settings) -> None:
        self._progress: dict[str, float] = {}
        self._cancelled: set[str] = set()
        self._problem = ""
        try:
            self._backend = get_backend(settings)
            load = getattr(self._backend, "text_to_video", None)
            if load is not None:
                load()  # the model is warm before the first shot arrives
        except Exception as error:  # noqa: BLE001 - reported to the driver by describe()
            self._problem = failure_reason(error)

    def describe(self) -> tuple[str, bool, str, str, tuple[str, ...], tuple[str, ...]]:
        """The backend's name, whether it chains shots, why it could not be built (if it
        could not), the node this actor lives on, and the request fields it consumes (for
        any shot, and for a shot with a person's picture or clip)."""
        node = ray.get_runtime_context().get_node_id()
        if self._problem:
            return "", False, self._problem, node, (), ()
        consumes = tuple(sorted(consumed_fields(self._backend)))
        with_media = tuple(sorted(getattr(self._backend, "consumes_with_media", None) or ()))
        return self._backend.name, self._backend.chains_shots, "", node, consumes, with_media

    def batch_size(self, request: ShotRequest) -> int:
        return batch_size(self._backend, request)

    def progress(self) -> dict[str, float]:
        return dict(self._progress)

    def cancel(self, tickets: list[str]) -> None:
        self._cancelled.update(tickets)

    def notes_for(self, request: ShotRequest) -> tuple[str, ...]:
        return backend_notes(self._backend, request)

    def render(self, ticket: str, requests: list[ShotRequest], files: list[Files]) -> Rendered:
        started = time.perf_counter()
        self._progress[ticket] = 0.0

        def progress(fraction: float) -> None:
            if ticket in self._cancelled:
                raise RenderCancelled("cancelled")
            self._progress[ticket] = fraction

        try:
            with tempfile.TemporaryDirectory(prefix="reelchat-shot-") as folder:
                clips = self._render(requests, files, Path(folder), progress)
        except Exception as error:  # noqa: BLE001 - the driver records it on the shot
            return Rendered([], failure_reason(error), time.perf_counter() - started)
        finally:
            self._progress.pop(ticket, None)
            self._cancelled.discard(ticket)
        return Rendered(clips, "", time.perf_counter() - started)

    def _render(
        self, requests: list[ShotRequest], files: list[Files], folder: Path, progress: Any
    ) -> list[tuple[bytes, int, int, int, int]]:
        requests = [
            unpack_files(request, sent, folder / str(number))
            for number, (request, sent) in enumerate(zip(requests, files, strict=True))
        ]
        outputs = [folder / f"{index}.mp4" for index in range(len(requests))]
        clips = generate_clips(self._backend, requests, outputs, progress)
        return [(c.path.read_bytes(), c.frames, c.width, c.height, c.fps) for c in clips]


Files = dict[str, tuple[str, bytes]]
"""A request's files by field name (condition_frame, media_file, font_file): suffix, content."""
FILE_FIELDS = ("condition_frame", "media_file", "font_file")
"""The request's paths on the driver's disk (left out of the cache key): a worker on another
node has no such disk, so their content travels with the call."""


def pack_files(request: ShotRequest) -> Files:
    """The content of each file `request` points at (the last frame of the shot before, the
    shot's picture or clip, the brand font), read on the driver."""
    paths = {name: getattr(request, name) for name in FILE_FIELDS}
    return {name: (path.suffix, path.read_bytes()) for name, path in paths.items() if path}


def unpack_files(request: ShotRequest, files: Files, folder: Path) -> ShotRequest:
    """`request` pointing at copies of its files written under `folder` on the worker (each
    keeps its suffix, which tells a picture from a clip)."""
    if not files:
        return request
    folder.mkdir(parents=True, exist_ok=True)
    update = {}
    for name, (suffix, data) in files.items():
        path = folder / f"{name}{suffix}"
        path.write_bytes(data)
        update[name] = path
    return request.model_copy(update=update)


@dataclass(frozen=True)
class WorkerBackend:
    """What the runner plans with: the name, chaining and inputs of the backend the actors run,
    which may differ from one built here (a GPU worker renders in another precision than a CPU
    driver would)."""

    name: str
    chains_shots: bool
    consumes: frozenset[str]
    """The request fields the actors' backend uses (generation.cache keys on them)."""
    consumes_with_media: frozenset[str]
    """Those a shot with a person's picture or clip uses (empty: `consumes`)."""
    executor: RayExecutor = field(repr=False)

    def batch_size(self, request: ShotRequest) -> int:
        return self.executor.batch_size(request)

    def notes_for(self, request: ShotRequest) -> tuple[str, ...]:
        return self.executor.notes_for(request)


@dataclass
class _Running:
    actor: Any
    work: ShotWork
    ticket: str
    fraction: float = 0.0


def connect(address: str | None) -> None:
    """One Ray connection per process: an existing one, the given address, or a local instance."""
    if ray.is_initialized():
        return
    try:
        ray.init(address=address, logging_level="warning", log_to_driver=False)
    except (ConnectionError, RuntimeError, ValueError) as error:
        where = address or "a new local Ray instance"
        raise ReelchatError(f"cannot connect to the Ray cluster at {where}: {error}") from None


def actor_resources(settings: Settings) -> tuple[dict[str, float], int]:
    """Per-actor resources and how many actors: one per GPU for a diffusion model when the
    cluster has GPUs, else one per CPU; REELCHAT_RAY_WORKERS caps the count."""
    available = ray.cluster_resources()
    gpus = int(available.get("GPU", 0))
    if settings.backend == "diffusers" and gpus:
        resources, count = {"num_gpus": 1}, gpus
    else:
        resources, count = {"num_cpus": 1}, max(1, int(available.get("CPU", 1)))
    if settings.ray_workers:
        count = min(count, settings.ray_workers)
    return resources, count


class RayExecutor:
    """Warm ShotWorker actors spread over the cluster's nodes; each call goes to a free one."""

    def __init__(self, actors: list[Any]) -> None:
        self.actors = actors
        self._idle = list(actors)
        self._running: dict[Any, _Running] = {}
        self._asks: list[Any] = []
        """Progress questions sent to the busy actors last round."""
        self._turn = threading.Lock()
        try:
            described = ray.get(
                [actor.describe.remote() for actor in actors], timeout=START_SECONDS
            )
        except GetTimeoutError:
            raise ReelchatError(
                f"the Ray workers did not start within {START_SECONDS:.0f} s; "
                "does the cluster have the CPUs or GPUs they ask for?"
            ) from None
        problems = {problem for _, _, problem, *_ in described if problem}
        if problems:
            raise ReelchatError(f"the Ray workers cannot render: {'; '.join(sorted(problems))}")
        name, chains, _, _, consumes, with_media = described[0]
        self.backend = WorkerBackend(name, chains, frozenset(consumes), frozenset(with_media), self)
        self.nodes = {node for _, _, _, node, *_ in described}
        """The Ray nodes the actors were placed on."""

    @classmethod
    def from_settings(cls, settings: Settings) -> RayExecutor:
        connect(settings.ray_address)
        resources, count = actor_resources(settings)
        worker = ray.remote(ShotWorker).options(
            max_restarts=MAX_RESTARTS,
            max_task_retries=MAX_TASK_RETRIES,
            max_concurrency=2,
            scheduling_strategy="SPREAD",
            **resources,
        )
        return cls([worker.remote(settings) for _ in range(count)])

    def turn(self) -> threading.Lock:
        return self._turn

    def batch_size(self, request: ShotRequest) -> int:
        """How many shots like `request` one call may take, as the next free actor sees it."""
        actor = (self._idle or self.actors or [None])[0]
        if actor is None:
            return 1
        try:
            return int(ray.get(actor.batch_size.remote(request), timeout=START_SECONDS))
        except (RayError, GetTimeoutError):
            return 1

    def notes_for(self, request: ShotRequest) -> tuple[str, ...]:
        """What the actors' backend says about rendering `request` (backend_notes)."""
        actor = (self._idle or self.actors or [None])[0]
        if actor is None:
            return ()
        try:
            return tuple(ray.get(actor.notes_for.remote(request), timeout=START_SECONDS))
        except (RayError, GetTimeoutError):
            return ()

    @property
    def slots(self) -> int:
        return max(1, len(self.actors))

    def submit(self, work: ShotWork) -> None:
        if not self._idle:
            raise RenderFailed("no Ray worker is left to render it; restart the render")
        actor = self._idle.pop(0)
        files = [pack_files(request) for request in work.requests]
        ticket = uuid.uuid4().hex
        ref = actor.render.remote(ticket, work.requests, files)
        self._running[ref] = _Running(actor, work, ticket)

    def next_done(self) -> WorkDone:
        while True:
            ready, _ = ray.wait(list(self._running), num_returns=1, timeout=POLL_SECONDS)
            if ready:
                return self._collect(ready[0])
            self._report_progress()

    def _collect(self, ref: Any) -> WorkDone:
        running = self._running.pop(ref)
        work = running.work
        try:
            reply: Rendered = ray.get(ref)
        except RayError as error:  # died more often than the retries allow
            self._forget_if_dead(running.actor)
            detail = first_line(error) or type(error).__name__
            reason = f"the Ray worker rendering it died and Ray could not retry it ({detail})"
            return WorkDone(work, [], RenderFailed(reason), 0.0)
        self._idle.append(running.actor)
        if reply.error:
            return WorkDone(work, [], RenderFailed(reply.error), reply.seconds)
        clips = []
        for path, (data, frames, width, height, fps) in zip(work.outputs, reply.clips, strict=True):
            with atomic_output(path) as temp:
                temp.write_bytes(data)
            clips.append(Clip(path, frames, width, height, fps))
        return WorkDone(work, clips, None, reply.seconds)

    def _forget_if_dead(self, actor: Any) -> None:
        try:
            ray.get(actor.describe.remote(), timeout=START_SECONDS)
        except (RayError, GetTimeoutError):
            self.actors.remove(actor)
        else:
            self._idle.append(actor)

    def _report_progress(self) -> None:
        """Hand each running call's latest fraction to its progress callback on the driver,
        which records it and raises RenderCancelled when the job was asked to stop. The
        answers asked for last round are read without waiting, so a finished call is never
        kept waiting for a progress answer."""
        fractions: dict[str, float] = {}
        if self._asks:
            ready, _ = ray.wait(self._asks, num_returns=len(self._asks), timeout=0)
            for answer in ready:
                try:
                    fractions.update(ray.get(answer))
                except RayError:
                    continue  # that actor is restarting; its call is retried
        busy = {id(r.actor): r.actor for r in self._running.values()}
        self._asks = [actor.progress.remote() for actor in busy.values()]
        for running in list(self._running.values()):
            running.fraction = fractions.get(running.ticket, running.fraction)
            running.work.progress(running.fraction)

    def close(self) -> None:
        """End the actors now, freeing their GPUs (they end with the driver otherwise)."""
        for actor in self.actors:
            ray.kill(actor)
        self.actors, self._idle = [], []
        self._running.clear()

    def stop(self) -> None:
        for running in self._running.values():
            running.actor.cancel.remote([running.ticket])
        refs = list(self._running)
        if refs:
            ray.wait(refs, num_returns=len(refs), timeout=STOP_SECONDS)
        for running in self._running.values():
            self._idle.append(running.actor)
        self._running.clear()
