"""The render runner: decides what to render, records every step in the job rows, stitches.

A job renders only the shots whose cache key has no clip yet, so re-running a killed, failed or
cancelled job resumes it, and an edit re-renders only the shots whose pixels changed.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from reelchat import store
from reelchat.errors import NotFound, ReelchatError, RenderCancelled, RenderFailed
from reelchat.generation.backend import ShotRequest, VideoBackend, backend_notes, batch_size
from reelchat.generation.cache import (
    condition_frame,
    consumed_fields,
    reuse_clip,
    shot_requests,
)
from reelchat.generation.estimate import Estimate, estimate_job, record_shot, record_stitch
from reelchat.generation.executors import (
    Executor,
    ShotWork,
    WorkDone,
    as_executor,
    failure_reason,
)
from reelchat.generation.media import probe
from reelchat.generation.media_inputs import with_brand_files, with_media_files
from reelchat.generation.provenance import clip_provenance
from reelchat.generation.shot_check import (
    MAX_ATTEMPTS,
    CheckLimits,
    measure_clip,
    next_seed,
    picture_detail,
    problems,
    retries,
)
from reelchat.generation.stitch import StitchOptions, StitchReport, stitch
from reelchat.generation.subtitles import video_language
from reelchat.generation.video_record import (
    shot_records,
    tag_video,
    video_tags,
    write_sidecar,
)
from reelchat.generation.voiceover import fit_to_narration, spoken_lines
from reelchat.store import ClipAttempt, ClipRecord, JobShot, JobStatus, RenderJob, ShotStatus, Video
from reelchat.storyboard.models import Camera, Storyboard
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
    job_id: str = ""
    """The job it belongs to (a batch renders several at once)."""


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
    checks: tuple[str, ...] = ()
    """What the shot check found and did (re-renders with a new seed), one line per event."""
    estimate: Estimate | None = None
    """What was expected before the render started (render_session)."""
    seconds: float = 0.0
    """How long the render took, wall clock (render_session)."""
    notes: tuple[str, ...] = ()
    """How the backend rendered some shots (a fallback it took), one line per shot; a stitched
    video's report holds them too (StitchReport.notes)."""


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
        self._on_event(
            RenderEvent(
                "shot", self._row.position, self._total, fraction, "running", job_id=self._job.id
            )
        )
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


@dataclass
class _JobState:
    """One job while its shots render: what is left, what failed, what it counted."""

    job: RenderJob
    storyboard: Storyboard
    rows: list[JobShot]
    failures: list[str] = field(default_factory=list)
    checks: list[str] = field(default_factory=list)
    """Shot check events for the reply (RenderOutcome.checks)."""
    notes: list[str] = field(default_factory=list)
    """How the backend renders some shots (a fallback), for the reply (StitchReport.notes)."""
    counts: dict[ShotStatus, int] = field(
        default_factory=lambda: {ShotStatus.rendered: 0, ShotStatus.cached: 0}
    )

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def done(self) -> int:
        """Shots finished so far, rendered or reused."""
        return sum(self.counts.values())


@dataclass(frozen=True, eq=False)
class _Shot:
    state: _JobState
    row: JobShot
    request: ShotRequest


def _begin(workspace: Workspace, job: RenderJob) -> _JobState:
    engine = workspace.engine
    storyboard = store.get_version(
        engine, session_id=job.session_id, number=job.version_number
    ).storyboard
    rows = store.job_shots(engine, job_id=job.id)
    job = store.claim_job(engine, job_id=job.id, owner=store.runner_id())  # JobBusy if live
    if all(live.id == job.id for live in store.live_jobs(engine, session_id=job.session_id)):
        workspace.remove_orphan_temps(job.session_id)  # left by killed runners of this session
    return _JobState(job, storyboard, rows)


class _Renderer:
    """Renders the missing shots of one or more jobs through an executor and records each one.

    The runner decides what runs next: a cached clip is reused, a chained shot waits for the
    shot before it, a shot whose clip another job is rendering waits for that clip, shots of one
    shape share a model call. The executor decides where each call runs; with more slots than
    one, independent calls run at the same time."""

    def __init__(
        self, workspace: Workspace, executor: Executor, on_event: EventSink, limits: CheckLimits
    ) -> None:
        self.workspace, self.executor, self.on_event = workspace, executor, on_event
        self.limits = limits
        self.attempts: dict[tuple[str, int], int] = {}
        """Renders so far of each (job id, position) in this run (the shot check retries)."""
        self.last_done = time.monotonic()
        self.loads = getattr(executor.backend, "loads", 0)
        """Model loads of the backend so far (DiffusersBackend.loads; 0 for the animatic)."""
        """When the last model call came back: the wait for each shot (render estimates)
        runs from there, so the check and the bookkeeping between shots count too."""
        self.running: dict[int, list[_Shot]] = {}
        """Submitted calls by id(work), with their shots."""
        self.consumed = consumed_fields(executor.backend)
        """The request fields the backend uses: only their media files are looked up."""

    def render(self, states: list[_JobState]) -> None:
        with self.executor.turn():
            self._render(states)

    def _render(self, states: list[_JobState]) -> None:
        backend = self.executor.backend
        queue = []
        for state in states:
            planned = shot_requests(state.storyboard, backend)
            queue += [_Shot(state, row, planned[row.position - 1][0]) for row in state.rows]
            state.notes += [
                f"shot {row.position}: {note}"
                for row in state.rows
                for note in backend_notes(backend, planned[row.position - 1][0])
            ]
        group: list[_Shot] = []
        try:
            while queue or self.running:
                while len(self.running) < self.executor.slots:
                    index = self._next(queue)
                    if index is None:
                        break
                    group = [queue.pop(index)]
                    self._start(group, queue)
                if self.running:
                    self._collect(self.executor.next_done())
        except (RenderCancelled, KeyboardInterrupt) as stop:
            self.executor.stop()
            stopped = [shot for shots in self.running.values() for shot in shots] or group
            self._cancel(states, stopped, stop)

    def _next(self, queue: list[_Shot]) -> int | None:
        """The first queued shot that may start now."""
        busy_keys = {shot.row.cache_key for shots in self.running.values() for shot in shots}
        busy_jobs = {shot.state.job.id for shots in self.running.values() for shot in shots}
        for index, shot in enumerate(queue):
            job_id = shot.state.job.id
            chained_waits = bool(shot.request.condition_key) and job_id in busy_jobs
            if shot.row.cache_key not in busy_keys and not chained_waits:
                return index
            busy_jobs.add(job_id)  # the shots after it in a chain wait too
        return None

    def _start(self, group: list[_Shot], queue: list[_Shot]) -> None:
        """Reuse the shot's clip, or submit it with the queued shots that share its model call."""
        shot = group[0]
        job = shot.state.job
        try:
            if reuse_clip(self.workspace, job.session_id, shot.row.cache_key):
                self._finish(shot, ShotStatus.cached)
                return
            request = condition_frame(self.workspace, job.session_id, shot.request)
            request = with_media_files(self.workspace, request, self.consumed)
            group[0] = shot = _Shot(shot.state, shot.row, request)
            for partner in self._partners(shot, queue):
                try:
                    request = with_media_files(self.workspace, partner.request, self.consumed)
                except RenderFailed:
                    continue  # it fails on its own turn, with its own reason
                queue.remove(partner)
                group.append(_Shot(partner.state, partner.row, request))
            self._submit(group)
        except Exception as error:  # noqa: BLE001 - recorded per shot, the rest go on
            self._fail(group, error)

    def _partners(self, first: _Shot, queue: list[_Shot]) -> list[_Shot]:
        """Queued shots that can render in the same model call as `first`: same shape, no
        cached clip, up to the backend's batch size (1 for backends that cannot batch, or
        chained shots), and no more than keeps every slot of the executor busy."""
        request = first.request
        limit = batch_size(self.executor.backend, request)
        limit = min(limit, math.ceil((len(queue) + 1) / self.executor.slots))
        shape = (request.width, request.height, request.fps, request.frames)
        busy = {shot.row.cache_key for shots in self.running.values() for shot in shots}
        keys = {first.row.cache_key}
        partners: list[_Shot] = []
        for shot in queue:
            if len(partners) + 1 >= limit:
                break
            other = shot.request
            same = (other.width, other.height, other.fps, other.frames) == shape
            if (
                same and not other.condition_key and shot.row.cache_key not in busy | keys
                and not reuse_clip(self.workspace, shot.state.job.session_id, shot.row.cache_key)
            ):  # fmt: skip
                partners.append(shot)
                keys.add(shot.row.cache_key)
        return partners

    def _submit(self, group: list[_Shot]) -> None:
        engine = self.workspace.engine
        for shot in group:
            store.update_job_shot(
                engine, job_id=shot.state.job.id, position=shot.row.position,
                status=ShotStatus.running, progress=0.0, error="",
            )  # fmt: skip
        trackers = [
            _ShotProgress(self.workspace, s.state.job, s.row, s.state.total, self.on_event)
            for s in group
        ]

        def progress(fraction: float) -> None:
            for tracker in trackers:
                tracker(fraction)

        work = ShotWork(
            requests=[shot.request for shot in group],
            outputs=[
                self.workspace.clip_path(s.state.job.session_id, s.row.cache_key) for s in group
            ],
            progress=progress,
        )
        self.executor.submit(work)
        self.running[id(work)] = group

    def _collect(self, done: WorkDone) -> None:
        group = self.running.pop(id(done.work))
        if done.error is not None:
            self._fail(group, done.error)
            return
        engine = self.workspace.engine
        seconds = done.seconds / len(group)
        now, loads = time.monotonic(), getattr(self.executor.backend, "loads", 0)
        waited, self.last_done = (now - self.last_done) / len(group), now
        loaded, self.loads = loads != self.loads, loads
        for shot, path, clip in zip(group, done.work.outputs, done.clips, strict=True):
            request = shot.request
            if not loaded:  # a model load from disk happens once per process, not per shot
                record_shot(
                    self.workspace, self.executor.backend, width=request.width,
                    height=request.height, frames=request.frames, seconds=waited,
                )  # fmt: skip
            if not self._check(shot, path, seconds):
                continue  # rendering again with a new seed
            store.record_clip(
                engine,
                clip=ClipRecord(
                    session_id=shot.state.job.session_id,
                    key=shot.row.cache_key,
                    path=f"clips/{path.name}",
                    backend=self.executor.backend.name,
                    frames=clip.frames,
                    width=clip.width,
                    height=clip.height,
                    fps=clip.fps,
                    render_seconds=seconds,
                ),  # fmt: skip
            )
            store.update_job_shot(
                engine, job_id=shot.state.job.id, position=shot.row.position,
                render_seconds=seconds,
            )  # fmt: skip
            self._finish(shot, ShotStatus.rendered)

    def _check(self, shot: _Shot, path: Path, seconds: float) -> bool:
        """Run the shot check on a fresh clip and record the attempt with its provenance.
        False when the shot failed and was submitted again with a new seed."""
        backend, request, row = self.executor.backend, shot.request, shot.row
        job_shot = (shot.state.job.id, row.position)
        attempt = self.attempts[job_shot] = self.attempts.get(job_shot, 0) + 1
        try:
            stats = measure_clip(path)
            # a backend that draws rather than samples (the animatic) moves a picture as it is
            picture = request.media_file
            moved = picture is not None and picture.suffix != ".mp4" and not retries(backend.name)
            found = problems(
                stats, frames=request.frames, width=request.width, height=request.height,
                limits=self.limits, own_picture=request.media is not None,
                held=request.camera is Camera.static,
                moved_picture_detail=picture_detail(picture) if moved and picture else None,
            )  # fmt: skip
        except ReelchatError as error:
            found = [str(error)]
        finished = _now()
        started = finished - timedelta(seconds=seconds)
        details = clip_provenance(
            backend, request, started=started, finished=finished, attempt=attempt
        )
        store.add_clip_attempt(
            self.workspace.engine,
            attempt=ClipAttempt(
                session_id=shot.state.job.session_id, key=row.cache_key, attempt=attempt,
                seed=request.seed, passed=not found, problems="; ".join(found),
                details_json=json.dumps(details), started_at=started, finished_at=finished,
            ),
        )  # fmt: skip
        if not found:
            return True
        what = (
            f"shot {row.position} failed the shot check with seed {request.seed} "
            f"({'; '.join(found)})"
        )
        if not retries(backend.name):
            shot.state.checks.append(f"{what}; the animatic should never fail it: please "
                                     "report this as a bug")  # fmt: skip
            return True
        if attempt >= MAX_ATTEMPTS:
            shot.state.checks.append(f"{what}, after {attempt} renders; the last one is kept")
            return True
        seed = next_seed(request.seed)
        shot.state.checks.append(f"{what}, so it was rendered again with seed {seed}")
        self._submit([_Shot(shot.state, row, request.model_copy(update={"seed": seed}))])
        return False

    def _finish(self, shot: _Shot, status: ShotStatus) -> None:
        state, engine = shot.state, self.workspace.engine
        state.counts[status] += 1
        store.update_job_shot(
            engine, job_id=state.job.id, position=shot.row.position, status=status, progress=1.0
        )
        store.update_job(engine, job_id=state.job.id, progress=0.9 * state.done / state.total)
        self.on_event(
            RenderEvent("shot", shot.row.position, state.total, 1.0, status, job_id=state.job.id)
        )

    def _fail(self, group: list[_Shot], error: BaseException) -> None:
        reason = failure_reason(error)
        for shot in group:
            store.update_job_shot(
                self.workspace.engine, job_id=shot.state.job.id, position=shot.row.position,
                status=ShotStatus.failed, error=reason[:2000],
            )  # fmt: skip
            shot.state.failures.append(f"shot {shot.row.position}: {reason}")
            self.on_event(
                RenderEvent(
                    "shot",
                    shot.row.position,
                    shot.state.total,
                    0.0,
                    ShotStatus.failed,
                    reason,
                    job_id=shot.state.job.id,
                )  # fmt: skip
            )

    def _cancel(self, states: list[_JobState], stopped: list[_Shot], stop: BaseException) -> None:
        engine = self.workspace.engine
        for shot in stopped:
            store.update_job_shot(
                engine, job_id=shot.state.job.id, position=shot.row.position,
                status=ShotStatus.cancelled,
            )  # fmt: skip
        first = min((shot.row.position for shot in stopped), default=0)
        message = f"cancelled at shot {first}; finished shots are kept, render again to resume"
        for state in states:
            store.update_job(
                engine, job_id=state.job.id, status=JobStatus.cancelled, error=message,
                finished_at=_now(),
            )  # fmt: skip
        raise RenderCancelled(message) from stop


def _conclude(
    workspace: Workspace,
    state: _JobState,
    options: StitchOptions,
    on_event: EventSink,
    since: float,
) -> RenderOutcome:
    """After the shots: fail the job if any shot failed, else stitch (unless it is a preview).
    `since` (time.monotonic) is when the last shot came back: the stitch's time in the render
    history runs from there, so the last shot's check and bookkeeping count too."""
    engine = workspace.engine
    job, storyboard, rows, total = state.job, state.storyboard, state.rows, state.total
    if state.failures:
        message = "; ".join(state.failures)
        store.update_job(
            engine, job_id=job.id, status=JobStatus.failed, error=message[:4000], finished_at=_now()
        )
        raise RenderFailed(
            f"{len(state.failures)} of {total} shots failed ({message}); "
            "finished shots are kept, render again to retry the rest"
        )

    rendered, cached = state.counts[ShotStatus.rendered], state.counts[ShotStatus.cached]
    if len(rows) < len(storyboard.shots):
        done = store.update_job(
            engine, job_id=job.id, status=JobStatus.done, progress=1.0, finished_at=_now()
        )
        on_event(
            RenderEvent("done", total=total, fraction=1.0, message="shots rendered", job_id=job.id)
        )
        return RenderOutcome(
            done, None, None, rendered, cached, None, tuple(state.checks), notes=tuple(state.notes)
        )

    clips = [workspace.clip_path(job.session_id, row.cache_key) for row in rows]
    output = workspace.videos_dir(job.session_id) / f"{job.id}.mp4"
    try:
        options = with_brand_files(workspace, storyboard.brand, options)
        report = stitch(
            storyboard,
            clips,
            output,
            options=options,
            cache_dir=workspace.clips_dir(job.session_id),
            progress=lambda step: on_event(RenderEvent("stitch", message=step, job_id=job.id)),
        )
        report.notes[:0] = state.notes
        video_id = store.new_id()
        tags = video_tags(
            title=storyboard.title, session_id=job.session_id,
            version_number=job.version_number, video_id=video_id,
        )  # fmt: skip
        tag_video(output, tags, video_language(storyboard))
        info = probe(output)
        video = store.add_video(
            engine,
            video=Video(
                id=video_id,
                session_id=job.session_id,
                job_id=job.id,
                version_number=job.version_number,
                path=f"videos/{output.name}",
                duration=info.duration,
                width=info.width,
                height=info.height,
            ),  # fmt: skip
        )
        shots = shot_records(engine, session_id=job.session_id, rows=rows)
        write_sidecar(output, {**tags, "job": job.id, "shots": shots})
        record_stitch(
            workspace, width=info.width, height=info.height, frames=info.frames,
            seconds=time.monotonic() - since,
        )  # fmt: skip
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
    on_event(RenderEvent("done", total=total, fraction=1.0, message=str(output), job_id=job.id))
    return RenderOutcome(
        done, video, output, rendered, cached, report, tuple(state.checks),
        notes=tuple(state.notes),
    )  # fmt: skip


def run_job(
    workspace: Workspace,
    renderer: VideoBackend | Executor,
    job: RenderJob,
    *,
    options: StitchOptions | None = None,
    on_event: EventSink = lambda _event: None,
    limits: CheckLimits | None = None,
) -> RenderOutcome:
    """Render every missing shot of `job`, then stitch. Safe to call again after any failure.
    Each rendered clip goes through the shot check (`limits`, generation.shot_check)."""
    state = _begin(workspace, job)
    shots = _Renderer(workspace, as_executor(renderer), on_event, limits or CheckLimits())
    shots.render([state])
    return _conclude(workspace, state, options or StitchOptions(), on_event, shots.last_done)


def run_jobs(
    workspace: Workspace,
    renderer: VideoBackend | Executor,
    jobs: list[RenderJob],
    *,
    options: StitchOptions | None = None,
    on_event: EventSink = lambda _event: None,
) -> list[RenderOutcome | ReelchatError]:
    """Several jobs at once (a batch): their missing shots share the executor's slots and a
    shot two jobs need renders once; then each job stitches. A job that fails gives its error
    in its place; a cancel stops them all."""
    states = [_begin(workspace, job) for job in jobs]
    shots = _Renderer(workspace, as_executor(renderer), on_event, CheckLimits())
    shots.render(states)
    outcomes: list[RenderOutcome | ReelchatError] = []
    for state in states:
        try:
            outcomes.append(
                _conclude(workspace, state, options or StitchOptions(), on_event, shots.last_done)
            )
        except ReelchatError as error:
            outcomes.append(error)
    return outcomes


def render_session(
    workspace: Workspace,
    renderer: VideoBackend | Executor,
    *,
    session_id: str,
    version_number: int | None = None,
    positions: list[int] | None = None,
    options: StitchOptions | None = None,
    on_event: EventSink = lambda _event: None,
    limits: CheckLimits | None = None,
) -> RenderOutcome:
    """Render a session's storyboard version (current by default), resuming unfinished work.

    With `positions`, only those shots are rendered and nothing is stitched. A bare backend
    renders in this process; an executor (generation.executors) decides where shots render."""
    executor = as_executor(renderer)
    options = options or StitchOptions()
    timing_notes, saved = _fit_to_narration(
        workspace, session_id, version_number, options, on_event
    )
    job = start_job(
        workspace,
        executor.backend,
        session_id=session_id,
        version_number=None if saved else version_number,
        positions=positions,
    )
    estimate = estimate_job(workspace, executor.backend, job)
    on_event(RenderEvent("estimate", message=estimate.describe(), job_id=job.id))
    started = time.monotonic()
    outcome = run_job(workspace, executor, job, options=options, on_event=on_event, limits=limits)
    if outcome.stitch is not None:
        outcome.stitch.notes[:0] = timing_notes
    return replace(outcome, estimate=estimate, seconds=time.monotonic() - started)


def _fit_to_narration(
    workspace: Workspace,
    session_id: str,
    version_number: int | None,
    options: StitchOptions,
    on_event: EventSink,
) -> tuple[list[str], bool]:
    """Speak the narration first and, where a line outlasts its shot, save a version whose shots
    are long enough (the storyboard then shows the durations the video has). Returns the notes
    for the reply and whether a version was saved."""
    if not options.narration:
        return [], False
    version = store.get_version(workspace.engine, session_id=session_id, number=version_number)
    if not any(shot.narration for shot in version.storyboard.shots):
        return [], False
    on_event(RenderEvent("stitch", message="speaking the narration"))
    lines = spoken_lines(version.storyboard, workspace.clips_dir(session_id))
    fitted = fit_to_narration(version.storyboard, lines)
    if fitted.storyboard == version.storyboard:
        return fitted.notes, False
    store.add_version(
        workspace.engine,
        session_id=session_id,
        storyboard=fitted.storyboard,
        note="; ".join(fitted.notes)[:500],
    )
    return fitted.notes, True
