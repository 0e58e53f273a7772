"""Personalised batch: reelchat's batch (shared shots rendered once) vs each video from scratch.

Template: 5 shots, one of which shows the person's {name}; 640x360, 12 fps, 2 s a shot, cuts,
captions burned in, no narration. Baseline: every person's video rendered on its own, with a
fresh workspace each (no clip cache), which is what a loop over a plain render gives.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reelchat import store  # noqa: E402
from reelchat.generation.animatic import AnimaticBackend  # noqa: E402
from reelchat.generation.batch import run_batch  # noqa: E402
from reelchat.generation.runner import render_session  # noqa: E402
from reelchat.generation.stitch import StitchOptions  # noqa: E402
from reelchat.storyboard.models import Storyboard  # noqa: E402
from reelchat.storyboard.validation import parse_storyboard  # noqa: E402
from reelchat.storyboard.variables import personalise  # noqa: E402
from reelchat.workspace import Workspace  # noqa: E402

OPTIONS = StitchOptions(captions=True, narration=False)


def template() -> Storyboard:
    prompts = ["our office at sunrise", "the team around a table", "{name} waving hello",
               "a desk with a laptop and coffee", "the city skyline at dusk"]  # fmt: skip
    shots = [
        {"title": f"Welcome {n + 1}", "prompt": prompt, "duration": 2, "seed": n,
         "caption": "Welcome, {name}!" if "{name}" in prompt else ""}
        for n, prompt in enumerate(prompts)
    ]  # fmt: skip
    return parse_storyboard(
        {"script": {"title": "Welcome"}, "shots": shots, "resolution": 360, "fps": 12}
    )


def workspace(root: Path) -> Workspace:
    return Workspace(root=root, database=root / "reelchat.db")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100)
    args = parser.parse_args()
    people = [{"name": f"Person {n:03d}"} for n in range(args.people)]
    board = template()
    with tempfile.TemporaryDirectory() as temp:
        root = Path(temp)
        start = time.perf_counter()
        results = run_batch(workspace(root / "batch"), AnimaticBackend(), board, people,
                            out_dir=root / "out", options=OPTIONS)  # fmt: skip
        batch_seconds = time.perf_counter() - start
        batch_shots = sum(result.rendered for result in results)

        start = time.perf_counter()
        scratch_shots = 0
        for index, values in enumerate(people):
            ws = workspace(root / f"scratch-{index}")
            session = store.create_session(ws.engine, title="scratch")
            store.add_version(
                ws.engine, session_id=session.id, storyboard=personalise(board, values)
            )
            outcome = render_session(ws, AnimaticBackend(), session_id=session.id, options=OPTIONS)
            scratch_shots += outcome.rendered
        scratch_seconds = time.perf_counter() - start

    print(f"people: {args.people}; 5 shots each, 1 personalised; 640x360, 12 fps, 10 s videos\n")
    print("| path | wall time (s) | shots rendered | s per person |")
    print("|---|---:|---:|---:|")
    per_person = batch_seconds / args.people
    print(f"| reelchat batch | {batch_seconds:.1f} | {batch_shots} | {per_person:.2f} |")
    print(f"| each from scratch | {scratch_seconds:.1f} | {scratch_shots} | "
          f"{scratch_seconds / args.people:.2f} |")  # fmt: skip
    print(f"\nspeed-up: {scratch_seconds / batch_seconds:.2f}×")


if __name__ == "__main__":
    main()
