"""How close is the estimate before a render to the time it takes? The first render of a
storyboard uses the default table; a second, comparable one (same shots, durations, size and
rate, other prompts and seeds, so nothing comes from the clip cache) uses the rates this
workspace recorded. Reports estimate, actual and the error per backend; issue 20 asks for
the second within 25 %. After each first render it also prints the rates that render
recorded in the units of the default table (generation.estimate.TABLE: seconds per frame
per megapixel, per sampling step for diffusion), the figures that table is set from.

    .venv/bin/python bench/estimate.py --repeat 3
    .venv/bin/python bench/estimate.py --no-diffusion --resolution 480 --seconds 10  # `make`'s
"""

from __future__ import annotations

import argparse
import os
import tempfile
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")

from reelchat import store  # noqa: E402
from reelchat.config import Settings  # noqa: E402
from reelchat.generation.animatic import AnimaticBackend  # noqa: E402
from reelchat.generation.backend import VideoBackend, get_backend  # noqa: E402
from reelchat.generation.estimate import STITCH, device_of  # noqa: E402
from reelchat.generation.runner import RenderOutcome, render_session  # noqa: E402
from reelchat.generation.stitch import StitchOptions  # noqa: E402
from reelchat.storyboard.models import Storyboard  # noqa: E402
from reelchat.storyboard.validation import parse_storyboard  # noqa: E402
from reelchat.workspace import Workspace  # noqa: E402

STITCH_OPTIONS = StitchOptions(narration=False)
"""Captions burnt in, as `make`, the chat and the UI stitch by default; narration is not part
of any estimate."""


def comparable(shots: int, take: int, resolution: int = 360, seconds: float = 2.0) -> Storyboard:
    """`shots` shots of `seconds` at `resolution`, prompts and seeds differing by `take`."""
    return parse_storyboard(
        {
            "script": {"title": "estimate"},
            "resolution": resolution,
            "shots": [
                {"title": f"Shot {n}", "prompt": f"a lighthouse at dusk, take {take}, view {n}",
                 "duration": seconds, "seed": 100 * take + n}
                for n in range(1, shots + 1)
            ],
        }
    )  # fmt: skip


def render(workspace: Workspace, backend: VideoBackend, board: Storyboard) -> RenderOutcome:
    session = store.create_session(workspace.engine, title="estimate")
    store.add_version(workspace.engine, session_id=session.id, storyboard=board)
    return render_session(workspace, backend, session_id=session.id, options=STITCH_OPTIONS)


def table_rates(workspace: Workspace, backend: VideoBackend, board: Storyboard) -> str:
    """The rates the workspace recorded for `board`'s size, in TABLE's units: seconds per
    frame per megapixel, divided by the sampling steps for a diffusion backend."""
    width, height = board.size
    megapixels = width * height / 1e6
    preset = getattr(backend, "preset", None)
    kind = "animatic" if preset is None else f"{preset.name} per step"
    steps = getattr(backend, "steps", 1)
    figures = []
    for name, device, per in ((backend.name, device_of(backend), steps), (STITCH, "cpu", 1)):
        row = store.get_rate(workspace.engine, backend=name, device=device, width=width,
                             height=height)  # fmt: skip
        if row is not None:
            shown = kind if name == backend.name else STITCH
            figures.append(f"{shown} {row.seconds_per_frame / megapixels / per:.4f}")
    return ", ".join(figures)


def run(
    name: str, backend: VideoBackend, shots: int, root: Path, resolution: int, seconds: float
) -> None:
    workspace = Workspace(root=root / name, database=root / name / "reelchat.db")
    board = comparable(shots, 1, resolution, seconds)
    first = render(workspace, backend, board)
    rates = table_rates(workspace, backend, board)
    second = render(workspace, backend, comparable(shots, 2, resolution, seconds))
    for label, outcome in (("first (table)", first), ("second (history)", second)):
        estimate = outcome.estimate.seconds or float("nan")
        error = (estimate - outcome.seconds) / outcome.seconds
        print(f"{name:10} {label:17} estimate {estimate:6.2f} s  took {outcome.seconds:6.2f} s"
              f"  error {error:+.0%}")  # fmt: skip
    print(f"{name:10} first render's rates, s per frame per MP: {rates}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-diffusion", action="store_true", help="animatic only")
    parser.add_argument("--resolution", type=int, default=360, help="short side, pixels")
    parser.add_argument("--seconds", type=float, default=2.0, help="each shot's duration")
    args = parser.parse_args()
    backends: list[tuple[str, VideoBackend, int]] = [("animatic", AnimaticBackend(), 4)]
    if not args.no_diffusion:
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(workspace=Path(folder), backend="diffusers", model="tiny-wan",
                                device="cpu")  # fmt: skip
            tiny = get_backend(settings)
            tiny.text_to_video()  # loading the model once is not part of the estimate
            backends.append(("tiny-wan", tiny, 3))
    for _ in range(args.repeat):
        for name, backend, shots in backends:
            with tempfile.TemporaryDirectory() as folder:
                run(name, backend, shots, Path(folder), args.resolution, args.seconds)


if __name__ == "__main__":
    main()
