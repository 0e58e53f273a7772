"""How long a render will take, told before it starts: from this workspace's own history (seconds
per frame per renderer, device and size, in the store's `renderrate` table, updated after every
shot and every stitch), or, before any history, from TABLE.
"""

from __future__ import annotations

from dataclasses import dataclass

from reelchat import store
from reelchat.generation.backend import VideoBackend
from reelchat.generation.cache import reuse_clip, shot_requests
from reelchat.store import RenderJob
from reelchat.workspace import Workspace

STITCH = "stitch"
"""The name stitching's rate is recorded under (it runs on the CPU, at the video's size)."""

TABLE: dict[tuple[str, str], float] = {
    ("animatic", "cpu"): 0.05,
    ("tiny", "cpu"): 0.35,
    ("diffusion", "cuda"): 0.15,
    (STITCH, "cpu"): 0.06,
}
"""Seconds per frame per megapixel (per frame, megapixel and sampling step for diffusion), by
renderer kind and device class, used before a workspace has history.
- animatic, tiny (tiny random-weight presets, per step) and stitch (captions burnt in) on cpu:
  the rates first renders recorded on this project's shared 2-core machine on 2026-11-29
  (`bench/estimate.py --no-diffusion --resolution 480 --seconds 10`, `bench/estimate.py`, and
  `reelchat make "a 3 shot product demo of our notes app Notely" --no-narration`, load
  average 7-17 from the other work on it; docs/benchmarks.md "Render estimates"). The
  median of the runs shaped like `make`'s default video (480p, shots of 10 s) that started at
  load average 11 or less: animatic 0.049 (0.021 at load 7 .. 0.083), stitch 0.057 (0.028 ..
  0.090); tiny-wan per step at 360p, median of 4: 0.36 (0.12 .. 0.39). So expect a render up
  to 2x faster on a quiet machine and 1.5x slower on a busy one; a board of short 360p shots
  renders about 2x slower per megapixel (each shot's fixed cost weighs more).
- diffusion on cuda: Wan2.1's README gives about 4 minutes for a 5-second 480P clip (81 frames
  at 832x480) from T2V-1.3B at 50 steps on one RTX 4090: 240 / (81 x 0.40 MP x 50) = 0.15.
Other devices (a full model on the CPU, mps) have no figure: the estimate says so. Loading a
model from disk (once per process) is not in any estimate, and a shot whose call loaded one is
not folded into the history."""


def device_of(backend: VideoBackend) -> str:
    """Where the backend renders: its `device` ('cuda:0', 'cpu', ...), 'cpu' for the animatic."""
    return str(getattr(backend, "device", "cpu"))


def _table_rate(backend: VideoBackend, width: int, height: int) -> float | None:
    """Seconds per frame at this size from TABLE, None without a figure."""
    device_class = device_of(backend).split(":")[0]
    megapixels = width * height / 1e6
    preset = getattr(backend, "preset", None)
    if backend.name == STITCH:
        kind, steps = STITCH, 1
    elif preset is None:
        kind, steps = "animatic", 1
    else:
        kind = "tiny" if preset.tiny else "diffusion"
        steps = getattr(backend, "steps", preset.steps)
    figure = TABLE.get((kind, device_class))
    return None if figure is None else figure * megapixels * steps


class _Stitcher:
    """Stands for stitching in rate lookups."""

    name = STITCH
    device = "cpu"


@dataclass(frozen=True)
class Estimate:
    """What a render will do and how long it should take, before it starts."""

    to_render: int
    """Shots that will render."""
    cached: int
    """Shots whose clip comes from the clip cache."""
    seconds: float | None
    """Expected time for the shots and the stitch; None when neither history nor TABLE has a
    figure for this renderer and device."""
    source: str
    """'history', 'table', or 'history and table' (some parts from each)."""

    def describe(self) -> str:
        """One line for the reply, e.g. '3 shots to render, 1 from the clip cache; expected
        about 12 s (from this workspace's history)'."""
        shots = f"{self.to_render} shot(s) to render, {self.cached} from the clip cache"
        if self.seconds is None:
            return f"{shots}; no time estimate yet for this renderer and device"
        return f"{shots}; expected about {_seconds(self.seconds)} (from {self._from()})"

    def _from(self) -> str:
        return {
            "history": "this workspace's history",
            "table": "the default table, no history yet",
        }.get(self.source, "this workspace's history and the default table")


def _seconds(value: float) -> str:
    return f"{value:.0f} s" if value < 120 else f"{value / 60:.1f} min"


def _rate(workspace: Workspace, backend: object, width: int, height: int) -> tuple[float, str]:
    row = store.get_rate(
        workspace.engine, backend=backend.name, device=device_of(backend),  # type: ignore[arg-type,attr-defined]
        width=width, height=height,
    )  # fmt: skip
    if row is not None:
        return row.seconds_per_frame, "history"
    figure = _table_rate(backend, width, height)  # type: ignore[arg-type]
    return (float("nan"), "none") if figure is None else (figure, "table")


def estimate_job(workspace: Workspace, backend: VideoBackend, job: RenderJob) -> Estimate:
    """The estimate for `job` as it stands: its shots without a clip render, the rest come from
    the cache; a job of the whole storyboard stitches too. Narration time is not included."""
    storyboard = store.get_version(
        workspace.engine, session_id=job.session_id, number=job.version_number
    ).storyboard
    planned = shot_requests(storyboard, backend)
    rows = store.job_shots(workspace.engine, job_id=job.id)
    missing = [
        planned[row.position - 1][0]
        for row in rows
        if not reuse_clip(workspace, job.session_id, row.cache_key)
    ]
    parts = [(_rate(workspace, backend, r.width, r.height), r.frames) for r in missing]
    if len(rows) == len(storyboard.shots) and missing:
        width, height = storyboard.size
        frames = sum(storyboard.frame_count(shot) for shot in storyboard.shots)
        parts.append((_rate(workspace, _Stitcher(), width, height), frames))
    sources = {source for (_, source), _ in parts}
    if "none" in sources:
        return Estimate(len(missing), len(rows) - len(missing), None, "none")
    seconds = sum(rate * frames for (rate, _), frames in parts)
    source = "history and table" if len(sources) > 1 else next(iter(sources), "history")
    return Estimate(len(missing), len(rows) - len(missing), seconds, source)


def record_stitch(
    workspace: Workspace, *, width: int, height: int, frames: int, seconds: float
) -> None:
    """Fold a stitch of a `frames`-frame video that took `seconds` into the history."""
    store.record_rate(
        workspace.engine, backend=STITCH, device="cpu", width=width, height=height,
        frames=frames, seconds=seconds,
    )  # fmt: skip


def record_shot(
    workspace: Workspace, backend: VideoBackend, *, width: int, height: int, frames: int,
    seconds: float,
) -> None:  # fmt: skip
    """Fold a shot render (and its check) that took `seconds` into the history."""
    store.record_rate(
        workspace.engine, backend=backend.name, device=device_of(backend), width=width,
        height=height, frames=frames, seconds=seconds,
    )  # fmt: skip
