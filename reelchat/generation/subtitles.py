"""Subtitles for a stitched video: one cue per shot that says or shows words, at its real start.

Cue times come from the storyboard's timeline (generation.timing), the same figures the stitcher
cuts the video at, so a cue starts on the first frame of its shot. The files are written by
pysubs2 as SRT and WebVTT beside the MP4, and the SRT is muxed into it as a mov_text track.
"""

from __future__ import annotations

import math
import shutil
from dataclasses import dataclass
from pathlib import Path

import pysubs2

from reelchat.generation.media import atomic_output
from reelchat.generation.narration import words_language
from reelchat.storyboard.models import Storyboard

SUBTITLE_FORMATS = ("srt", "vtt")


@dataclass(frozen=True)
class Cue:
    start: float
    """Seconds from the start of the video."""
    end: float
    text: str


def cues(storyboard: Storyboard) -> list[Cue]:
    """One cue per shot with narration (what is said) or else a caption (what is shown), from
    the shot's first frame to the next shot's first frame (the video's end for the last)."""
    line = storyboard.timeline
    found = []
    for index, shot in enumerate(storyboard.shots):
        text = shot.narration or shot.caption
        if not text:
            continue
        end = line.starts[index + 1] if index + 1 < len(line.starts) else line.total
        found.append(Cue(line.seconds(line.starts[index]), line.seconds(end), text))
    return found


def video_language(storyboard: Storyboard) -> str | None:
    """The ISO 639-2 code ('eng') of the words the video says and subtitles show (each shot's
    narration, else its caption); None when it has none or their language cannot be told."""
    return words_language([cue.text for cue in cues(storyboard)])


def copy_subtitles(video: Path, target: Path) -> list[Path]:
    """Copy the .srt and .vtt files beside `video` to beside `target` (a copy of the video),
    atomically, the way `make -o` and `batch` deliver a video. Returns the copies."""
    copied = []
    for kind in SUBTITLE_FORMATS:
        source, copy = video.with_suffix(f".{kind}"), target.with_suffix(f".{kind}")
        if source.is_file():
            with atomic_output(copy) as temp:
                shutil.copyfile(source, temp)
            copied.append(copy)
    return copied


def write_subtitles(storyboard: Storyboard, video: Path) -> list[Path]:
    """Write `video`'s cues as .srt and .vtt files beside it (atomically); [] when no shot has
    words. Times are rounded up to the millisecond, so a cue never starts before its shot."""
    found = cues(storyboard)
    if not found:
        return []
    subs = pysubs2.SSAFile()
    for cue in found:
        subs.append(
            pysubs2.SSAEvent(
                start=math.ceil(cue.start * 1000 - 1e-6),
                end=math.ceil(cue.end * 1000 - 1e-6),
                text=cue.text.replace("\n", " "),
            )
        )
    written = []
    for kind in SUBTITLE_FORMATS:
        path = video.with_suffix(f".{kind}")
        with atomic_output(path) as temp:
            subs.save(str(temp), format_=kind, encoding="utf-8")
        written.append(path)
    return written
