"""`reelchat make` for the README's video, this checkout against another install, interleaved.

Each run is the README's first command's `reelchat make` in a fresh workspace, timed end to end
(planning, narration, rendering, stitching); the two installs alternate so both see the same load.

    .venv/bin/python bench/make.py --before /work/main/.venv/bin --after .venv/bin --repeat 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

REQUEST = "Explain how vaccines work, for teenagers"


def make_seconds(bin_dir: Path) -> tuple[float, str]:
    with tempfile.TemporaryDirectory() as work:
        env = dict(os.environ, REELCHAT_WORKSPACE=work, REELCHAT_HOME=work)
        start = time.perf_counter()
        result = subprocess.run(
            [str(bin_dir / "reelchat"), "make", REQUEST, "-o", str(Path(work) / "v.mp4")],
            capture_output=True, text=True, env=env, check=True,
        )  # fmt: skip
        seconds = time.perf_counter() - start
    video = [line for line in result.stdout.splitlines() if "video:" in line or ".mp4" in line]
    return seconds, (video[-1] if video else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True)
    parser.add_argument("--after", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    times: dict[str, list[float]] = {"before": [], "after": []}
    for _ in range(args.repeat):
        for side in times:
            seconds, line = make_seconds(getattr(args, side))
            times[side].append(seconds)
            print(f"{side}: {seconds:.1f} s  {line.strip()[:120]}")
    before, after = (statistics.median(times[side]) for side in ("before", "after"))
    print(f"median before {before:.1f} s, after {after:.1f} s, ratio {after / before:.2f}")


if __name__ == "__main__":
    main()
