"""How fast does the animatic backend render, on one CPU core?

The animatic is the offline renderer every user gets, so its speed decides how long a preview
takes. This script pins itself (and therefore the ffmpeg/x264 subprocess it spawns, which
inherits the affinity) to a single core, renders one shot per camera move at 854x480 and
1280x720, and reports the median frames per second and "x real time" (frames/s divided by the
fps; above 1 means the shot renders faster than it plays).

A second table splits one shot's time into drawing (Pillow warps and pastes, then the numpy
copy) and H.264 encoding (the same frames fed to the shared FrameWriter), to show where the
time goes.

    git show c31cd51:reelchat/generation/animatic.py > /tmp/animatic_v1.py
    .venv/bin/python bench/animatic.py --repeat 3 --seconds 3 --baseline /tmp/animatic_v1.py
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import numpy as np

# Pin before anything spawns ffmpeg: children inherit the CPU affinity mask.
CPU = min(os.sched_getaffinity(0))
os.sched_setaffinity(0, {CPU})

from reelchat.generation import animatic  # noqa: E402
from reelchat.generation.animatic import AnimaticBackend  # noqa: E402
from reelchat.generation.backend import ShotRequest  # noqa: E402
from reelchat.generation.media import FrameWriter  # noqa: E402
from reelchat.storyboard.models import Camera, Storyboard  # noqa: E402
from reelchat.storyboard.templates import explainer  # noqa: E402

FPS = 24
RESOLUTIONS = {480: "854x480", 720: "1280x720"}


def request(resolution: int, camera: Camera, seconds: float) -> ShotRequest:
    """One explainer shot with the given camera, at `resolution` and 24 fps."""
    base = explainer("how vaccines work", seconds=seconds, shots=1)
    data = base.model_dump()
    data.update(resolution=resolution, fps=FPS)
    data["shots"][0].update(camera=camera, duration=seconds)
    board = Storyboard.model_validate(data)
    return ShotRequest.for_shot(board, board.shots[0])


def ffmpeg_children() -> list[tuple[int, str, int]]:
    """(pid, allowed CPUs, thread count) of each ffmpeg process this process started."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            status = dict(
                line.split(":\t", 1) for line in (entry / "status").read_text().splitlines()
            )
        except (OSError, ValueError):
            continue
        if int(status.get("PPid", "0")) == os.getpid() and "ffmpeg" in status.get("Name", ""):
            found.append(
                (int(entry.name), status["Cpus_allowed_list"].strip(), int(status["Threads"]))
            )
    return found


def render_seconds(
    req: ShotRequest,
    work: Path,
    *,
    check: list[tuple[int, str, int]] | None = None,
    backend: type = AnimaticBackend,
) -> float:
    """Wall time of one full render (draw + encode); optionally note the ffmpeg child's state."""

    def progress(done: float) -> None:
        if check is not None and not check and done > 0.5:
            check.extend(ffmpeg_children())

    start = time.perf_counter()
    backend().generate(req, work / "shot.mp4", progress)
    return time.perf_counter() - start


class _Recorder:
    """Stands in for FrameWriter: keeps the frames instead of encoding them."""

    frames: list[np.ndarray] = []

    def __init__(self, path: Path, *, width: int, height: int, fps: int) -> None:
        _Recorder.frames = []

    def write(self, frame: np.ndarray) -> None:
        _Recorder.frames.append(np.ascontiguousarray(frame, dtype=np.uint8))

    def close(self) -> None:
        pass


def load_baseline(path: Path) -> ModuleType:
    """An older animatic.py (e.g. from `git show c31cd51:reelchat/generation/animatic.py`)."""
    spec = importlib.util.spec_from_file_location("animatic_baseline", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def split_seconds(req: ShotRequest, work: Path, module: ModuleType) -> tuple[float, float]:
    """(draw seconds, encode seconds) for one shot, measured separately."""
    module.FrameWriter = _Recorder  # type: ignore[attr-defined]
    try:
        start = time.perf_counter()
        module.AnimaticBackend().generate(req, work / "unused.mp4", lambda _done: None)
        draw = time.perf_counter() - start
    finally:
        module.FrameWriter = FrameWriter  # type: ignore[attr-defined]
    frames, _Recorder.frames = _Recorder.frames, []
    start = time.perf_counter()
    writer = FrameWriter(work / "encoded.mp4", width=req.width, height=req.height, fps=req.fps)
    for frame in frames:
        writer.write(frame)
    writer.close()
    return draw, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="renders per cell (median)")
    parser.add_argument("--seconds", type=float, default=3.0, help="shot length in seconds")
    parser.add_argument("--cameras", nargs="+", type=Camera, default=list(Camera))
    parser.add_argument("--baseline", type=Path, help="an older animatic.py to compare with")
    args = parser.parse_args()
    modules = {"reelchat": animatic}
    if args.baseline:
        modules["baseline"] = load_baseline(args.baseline)

    check: list[tuple[int, str, int]] = []
    rows = []
    with tempfile.TemporaryDirectory(prefix="reelchat-bench-") as temp:
        work = Path(temp)
        for module in modules.values():  # warm-up: fonts, imports
            render_seconds(request(480, Camera.static, 1.0), work, backend=module.AnimaticBackend)
        for camera in args.cameras:
            cells = []
            for resolution in RESOLUTIONS:
                req = request(resolution, camera, args.seconds)
                times: dict[str, list[float]] = {name: [] for name in modules}
                for _ in range(args.repeat):  # interleaved, so both see the same load
                    for name, module in modules.items():
                        times[name].append(
                            render_seconds(req, work, check=check, backend=module.AnimaticBackend)
                        )
                fps = {name: req.frames / statistics.median(t) for name, t in times.items()}
                cells.append(f"{fps['reelchat']:6.1f} | {fps['reelchat'] / FPS:5.2f}×")
                if "baseline" in fps:
                    cells.append(
                        f"{fps['baseline']:6.1f} | {fps['reelchat'] / fps['baseline']:4.1f}×"
                    )
            rows.append(f"| {camera.value:<9} | " + " | ".join(cells) + " |")

        splits = []
        for resolution, label in RESOLUTIONS.items():
            req = request(resolution, Camera.pan_right, args.seconds)
            for name, module in modules.items():
                draws, encodes = zip(
                    *(split_seconds(req, work, module) for _ in range(args.repeat)), strict=True
                )
                draw_ms = 1000 * statistics.median(draws) / req.frames
                encode_ms = 1000 * statistics.median(encodes) / req.frames
                share = draw_ms / (draw_ms + encode_ms)
                splits.append(
                    f"| {label} | {name} | {draw_ms:5.1f} | {encode_ms:5.1f} "
                    f"| {draw_ms + encode_ms:5.1f} | {share:4.0%} |"
                )

    print(f"Pinned to CPU {CPU}; affinity now {sorted(os.sched_getaffinity(0))}.")
    for pid, cpus, threads in check[:1]:
        print(f"ffmpeg child {pid} during a render: allowed CPUs {cpus}, {threads} threads.")
    if not check:
        print("No ffmpeg child seen during a render (check not done).")
    print(f"{args.seconds:g} s shots at {FPS} fps, median of {args.repeat}.\n")
    header, rule = "| camera    |", "|-----------|"
    for size in RESOLUTIONS.values():
        header += f" {size} frames/s | × real time |"
        rule += "---:|---:|"
        if args.baseline:
            header += f" baseline {size} frames/s | speed-up |"
            rule += "---:|---:|"
    print(header)
    print(rule)
    print("\n".join(rows))
    print("\nWhere the time goes (pan_right, per frame, measured separately):\n")
    print("| size | code | draw ms | encode ms | sum ms | draw share |")
    print("|------|------|--------:|----------:|-------:|-----------:|")
    print("\n".join(splits))


if __name__ == "__main__":
    main()
