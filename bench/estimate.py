"""How close is the estimate before a render to the time it takes? The first render of a
storyboard uses the default table; a second, comparable one (same shots, durations, size and
rate, other prompts and seeds, so nothing comes from the clip cache) uses the rates this
workspace recorded. Reports estimate, actual and the error per backend; issue 20 asks for
the second within 25 %.

    .venv/bin/python bench/estimate.py --repeat 3
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
from reelchat.generation.runner import RenderOutcome, render_session  # noqa: E402
from reelchat.generation.stitch import StitchOptions  # noqa: E402
from reelchat.storyboard.models import Storyboard  # noqa: E402
from reelchat.storyboard.validation import parse_storyboard  # noqa: E402
from reelchat.workspace import Workspace  # noqa: E402

QUIET = StitchOptions(captions=False, narration=False)


def comparable(shots: int, take: int) -> Storyboard:
    """`shots` shots of 2 s at 360p, prompts and seeds differing by `take`."""
    return parse_storyboard(
        {
            "script": {"title": "estimate"},
            "resolution": 360,
            "shots": [
                {"title": f"Shot {n}", "prompt": f"a lighthouse at dusk, take {take}, view {n}",
                 "duration": 2.0, "seed": 100 * take + n}
                for n in range(1, shots + 1)
            ],
        }
    )  # fmt: skip


def render(workspace: Workspace, backend: VideoBackend, board: Storyboard) -> RenderOutcome:
    session = store.create_session(workspace.engine, title="estimate")
    store.add_version(workspace.engine, session_id=session.id, storyboard=board)
    return render_session(workspace, backend, session_id=session.id, options=QUIET)


def run(name: str, backend: VideoBackend, shots: int, root: Path) -> None:
    workspace = Workspace(root=root / name, database=root / name / "reelchat.db")
    first = render(workspace, backend, comparable(shots, 1))
    second = render(workspace, backend, comparable(shots, 2))
    for label, outcome in (("first (table)", first), ("second (history)", second)):
        estimate = outcome.estimate.seconds or float("nan")
        error = (estimate - outcome.seconds) / outcome.seconds
        print(f"{name:10} {label:17} estimate {estimate:6.2f} s  took {outcome.seconds:6.2f} s"
              f"  error {error:+.0%}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-diffusion", action="store_true", help="animatic only")
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
                run(name, backend, shots, Path(folder))


if __name__ == "__main__":
    main()
