"""Ray executor: a 24-shot storyboard on 1 vs 2 warm worker actors, and on two simulated nodes.

Each run renders the whole storyboard into a fresh workspace (no clip cache) and stitches it
(cuts, no captions, no narration). The actors are started and their backend loaded before the
clock starts (the start-up is printed apart). Baseline: the local executor in this process.
Backends: animatic (640x360, 12 fps, 2 s a shot) and the tiny-wan diffusion preset on the CPU
(640x360, 8 fps, 1 s a shot, 2 steps, the default batch of up to 4 shots a call).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import ray  # noqa: E402
from ray.cluster_utils import Cluster  # noqa: E402

from reelchat import store  # noqa: E402
from reelchat.config import Settings  # noqa: E402
from reelchat.generation.backend import get_backend  # noqa: E402
from reelchat.generation.executors import Executor, as_executor  # noqa: E402
from reelchat.generation.executors.ray_executor import RayExecutor  # noqa: E402
from reelchat.generation.runner import render_session  # noqa: E402
from reelchat.generation.stitch import StitchOptions  # noqa: E402
from reelchat.storyboard.models import Storyboard  # noqa: E402
from reelchat.storyboard.validation import parse_storyboard  # noqa: E402
from reelchat.workspace import Workspace  # noqa: E402

SHOTS = 24
OPTIONS = StitchOptions(captions=False, narration=False)
CAMERAS = ["zoom_in", "pan_right", "tilt_up", "orbit", "zoom_out", "pan_left", "static"]


def storyboard(seconds: float, fps: int) -> Storyboard:
    shots = [
        {"title": f"Shot {n + 1}", "prompt": f"a lighthouse on a cliff, view {n}",
         "duration": seconds, "camera": CAMERAS[n % len(CAMERAS)], "seed": n}
        for n in range(SHOTS)
    ]  # fmt: skip
    return parse_storyboard(
        {"script": {"title": "Bench"}, "shots": shots, "resolution": 360, "fps": fps}
    )


def render_once(root: Path, executor: Executor, board: Storyboard) -> float:
    """Seconds to render and stitch `board` from nothing."""
    ws = Workspace(root=root, database=root / "reelchat.db")
    session = store.create_session(ws.engine, title="bench")
    store.add_version(ws.engine, session_id=session.id, storyboard=board)
    start = time.perf_counter()
    outcome = render_session(ws, executor, session_id=session.id, options=OPTIONS)
    seconds = time.perf_counter() - start
    assert outcome.rendered == SHOTS
    return seconds


def measure(
    label: str, root: Path, board: Storyboard, start: Callable[[], Executor], baseline: float
) -> float:
    began = time.perf_counter()
    executor = start()
    startup = time.perf_counter() - began
    seconds = render_once(root, executor, board)
    if isinstance(executor, RayExecutor):
        executor.close()
    speedup = baseline / seconds if baseline else 1.0
    print(
        f"| {label} | {startup:.1f} | {seconds:.1f} | {SHOTS / seconds:.2f} | {speedup:.2f}x |",
        flush=True,
    )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["animatic", "tiny-wan"], default="animatic")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        if args.backend == "animatic":
            settings = Settings(workspace=root / "models", executor="ray")
            board = storyboard(2.0, 12)
        else:
            settings = Settings(
                workspace=root / "models", executor="ray", backend="diffusers",
                model="tiny-wan", device="cpu",
            )  # fmt: skip
            board = storyboard(1.0, 8)
            get_backend(settings).text_to_video()  # build the tiny model once, outside the clock
        print(f"{SHOTS} shots, {args.backend}; start-up and render in seconds")
        print("| executor | start-up s | render + stitch s | shots/s | speed-up |")
        print("| --- | --- | --- | --- | --- |")
        local = measure(
            "local (in-process)", root / "local", board,
            lambda: as_executor(get_backend(settings)), 0.0,
        )  # fmt: skip
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="warning")
        for workers in (1, 2):
            measure(
                f"ray, {workers} worker(s), one node", root / f"ray{workers}", board,
                lambda w=workers: RayExecutor.from_settings(settings.model_copy(
                    update={"ray_workers": w})),
                local,
            )  # fmt: skip
        ray.shutdown()
        cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
        cluster.add_node(num_cpus=1)
        cluster.wait_for_nodes()
        ray.init(address=cluster.address, log_to_driver=False, logging_level="warning")
        measure(
            "ray, 2 workers, two simulated nodes", root / "nodes", board,
            lambda: RayExecutor.from_settings(settings), local,
        )  # fmt: skip
        ray.shutdown()
        cluster.shutdown()


if __name__ == "__main__":
    main()
