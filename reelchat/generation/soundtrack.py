"""The soundtrack's one rule: when each narration line is heard, and the music level around it.

Both mixes follow it: the stitcher's ffmpeg graph (`stitch._audio_track`, through
`volume_expression`) and the moviepy composition (`cut.audio_mix`, through `music_gain`), so a
storyboard sounds the same in the stitched MP4 and in `session.timeline()`.

The music plays at MUSIC_VOLUME. While a line is heard it is MUSIC_UNDER_VOICE of that, reached
by a linear ramp of DUCK_RAMP_SECONDS that ends where the line starts, and left by one that starts
where the line ends, so no word is spoken over loud music and the change does not click. Lines
closer together than two ramps are one lowered span: the music does not bob up between them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

AUDIO_RATE = 48000
"""Hz: both mixes work at the rate `media.AUDIO_CODEC_ARGS` writes."""
MUSIC_VOLUME = 0.6
"""Music gain with no voice over it."""
MUSIC_UNDER_VOICE = 0.25
"""Music gain while a narration line is heard, on top of MUSIC_VOLUME (about -12 dB)."""
DUCK_RAMP_SECONDS = 0.1
"""How long the music takes to go down before a line and back up after it: a step in gain is heard
as a click. A tenth of a second lies between the attack (15 ms) and the release (350 ms) of the
sidechain compressor that lowered the music before this rule."""
MUSIC_FADE_OUT_SECONDS = 1.5
"""The music fades out linearly over the end of the video (or all of it, when shorter)."""
GAIN_STEP_SAMPLES = 48
"""ffmpeg's `volume` filter takes one gain per audio frame: the stitcher cuts the music into
frames of 48 samples (1 ms at 48 kHz) for it, so a ramp is 100 steps of under 1 % each."""

Envelope = list[tuple[float, float]]
"""Breakpoints (seconds, gain) in increasing time; the gain is linear between them and 1
before the first and after the last."""


@dataclass(frozen=True)
class VoiceLine:
    """A spoken narration line and its slot: it plays from its shot's start and is cut where the
    next shot starts."""

    path: Path
    start: float
    slot: float
    seconds: float
    """How long the spoken line lasts (the WAV's length)."""


def heard_spans(voices: Sequence[VoiceLine]) -> list[tuple[float, float]]:
    """(start, end) in seconds of the time each line is heard, one per line in the order given:
    from its start for its length, cut where its slot ends."""
    return [(voice.start, voice.start + min(voice.seconds, voice.slot)) for voice in voices]


def music_envelope(spans: Sequence[tuple[float, float]]) -> Envelope:
    """The music's gain, relative to MUSIC_VOLUME, around the `spans` (seconds) in which a line
    is heard: MUSIC_UNDER_VOICE inside them, 1 away from them, linear ramps of DUCK_RAMP_SECONDS
    just outside them; spans less than two ramps apart are joined. Empty without spans."""
    joined: list[list[float]] = []
    for start, end in sorted(span for span in spans if span[1] > span[0]):
        if joined and start - joined[-1][1] < 2 * DUCK_RAMP_SECONDS:
            joined[-1][1] = max(joined[-1][1], end)
        else:
            joined.append([start, end])
    envelope: Envelope = []
    for start, end in joined:
        envelope += [
            (start - DUCK_RAMP_SECONDS, 1.0),
            (start, MUSIC_UNDER_VOICE),
            (end, MUSIC_UNDER_VOICE),
            (end + DUCK_RAMP_SECONDS, 1.0),
        ]
    return envelope


def music_gain(times: np.ndarray, envelope: Envelope) -> np.ndarray:
    """The envelope's gain at each of `times` (seconds), in an array of the same shape: what
    moviepy multiplies the music's samples by."""
    if not envelope:
        return np.ones(np.shape(times))
    points, gains = zip(*envelope, strict=True)
    return np.interp(times, points, gains, left=1.0, right=1.0)


def volume_expression(envelope: Envelope) -> str:
    """The envelope as an ffmpeg expression of `t` (seconds) for the `volume` filter with
    `eval=frame`: a balanced tree of `if(lt(t, ...))` over the pieces, so each audio frame
    evaluates a few comparisons however many lines there are. Commas inside: quote it in a
    filter graph. "1" without breakpoints."""
    if not envelope:
        return "1"

    def piece(index: int) -> str:  # between breakpoints index and index + 1
        (t0, g0), (t1, g1) = envelope[index], envelope[index + 1]
        if g0 == g1 or t1 <= t0:
            return f"{g1:.6g}"
        return f"{g0:.6g}+(t{-t0:+.6f})*{(g1 - g0) / (t1 - t0):.9g}"

    def tree(low: int, high: int) -> str:  # the pieces low .. high - 1
        if high - low == 1:
            return piece(low)
        middle = (low + high) // 2
        return f"if(lt(t,{envelope[middle][0]:.6f}),{tree(low, middle)},{tree(middle, high)})"

    first, last = envelope[0][0], envelope[-1][0]
    inner = tree(0, len(envelope) - 1) if len(envelope) > 1 else "1"
    return f"if(lt(t,{first:.6f})+gte(t,{last:.6f}),1,{inner})"
