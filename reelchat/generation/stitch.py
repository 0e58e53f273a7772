"""Stitch shot clips into one MP4 a browser plays: transitions, captions, narration, music.

Work is done where it is cheapest. Each shot is first 'finished' on its own (caption burned in,
fade from/to black) in one encode, cached by its inputs, and cut where a crossfade overlaps it;
only the crossfade windows (half a second each) are blended and encoded again, and every piece is
joined by stream copy with ffmpeg's concat demuxer; finally the audio (narration and music,
music ducked under the voice) is mixed and muxed without touching the video again.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw

from reelchat.errors import InputFileError
from reelchat.generation.fonts import font, wrap
from reelchat.generation.media import (
    AUDIO_CODEC_ARGS,
    BROWSER_ARGS,
    VIDEO_CODEC_ARGS,
    atomic_output,
    run_ffmpeg,
)
from reelchat.generation.narration import speak, tts_available
from reelchat.storyboard.models import Storyboard, Transition

FADE_SECONDS = 0.5
MUSIC_VOLUME = 0.6
"""Music level with no voice over it; under narration it is ducked further by a compressor."""


@dataclass(frozen=True)
class StitchOptions:
    captions: bool = True
    """Burn each shot's caption in; shots without one show their narration as subtitles."""
    narration: bool = True
    """Speak narration lines where a text-to-speech engine is installed."""
    music: Path | None = None


@dataclass
class StitchReport:
    method: str
    """'stream-copy', or 'crossfade-windows' when crossfade windows were re-encoded."""
    narrated: bool
    finished_shots: list[FinishedShot] = field(default_factory=list)


def _on_screen_text(storyboard: Storyboard, index: int, options: StitchOptions) -> str:
    if not options.captions:
        return ""
    shot = storyboard.shots[index]
    return shot.caption or shot.narration


def _caption_png(text: str, width: int, height: int, path: Path) -> Path:
    """A full-frame transparent PNG with the text on a soft bar near the bottom."""
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    face = font(max(12, int(min(width, height) * 0.045)))
    lines = wrap(text, face, int(width * 0.86), 3)
    line_h = int(face.size * 1.3)
    pad = int(face.size * 0.5)
    box_h = line_h * len(lines) + 2 * pad
    top = height - box_h - int(height * 0.05)
    widest = max(face.getlength(line) for line in lines)
    left = (width - widest) / 2 - pad
    draw.rounded_rectangle((left, top, width - left, top + box_h), radius=pad, fill=(0, 0, 0, 150))
    for number, line in enumerate(lines):
        x = (width - face.getlength(line)) / 2
        draw.text((x, top + pad + number * line_h), line, font=face, fill=(255, 255, 255, 255))
    image.save(path)
    return path


@dataclass(frozen=True)
class FinishedShot:
    """A finished shot, cut where crossfades overlap it: the pieces play head, body, tail.

    The head and tail are the frames that blend with the neighbouring shots (None without a
    crossfade there); the body is everything else and is joined by stream copy.
    """

    body: Path | None = None
    head: Path | None = None
    tail: Path | None = None


def finish_shot(
    clip: Path,
    *,
    storyboard: Storyboard,
    index: int,
    options: StitchOptions,
    cache_dir: Path,
) -> FinishedShot:
    """The clip with its caption and fades applied, split off at its crossfades.

    One ffmpeg run does all of it, so a shot is decoded and encoded at most once; the clip is
    used as it is when it needs nothing. Results are cached by everything that shapes them.
    """
    shot = storyboard.shots[index]
    width, height = storyboard.size
    frames = storyboard.frame_count(shot)
    text = _on_screen_text(storyboard, index, options)
    fade_in = index > 0 and storyboard.shots[index - 1].transition is Transition.fade_to_black
    fade_out = shot.transition is Transition.fade_to_black
    head = round(storyboard.overlap_after(index - 1) * storyboard.fps) if index else 0
    tail = round(storyboard.overlap_after(index) * storyboard.fps)
    if not (text or fade_in or fade_out or head or tail):
        return FinishedShot(body=clip)
    seconds = frames / storyboard.fps
    fade = min(FADE_SECONDS, seconds / 2)
    recipe = f"{clip.name}|{text}|{fade_in}|{fade_out}|{fade}|{head}|{tail}"
    stem = _cached(cache_dir, "finished", recipe, "").name
    spans = {"head": (0, head), "body": (head, frames - tail), "tail": (frames - tail, frames)}
    pieces = {name: cache_dir / f"{stem}-{name}.mp4" for name, (a, b) in spans.items() if b > a}
    if all(path.exists() for path in pieces.values()):
        return FinishedShot(**pieces)
    filters = []
    if fade_in:
        filters.append(f"fade=t=in:st=0:d={fade:.3f}")
    if fade_out:
        filters.append(f"fade=t=out:st={seconds - fade:.3f}:d={fade:.3f}")
    with (
        tempfile.TemporaryDirectory(dir=cache_dir, prefix=".caption-") as temp,
        contextlib.ExitStack() as stack,
    ):
        inputs = ["-i", str(clip)]
        if text:
            inputs += ["-i", str(_caption_png(text, width, height, Path(temp) / "caption.png"))]
            chain = ["[0:v][1:v]overlay=0:0", *filters]
        else:
            chain = ["[0:v]null", *filters]
        graph = [",".join(chain) + f",split={len(pieces)}" + "".join(f"[{n}]" for n in pieces)]
        outputs: list[str] = []
        for name, path in pieces.items():
            a, b = spans[name]
            graph.append(
                f"[{name}]trim=start_frame={a}:end_frame={b},setpts=PTS-STARTPTS[{name}-out]"
            )
            temp_out = stack.enter_context(atomic_output(path))
            outputs += [
                "-map",
                f"[{name}-out]",
                "-an",
                *VIDEO_CODEC_ARGS,
                *BROWSER_ARGS,
                str(temp_out),
            ]
        run_ffmpeg(
            [*inputs, "-filter_complex", ";".join(graph), *outputs],
            what=f"finish shot {index + 1}",
        )
    return FinishedShot(**pieces)


def _cached(cache_dir: Path, kind: str, recipe: str, suffix: str) -> Path:
    """Where the output of `recipe` lives in the cache: its name is a hash of everything in it."""
    return cache_dir / f"{kind}-{hashlib.sha256(recipe.encode()).hexdigest()[:24]}{suffix}"


def _crossfade(tail: Path, head: Path, seconds: float, cache_dir: Path) -> Path:
    """Blend the end of one shot into the start of the next: the only frames re-encoded.

    Cached by the two pieces, so an edit to one shot redoes only its own crossfades."""
    output = _cached(cache_dir, "crossfade", f"{tail.name}|{head.name}|{seconds:.4f}", ".mp4")
    if output.exists():
        return output
    with atomic_output(output) as temp_out:
        run_ffmpeg(
            [
                "-i",
                str(tail),
                "-i",
                str(head),
                "-filter_complex",
                f"[0:v][1:v]xfade=transition=fade:duration={seconds:.4f}:offset=0[v]",
                "-map",
                "[v]",
                "-an",
                *VIDEO_CODEC_ARGS,
                str(temp_out),
            ],
            what="crossfade two shots",
        )
    return output


def _voice(text: str, seconds: float, cache_dir: Path) -> Path:
    """The narration line as speech, cached by its words and the time it must fit in."""
    output = _cached(cache_dir, "voice", f"{text}|{seconds:.3f}", ".wav")
    if not output.exists():
        with atomic_output(output) as temp_out:
            speak(text, temp_out, seconds=seconds)
    return output


def _join_by_copy(
    pieces: list[Path], audio: Path | None, runtime: float, output: Path, work: Path
) -> None:
    """Concatenate the pieces and mux the audio track in one pass, all by stream copy."""
    listing = work / "concat.txt"
    quoted = (piece.as_posix().replace("'", "'\\''") for piece in pieces)  # concat-list quoting
    listing.write_text("".join(f"file '{path}'\n" for path in quoted))
    inputs = ["-f", "concat", "-safe", "0", "-i", str(listing)]
    if audio is not None:
        inputs += ["-i", str(audio), "-map", "0:v", "-map", "1:a", "-t", f"{runtime:.3f}"]
    run_ffmpeg([*inputs, "-c", "copy", *BROWSER_ARGS, str(output)], what="join the shots")


def _timeline(
    storyboard: Storyboard, shots: list[FinishedShot], cache_dir: Path, pool: Executor
) -> list[Path]:
    """The pieces in playing order, with each crossfade window rendered between its shots."""
    windows = {
        index: pool.submit(
            _crossfade,
            shot.tail,
            shots[index + 1].head,  # type: ignore[arg-type] # cut by finish_shot, as the tail
            round(storyboard.overlap_after(index) * storyboard.fps) / storyboard.fps,
            cache_dir,
        )
        for index, shot in enumerate(shots)
        if shot.tail is not None
    }
    pieces: list[Path] = []
    for index, shot in enumerate(shots):
        if shot.body is not None:
            pieces.append(shot.body)
        if index in windows:
            pieces.append(windows[index].result())
    return pieces


def _audio_track(
    storyboard: Storyboard, options: StitchOptions, cache_dir: Path
) -> tuple[Path | None, bool]:
    """Narration and music mixed into one AAC track of the video's length, and whether it speaks.

    Cached by the voice files, their start times, the music and the length, so an edit that
    changes only pictures reuses the track as it is."""
    voices: list[tuple[Path, float]] = []
    if options.narration and tts_available():
        for shot, start in zip(storyboard.shots, storyboard.shot_starts(), strict=True):
            if shot.narration:
                voices.append((_voice(shot.narration, shot.duration, cache_dir), start))
    if not voices and options.music is None:
        return None, False
    runtime = storyboard.runtime
    music_id = ""
    if options.music is not None:
        stat = options.music.stat()
        music_id = f"{options.music.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    recipe = "|".join(
        [*(f"{wav.name}@{int(start * 1000)}" for wav, start in voices), music_id, f"{runtime:.3f}"]
    )
    output = _cached(cache_dir, "audio", recipe, ".m4a")
    if output.exists():
        return output, bool(voices)
    inputs: list[str] = []
    graph: list[str] = []
    for number, (wav, start) in enumerate(voices):
        inputs += ["-i", str(wav)]
        delay = int(start * 1000)
        graph.append(
            f"[{number}:a]aresample=48000,aformat=channel_layouts=stereo,adelay={delay}|{delay}[v{number}]"
        )
    if voices:
        labels = "".join(f"[v{n}]" for n in range(len(voices)))
        graph.append(
            f"{labels}amix=inputs={len(voices)}:normalize=0,apad=whole_dur={runtime:.3f}[voice]"
        )
    if options.music is not None:
        # looped, but cut to the video's length at the input: every stream in the graph ends
        inputs += ["-stream_loop", "-1", "-t", f"{runtime:.3f}", "-i", str(options.music)]
        graph.append(
            f"[{len(voices)}:a]aresample=48000,aformat=channel_layouts=stereo,"
            f"volume={MUSIC_VOLUME},afade=t=out:st={max(0.0, runtime - 1.5):.3f}:d=1.5[music]"
        )
        if voices:
            graph.append("[voice]asplit=2[voice_a][voice_key]")
            graph.append(
                "[music][voice_key]sidechaincompress=threshold=0.03:ratio=10:attack=15:release=350[ducked]"
            )
            graph.append("[ducked][voice_a]amix=inputs=2:normalize=0[mixed]")
        else:
            graph.append("[music]anull[mixed]")
    else:
        graph.append("[voice]anull[mixed]")
    graph.append(f"[mixed]atrim=0:{runtime:.3f}[aout]")
    with atomic_output(output) as temp_out:
        run_ffmpeg(
            [
                *inputs,
                "-filter_complex",
                ";".join(graph),
                "-map",
                "[aout]",
                *AUDIO_CODEC_ARGS,
                "-t",
                f"{runtime:.3f}",
                str(temp_out),
            ],
            what="mix narration and music",
        )
    return output, bool(voices)


def _cores() -> int:
    """CPUs this process may use (its affinity mask where the system has one)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def stitch(
    storyboard: Storyboard,
    clips: list[Path],
    output: Path,
    *,
    options: StitchOptions,
    cache_dir: Path,
    progress: Callable[[str], None] = lambda _step: None,
) -> StitchReport:
    """Write the finished video for `storyboard` from one clip per shot, atomically."""
    if len(clips) != len(storyboard.shots):
        raise ValueError(f"{len(clips)} clips for {len(storyboard.shots)} shots")
    if options.music is not None and not options.music.is_file():
        raise InputFileError(f"music file not found: {options.music}")
    output.parent.mkdir(parents=True, exist_ok=True)
    # each step below is an ffmpeg or espeak-ng process: run as many at once as there are cores
    with (
        ThreadPoolExecutor(max_workers=_cores()) as pool,
        tempfile.TemporaryDirectory(dir=output.parent, prefix=".stitch-") as temp,
        atomic_output(output) as final,
    ):
        progress("finishing shots")
        audio_job = pool.submit(_audio_track, storyboard, options, cache_dir)
        finished = list(
            pool.map(
                lambda i: finish_shot(
                    clips[i], storyboard=storyboard, index=i, options=options, cache_dir=cache_dir
                ),
                range(len(clips)),
            )
        )
        pieces = _timeline(storyboard, finished, cache_dir, pool)
        progress("mixing audio")
        audio, narrated = audio_job.result()
        progress("joining shots")
        _join_by_copy(pieces, audio, storyboard.runtime, final, Path(temp))
    crossfades = any(shot.tail is not None for shot in finished)
    method = "crossfade-windows" if crossfades else "stream-copy"
    return StitchReport(method=method, narrated=narrated, finished_shots=finished)
