"""The render runner: decides what to render, records every step in the job rows, stitches.

A job renders only the shots whose cache key has no clip yet, so re-running a killed, failed or
cancelled job resumes it, and an edit re-renders only the shots whose pixels changed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from reelchat import store
from reelchat.errors import NotFound, ReelchatError, RenderCancelled, RenderFailed
from reelchat.generation.backend import ShotRequest, VideoBackend, shot_requests
from reelchat.generation.media import atomic_output, last_frame, probe
from reelchat.generation.stitch import StitchOptions, StitchReport, stitch
from reelchat.store import ClipRecord, JobShot, JobStatus, RenderJob, ShotStatus, Video
from reelchat.workspace import Workspace

PROGRESS_WRITE_INTERVAL = 0.25
"""Seconds between progress writes to the job row (and cancel checks)."""


@dataclass(frozen=True)
class RenderEvent:
    """What the CLI and UI show while a job runs."""

    kind: str
    """'shot' (a shot's progress), 'stitch' (a stitching step) or 'done'."""
    position: int = 0
    total: int = 0
    fraction: float = 0.0
    status: str = ""
    message: str = ""


EventSink = Callable[[RenderEvent], None]


@dataclass(frozen=True)
class RenderOutcome:
    job: RenderJob
    video: Video | None
    """None when the job rendered only some shots (a preview), so nothing was stitched."""
    video_path: Path | None
    rendered: int
    cached: int
    stitch: StitchReport | None


def _now() -> datetime:
    return datetime.now(UTC)


def start_job(
    workspace: Workspace,
    backend: VideoBackend,
    *,
    session_id: str,
    version_number: int | None = None,
    positions: list[int] | None = None,
) -> RenderJob:
    """A job for a version (the current one by default): the unfinished one if any, else new.

    `positions` (1-based) limits the job to those shots: a preview that renders clips but does
    not stitch a video.
    """
    engine = workspace.engine
    version = store.get_version(engine, session_id=session_id, number=version_number)
    storyboard = version.storyboard
    count = len(storyboard.shots)
    wanted = sorted(set(positions)) if positions else list(range(1, count + 1))
    for position in wanted:
        if not 1 <= position <= count:
            raise NotFound(f"there is no shot {position}; shots are 1 to {count}")
    if backend.chains_shots:  # a chained shot needs every shot before it
        wanted = list(range(1, max(wanted) + 1))
    planned = shot_requests(storyboard, backend)
    keys = [(p, storyboard.shots[p - 1].id, planned[p - 1][1]) for p in wanted]
    existing = store.unfinished_job(
        engine, session_id=session_id, version_number=version.number, backend=backend.name
    )
    if existing is not None:
        rows = store.job_shots(engine, job_id=existing.id)
        if [(row.position, row.shot_id, row.cache_key) for row in rows] == keys:
            return existing
    return store.create_job(
        engine,
        session_id=session_id,
        version_number=version.number,
        backend=backend.name,
        shots=keys,
    )


def _link_or_copy(source: Path, target: Path) -> None:
    with atomic_output(target) as temp:
        temp.unlink()
        try:
            os.link(source, temp)
        except OSError:
            shutil.copyfile(source, temp)


class _ShotProgress:
    """Writes a shot's progress to its row at most every PROGRESS_WRITE_INTERVAL, and raises
    RenderCancelled when someone asked the job to stop."""

    def __init__(
        self, workspace: Workspace, job: RenderJob, row: JobShot, total: int, on_event: EventSink
    ) -> None:
        self._workspace, self._job, self._row = workspace, job, row
        self._total, self._on_event = total, on_event
        self._last_write = 0.0

    def __call__(self, fraction: float) -> None:
        self._on_event(RenderEvent("shot", self._row.position, self._total, fraction, "running"))
        now = time.monotonic()
        if now - self._last_write < PROGRESS_WRITE_INTERVAL and fraction < 1.0:
            return
        self._last_write = now
        engine = self._workspace.engine
        store.update_job_shot(
            engine, job_id=self._job.id, position=self._row.position, progress=fraction
        )
        job = store.heartbeat(engine, job_id=self._job.id, owner=self._job.owner)
        if job is None:
            raise RenderCancelled(f"job {self._job.id} was taken over by another process")
        if job.cancel_requested:
            raise RenderCancelled(f"job {self._job.id} was cancelled; render again to resume")


def _with_condition_frame(
    workspace: Workspace, session_id: str, request: ShotRequest
) -> ShotRequest:
    """For a chained shot, the last frame of the clip it continues from, as a PNG."""
    if not request.condition_key:
        return request
    previous = workspace.clip_path(session_id, request.condition_key)
    if not previous.exists():
        raise RenderFailed("it continues from the shot before it, which has no clip yet")
    frame = previous.with_name(f"{request.condition_key}-last.png")
    if not frame.exists():
        last_frame(previous, frame)
    return request.model_copy(update={"condition_frame": frame})


def _reuse_clip(workspace: Workspace, job: RenderJob, row: JobShot) -> bool:
    """True when the clip for `row` exists already: in this session, or in another one (linked)."""
    engine = workspace.engine
    clip_path = workspace.clip_path(job.session_id, row.cache_key)
    known = store.find_clip(engine, session_id=job.session_id, key=row.cache_key)
    if known is not None and clip_path.exists():
        return True
    elsewhere = store.find_clip_anywhere(engine, key=row.cache_key)
    if elsewhere is None:
        return False
    source = workspace.resolve(elsewhere.session_id, elsewhere.path)
    if not source.exists():
        return False
    _link_or_copy(source, clip_path)
    store.record_clip(engine, clip=elsewhere.model_copy(update={"session_id": job.session_id}))
    return True


def _batch_partners(
    workspace: Workspace,
    backend: VideoBackend,
    job: RenderJob,
    first: ShotRequest,
    queue: list[tuple[JobShot, ShotRequest]],
) -> list[tuple[JobShot, ShotRequest]]:
    """Queued shots that can render in the same model call as `first`: same shape, no cached
    clip, up to the backend's batch size (1 for backends that cannot batch, or chained shots)."""
    limit = backend.batch_size(first) if hasattr(backend, "batch_size") else 1
    shape = (first.width, first.height, first.fps, first.frames)
    partners: list[tuple[JobShot, ShotRequest]] = []
    for row, request in queue:
        if len(partners) + 1 >= limit:
            break
        same = (request.width, request.height, request.fps, request.frames) == shape
        if same and not request.condition_key and not _reuse_clip(workspace, job, row):
            partners.append((row, request))
    return partners


def _render_shots(
    workspace: Workspace,
    backend: VideoBackend,
    job: RenderJob,
    group: list[tuple[JobShot, ShotRequest]],
    total: int,
    on_event: EventSink,
) -> None:
    """Render one shot, or several of the same shape in one model call, and record the clips."""
    engine = workspace.engine
    for row, _request in group:
        store.update_job_shot(
            engine, job_id=job.id, position=row.position, status=ShotStatus.running,
            progress=0.0, error="",
        )  # fmt: skip
    trackers = [_ShotProgress(workspace, job, row, total, on_event) for row, _ in group]

    def progress(fraction: float) -> None:
        for tracker in trackers:
            tracker(fraction)

    paths = [workspace.clip_path(job.session_id, row.cache_key) for row, _ in group]
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        temps = [stack.enter_context(atomic_output(path)) for path in paths]
        requests = [request for _, request in group]
        if len(group) == 1:
            clips = [backend.generate(requests[0], temps[0], progress)]
        else:
            clips = backend.generate_batch(requests, temps, progress)  # type: ignore[attr-defined]
    seconds = (time.perf_counter() - started) / len(group)
    for (row, _), path, clip in zip(group, paths, clips, strict=True):
        store.record_clip(
            engine,
            clip=ClipRecord(
                session_id=job.session_id,
                key=row.cache_key,
                path=f"clips/{path.name}",
                backend=backend.name,
                frames=clip.frames,
                width=clip.width,
                height=clip.height,
                fps=clip.fps,
                render_seconds=seconds,
            ),  # fmt: skip
        )
        store.update_job_shot(engine, job_id=job.id, position=row.position, render_seconds=seconds)


def run_job(
    workspace: Workspace,
    backend: VideoBackend,
    job: RenderJob,
    *,
    options: StitchOptions | None = None,
    on_event: EventSink = lambda _event: None,
) -> RenderOutcome:
    """Render every missing shot of `job`, then stitch. Safe to call again after any failure."""
    engine = workspace.engine
    options = options or StitchOptions()
    storyboard = store.get_version(
        engine, session_id=job.session_id, number=job.version_number
    ).storyboard
    rows = store.job_shots(engine, job_id=job.id)
    job = store.claim_job(engine, job_id=job.id, owner=store.runner_id())  # JobBusy if live
    failures: list[str] = []
    counts = {ShotStatus.rendered: 0, ShotStatus.cached: 0}
    total = len(rows)
    planned = shot_requests(storyboard, backend)
    queue = [(row, planned[row.position - 1][0]) for row in rows]
    done_count = 0

    def finish(row: JobShot, status: ShotStatus) -> None:
        nonlocal done_count
        done_count += 1
        counts[status] += 1
        store.update_job_shot(
            engine, job_id=job.id, position=row.position, status=status, progress=1.0
        )
        store.update_job(engine, job_id=job.id, progress=0.9 * done_count / total)
        on_event(RenderEvent("shot", row.position, total, 1.0, status))

    while queue:
        row, request = queue.pop(0)
        group = [(row, request)]
        try:
            if _reuse_clip(workspace, job, row):
                finish(row, ShotStatus.cached)
                continue
            request = _with_condition_frame(workspace, job.session_id, request)
            partners = _batch_partners(workspace, backend, job, request, queue)
            group = [(row, request), *partners]
            for pair in partners:
                queue.remove(pair)
            _render_shots(workspace, backend, job, group, total, on_event)
        except (RenderCancelled, KeyboardInterrupt) as stop:
            for member, _ in group:
                store.update_job_shot(
                    engine, job_id=job.id, position=member.position, status=ShotStatus.cancelled
                )
            message = (
                f"cancelled at shot {row.position}; finished shots are kept, render again to resume"
            )
            store.update_job(
                engine, job_id=job.id, status=JobStatus.cancelled, error=message, finished_at=_now()
            )
            raise RenderCancelled(message) from stop
        except Exception as error:  # noqa: BLE001 - recorded per shot, the rest go on
            reason = (
                str(error)
                if isinstance(error, ReelchatError)
                else f"{type(error).__name__}: {error}"
            )
            for member, _ in group:
                store.update_job_shot(
                    engine, job_id=job.id, position=member.position, status=ShotStatus.failed,
                    error=reason[:2000],
                )  # fmt: skip
                failures.append(f"shot {member.position}: {reason}")
                on_event(
                    RenderEvent("shot", member.position, total, 0.0, ShotStatus.failed, reason)
                )
            continue
        for member, _ in group:
            finish(member, ShotStatus.rendered)
    if failures:
        message = "; ".join(failures)
        store.update_job(
            engine, job_id=job.id, status=JobStatus.failed, error=message[:4000], finished_at=_now()
        )
        raise RenderFailed(
            f"{len(failures)} of {total} shots failed ({message}); "
            "finished shots are kept, render again to retry the rest"
        )

    rendered, cached = counts[ShotStatus.rendered], counts[ShotStatus.cached]
    if len(rows) < len(storyboard.shots):
        done = store.update_job(
            engine, job_id=job.id, status=JobStatus.done, progress=1.0, finished_at=_now()
        )
        on_event(RenderEvent("done", total=total, fraction=1.0, message="shots rendered"))
        return RenderOutcome(done, None, None, rendered, cached, None)

    clips = [workspace.clip_path(job.session_id, row.cache_key) for row in rows]
    output = workspace.videos_dir(job.session_id) / f"{job.id}.mp4"
    try:
        report = stitch(
            storyboard,
            clips,
            output,
            options=options,
            cache_dir=workspace.clips_dir(job.session_id),
            progress=lambda step: on_event(RenderEvent("stitch", message=step)),
        )
        info = probe(output)
        video = store.add_video(
            engine,
            video=Video(
                session_id=job.session_id,
                job_id=job.id,
                version_number=job.version_number,
                path=f"videos/{output.name}",
                duration=info.duration,
                width=info.width,
                height=info.height,
            ),  # fmt: skip
        )
    except BaseException as error:  # the job row must never stay 'running' after this
        stopped = isinstance(error, (KeyboardInterrupt, RenderCancelled))
        store.update_job(
            engine,
            job_id=job.id,
            status=JobStatus.cancelled if stopped else JobStatus.failed,
            error=f"stitching {'cancelled' if stopped else 'failed'}: {error}"[:4000],
            finished_at=_now(),
        )
        if stopped or isinstance(error, ReelchatError):
            raise
        raise RenderFailed(f"stitching failed ({type(error).__name__}: {error}); "
                           "render again to retry") from error  # fmt: skip
    done = store.update_job(
        engine, job_id=job.id, status=JobStatus.done, progress=1.0, finished_at=_now()
    )
    on_event(RenderEvent("done", total=total, fraction=1.0, message=str(output)))
    return RenderOutcome(done, video, output, rendered, cached, report)


def render_session(
    workspace: Workspace,
    backend: VideoBackend,
    *,
    session_id: str,
    version_number: int | None = None,
    positions: list[int] | None = None,
    options: StitchOptions | None = None,
    on_event: EventSink = lambda _event: None,
) -> RenderOutcome:
    """Render a session's storyboard version (current by default), resuming unfinished work.

    With `positions`, only those shots are rendered and nothing is stitched."""
    job = start_job(
        workspace,
        backend,
        session_id=session_id,
        version_number=version_number,
        positions=positions,
    )
    return run_job(workspace, backend, job, options=options, on_event=on_event)
