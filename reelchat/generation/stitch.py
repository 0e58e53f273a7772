"""Stitch shot clips into one MP4 a browser plays: transitions, captions, narration, music.

Work is done where it is cheapest. Each shot is first 'finished' on its own (caption burned in,
fade from/to black) in one encode, cached by its inputs, and cut where a crossfade overlaps it;
only the crossfade windows (half a second each) go through moviepy's frame pipeline, blended by
`cut.crossfade` (CrossFadeIn) and encoded again, and every piece is joined by stream copy with
ffmpeg's concat demuxer; finally the audio (narration and music, the music lowered while a line
is heard by `soundtrack`'s rule) is mixed and muxed without touching the video again.
`cut.composition` is the same cut as one moviepy clip.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw

from reelchat.errors import InputFileError
from reelchat.generation.branding import Box, LogoLayer, logo_box, logo_overlay
from reelchat.generation.fonts import brand_font, font_id, missing_glyphs, shaping_warnings
from reelchat.generation.media import (
    AUDIO_CODEC_ARGS,
    BROWSER_ARGS,
    COLOUR_TAGS,
    TO_BT709,
    VIDEO_CODEC_ARGS,
    atomic_output,
    run_ffmpeg,
)
from reelchat.generation.narration import no_voice_note, tts_available
from reelchat.generation.soundtrack import (
    AUDIO_RATE,
    DUCK_RAMP_SECONDS,
    GAIN_STEP_SAMPLES,
    MUSIC_FADE_OUT_SECONDS,
    MUSIC_UNDER_VOICE,
    MUSIC_VOLUME,
    VoiceLine,
    heard_spans,
    music_envelope,
    volume_expression,
)
from reelchat.generation.subtitles import write_subtitles
from reelchat.generation.typeset import (
    LINE_SPACING,
    TITLE_SAFE,
    Fitted,
    draw_line,
    fit,
    text_width,
)
from reelchat.generation.voiceover import spoken_line
from reelchat.storyboard.models import Storyboard, Transition

FADE_SECONDS = 0.5
WINDOW_PIECE_ARGS = [
    "-c:v", "libx264", "-pix_fmt", "yuv420p", "-preset", "ultrafast", "-qp", "0", *COLOUR_TAGS,
]  # fmt: skip
"""A shot's head and tail only feed its crossfade windows, which blend and encode them again:
lossless H.264 keeps the window at one generation of loss, and is cheaper to write than the
shared recipe (about 0.09 s of CPU instead of 0.15 s for 24 frames at 854x480)."""


@dataclass(frozen=True)
class StitchOptions:
    captions: bool = True
    """Burn each shot's caption in; shots without one show their narration as subtitles."""
    narration: bool = True
    """Speak narration lines where a text-to-speech engine is installed."""
    music: Path | None = None
    logo: LogoLayer | None = None
    """The brand logo laid over every shot (the runner fills it from the storyboard's brand)."""
    font: Path | None = None
    """The brand font file that draws titles and captions (installed fonts fill its gaps)."""


@dataclass
class StitchReport:
    method: str
    """'stream-copy', or 'crossfade-windows' when crossfade windows were re-encoded."""
    narrated: bool
    finished_shots: list[FinishedShot] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """What a person should know about the result (text that cannot be drawn, a silent video);
    the CLI, the agent's reply and the UI show them."""
    subtitles: list[Path] = field(default_factory=list)
    """The .srt and .vtt files written beside the video (none when no shot has words)."""


@dataclass(frozen=True)
class OnScreenText:
    """The words laid over a shot: its title (top) and its caption, or narration, (bottom)."""

    title: str = ""
    caption: str = ""
    lower: bool = False
    """The title sits low, just above the caption, instead of at the top: the shot shows a
    person's own picture, which the words should not cover."""

    def __bool__(self) -> bool:
        return bool(self.title or self.caption)


def _on_screen_text(storyboard: Storyboard, index: int, options: StitchOptions) -> OnScreenText:
    if not options.captions:
        return OnScreenText()
    shot = storyboard.shots[index]
    return OnScreenText(shot.title, shot.caption or shot.narration, lower=shot.media is not None)


TEXT_FADE_SECONDS = 0.25
"""A shot's words fade in this long once the crossfade into it is over."""


def _text_png(
    text: OnScreenText, width: int, height: int, path: Path, font_file: Path | None = None,
    keep_clear: Box | None = None,
) -> Path:  # fmt: skip
    """`text_image` saved as a PNG at `path`."""
    text_image(text, width, height, font_file, keep_clear=keep_clear).save(path)
    return path


def _overlaps(a: tuple[float, float, float, float], b: tuple[float, float, float, float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def text_image(
    text: OnScreenText, width: int, height: int, font_file: Path | None = None, *,
    keep_clear: Box | None = None,
) -> Image.Image:  # fmt: skip
    """A full-frame transparent RGBA image with the title on a card at the top left (just above
    the caption when `text.lower`) and the caption on a soft bar at the bottom, both inside the
    title-safe area: long words break, and long text shrinks before it is cut. `font_file`
    (the brand font) draws what it has.

    `keep_clear` (frame pixels, the brand logo's box) is kept free of words, with a gap: a
    caption beside it narrows on both sides, so it stays centred, and rises above it when
    that would leave it less than half the width or cut it; a title beside it starts after
    it (or ends before it), and moves below (above, for a low title) when it would be cut."""
    font = brand_font(str(font_file)) if font_file is not None else None
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    short = min(width, height)
    safe_w = width * TITLE_SAFE
    margin_x, margin_y = (width - safe_w) / 2, height * (1 - TITLE_SAFE) / 2
    pad = max(4, int(short * 0.02))
    clear = None
    if keep_clear is not None:
        clear = (keep_clear[0] - pad, keep_clear[1] - pad, keep_clear[2] + pad, keep_clear[3] + pad)
    caption_top = height - margin_y
    if text.caption:
        caption_size, caption_min = max(12, int(short * 0.05)), max(10, int(short * 0.032))

        def caption_box(room: float, bottom: float) -> tuple[Fitted, tuple[float, ...]]:
            fitted = fit(text.caption, caption_size, room, 3, min_size=caption_min, font=font)
            widest = max(text_width(line, fitted.size, font=font) for line in fitted.lines)
            box_h = int(fitted.size * LINE_SPACING) * len(fitted.lines) + 2 * pad
            left = (width - widest) / 2 - pad
            return fitted, (left, bottom - box_h, width - left, bottom)

        fitted, box = caption_box(safe_w - 2 * pad, height - margin_y)
        if clear is not None and _overlaps(box, clear):
            side = width - clear[0] if clear[0] > width / 2 else clear[2]  # the logo's reach
            room = width - 2 * max(side, margin_x) - 2 * pad
            narrowed = caption_box(room, height - margin_y) if room > 0 else None
            if narrowed and room >= (safe_w - 2 * pad) / 2 and not narrowed[0].truncated:
                fitted, box = narrowed
            elif clear[1] > height / 2:  # the logo is low: the caption sits above it
                fitted, box = caption_box(safe_w - 2 * pad, clear[1])
            elif narrowed:
                fitted, box = narrowed
        line_h = int(fitted.size * LINE_SPACING)
        caption_top = top = box[1]
        draw.rounded_rectangle(box, radius=pad, fill=(0, 0, 0, 150))
        for number, line in enumerate(fitted.lines):
            x = (width - text_width(line, fitted.size, font=font)) / 2
            draw_line(image, (x, top + pad + number * line_h), line, fitted.size,
                      (255, 255, 255, 255), font=font)  # fmt: skip
    if text.title:
        title_size, title_min = max(14, int(short * 0.07)), max(10, int(short * 0.04))

        def title_card(left: float, right: float, top: float | None) -> tuple[Fitted, tuple]:
            fitted = fit(text.title, title_size, right - left - 3 * pad, 2, min_size=title_min,
                         font=font)  # fmt: skip
            card_w = max(text_width(line, fitted.size, font=font) for line in fitted.lines)
            card_h = int(fitted.size * LINE_SPACING) * len(fitted.lines) + 2 * pad
            top = caption_top - card_h - pad if top is None else top
            return fitted, (left, top, left + card_w + 3 * pad, top + card_h)

        first_top = None if text.lower else margin_y
        fitted, card = title_card(margin_x, width - margin_x, first_top)
        if clear is not None and _overlaps(card, clear):
            if clear[0] > width / 2:  # the logo is on the right: the title ends before it
                beside = title_card(margin_x, clear[0], first_top)
            else:  # on the left: the title starts after it
                beside = title_card(max(margin_x, clear[2]), width - margin_x, first_top)
            room = beside[1][2] - beside[1][0]
            if not beside[0].truncated and room > 0 and not _overlaps(beside[1], clear):
                fitted, card = beside
            elif text.lower:  # above the logo (and the caption)
                fitted, card = title_card(margin_x, width - margin_x, None)
                lift = max(0.0, card[3] - min(clear[1], caption_top - pad))
                card = (card[0], card[1] - lift, card[2], card[3] - lift)
            else:  # below the logo
                fitted, card = title_card(margin_x, width - margin_x, clear[3])
        line_h = int(fitted.size * LINE_SPACING)
        left, top = card[0], card[1]
        draw.rounded_rectangle(card, radius=pad, fill=(10, 10, 16, 165))
        bar = (left, top, left + max(3, pad // 2), card[3])
        draw.rounded_rectangle(bar, radius=2, fill=(255, 255, 255, 230))
        for number, line in enumerate(fitted.lines):
            xy = (left + 2 * pad, top + pad + number * line_h)
            draw_line(image, xy, line, fitted.size, (255, 255, 255, 255), font=font)
    return image


@dataclass(frozen=True)
class Finishing:
    """What finishing shot `index` does to its clip; `finish_shot` (ffmpeg, cached pieces) and
    `cut.shot_clip` (moviepy) both follow it."""

    frames: int
    seconds: float
    text: OnScreenText
    fade_in: bool
    """Fade from black: the shot before dips to black."""
    fade_out: bool
    """Fade to black, the last frame fully black."""
    fade: float
    """Seconds of each fade to or from black."""
    head: int
    """Frames at the start that the previous shot crossfades over (its words are hidden then)."""
    tail: int
    """Frames at the end that crossfade into the next shot."""
    logo: LogoLayer | None = None
    """The brand logo over the whole shot."""

    @property
    def needed(self) -> bool:
        return bool(
            self.text or self.logo or self.fade_in or self.fade_out or self.head or self.tail
        )


def finishing(storyboard: Storyboard, index: int, options: StitchOptions) -> Finishing:
    """The finishing of shot `index`: its words, fades and crossfade overlaps."""
    shot = storyboard.shots[index]
    line = storyboard.timeline
    frames = line.frames[index]
    seconds = frames / storyboard.fps
    # the video always ends in black, whichever shot is last after a move or a swap; a fade to
    # black on an earlier shot is a dip to black that moves with its shot
    return Finishing(
        frames=frames,
        seconds=seconds,
        text=_on_screen_text(storyboard, index, options),
        fade_in=index > 0 and storyboard.shots[index - 1].transition is Transition.fade_to_black,
        fade_out=shot.transition is Transition.fade_to_black or index == len(storyboard.shots) - 1,
        fade=min(FADE_SECONDS, seconds / 2),
        head=line.overlaps[index - 1] if index else 0,
        tail=line.overlaps[index],
        logo=options.logo,
    )


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
    width, height = storyboard.size
    line = storyboard.timeline
    plan = finishing(storyboard, index, options)
    frames, text, head, tail, logo = plan.frames, plan.text, plan.head, plan.tail, plan.logo
    fade_in, fade_out, fade, seconds = plan.fade_in, plan.fade_out, plan.fade, plan.seconds
    if not plan.needed:
        return FinishedShot(body=clip)
    recipe = f"{clip.name}|{text}|{fade_in}|{fade_out}|{fade}|{head}|{tail}"
    if logo or options.font:
        recipe += f"|{logo.recipe if logo else ''}|{font_id(options.font)}"
    stem = _cached(cache_dir, "finished", recipe, "").name
    spans = {"head": (0, head), "body": (head, frames - tail), "tail": (frames - tail, frames)}
    pieces = {name: cache_dir / f"{stem}-{name}.mp4" for name, (a, b) in spans.items() if b > a}
    if all(path.exists() for path in pieces.values()):
        return FinishedShot(**pieces)
    filters = []
    if fade_in:
        filters.append(f"fade=t=in:st=0:d={fade:.3f}")
    if fade_out:
        # the last frame (shown at seconds - 1/fps) is fully black
        last = seconds - 1 / storyboard.fps
        filters.append(f"fade=t=out:st={last - fade:.4f}:d={fade:.4f}")
    with (
        tempfile.TemporaryDirectory(dir=cache_dir, prefix=".caption-") as temp,
        contextlib.ExitStack() as stack,
    ):
        inputs = ["-i", str(clip)]
        rate, video, branded = str(line.fps), "[0:v]", ""
        if logo:
            logo_inputs, branded = logo_overlay(logo, (width, height), Path(temp),
                                                input_index=1, rate=rate)  # fmt: skip
            inputs += logo_inputs
            video, branded = "[branded]", branded + ";"
        if text:
            clear = logo_box(logo, (width, height)) if logo else None
            png = _text_png(text, width, height, Path(temp) / "text.png", options.font, clear)
            inputs += ["-loop", "1", "-framerate", rate, "-i", str(png)]
            # the words are converted with the clips' BT.709 matrix; while the previous shot
            # crossfades in (the head) they are hidden, so one shot's words show at a time
            layer = f"[{inputs.count('-i') - 1}:v]{TO_BT709},format=yuva420p"
            if head:
                layer += f",fade=t=in:st={line.seconds(head):.4f}:d={TEXT_FADE_SECONDS}:alpha=1"
            chain = [f"{branded}{layer}[text];{video}[text]overlay=0:0:shortest=1", *filters]
        else:
            chain = [f"{branded}{video}null", *filters]
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
                *(VIDEO_CODEC_ARGS if name == "body" else WINDOW_PIECE_ARGS),
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


def _crossfade(tail: Path, head: Path, seconds: float, fps: float, cache_dir: Path) -> Path:
    """Blend the end of one shot into the start of the next (`cut.crossfade`, written by
    moviepy): the only frames re-encoded.

    Cached by the two pieces, so an edit to one shot redoes only its own crossfades."""
    output = _cached(cache_dir, "crossfade", f"{tail.name}|{head.name}|{seconds:.4f}", ".mp4")
    if output.exists():
        return output
    from moviepy import VideoFileClip

    from reelchat.generation.cut import crossfade, write_clip  # imports moviepy: only here

    with (
        VideoFileClip(str(tail), audio=False) as outgoing,
        VideoFileClip(str(head), audio=False) as incoming,
    ):
        write_clip(crossfade(outgoing, incoming, seconds).with_duration(seconds), output, fps)
    return output


def _join_by_copy(
    pieces: list[Path],
    audio: Path | None,
    subtitles: Path | None,
    runtime: float,
    output: Path,
    work: Path,
) -> None:
    """Concatenate the pieces and mux the audio track and a soft subtitle track (mov_text, which
    players can switch on) in one pass; video and audio by stream copy."""
    listing = work / "concat.txt"
    quoted = (piece.as_posix().replace("'", "'\\''") for piece in pieces)  # concat-list quoting
    listing.write_text("".join(f"file '{path}'\n" for path in quoted))
    inputs = ["-f", "concat", "-safe", "0", "-i", str(listing)]
    maps = ["-map", "0:v"]
    codecs = ["-c:v", "copy"]
    if audio is not None:
        inputs += ["-i", str(audio)]
        maps += ["-map", "1:a"]
        codecs += ["-c:a", "copy"]
    if subtitles is not None:
        inputs += ["-i", str(subtitles)]
        maps += ["-map", f"{1 + (audio is not None)}:s"]
        codecs += ["-c:s", "mov_text"]
    run_ffmpeg(
        [*inputs, *maps, *codecs, "-t", f"{runtime:.4f}", *BROWSER_ARGS, str(output)],
        what="join the shots",
    )


def _timeline(
    storyboard: Storyboard,
    clips: list[Path],
    options: StitchOptions,
    cache_dir: Path,
    pool: Executor,
) -> tuple[list[FinishedShot], list[Path]]:
    """Every shot finished, and the pieces in playing order with each crossfade window rendered
    between its shots.

    Jobs go into the pool in playing order (shot, shot, window, shot, window...), so a window is
    blended while later shots are still being finished. A window waits for its two shots, which
    are queued before it: in a first-in first-out pool they are already running or done."""
    overlaps = storyboard.timeline.overlaps
    shots: list[Future[FinishedShot]] = []
    windows: dict[int, Future[Path]] = {}

    def window(index: int) -> Path:
        tail, head = shots[index].result().tail, shots[index + 1].result().head
        assert tail is not None and head is not None  # finish_shot cuts both at an overlap
        seconds = storyboard.timeline.seconds(overlaps[index])
        return _crossfade(tail, head, seconds, storyboard.fps, cache_dir)

    for index, clip in enumerate(clips):
        shots.append(pool.submit(
            finish_shot, clip, storyboard=storyboard, index=index, options=options,
            cache_dir=cache_dir,
        ))  # fmt: skip
        if index and overlaps[index - 1]:
            windows[index - 1] = pool.submit(window, index - 1)
    finished = [shot.result() for shot in shots]
    pieces: list[Path] = []
    for index, shot in enumerate(finished):
        if shot.body is not None:
            pieces.append(shot.body)
        if index in windows:
            pieces.append(windows[index].result())
    return finished, pieces


def voice_lines(
    storyboard: Storyboard, options: StitchOptions, cache_dir: Path
) -> tuple[list[VoiceLine], list[str]]:
    """Every narration line spoken (cached in `cache_dir`) with its slot, and notes on lines no
    installed voice can speak."""
    voices: list[VoiceLine] = []
    notes: list[str] = []
    narrated = [shot for shot in storyboard.shots if shot.narration]
    if options.narration and narrated and not tts_available():
        notes.append(no_voice_note(narrated[0].narration))
    elif options.narration:
        starts = storyboard.shot_starts()
        ends = [*starts[1:], storyboard.runtime]
        for shot, start, end in zip(storyboard.shots, starts, ends, strict=True):
            if not shot.narration:
                continue
            line = spoken_line(shot.narration, cache_dir)
            if line is None:
                notes.append(no_voice_note(shot.narration))
            else:
                voices.append(VoiceLine(line.path, start, end - start, line.seconds))
    return voices, list(dict.fromkeys(notes))


def _audio_track(
    storyboard: Storyboard, options: StitchOptions, cache_dir: Path
) -> tuple[Path | None, bool, list[str]]:
    """Narration and music mixed into one AAC track of the video's length, whether it speaks,
    and notes on lines no installed voice can speak.

    Each line plays from its shot's start and is cut where the next shot starts; the music is
    lowered around the lines by `soundtrack.music_envelope`, as `cut.audio_mix` lowers it. Cached
    by the voice files, their slots, the music, the length and the levels, so an edit that changes
    only pictures reuses the track as it is."""
    voices, notes = voice_lines(storyboard, options, cache_dir)
    if not voices and options.music is None:
        return None, False, notes
    runtime = storyboard.runtime
    music_id = ""
    if options.music is not None:
        stat = options.music.stat()
        music_id = f"{options.music.resolve()}|{stat.st_size}|{stat.st_mtime_ns}"
    levels = f"{MUSIC_VOLUME}|{MUSIC_UNDER_VOICE}|{DUCK_RAMP_SECONDS}|{MUSIC_FADE_OUT_SECONDS}"
    recipe = "|".join(
        [
            *(f"{v.path.name}@{int(v.start * 1000)}+{v.slot:.3f}" for v in voices),
            music_id,
            f"{runtime:.3f}",
            levels,
        ]
    )
    output = _cached(cache_dir, "audio", recipe, ".m4a")
    if output.exists():
        return output, bool(voices), notes
    inputs: list[str] = []
    graph: list[str] = []
    # the lines never overlap (each is cut where its slot ends): one after the other, each
    # padded with silence up to the next one's start (in samples), they are one stream
    starts = [round(voice.start * AUDIO_RATE) for voice in voices]
    ends = [*starts[1:], round(runtime * AUDIO_RATE)] if voices else []
    for number, (voice, start, end) in enumerate(zip(voices, starts, ends, strict=True)):
        inputs += ["-i", str(voice.path)]
        lead = f"adelay={start}S:all=1," if number == 0 and start else ""
        graph.append(
            f"[{number}:a]atrim=0:{voice.slot:.4f},aresample={AUDIO_RATE},"
            f"aformat=channel_layouts=stereo,{lead}apad=whole_len={end - start},"
            f"atrim=end_sample={end - start}[v{number}]"
        )
    if voices:
        labels = "".join(f"[v{n}]" for n in range(len(voices)))
        graph.append(f"{labels}concat=n={len(voices)}:v=0:a=1[voice]")
    if options.music is not None:
        # looped, but cut to the video's length at the input: every stream in the graph ends
        inputs += ["-stream_loop", "-1", "-t", f"{runtime:.3f}", "-i", str(options.music)]
        fade = min(MUSIC_FADE_OUT_SECONDS, runtime)
        music = (
            # times counted in samples from 0, as moviepy counts them: the envelope's `t`
            f"[{len(voices)}:a]aresample={AUDIO_RATE},asetpts=N/SR/TB,aformat=channel_layouts=stereo,"
            f"volume={MUSIC_VOLUME},afade=t=out:st={runtime - fade:.3f}:d={fade:.3f}"
        )
        if voices:
            # one gain per frame: short frames for the ramps, back to long ones for the mix
            envelope = volume_expression(music_envelope(heard_spans(voices)))
            music += (
                f",asetnsamples=n={GAIN_STEP_SAMPLES}:p=0,volume='{envelope}':eval=frame,"
                "asetnsamples=n=1024:p=0"
            )
            graph.append(f"{music}[music]")
            graph.append("[music][voice]amix=inputs=2:normalize=0[mixed]")
        else:
            graph.append(f"{music}[mixed]")
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
    return output, bool(voices), notes


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
        finished, pieces = _timeline(storyboard, clips, options, cache_dir, pool)
        progress("mixing audio")
        audio, narrated, voice_notes = audio_job.result()
        progress("joining shots")
        subtitles = write_subtitles(storyboard, Path(temp) / "subtitles.mp4")
        _join_by_copy(
            pieces, audio, subtitles[0] if subtitles else None, storyboard.runtime, final,
            Path(temp),
        )  # fmt: skip
    subtitle_files = write_subtitles(storyboard, output)
    crossfades = any(shot.tail is not None for shot in finished)
    method = "crossfade-windows" if crossfades else "stream-copy"
    notes = [*voice_notes, *text_notes(storyboard, options)]
    return StitchReport(method, narrated, finished, notes, subtitle_files)


def text_notes(storyboard: Storyboard, options: StitchOptions) -> list[str]:
    """Warnings about on-screen text: scripts no installed font has, shaping without libraqm."""
    texts = [shot.title for shot in storyboard.shots]
    if options.captions:
        texts += [shot.caption or shot.narration for shot in storyboard.shots]
    joined = "\n".join(texts)
    return list(dict.fromkeys([*missing_glyphs(joined), *shaping_warnings(joined)]))
