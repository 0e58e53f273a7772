"""The storyboard domain: Script, Shot and Storyboard with the bounds every edit must keep."""

from __future__ import annotations

import json
import secrets
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

MIN_SHOTS, MAX_SHOTS = 1, 24
MIN_SHOT_SECONDS, MAX_SHOT_SECONDS = 1.0, 20.0
MAX_TOTAL_SECONDS = 300.0
MIN_FPS, MAX_FPS = 8, 60
MAX_SEED = 2**31 - 1
CROSSFADE_SECONDS = 0.5
"""Length of a crossfade; two shots overlap by this much, capped at half the shorter shot."""

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Prompt = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
NegativePrompt = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
Narration = Annotated[str, StringConstraints(strip_whitespace=True, max_length=400)]
Caption = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)]
Style = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
ShotId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]{4,16}$")]


class Aspect(StrEnum):
    landscape = "16:9"
    portrait = "9:16"
    square = "1:1"


class Camera(StrEnum):
    static = "static"
    pan_left = "pan_left"
    pan_right = "pan_right"
    tilt_up = "tilt_up"
    tilt_down = "tilt_down"
    zoom_in = "zoom_in"
    zoom_out = "zoom_out"
    orbit = "orbit"


class Transition(StrEnum):
    """How a shot hands over to the next one (the last shot: how the video ends)."""

    cut = "cut"
    crossfade = "crossfade"
    fade_to_black = "fade_to_black"


RESOLUTIONS = (360, 480, 720, 1080)
"""Allowed sizes, named by the short side as video sizes usually are (480 -> 854x480)."""


def new_shot_id() -> str:
    """A short random id that stays with a shot through moves and edits."""
    return secrets.token_hex(4)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Script(_Strict):
    """What the video says and to whom; shots are planned from it."""

    title: Title
    audience: Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)] = ""
    tone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=80)] = ""
    logline: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""
    text: Annotated[str, StringConstraints(strip_whitespace=True, max_length=6000)] = ""


class Shot(_Strict):
    """One shot: what the camera sees for `duration` seconds, and what is said over it."""

    id: ShotId = Field(default_factory=new_shot_id)
    title: Title
    prompt: Prompt
    negative_prompt: NegativePrompt = ""
    duration: float = Field(
        default=4.0, ge=MIN_SHOT_SECONDS, le=MAX_SHOT_SECONDS, allow_inf_nan=False
    )
    camera: Camera = Camera.static
    transition: Transition = Transition.cut
    narration: Narration = ""
    caption: Caption = ""
    seed: int = Field(default=0, ge=0, le=MAX_SEED)
    style: Style = ""


PIXEL_FIELDS = ("title", "prompt", "negative_prompt", "camera", "seed")
"""Shot fields that may reach a renderer as they are. With the effective style, the frame count
and the storyboard's size and fps they make up `Storyboard.pixel_inputs`; the rest
(transition, narration, caption) only change the stitch, so editing them re-renders nothing.
A backend's clip cache key covers only the inputs it consumes (generation.cache): the animatic
draws the title, the diffusion backend never sees it."""


class Storyboard(_Strict):
    """An ordered list of shots plus the settings they share."""

    script: Script
    shots: list[Shot] = Field(min_length=MIN_SHOTS, max_length=MAX_SHOTS)
    aspect: Aspect = Aspect.landscape
    resolution: int = 480
    fps: int = Field(default=24, ge=MIN_FPS, le=MAX_FPS)
    style: Style = ""

    @model_validator(mode="after")
    def _check_whole(self) -> Storyboard:
        if self.resolution not in RESOLUTIONS:
            allowed = ", ".join(str(r) for r in RESOLUTIONS)
            raise ValueError(f"resolution must be one of {allowed} (got {self.resolution})")
        total = sum(shot.duration for shot in self.shots)
        if total > MAX_TOTAL_SECONDS:
            raise ValueError(
                f"the shots add up to {total:g} s; a video may be at most {MAX_TOTAL_SECONDS:g} s"
            )
        ids = [shot.id for shot in self.shots]
        if len(set(ids)) != len(ids):
            raise ValueError("two shots share an id; every shot id must be unique")
        return self

    @property
    def title(self) -> str:
        return self.script.title

    @property
    def size(self) -> tuple[int, int]:
        """Frame (width, height): the short side is `resolution`, both sides even for yuv420p."""
        short = self.resolution
        long = int(round(short * 16 / 9 / 2)) * 2
        if self.aspect is Aspect.landscape:
            return long, short
        if self.aspect is Aspect.portrait:
            return short, long
        return short, short

    def frame_count(self, shot: Shot) -> int:
        """Frames a shot needs so its clip lasts its duration at the storyboard's fps."""
        return max(1, round(shot.duration * self.fps))

    def style_of(self, shot: Shot) -> str:
        """A shot's own style wins over the storyboard's."""
        return shot.style or self.style

    def pixel_inputs(self, shot: Shot) -> dict[str, Any]:
        """Everything about a shot that changes its pixels, whatever backend renders it."""
        width, height = self.size
        inputs: dict[str, Any] = {name: getattr(shot, name) for name in PIXEL_FIELDS}
        inputs.update(
            style=self.style_of(shot),
            width=width,
            height=height,
            fps=self.fps,
            frames=self.frame_count(shot),
        )
        return inputs

    def overlap_after(self, index: int) -> float:
        """Seconds shot `index` and the next one overlap (crossfades only)."""
        if index >= len(self.shots) - 1 or self.shots[index].transition is not Transition.crossfade:
            return 0.0
        nxt = self.shots[index + 1]
        shortest = min(self.shots[index].duration, nxt.duration)
        return min(CROSSFADE_SECONDS, shortest / 2)

    def shot_starts(self) -> list[float]:
        """When each shot begins in the stitched video (crossfades pull the next shot in)."""
        starts, time = [], 0.0
        for index, shot in enumerate(self.shots):
            starts.append(time)
            time += self.frame_count(shot) / self.fps - self.overlap_after(index)
        return starts

    @property
    def runtime(self) -> float:
        """Length of the stitched video: shot durations less crossfade overlaps."""
        total = sum(self.frame_count(shot) / self.fps for shot in self.shots)
        return total - sum(self.overlap_after(i) for i in range(len(self.shots)))

    def to_json(self) -> str:
        return self.model_dump_json(indent=2)

    @classmethod
    def from_json(cls, text: str) -> Storyboard:
        return cls.model_validate_json(text)


def storyboard_json_schema() -> dict[str, Any]:
    """JSON Schema of a storyboard, for LLM structured output and for editors."""
    return Storyboard.model_json_schema()


def storyboard_schema_text() -> str:
    return json.dumps(storyboard_json_schema(), indent=2)
