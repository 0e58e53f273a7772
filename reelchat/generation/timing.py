"""All duration arithmetic in one place, in whole frames: shot lengths, crossfade overlaps, starts.

Every figure a person sees (the storyboard's total, the shot starts narration and subtitles are
placed at, the MP4's length, the reply) comes from `timeline`, so they agree to the frame at any
rate, 29.97 (30000/1001) included.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

CROSSFADE_SECONDS = 0.5
"""Length of a crossfade; two shots overlap by this much, capped at half the shorter shot."""


def exact_fps(fps: float | Fraction) -> Fraction:
    """The rate as an exact fraction: NTSC's 23.976 and 29.97 are 24000/1001 and 30000/1001."""
    if isinstance(fps, Fraction):
        return fps
    for nominal in (24, 30, 60):
        if abs(fps - nominal * 1000 / 1001) < 0.01:
            return Fraction(nominal * 1000, 1001)
    return Fraction(fps).limit_denominator(1001)


def frames_for(seconds: float, fps: float | Fraction) -> int:
    """Whole frames closest to `seconds` (at least one), rounding halves up."""
    return max(1, math.floor(seconds * exact_fps(fps) + Fraction(1, 2)))


def frames_at_least(seconds: float, fps: float | Fraction) -> int:
    """The fewest whole frames that last `seconds` or more."""
    return max(1, math.ceil(Fraction(seconds) * exact_fps(fps) - Fraction(1, 10**6)))


@dataclass(frozen=True)
class Timeline:
    """Where every shot sits in the stitched video, in frames at `fps`."""

    fps: Fraction
    frames: tuple[int, ...]
    """Frames in each shot's clip."""
    overlaps: tuple[int, ...]
    """Frames each shot shares with the next (a crossfade); 0 for the last shot."""
    starts: tuple[int, ...]
    """Frame at which each shot begins in the video."""
    total: int
    """Frames in the video."""

    def seconds(self, frames: int) -> float:
        return float(frames / self.fps)

    @property
    def runtime(self) -> float:
        return self.seconds(self.total)


def timeline(
    durations: Sequence[float], crossfades: Sequence[bool], fps: float | Fraction
) -> Timeline:
    """The timeline of shots lasting `durations` seconds at `fps`; `crossfades[i]` says shot i
    crossfades into the next. A crossfade overlaps CROSSFADE_SECONDS, at most half of either
    shot, so every shot keeps a moment of its own."""
    rate = exact_fps(fps)
    frames = tuple(frames_for(seconds, rate) for seconds in durations)
    overlaps = tuple(
        min(frames_for(CROSSFADE_SECONDS, rate), frames[i] // 2, frames[i + 1] // 2)
        if i + 1 < len(frames) and crossfades[i]
        else 0
        for i in range(len(frames))
    )
    starts, at = [], 0
    for count, overlap in zip(frames, overlaps, strict=True):
        starts.append(at)
        at += count - overlap
    return Timeline(rate, frames, overlaps, tuple(starts), at)


def durations_for_runtime(
    weights: Sequence[float], crossfades: Sequence[bool], seconds: float, fps: float | Fraction
) -> list[float]:
    """Shot durations (seconds to 1 ms, whole frames at `fps`) in proportion to `weights` whose
    stitched video lasts `seconds` to the frame, crossfade overlaps included, so a request for
    "a 30-second video" is 30 s however many shots crossfade.

    Assumes each shot gets at least twice CROSSFADE_SECONDS (callers keep shots >= 1 s);
    frames are shared out by largest remainder. Raises ValueError for empty or non-positive
    weights."""
    if not weights or min(weights) <= 0:
        raise ValueError("every shot needs a positive weight")
    rate = exact_fps(fps)
    overlap = frames_for(CROSSFADE_SECONDS, rate)
    joins = sum(1 for i, fade in enumerate(crossfades) if fade and i + 1 < len(weights))
    total = frames_for(seconds, rate) + joins * overlap
    share = [Fraction(weight) / Fraction(sum(weights)) * total for weight in weights]
    frames = [math.floor(part) for part in share]
    by_remainder = sorted(range(len(share)), key=lambda i: share[i] - frames[i], reverse=True)
    for index in by_remainder[: total - sum(frames)]:
        frames[index] += 1
    return [round(float(count / rate), 3) for count in frames]
