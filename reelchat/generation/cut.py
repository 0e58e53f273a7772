"""The cut as a moviepy composition: shots, transitions, on-screen words and the audio mix.

`composition` is the whole video as one moviepy clip, for library users who add their own layers
(a logo, a lower third, an intro) in moviepy's terms; `write_clip` encodes any moviepy clip with
reelchat's recipe. The stitcher renders the same cut through cached pieces and uses `crossfade`
and `write_clip` for the only frames it blends: the crossfade windows.

moviepy is imported inside the functions: a video made only of cuts never needs it.
"""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from reelchat.errors import MediaToolError
from reelchat.generation.branding import logo_box, logo_image
from reelchat.generation.media import (
    BROWSER_ARGS,
    TO_BT709,
    VIDEO_CODEC_ARGS,
    _moov_before_mdat,
    atomic_output,
)
from reelchat.generation.soundtrack import (
    AUDIO_RATE,
    MUSIC_FADE_OUT_SECONDS,
    MUSIC_VOLUME,
    Envelope,
    VoiceLine,
    heard_spans,
    music_envelope,
    music_gain,
)
from reelchat.generation.stitch import (
    TEXT_FADE_SECONDS,
    StitchOptions,
    finishing,
    text_image,
    voice_lines,
)
from reelchat.generation.timing import exact_fps
from reelchat.storyboard.models import Storyboard

if TYPE_CHECKING:
    from moviepy import AudioClip, CompositeAudioClip, CompositeVideoClip, VideoClip

AudioFilter = Callable[[Callable[[Any], np.ndarray], Any], np.ndarray]
"""moviepy's `Clip.transform` filter: (get_frame, t) -> samples at t (t a time or an array)."""


def shot_clip(clip: Path, storyboard: Storyboard, index: int, options: StitchOptions) -> VideoClip:
    """Shot `index` finished as `stitch.finish_shot` finishes it: the brand logo and its words
    over the picture
    (hidden while the previous shot crossfades in, then faded in over TEXT_FADE_SECONDS), a fade
    from black after a dip, a fade to black whose last frame is fully black. Lasts the shot's
    whole frames (before any crossfade overlap is taken off)."""
    from moviepy import CompositeVideoClip, ImageClip, VideoFileClip, vfx

    plan = finishing(storyboard, index, options)
    shot: VideoClip = VideoFileClip(str(clip), audio=False).with_duration(plan.seconds)
    width, height = storyboard.size
    layers: list[VideoClip] = []
    if plan.logo:
        picture, position = logo_image(plan.logo, (width, height))
        layers.append(ImageClip(np.asarray(picture)).with_position(position))
    if plan.text:
        hidden = storyboard.timeline.seconds(plan.head)
        clear = logo_box(plan.logo, (width, height)) if plan.logo else None
        drawn = text_image(plan.text, width, height, options.font, keep_clear=clear)
        words = ImageClip(np.asarray(drawn))
        words = words.with_duration(plan.seconds - hidden).with_start(hidden)
        if plan.head:
            words = words.with_effects([vfx.CrossFadeIn(TEXT_FADE_SECONDS)])
        layers.append(words)
    if layers:
        layers = [layer.with_duration(layer.duration or plan.seconds) for layer in layers]
        shot = CompositeVideoClip([shot, *layers], size=(width, height))
        shot = shot.with_duration(plan.seconds)
    if plan.fade_in:
        shot = shot.with_effects([vfx.FadeIn(plan.fade)])
    if plan.fade_out:
        last = plan.seconds - 1 / storyboard.fps  # the time of the last frame: fully black
        shot = shot.with_duration(last).with_effects([vfx.FadeOut(plan.fade)])
        shot = shot.with_duration(plan.seconds)
    return shot


def crossfade(outgoing: VideoClip, incoming: VideoClip, seconds: float) -> CompositeVideoClip:
    """`incoming` laid over the start of `outgoing` and faded in over `seconds` (moviepy's
    CrossFadeIn): the frame at t shows t / seconds of the incoming shot."""
    from moviepy import CompositeVideoClip, vfx

    faded = incoming.with_effects([vfx.CrossFadeIn(seconds)]).with_start(0)
    return CompositeVideoClip([outgoing, faded], use_bgclip=True)  # outgoing fills the frame


def audio_mix(
    voices: list[VoiceLine], music: Path | None, runtime: float
) -> CompositeAudioClip | None:
    """Narration lines at their slots (each cut where its slot ends) over the music: looped to
    `runtime` seconds, at MUSIC_VOLUME, lowered around each line by `soundtrack.music_envelope`
    (to MUSIC_UNDER_VOICE while it is heard, with short ramps before and after), faded out over
    the last MUSIC_FADE_OUT_SECONDS. None when there is neither.

    The stitcher mixes the same lines and music with ffmpeg by the same envelope (moviepy's
    chunked mixing took 2.4 CPU s for 30 s of audio)."""
    from moviepy import AudioFileClip, CompositeAudioClip, afx

    tracks: list[AudioClip] = []
    for voice, (start, end) in zip(voices, heard_spans(voices), strict=True):
        line = AudioFileClip(str(voice.path), fps=AUDIO_RATE)
        tracks.append(line.with_duration(min(end - start, line.duration)).with_start(start))
    if music is not None:
        bed = AudioFileClip(str(music), fps=AUDIO_RATE).with_effects(
            [afx.AudioLoop(duration=runtime), afx.MultiplyVolume(MUSIC_VOLUME)]
        )
        envelope = music_envelope(heard_spans(voices))
        bed = bed.transform(_lowered_by(envelope), keep_duration=True)
        tracks.append(bed.with_effects([afx.AudioFadeOut(min(MUSIC_FADE_OUT_SECONDS, runtime))]))
    if not tracks:
        return None
    return CompositeAudioClip(tracks).with_duration(runtime)


def _lowered_by(envelope: Envelope) -> AudioFilter:
    """A moviepy audio filter multiplying the samples at each time by the envelope's gain."""

    def lower(get_frame: Callable[[Any], np.ndarray], t: Any) -> np.ndarray:
        gain = music_gain(np.asarray(t, dtype=float), envelope)
        frame = get_frame(t)
        return frame * (gain[:, None] if frame.ndim == 2 else gain)

    return lower


def composition(
    storyboard: Storyboard, clips: list[Path], *, options: StitchOptions, cache_dir: Path
) -> CompositeVideoClip:
    """The whole cut of `storyboard` as one moviepy clip (storyboard.size, storyboard.runtime
    seconds): each shot finished by `shot_clip`, placed at its start, crossfading in with
    CrossFadeIn over the shot before where the storyboard says so; narration and music mixed by
    `audio_mix` (lines are spoken into `cache_dir` when not cached there). `clips` holds one
    rendered clip per shot, in order. Raises ValueError when the counts differ.

    Each shot is read by its own ffmpeg process, which ends when the clip is garbage-collected
    (moviepy's CompositeVideoClip.close releases only its audio)."""
    from moviepy import CompositeVideoClip, vfx

    if len(clips) != len(storyboard.shots):
        raise ValueError(f"{len(clips)} clips for {len(storyboard.shots)} shots")
    line = storyboard.timeline
    layers = []
    for index, (clip, start) in enumerate(zip(clips, storyboard.shot_starts(), strict=True)):
        shot = shot_clip(clip, storyboard, index, options)
        if index and line.overlaps[index - 1]:
            shot = shot.with_effects([vfx.CrossFadeIn(line.seconds(line.overlaps[index - 1]))])
        layers.append(shot.with_start(start))
    video = CompositeVideoClip(layers, size=storyboard.size).with_duration(storyboard.runtime)
    voices, _notes = voice_lines(storyboard, options, cache_dir)
    audio = audio_mix(voices, options.music, storyboard.runtime)
    return video.with_audio(audio) if audio is not None else video


def write_clip(clip: VideoClip, path: Path, fps: float | Fraction) -> Path:
    """Encode a moviepy clip to `path` (an .mp4) atomically with reelchat's recipe: H.264,
    yuv420p, BT.709 tags and matrix, +faststart; audio as 48 kHz AAC. Every frame of the clip's
    duration at `fps` is written (round(duration * fps) frames). Raises MediaToolError when
    ffmpeg could not finish the file. Temporary files stay beside `path`."""
    rate = exact_fps(fps)
    frames = round(clip.duration * rate)
    # moviepy writes int(duration * fps) frames: a hair over the last frame's end keeps it
    clip = clip.with_duration(float(frames / rate) + 1e-6)
    params = ["-vf", TO_BT709, *VIDEO_CODEC_ARGS, "-r", str(rate), *BROWSER_ARGS]
    with atomic_output(path) as temp:
        # moviepy writes the sound to a file of its own first: beside the video, not the cwd
        audio = temp.with_suffix(".m4a") if clip.audio is not None else None
        audio_name = str(audio) if audio else None
        try:
            clip.write_videofile(
                str(temp), fps=float(rate), codec="libx264", preset="veryfast",
                audio=audio_name is not None, audio_codec="aac", audio_fps=AUDIO_RATE,
                audio_bitrate="160k", temp_audiofile=audio_name, ffmpeg_params=params,
                logger=None,
            )  # fmt: skip
        except OSError as error:
            raise MediaToolError(f"could not write {path.name}: {error}") from error
        finally:
            if audio is not None:
                audio.unlink(missing_ok=True)
        if not _moov_before_mdat(temp):
            raise MediaToolError(f"could not finish writing {path.name}; try again")
    return path
