"""The storyboard domain: Script, Shot and Storyboard with the bounds every edit must keep."""

from __future__ import annotations

import json
import secrets
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from reelchat.generation.timing import Timeline, frames_for, timeline

MIN_SHOTS, MAX_SHOTS = 1, 24
MIN_SHOT_SECONDS, MAX_SHOT_SECONDS = 1.0, 20.0
MAX_TOTAL_SECONDS = 300.0
MIN_FPS, MAX_FPS = 8, 60
NTSC_RATES = (23.976, 29.97, 59.94)
"""Rates besides whole numbers: 24000/1001, 30000/1001 and 60000/1001 frames a second, kept
exact in the MP4 (generation.timing.exact_fps)."""
MAX_SEED = 2**31 - 1

Title = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
Prompt = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=1000)]
NegativePrompt = Annotated[str, StringConstraints(strip_whitespace=True, max_length=500)]
Narration = Annotated[str, StringConstraints(strip_whitespace=True, max_length=400)]
Caption = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)]
Style = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)]
ShotId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]{4,16}$")]
MediaId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{16}$")]
"""A media item's id: the first 16 hex digits of the SHA-256 of the file as added, so the same
picture added twice is one item and a shot's clip cache key changes with the picture's content."""
HexColour = Annotated[
    str, StringConstraints(strip_whitespace=True, to_lower=True, pattern=r"^#[0-9a-fA-F]{6}$")
]
MAX_BRAND_COLOURS = 5


class Aspect(StrEnum):
    landscape = "16:9"
    portrait = "9:16"
    square = "1:1"
    feed = "4:5"
    """Portrait for social feeds."""
    classic = "4:3"


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


class Corner(StrEnum):
    """Where an overlay (the brand logo) sits in the frame."""

    top_left = "top_left"
    top_right = "top_right"
    bottom_left = "bottom_left"
    bottom_right = "bottom_right"


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


class Region(_Strict):
    """A rectangle of a picture in fractions of its width and height (0..1 from the top left):
    the part of a screenshot to zoom to, or a box to highlight."""

    x: float = Field(ge=0.0, lt=1.0, allow_inf_nan=False)
    y: float = Field(ge=0.0, lt=1.0, allow_inf_nan=False)
    width: float = Field(gt=0.0, le=1.0, allow_inf_nan=False)
    height: float = Field(gt=0.0, le=1.0, allow_inf_nan=False)

    @model_validator(mode="after")
    def _inside(self) -> Region:
        if self.x + self.width > 1.0 + 1e-9 or self.y + self.height > 1.0 + 1e-9:
            raise ValueError("a region must lie inside the picture (x + width and y + height <= 1)")
        return self


class ShotMedia(_Strict):
    """A person's own picture or clip (a media item, by id) as a shot's picture."""

    id: MediaId
    focus: Region | None = None
    """The part to move toward (the camera move ends on it); the whole picture when None."""
    highlight: Region | None = None
    """A box drawn over the picture to point at something (a button in a screenshot)."""


class Logo(_Strict):
    """The brand logo laid over every shot of the stitched video."""

    media: MediaId
    corner: Corner = Corner.bottom_right
    size: float = Field(default=0.12, ge=0.03, le=0.4, allow_inf_nan=False)
    """Logo width as a fraction of the frame width."""
    opacity: float = Field(default=0.9, ge=0.1, le=1.0, allow_inf_nan=False)


class Brand(_Strict):
    """A workspace's brand kit as one storyboard uses it: a logo, colours for the animatic's
    palette and a font file (a media item) for titles and captions."""

    logo: Logo | None = None
    colours: list[HexColour] = Field(default_factory=list, max_length=MAX_BRAND_COLOURS)
    font: MediaId | None = None


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
    media: ShotMedia | None = None
    """The person's own picture or clip this shot shows (animatic) or starts from (diffusion)."""


PIXEL_FIELDS = ("title", "prompt", "negative_prompt", "camera", "seed", "media")
"""Shot fields that may reach a renderer as they are. With the effective style, the frame count
and the storyboard's size and fps they make up `Storyboard.pixel_inputs`; the rest
(transition, narration, caption) only change the stitch, so editing them re-renders nothing.
The brand's colours and font are pixel inputs too; its logo is laid over at the stitch.
A backend's clip cache key covers only the inputs it consumes (generation.cache): the animatic
draws the title, the diffusion backend never sees it."""


class Storyboard(_Strict):
    """An ordered list of shots plus the settings they share."""

    script: Script
    shots: list[Shot] = Field(min_length=MIN_SHOTS, max_length=MAX_SHOTS)
    aspect: Aspect = Aspect.landscape
    resolution: int = 480
    fps: int | float = Field(default=24, ge=MIN_FPS, le=MAX_FPS, allow_inf_nan=False)
    style: Style = ""
    brand: Brand = Field(default_factory=Brand)

    @field_validator("fps")
    @classmethod
    def _whole_or_ntsc(cls, fps: int | float) -> int | float:
        if float(fps).is_integer():
            return int(fps)
        for rate in NTSC_RATES:
            if abs(fps - rate) < 0.01:
                return rate
        raise ValueError(f"fps must be a whole number or one of 23.976, 29.97, 59.94 (got {fps})")

    @model_validator(mode="after")
    def _check_whole(self) -> Storyboard:
        if self.resolution not in RESOLUTIONS:
            allowed = ", ".join(str(r) for r in RESOLUTIONS)
            raise ValueError(f"resolution must be one of {allowed} (got {self.resolution})")
        if self.shots and (total := self.runtime) > MAX_TOTAL_SECONDS:
            raise ValueError(
                f"the video would last {total:g} s; a video may be at most "
                f"{MAX_TOTAL_SECONDS:g} s"
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
        across, down = (int(n) for n in self.aspect.value.split(":"))
        long = int(round(short * max(across, down) / min(across, down) / 2)) * 2
        if across == down:
            return short, short
        return (long, short) if across > down else (short, long)

    def frame_count(self, shot: Shot) -> int:
        """Frames a shot needs so its clip lasts its duration at the storyboard's fps."""
        return frames_for(shot.duration, self.fps)

    def style_of(self, shot: Shot) -> str:
        """A shot's own style wins over the storyboard's."""
        return shot.style or self.style

    def palette_of(self, shot: Shot) -> tuple[str, ...]:
        """The brand colours a shot's pixels use: all of them for a drawn shot; for a shot
        showing a person's picture or clip only the first, and only when it has a highlight
        (the box is drawn in it), so a colour change leaves other picture shots as they are."""
        colours = tuple(self.brand.colours)
        if shot.media is None:
            return colours
        return colours[:1] if shot.media.highlight is not None else ()

    def pixel_inputs(self, shot: Shot) -> dict[str, Any]:
        """Everything about a shot that changes its pixels, whatever backend renders it."""
        width, height = self.size
        inputs: dict[str, Any] = {name: getattr(shot, name) for name in PIXEL_FIELDS}
        inputs.update(
            style=self.style_of(shot),
            palette=self.palette_of(shot),
            font=self.brand.font or "",
            width=width,
            height=height,
            fps=self.fps,
            frames=self.frame_count(shot),
        )
        return inputs

    @property
    def timeline(self) -> Timeline:
        """Every shot's frames, crossfade overlap and start, from the one timing function."""
        crossfades = [shot.transition is Transition.crossfade for shot in self.shots]
        return timeline([shot.duration for shot in self.shots], crossfades, self.fps)

    def overlap_after(self, index: int) -> float:
        """Seconds shot `index` and the next one overlap (crossfades only), in whole frames."""
        line = self.timeline
        return line.seconds(line.overlaps[index]) if 0 <= index < len(line.overlaps) else 0.0

    def shot_starts(self) -> list[float]:
        """When each shot begins in the stitched video (crossfades pull the next shot in)."""
        line = self.timeline
        return [line.seconds(start) for start in line.starts]

    @property
    def runtime(self) -> float:
        """Length of the stitched video: shot durations less crossfade overlaps."""
        return self.timeline.runtime

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
