"""Argument models of the agent's tools: the JSON schemas a model fills in, validated on entry."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from reelchat.storyboard.models import (
    MAX_BRAND_COLOURS,
    MAX_SHOT_SECONDS,
    MAX_SHOTS,
    MAX_TOTAL_SECONDS,
    MIN_SHOT_SECONDS,
    RESOLUTIONS,
    Aspect,
    Camera,
    Caption,
    HexColour,
    Logo,
    MediaId,
    Narration,
    NegativePrompt,
    Prompt,
    Script,
    Shot,
    ShotMedia,
    Storyboard,
    Style,
    Title,
    Transition,
)


def _field_type(model: type[BaseModel], name: str) -> Any:
    """A model field's type with its bounds, so a tool argument reuses them as they are."""
    field = model.model_fields[name]
    return Annotated[field.annotation, *field.metadata] if field.metadata else field.annotation


Audience = _field_type(Script, "audience")
Tone = _field_type(Script, "tone")
Logline = _field_type(Script, "logline")
ScriptText = _field_type(Script, "text")
Seconds = _field_type(Shot, "duration")
Seed = _field_type(Shot, "seed")
FrameRate = _field_type(Storyboard, "fps")
Resolution = Literal[RESOLUTIONS]  # type: ignore[valid-type]


class _Args(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ShotPlan(_Args):
    """A shot as the model plans it (ids are assigned by reelchat)."""

    title: Title
    prompt: Prompt = Field(
        description="What the camera sees: subject, action, setting, lighting, camera, style."
    )
    negative_prompt: NegativePrompt = ""
    duration: Seconds = Field(
        default=5.0, description=f"Seconds, {MIN_SHOT_SECONDS:g} to {MAX_SHOT_SECONDS:g}."
    )
    camera: Camera = Camera.static
    transition: Transition = Field(default=Transition.cut, description="Into the next shot.")
    narration: Narration = Field(default="", description="What the voice says over this shot.")
    caption: Caption = Field(default="", description="Short on-screen text, if any.")
    seed: Seed = 0
    style: Style = Field(default="", description="Only to override the video's style.")
    media: ShotMedia | None = Field(
        default=None, description="A picture or clip from the session's media list, by id."
    )


class PlanStoryboardArgs(_Args):
    """Write the script and plan every shot of a new storyboard (replaces the current one)."""

    title: Title
    audience: Audience = ""
    tone: Tone = ""
    logline: Logline = Field(default="", description="The video in one sentence.")
    shots: list[ShotPlan] = Field(min_length=1, max_length=MAX_SHOTS)
    aspect: Aspect = Aspect.landscape
    fps: FrameRate = 24
    resolution: Resolution = 480
    style: Style = Field(default="", description="Look shared by all shots.")


class WriteScriptArgs(_Args):
    """Revise the script (title, audience, tone, logline, full text); shots stay as they are."""

    title: Title | None = None
    audience: Audience | None = None
    tone: Tone | None = None
    logline: Logline | None = None
    text: ScriptText | None = None


class ShotChanges(_Args):
    """Fields to change on one shot; leave out what stays."""

    title: Title | None = None
    prompt: Prompt | None = None
    negative_prompt: NegativePrompt | None = None
    duration: Seconds | None = None
    camera: Camera | None = None
    transition: Transition | None = None
    narration: Narration | None = None
    caption: Caption | None = None
    seed: Seed | None = None
    style: Style | None = None


ShotNumber = Annotated[int, Field(ge=1, le=MAX_SHOTS, description="1-based shot number.")]


class UpdateShot(_Args):
    op: Literal["update_shot"]
    shot: ShotNumber
    changes: ShotChanges


class InsertShot(_Args):
    op: Literal["insert_shot"]
    position: int = Field(ge=1, le=MAX_SHOTS + 1, description="Number the new shot will have.")
    shot: ShotPlan


class DeleteShot(_Args):
    op: Literal["delete_shot"]
    shot: ShotNumber


class MoveShot(_Args):
    op: Literal["move_shot"]
    shot: ShotNumber
    to: ShotNumber


class SwapShots(_Args):
    op: Literal["swap_shots"]
    first: ShotNumber
    second: ShotNumber


class RestyleAll(_Args):
    op: Literal["restyle_all"]
    style: Style


class UpdateSettings(_Args):
    op: Literal["update_settings"]
    aspect: Aspect | None = None
    fps: FrameRate | None = None
    resolution: Resolution | None = None
    style: Style | None = None


class FitDuration(_Args):
    """Scale every shot so the whole video lasts `seconds` (shots keep their proportions)."""

    op: Literal["fit_duration"]
    seconds: float = Field(gt=0, le=MAX_TOTAL_SECONDS, allow_inf_nan=False)


class SetShotMedia(_Args):
    """Show one of the session's media items (by its id in the media list, never a path) as a
    shot's picture; `focus` is the part the camera moves to, `highlight` a box drawn over it
    (fractions 0..1 of the picture from its top left). `media` null or left out: the shot has no
    picture."""

    op: Literal["set_shot_media"]
    shot: ShotNumber
    media: ShotMedia | None = None


BrandPart = Literal["logo", "colours", "font"]


class UpdateBrand(_Args):
    """Change the brand kit, kept for the workspace and used on every shot: a logo (an image
    id) in a corner, up to 5 colours '#rrggbb', a font (a font id). Leave out what stays; name
    parts in `remove` to take them away."""

    op: Literal["update_brand"]
    logo: Logo | None = None
    colours: list[HexColour] | None = Field(
        default=None, min_length=1, max_length=MAX_BRAND_COLOURS
    )
    font: MediaId | None = None
    remove: list[BrandPart] = Field(default_factory=list, description="Parts to take away.")


EditOperation = Annotated[
    UpdateShot
    | InsertShot
    | DeleteShot
    | MoveShot
    | SwapShots
    | RestyleAll
    | UpdateSettings
    | FitDuration
    | SetShotMedia
    | UpdateBrand,
    Field(discriminator="op"),
]


class EditStoryboardArgs(_Args):
    """Apply edits in order as one new version; if any is invalid, none is applied."""

    operations: list[EditOperation] = Field(min_length=1, max_length=50)


class RenderArgs(_Args):
    """Render the video (only shots whose pixels changed are rendered again), or only some
    shots as a preview."""

    shots: list[ShotNumber] | None = Field(
        default=None, description="Shot numbers to preview; leave out to render the whole video."
    )
    confirmed: bool = Field(
        default=False,
        description="True only after the person agreed to a render the estimate said is long.",
    )


class RestoreVersionArgs(_Args):
    """Make an earlier storyboard version current again (saved as a new version)."""

    version: int = Field(ge=1)


class UndoArgs(_Args):
    """Go back `steps` changes in the history ("undo" twice = steps 2); saved as a new version."""

    steps: int = Field(default=1, ge=1, le=50)


class RedoArgs(_Args):
    """Go forward again `steps` changes that were undone; saved as a new version."""

    steps: int = Field(default=1, ge=1, le=50)


class DescribeStoryboardArgs(_Args):
    """Show the current storyboard, its version and the latest video."""


class MakeTemplateArgs(_Args):
    """Turn the storyboard into a template for personalised batches: each given word or phrase
    becomes a {variable} everywhere it appears (e.g. {"Priya": "name", "Design": "team"}; a
    phrase ending in a group noun keeps the noun: "Design team" -> "{team} team").
    Then `reelchat batch template.json people.csv` makes one video per CSV row."""

    replacements: dict[str, str] = Field(
        min_length=1, max_length=10, description="Word or phrase -> variable name."
    )
