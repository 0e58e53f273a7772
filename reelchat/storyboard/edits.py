"""Pure edit operations: each returns a new storyboard and the shots whose pixels changed.

Nothing here mutates its input, so a rejected edit leaves the caller's storyboard as it was.
Shots are addressed by 1-based position, the way people talk about them ("shot 2").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from reelchat.errors import StoryboardInvalid
from reelchat.generation.timing import durations_for_runtime
from reelchat.storyboard.models import (
    MAX_SHOT_SECONDS,
    MAX_TOTAL_SECONDS,
    MIN_SHOT_SECONDS,
    Brand,
    Shot,
    ShotMedia,
    Storyboard,
    Transition,
    new_shot_id,
)
from reelchat.storyboard.validation import build_shot, describe

EDITABLE_SETTINGS = frozenset({"aspect", "resolution", "fps", "style", "script"})


@dataclass(frozen=True)
class EditResult:
    storyboard: Storyboard
    rerender: frozenset[str]
    """Ids of shots whose pixels change and so must be rendered again."""
    summary: str


def changed_shots(old: Storyboard, new: Storyboard) -> frozenset[str]:
    """Ids of shots in `new` that are new or whose pixel inputs differ from `old`."""
    before = {shot.id: old.pixel_inputs(shot) for shot in old.shots}
    return frozenset(shot.id for shot in new.shots if before.get(shot.id) != new.pixel_inputs(shot))


def _result(old: Storyboard, changes: dict[str, Any], summary: str) -> EditResult:
    data = old.model_dump()
    data.update(changes)
    try:
        new = Storyboard.model_validate(data)
    except ValidationError as error:
        raise StoryboardInvalid(describe(error)) from None
    return EditResult(new, changed_shots(old, new), summary)


def _index(storyboard: Storyboard, position: int) -> int:
    count = len(storyboard.shots)
    if not 1 <= position <= count:
        raise StoryboardInvalid(f"there is no shot {position}; shots are numbered 1 to {count}")
    return position - 1


def _shots_data(storyboard: Storyboard) -> list[dict[str, Any]]:
    return [shot.model_dump() for shot in storyboard.shots]


def update_shot(storyboard: Storyboard, position: int, **changes: Any) -> EditResult:
    """Change fields of one shot, e.g. update_shot(sb, 2, duration=6)."""
    index = _index(storyboard, position)
    unknown = (set(changes) - set(Shot.model_fields)) | ({"id"} & set(changes))
    if unknown:
        raise StoryboardInvalid(f"shots have no editable field {', '.join(sorted(unknown))}")
    old = storyboard.shots[index]
    try:
        new = Shot.model_validate({**old.model_dump(), **changes})
    except ValidationError as error:
        raise StoryboardInvalid(f"shot {position} {describe(error)}") from None
    shots = _shots_data(storyboard)
    shots[index] = new.model_dump()
    changed = sorted(name for name in changes if getattr(old, name) != getattr(new, name))
    summary = (
        f"changed {', '.join(changed)}"
        if changed
        else f"{', '.join(sorted(changes))} already as asked"
    )
    return _result(storyboard, {"shots": shots}, f"shot {position}: {summary}")


def insert_shot(storyboard: Storyboard, position: int, fields: dict[str, Any]) -> EditResult:
    """Insert a new shot so that it becomes shot `position` (len+1 appends)."""
    count = len(storyboard.shots)
    if not 1 <= position <= count + 1:
        raise StoryboardInvalid(f"a new shot can go at position 1 to {count + 1}, not {position}")
    shot = build_shot({**fields, "id": new_shot_id()})
    shots = _shots_data(storyboard)
    shots.insert(position - 1, shot.model_dump())
    return _result(storyboard, {"shots": shots}, f"inserted shot {position}: {shot.title}")


def delete_shot(storyboard: Storyboard, position: int) -> EditResult:
    index = _index(storyboard, position)
    if len(storyboard.shots) == 1:
        raise StoryboardInvalid("a storyboard needs at least one shot; this is the last one")
    shots = _shots_data(storyboard)
    removed = shots.pop(index)
    return _result(storyboard, {"shots": shots}, f"deleted shot {position}: {removed['title']}")


def move_shot(storyboard: Storyboard, position: int, to: int) -> EditResult:
    """Move a shot to a new position; shots keep their pixels, only the order changes."""
    index, target = _index(storyboard, position), _index(storyboard, to)
    shots = _shots_data(storyboard)
    shots.insert(target, shots.pop(index))
    return _result(storyboard, {"shots": shots}, f"moved shot {position} to position {to}")


def swap_shots(storyboard: Storyboard, first: int, second: int) -> EditResult:
    a, b = _index(storyboard, first), _index(storyboard, second)
    shots = _shots_data(storyboard)
    shots[a], shots[b] = shots[b], shots[a]
    return _result(storyboard, {"shots": shots}, f"swapped shots {first} and {second}")


def restyle_all(storyboard: Storyboard, style: str) -> EditResult:
    """One style for the whole video: set it and drop every shot's own style."""
    shots = [{**shot, "style": ""} for shot in _shots_data(storyboard)]
    return _result(
        storyboard, {"style": style, "shots": shots}, f"style for all shots: {style or 'none'}"
    )


def update_storyboard(storyboard: Storyboard, **changes: Any) -> EditResult:
    """Change shared settings (aspect, resolution, fps, style, script)."""
    unknown = set(changes) - EDITABLE_SETTINGS
    if unknown:
        raise StoryboardInvalid(
            f"a storyboard has no editable setting {', '.join(sorted(unknown))}"
        )
    if "script" in changes and not isinstance(changes["script"], dict):
        changes["script"] = changes["script"].model_dump()
    return _result(storyboard, changes, f"changed {', '.join(sorted(changes))}")


def fit_duration(storyboard: Storyboard, seconds: float) -> EditResult:
    """Scale every shot by one factor so the video lasts `seconds` ("make it 20 seconds"),
    crossfade overlaps included, to the frame.

    Durations are whole frames and kept within a shot's bounds; a total the bounds cannot
    reach (24 shots of at most 20 s) raises StoryboardInvalid naming the range that works."""
    count = len(storyboard.shots)
    low, high = count * MIN_SHOT_SECONDS, count * MAX_SHOT_SECONDS
    if not low <= seconds <= min(high, MAX_TOTAL_SECONDS):
        raise StoryboardInvalid(
            f"{count} shots can last {low:g} to {min(high, MAX_TOTAL_SECONDS):g} s in all, "
            f"not {seconds:g} s"
        )
    total = storyboard.runtime
    weights = [shot.duration for shot in storyboard.shots]
    crossfades = [shot.transition is Transition.crossfade for shot in storyboard.shots]
    durations = durations_for_runtime(weights, crossfades, seconds, storyboard.fps)
    if not all(MIN_SHOT_SECONDS <= d <= MAX_SHOT_SECONDS for d in durations):
        factor = seconds / sum(weights)
        durations = [round(min(MAX_SHOT_SECONDS, max(MIN_SHOT_SECONDS, d * factor)), 2)
                     for d in weights]  # fmt: skip
    shots = [
        {**shot.model_dump(), "duration": d}
        for shot, d in zip(storyboard.shots, durations, strict=True)
    ]
    return _result(storyboard, {"shots": shots}, f"whole video: {total:g} s -> {seconds:g} s")


def set_shot_media(storyboard: Storyboard, position: int, media: ShotMedia | None) -> EditResult:
    """Show a media item (by id, with an optional focus and highlight region) as shot
    `position`'s picture, or none (`media=None`: the shot is drawn from its prompt again)."""
    index = _index(storyboard, position)
    shots = _shots_data(storyboard)
    shots[index]["media"] = media.model_dump() if media else None
    if media is None:
        summary = f"shot {position}: no picture"
    else:
        parts = [f"picture {media.id}"]
        parts += ["focus region"] if media.focus else []
        parts += ["highlight"] if media.highlight else []
        summary = f"shot {position}: {', '.join(parts)}"
    return _result(storyboard, {"shots": shots}, summary)


def set_brand(storyboard: Storyboard, brand: Brand) -> EditResult:
    """Use `brand` (logo, colours, font) for the whole video; colours and font change pixels,
    the logo is laid over at the stitch."""
    old = storyboard.brand
    changed = [
        name for name in ("logo", "colours", "font") if getattr(old, name) != getattr(brand, name)
    ]
    summary = f"brand kit: changed {', '.join(changed) or 'nothing'}"
    return _result(storyboard, {"brand": brand.model_dump()}, summary)
