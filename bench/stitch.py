"""How much does joining shots by stream copy save over re-encoding them?

When every hand-over is a cut, reelchat's `stitch()` joins the shot clips with ffmpeg's concat
demuxer and `-c copy`: no pixel is decoded or encoded. This script renders N animatic clips once
(854x480, 24 fps, 2 s each by default) and times, for a cut-only storyboard of N shots:

  (a) reelchat's `stitch()` (captions and narration off, so it takes the stream-copy path),
  (b) raw ffmpeg concat demuxer with `-c copy` (the floor: the same join without +faststart),
  (c) moviepy `concatenate_videoclips(...).write_videofile(...)` with libx264 — what a user
      would write by hand — at preset "medium" (moviepy's default) and "veryfast" (reelchat's
      own re-encode recipe).

It runs on all the cores the process may use (no pinning) and prints a markdown table of median
seconds and each method's time as a multiple of (b).

    .venv/bin/python bench/stitch.py --shots 6 24 --repeat 3
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from reelchat.generation.animatic import AnimaticBackend
from reelchat.generation.backend import ShotRequest
from reelchat.generation.media import probe, run_ffmpeg
from reelchat.generation.stitch import StitchOptions, stitch
from reelchat.storyboard.models import Camera, Storyboard, Transition
from reelchat.storyboard.templates import explainer

FPS = 24


def cut_only_storyboard(shots: int, seconds: float) -> Storyboard:
    """`shots` explainer-like shots at 854x480, every transition a cut, cameras cycling."""
    base = explainer("how vaccines work", seconds=6 * seconds, shots=6).model_dump()
    cameras = list(Camera)
    base["shots"] = [
        {
            **base["shots"][i % 6],
            "id": f"shot{i:04d}",
            "duration": seconds,
            "camera": cameras[i % len(cameras)],
            "transition": Transition.cut,
            "seed": i,
        }
        for i in range(shots)
    ]
    base.update(resolution=480, fps=FPS)
    return Storyboard.model_validate(base)


def render_clips(board: Storyboard, work: Path) -> list[Path]:
    clips = []
    for index, shot in enumerate(board.shots):
        path = work / f"clip-{index:02d}.mp4"
        AnimaticBackend().generate(ShotRequest.for_shot(board, shot), path, lambda _done: None)
        clips.append(path)
    return clips


def with_stitch(board: Storyboard, clips: list[Path], out: Path) -> None:
    options = StitchOptions(captions=False, narration=False)
    report = stitch(board, clips, out, options=options, cache_dir=out.parent / "cache")
    assert report.method == "stream-copy", report.method


def with_ffmpeg_copy(board: Storyboard, clips: list[Path], out: Path) -> None:
    listing = out.with_suffix(".txt")
    listing.write_text("".join(f"file '{clip.as_posix()}'\n" for clip in clips))
    run_ffmpeg(
        ["-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", str(out)],
        what="concat by copy",
    )


def with_moviepy(preset: str) -> Callable[[Storyboard, list[Path], Path], None]:
    def join(board: Storyboard, clips: list[Path], out: Path) -> None:
        from moviepy import VideoFileClip, concatenate_videoclips

        sources = [VideoFileClip(str(clip), audio=False) for clip in clips]
        try:
            concatenate_videoclips(sources).write_videofile(
                str(out), fps=FPS, codec="libx264", preset=preset, audio=False, logger=None
            )
        finally:
            for source in sources:
                source.close()

    return join


FLOOR = "(b) ffmpeg concat `-c copy` (floor)"
METHODS: dict[str, Callable[[Storyboard, list[Path], Path], None]] = {
    "(a) reelchat `stitch()` (stream copy)": with_stitch,
    FLOOR: with_ffmpeg_copy,
    "(c) moviepy re-encode, libx264 medium": with_moviepy("medium"),
    "(c) moviepy re-encode, libx264 veryfast": with_moviepy("veryfast"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=int, nargs="+", default=[6, 24])
    parser.add_argument("--seconds", type=float, default=2.0, help="length of each shot")
    parser.add_argument("--repeat", type=int, default=3, help="runs per cell (median)")
    args = parser.parse_args()

    medians: dict[int, dict[str, float]] = {}
    mismatches: list[str] = []
    with tempfile.TemporaryDirectory(prefix="reelchat-bench-") as temp:
        work = Path(temp)
        start = time.perf_counter()
        all_clips = render_clips(cut_only_storyboard(max(args.shots), args.seconds), work)
        rendered = time.perf_counter() - start
        for shots in args.shots:
            board = cut_only_storyboard(shots, args.seconds)
            clips = all_clips[:shots]
            expected = sum(board.frame_count(shot) for shot in board.shots)
            medians[shots] = {}
            for number, (name, join) in enumerate(METHODS.items()):
                times = []
                for run in range(args.repeat):
                    out = work / f"out-{shots}-{number}-{run}.mp4"
                    began = time.perf_counter()
                    join(board, clips, out)
                    times.append(time.perf_counter() - began)
                frames = probe(out).frames
                if frames != expected:
                    mismatches.append(f"{name}, {shots} shots: {frames} frames, not {expected}")
                medians[shots][name] = statistics.median(times)

    cores = len(os.sched_getaffinity(0))
    print(
        f"{max(args.shots)} animatic clips (854x480, {FPS} fps, {args.seconds:g} s each) rendered "
        f"once in {rendered:.1f} s; joins on {cores} cores, median of {args.repeat}; frame counts "
        + ("checked: " + "; ".join(mismatches) if mismatches else "all as expected")
        + ".\n"
    )
    header = "".join(f" {n} shots s | × floor |" for n in args.shots)
    print(f"| method |{header}")
    print("|---|" + "---:|---:|" * len(args.shots))
    for name in METHODS:
        cells = "".join(
            f" {medians[n][name]:.3f} | {medians[n][name] / medians[n][FLOOR]:.1f}× |"
            for n in args.shots
        )
        print(f"| {name} |{cells}")


if __name__ == "__main__":
    main()
