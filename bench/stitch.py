"""How much does stitching cost, with cuts and with crossfades, against what a user would write?

This script renders N animatic clips once (854x480, 24 fps, 2 s each by default) and times, for
storyboards of N shots, first with every transition a cut:

  (a) reelchat's `stitch()` (captions and narration off; an empty cache each run),
  (b) raw ffmpeg concat demuxer with `-c copy` (the floor: the same join without +faststart),
  (c) moviepy `concatenate_videoclips(...).write_videofile(...)` with libx264 — what a user
      would write by hand — at preset "medium" (moviepy's default) and "veryfast" (reelchat's
      own re-encode recipe);

then with every transition a 0.5 s crossfade: (a) again (it re-encodes each shot once to cut it
at the overlaps, then only the overlap windows, and joins by copy), (c) moviepy with
`CrossFadeIn` and `concatenate_videoclips(..., method="compose", padding=-0.5)`, and (d) one ffmpeg
filter graph of `xfade` filters that re-encodes everything. Methods are interleaved run by run;
every output's frame count is checked.

It runs on all the cores the process may use (no pinning) and prints markdown tables of median
seconds and each time as a multiple of the baseline ((b) for cuts, (c) medium for crossfades).

    .venv/bin/python bench/stitch.py --shots 6 24 96 --repeat 3

With `--against REF` it times only two stitchers, interleaved run by run: this checkout's and
the one in git commit REF (its `reelchat/generation/stitch.py`, copied by `git show` into the
bench's temp folder and imported from there; the rest of reelchat is this checkout's), with REF's
as the baseline of each ratio. Every table comes twice: wall time, and CPU time of the process
and its ffmpeg children (the steadier figure when other programs share the machine):

    .venv/bin/python bench/stitch.py --shots 6 24 96 --repeat 3 --against main

With `--audio` (and `--against REF`) it times only the audio mix instead, this checkout's against
REF's, interleaved run by run: every shot narrated (the explainer's lines, spoken once by the
installed voice and linked into each run's empty cache, so only the mix is timed) over a looped
7.3 s music file, mixed into the AAC track that the video is muxed with:

    .venv/bin/python bench/stitch.py --audio --shots 6 24 96 --repeat 3 --against main
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reelchat.export import audio_seconds
from reelchat.generation.animatic import AnimaticBackend
from reelchat.generation.backend import ShotRequest
from reelchat.generation.media import VIDEO_CODEC_ARGS, probe, run_ffmpeg
from reelchat.generation.narration import tts_available
from reelchat.generation.stitch import StitchOptions, stitch
from reelchat.generation.voiceover import spoken_line
from reelchat.storyboard.models import MAX_SHOTS, Camera, Storyboard, Transition
from reelchat.storyboard.templates import explainer

FPS = 24


def storyboard(shots: int, seconds: float, transition: Transition = Transition.cut) -> Storyboard:
    """`shots` explainer-like shots at 854x480, every transition the same, cameras cycling."""
    base = explainer("how vaccines work", seconds=6 * seconds, shots=6).model_dump()
    cameras = list(Camera)
    base["shots"] = [
        {
            **base["shots"][i % 6],
            "id": f"shot{i:04d}",
            "duration": seconds,
            "camera": cameras[i % len(cameras)],
            "transition": transition,
            "seed": i,
        }
        for i in range(shots)
    ]
    base.update(resolution=480, fps=FPS)
    # a storyboard holds at most MAX_SHOTS; longer joins are validated in blocks and put
    # together unvalidated, which is enough for the stitcher (it only reads the shots)
    shots = [
        shot
        for start in range(0, shots, MAX_SHOTS)
        for shot in Storyboard.model_validate(
            {**base, "shots": base["shots"][start : start + MAX_SHOTS]}
        ).shots
    ]
    return Storyboard.model_validate({**base, "shots": base["shots"][:MAX_SHOTS]}).model_copy(
        update={"shots": shots}
    )


def render_clips(board: Storyboard, work: Path) -> list[Path]:
    clips = []
    for index, shot in enumerate(board.shots):
        path = work / f"clip-{index:02d}.mp4"
        AnimaticBackend().generate(ShotRequest.for_shot(board, shot), path, lambda _done: None)
        clips.append(path)
    return clips


def with_stitch(board: Storyboard, clips: list[Path], out: Path) -> None:
    """reelchat's stitcher with an empty cache, so nothing from an earlier run is reused."""
    options = StitchOptions(captions=False, narration=False)
    cache = out.parent / f"cache-{out.stem}"
    cache.mkdir()
    stitch(board, clips, out, options=options, cache_dir=cache)


def stitch_module(ref: str, work: Path) -> Any:
    """reelchat/generation/stitch.py as it is in git commit `ref`, loaded from a copy in `work`
    (the rest of reelchat is this checkout's)."""
    source = subprocess.run(
        ["git", "show", f"{ref}:reelchat/generation/stitch.py"],
        cwd=Path(__file__).resolve().parent, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    path = work / "baseline_stitch.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("baseline_stitch", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def stitch_at(ref: str, work: Path) -> Callable[[Storyboard, list[Path], Path], None]:
    """The stitcher of git commit `ref` (`stitch_module`), called like with_stitch."""
    module = stitch_module(ref, work)

    def join(board: Storyboard, clips: list[Path], out: Path) -> None:
        options = module.StitchOptions(captions=False, narration=False)
        cache = out.parent / f"cache-{out.stem}"
        cache.mkdir()
        module.stitch(board, clips, out, options=options, cache_dir=cache)

    return join


def with_ffmpeg_copy(board: Storyboard, clips: list[Path], out: Path) -> None:
    listing = out.with_suffix(".txt")
    listing.write_text("".join(f"file '{clip.as_posix()}'\n" for clip in clips))
    run_ffmpeg(
        ["-f", "concat", "-safe", "0", "-i", str(listing), "-c", "copy", str(out)],
        what="concat by copy",
    )


def with_ffmpeg_xfade(board: Storyboard, clips: list[Path], out: Path) -> None:
    """One ffmpeg filter graph of xfade filters: every frame decoded and encoded once."""
    inputs = [arg for clip in clips for arg in ("-i", str(clip))]
    starts, graph, last = board.shot_starts(), [], "[0:v]"
    for index in range(1, len(clips)):
        overlap = board.overlap_after(index - 1)
        graph.append(
            f"{last}[{index}:v]xfade=transition=fade:duration={overlap}:offset={starts[index]:.4f}"
            f"[x{index}]"
        )
        last = f"[x{index}]"
    run_ffmpeg(
        [*inputs, "-filter_complex", ";".join(graph), "-map", last, *VIDEO_CODEC_ARGS, str(out)],
        what="xfade",
    )


def with_moviepy(preset: str) -> Callable[[Storyboard, list[Path], Path], None]:
    """What a user would write: concatenate_videoclips, with CrossFadeIn for crossfades."""

    def join(board: Storyboard, clips: list[Path], out: Path) -> None:
        from moviepy import VideoFileClip, concatenate_videoclips, vfx

        overlap = board.overlap_after(0)
        sources = [VideoFileClip(str(clip), audio=False) for clip in clips]
        try:
            if overlap:
                faded = [
                    sources[0],
                    *(s.with_effects([vfx.CrossFadeIn(overlap)]) for s in sources[1:]),
                ]
                video = concatenate_videoclips(faded, method="compose", padding=-overlap)
            else:
                video = concatenate_videoclips(sources)
            video.write_videofile(
                str(out), fps=FPS, codec="libx264", preset=preset, audio=False, logger=None
            )
        finally:
            for source in sources:
                source.close()

    return join


FLOOR = "(b) ffmpeg concat `-c copy` (floor)"
CUTS: dict[str, Callable[[Storyboard, list[Path], Path], None]] = {
    "(a) reelchat `stitch()`": with_stitch,
    FLOOR: with_ffmpeg_copy,
    "(c) moviepy re-encode, libx264 medium": with_moviepy("medium"),
    "(c) moviepy re-encode, libx264 veryfast": with_moviepy("veryfast"),
}
XFADE_BASE = "(c) moviepy crossfades, libx264 medium"
CROSSFADES: dict[str, Callable[[Storyboard, list[Path], Path], None]] = {
    "(a) reelchat `stitch()`": with_stitch,
    "(d) ffmpeg xfade graph, full re-encode (veryfast)": with_ffmpeg_xfade,
    XFADE_BASE: with_moviepy("medium"),
    "(c) moviepy crossfades, libx264 veryfast": with_moviepy("veryfast"),
}


def mix_audio(module: Any, voices: Path, music: Path) -> Callable[[Storyboard, Path], Path]:
    """`module`'s narration-and-music mix, run in an empty cache that holds only the spoken
    lines (hard links into `voices`); returns the AAC track it wrote."""

    def mix(board: Storyboard, cache: Path) -> Path:
        cache.mkdir()
        for line in voices.glob("voice-*.wav"):
            os.link(line, cache / line.name)
        options = module.StitchOptions(captions=False, narration=True, music=music)
        track, narrated, _notes = module._audio_track(board, options, cache)
        assert track is not None and narrated
        return track

    return mix


def measure_audio(
    methods: dict[str, Callable[[Storyboard, Path], Path]],
    shot_counts: list[int],
    seconds: float,
    repeat: int,
    work: Path,
) -> tuple[Medians, Medians, list[str]]:
    """Median wall and CPU seconds of each audio mix per (shot count, method), interleaved run
    by run; every track's length is checked against the storyboard's runtime."""
    walls: dict[int, dict[str, list[float]]] = {n: {m: [] for m in methods} for n in shot_counts}
    cpus: dict[int, dict[str, list[float]]] = {n: {m: [] for m in methods} for n in shot_counts}
    mismatches: list[str] = []
    for shots in shot_counts:
        board = storyboard(shots, seconds)
        for run in range(repeat):
            for number, (name, mix) in enumerate(methods.items()):
                began, cpu = time.perf_counter(), _cpu_seconds()
                track = mix(board, work / f"audio-{shots}-{number}-{run}")
                walls[shots][name].append(time.perf_counter() - began)
                cpus[shots][name].append(_cpu_seconds() - cpu)
                length = audio_seconds(track)
                if abs(length - board.runtime) > 0.05 and run == 0:
                    mismatches.append(f"{name}, {shots} shots: {length:.2f} s, not {board.runtime}")

    def medians(times: dict[int, dict[str, list[float]]]) -> Medians:
        return {n: {m: statistics.median(t) for m, t in row.items()} for n, row in times.items()}

    return medians(walls), medians(cpus), mismatches


def bench_audio(args: argparse.Namespace, work: Path) -> None:
    """The audio mix of this checkout against REF's (`--audio --against REF`)."""
    from reelchat.generation import stitch as ours

    if not tts_available():
        raise SystemExit("--audio needs a text-to-speech voice (pip install -e '.[voice]')")
    voices = work / "voices"
    voices.mkdir()
    for shot in storyboard(6, args.seconds).shots:
        spoken_line(shot.narration, voices)
    music = work / "music.wav"  # two tones a fifth apart, left and right, looped by the mix
    chord = "aevalsrc=0.3*sin(2*PI*220*t)|0.3*sin(2*PI*330*t):s=44100:d=7.3"
    run_ffmpeg(["-f", "lavfi", "-i", chord, str(music)], what="make the bench's music")
    base = f"(a) audio mix at {args.against} (baseline)"
    methods = {
        "(a) audio mix of this checkout": mix_audio(ours, voices, music),
        base: mix_audio(stitch_module(args.against, work), voices, music),
    }
    wall, cpu, wrong = measure_audio(methods, args.shots, args.seconds, args.repeat, work)
    title = "Narration over music, every shot narrated"
    table(f"{title}, wall time", wall, base, wrong, checked="track lengths")
    table(f"{title}, CPU time", cpu, base, wrong, unit="CPU s", checked="track lengths")


def _cpu_seconds() -> float:
    """CPU time of this process (all threads) and of its finished child processes (ffmpeg)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


Medians = dict[int, dict[str, float]]


def measure(
    transition: Transition,
    methods: dict[str, Callable[[Storyboard, list[Path], Path], None]],
    shot_counts: list[int],
    seconds: float,
    repeat: int,
    all_clips: list[Path],
    work: Path,
) -> tuple[Medians, Medians, list[str]]:
    """Median wall seconds and median CPU seconds (this process and its ffmpeg children) per
    (shot count, method), methods interleaved run by run. CPU time hardly moves when other
    programs load the machine, so it is the steadier figure on a shared one."""
    walls: dict[int, dict[str, list[float]]] = {n: {m: [] for m in methods} for n in shot_counts}
    cpus: dict[int, dict[str, list[float]]] = {n: {m: [] for m in methods} for n in shot_counts}
    mismatches: list[str] = []
    for shots in shot_counts:
        board = storyboard(shots, seconds, transition)
        clips = all_clips[:shots]
        expected = round(board.runtime * board.fps)
        for run in range(repeat):
            for number, (name, join) in enumerate(methods.items()):
                out = work / f"out-{transition}-{shots}-{number}-{run}.mp4"
                began, cpu = time.perf_counter(), _cpu_seconds()
                join(board, clips, out)
                walls[shots][name].append(time.perf_counter() - began)
                cpus[shots][name].append(_cpu_seconds() - cpu)
                frames = probe(out).frames
                if frames != expected and run == 0:
                    mismatches.append(f"{name}, {shots} shots: {frames} frames, not {expected}")
                out.unlink()

    def medians(times: dict[int, dict[str, list[float]]]) -> Medians:
        return {n: {m: statistics.median(t) for m, t in row.items()} for n, row in times.items()}

    return medians(walls), medians(cpus), mismatches


def table(
    title: str,
    medians: Medians,
    base: str,
    mismatches: list[str],
    unit: str = "s",
    checked: str = "frame counts",
) -> None:
    shot_counts = list(medians)
    print(f"\n{title}; {checked} " + ("; ".join(mismatches) or "all as expected") + "\n")
    short = "baseline" if "baseline" in base else base[:3]
    header = "".join(f" {n} shots {unit} | × {short} |" for n in shot_counts)
    print(f"| method |{header}")
    print("|---|" + "---:|---:|" * len(shot_counts))
    for name in medians[shot_counts[0]]:
        cells = "".join(
            f" {medians[n][name]:.3f} | {medians[n][name] / medians[n][base]:.2f}× |"
            for n in shot_counts
        )
        print(f"| {name} |{cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shots", type=int, nargs="+", default=[6, 24])
    parser.add_argument("--seconds", type=float, default=2.0, help="length of each shot")
    parser.add_argument("--repeat", type=int, default=3, help="runs per cell (median)")
    parser.add_argument("--against", metavar="REF", help="time only this stitcher and REF's")
    parser.add_argument("--audio", action="store_true", help="time only the audio mix (needs REF)")
    args = parser.parse_args()
    if args.audio and not args.against:
        parser.error("--audio compares two audio mixes: give --against REF")

    with tempfile.TemporaryDirectory(prefix="reelchat-bench-") as temp:
        work = Path(temp)
        if args.audio:
            bench_audio(args, work)
            return
        start = time.perf_counter()
        all_clips = render_clips(storyboard(min(max(args.shots), MAX_SHOTS), args.seconds), work)
        for index in range(len(all_clips), max(args.shots)):  # reuse the pixels, not the names:
            link = work / f"clip-{index:02d}.mp4"  # reelchat caches finished shots by clip name
            os.link(all_clips[index % MAX_SHOTS], link)
            all_clips.append(link)
        rendered = time.perf_counter() - start
        cores = len(os.sched_getaffinity(0))
        print(
            f"{min(len(all_clips), MAX_SHOTS)} animatic clips (854x480, {FPS} fps, "
            f"{args.seconds:g} s each) "
            f"rendered once in {rendered:.1f} s; joins on {cores} cores, median of {args.repeat}"
        )
        cuts, crossfades, cut_base, fade_base = CUTS, CROSSFADES, FLOOR, XFADE_BASE
        if args.against:
            cut_base = fade_base = f"(a) stitch() at {args.against} (baseline)"
            pair = {"(a) stitch() of this checkout": with_stitch,
                    cut_base: stitch_at(args.against, work)}  # fmt: skip
            cuts = crossfades = pair
        wall, cpu, wrong = measure(
            Transition.cut, cuts, args.shots, args.seconds, args.repeat, all_clips, work
        )
        table("Cuts only, wall time", wall, cut_base, wrong)
        table("Cuts only, CPU time", cpu, cut_base, wrong, unit="CPU s")
        wall, cpu, wrong = measure(
            Transition.crossfade, crossfades, args.shots, args.seconds, args.repeat, all_clips, work
        )
        table("Every transition a 0.5 s crossfade, wall time", wall, fade_base, wrong)
        table("Every transition a 0.5 s crossfade, CPU time", cpu, fade_base, wrong, unit="CPU s")


if __name__ == "__main__":
    main()
