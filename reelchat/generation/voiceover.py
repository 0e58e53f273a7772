"""Narration first, pictures after: every line is spoken before rendering and its shot is made
long enough to hold it, so the words set the timing and no line runs into the next shot."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from reelchat.generation.media import atomic_output
from reelchat.generation.narration import Voice, speak, voice_for, wav_seconds
from reelchat.generation.timing import CROSSFADE_SECONDS, frames_at_least
from reelchat.storyboard.models import (
    MAX_SHOT_SECONDS,
    MAX_TOTAL_SECONDS,
    Storyboard,
    Transition,
)

BREATH_SECONDS = 0.4
"""Silence kept after a line before the next shot's line may start."""


@dataclass(frozen=True)
class SpokenLine:
    """A narration line as speech: the WAV file, who speaks it, and how long it lasts."""

    path: Path
    voice: Voice
    seconds: float


def spoken_line(text: str, cache_dir: Path) -> SpokenLine | None:
    """`text` spoken by the voice for its language, cached by voice and words; None when no
    installed voice speaks that language."""
    voice = voice_for(text)
    if voice is None:
        return None
    digest = hashlib.sha256(f"{voice.label}|{text}".encode()).hexdigest()[:24]
    path = cache_dir / f"voice-{digest}.wav"
    if not path.exists():
        with atomic_output(path) as temp:
            speak(text, temp, voice)
    return SpokenLine(path, voice, wav_seconds(path))


def spoken_lines(storyboard: Storyboard, cache_dir: Path) -> list[SpokenLine | None]:
    """One entry per shot: its narration spoken, or None (no narration, or no voice for it)."""
    return [
        spoken_line(shot.narration, cache_dir) if shot.narration else None
        for shot in storyboard.shots
    ]


@dataclass(frozen=True)
class Fitted:
    storyboard: Storyboard
    notes: list[str]
    """One sentence per lengthened shot and per line too long for any shot."""


def fit_to_narration(storyboard: Storyboard, lines: list[SpokenLine | None]) -> Fitted:
    """The storyboard with each narrated shot lasting at least its line plus a breath (and the
    crossfade into the next shot), in whole frames, within the 20 s and 300 s bounds."""
    shots, notes = list(storyboard.shots), []
    total = sum(shot.duration for shot in shots)
    for index, (shot, line) in enumerate(zip(shots, lines, strict=True)):
        if line is None:
            continue
        crossfade = shot.transition is Transition.crossfade and index + 1 < len(shots)
        need = line.seconds + BREATH_SECONDS + (CROSSFADE_SECONDS if crossfade else 0.0)
        need = frames_at_least(need, storyboard.fps) / storyboard.fps
        if need <= shot.duration:
            continue
        longest = min(MAX_SHOT_SECONDS, MAX_TOTAL_SECONDS - (total - shot.duration))
        duration = round(min(need, longest), 3)
        if duration < need:
            notes.append(
                f"shot {index + 1}'s narration takes {line.seconds:.1f} s to say, longer than the "
                f"shot can last ({duration:g} s); it is cut there: split it over two shots"
            )
        if duration > shot.duration:
            notes.append(
                f"shot {index + 1} now lasts {duration:g} s (was {shot.duration:g} s) "
                "so its narration fits"
            )
            total += duration - shot.duration
            shots[index] = shot.model_copy(update={"duration": duration})
    return Fitted(storyboard.model_copy(update={"shots": shots}), notes)
