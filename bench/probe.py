"""How long does `probe` (PyAV, in process) take against ffmpeg decoding in a subprocess?

The baseline is what `probe` did before it read through PyAV: one ffmpeg process that decodes
the first video stream to a null output (imageio-ffmpeg's `count_frames_and_secs`, the figures
the old regexes read from ffmpeg's stderr). Both decode every frame, so both count frames
exactly. Clips: 854x480 at 24 fps, H.264 (reelchat's recipe), 2 s (a shot) and 60 s (a video).
Runs are interleaved; prints a markdown table of median seconds and the ratio to the baseline.

    .venv/bin/python bench/probe.py --repeat 5
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg

from reelchat.generation.media import VIDEO_CODEC_ARGS, probe, run_ffmpeg


def _clip(path: Path, seconds: int) -> Path:
    run_ffmpeg(
        ["-f", "lavfi", "-i", f"testsrc2=size=854x480:rate=24:duration={seconds}",
         *VIDEO_CODEC_ARGS, str(path)],
        what="make a test clip",
    )  # fmt: skip
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        clips = {f"{s} s": _clip(Path(temp) / f"{s}.mp4", s) for s in (2, 60)}
        methods: dict[str, Callable[[Path], int]] = {
            "ffmpeg subprocess (before)": lambda p: imageio_ffmpeg.count_frames_and_secs(str(p))[0],
            "probe, PyAV (now)": lambda p: probe(p).frames,
        }
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.repeat):
            for clip_name, clip in clips.items():
                counts = set()
                for name, method in methods.items():
                    start = time.perf_counter()
                    counts.add(method(clip))
                    times.setdefault((clip_name, name), []).append(time.perf_counter() - start)
                assert len(counts) == 1, f"the methods disagree on {clip_name}: {counts}"
    print("| clip | method | median s | × baseline |")
    print("|---|---|---|---|")
    for clip_name in clips:
        base = statistics.median(times[(clip_name, next(iter(methods)))])
        for name in methods:
            median = statistics.median(times[(clip_name, name)])
            print(f"| {clip_name} | {name} | {median:.3f} | {median / base:.2f} |")


if __name__ == "__main__":
    main()
