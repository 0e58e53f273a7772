"""Apply typed edit operations to a storyboard, purely: no session, no store, no render."""

from __future__ import annotations

from reelchat.errors import StoryboardInvalid
from reelchat.storyboard import edits
from reelchat.storyboard.edits import EditResult
from reelchat.storyboard.models import Brand, Storyboard
from reelchat.tools.arguments import (
    DeleteShot,
    EditOperation,
    FitDuration,
    InsertShot,
    MoveShot,
    RestyleAll,
    SetShotMedia,
    SwapShots,
    UpdateBrand,
    UpdateSettings,
    UpdateShot,
)


def apply_operation(storyboard: Storyboard, operation: EditOperation) -> EditResult:
    """One validated operation on `storyboard`; raises StoryboardInvalid, leaving it as it was."""
    match operation:
        case UpdateShot(shot=number, changes=changes):
            fields = changes.model_dump(exclude_none=True)
            if not fields:
                raise StoryboardInvalid(f"update_shot for shot {number} changes nothing")
            return edits.update_shot(storyboard, number, **fields)
        case InsertShot(position=position, shot=plan):
            return edits.insert_shot(storyboard, position, plan.model_dump())
        case DeleteShot(shot=number):
            return edits.delete_shot(storyboard, number)
        case MoveShot(shot=number, to=target):
            return edits.move_shot(storyboard, number, target)
        case SwapShots(first=first, second=second):
            return edits.swap_shots(storyboard, first, second)
        case RestyleAll(style=style):
            return edits.restyle_all(storyboard, style)
        case FitDuration(seconds=seconds):
            return edits.fit_duration(storyboard, seconds)
        case SetShotMedia(shot=number, media=media):
            return edits.set_shot_media(storyboard, number, media)
        case UpdateBrand():
            return edits.set_brand(storyboard, brand_after(storyboard.brand, operation))
        case UpdateSettings():
            settings = operation.model_dump(exclude_none=True, exclude={"op"})
            if not settings:
                raise StoryboardInvalid("update_settings changes nothing")
            return edits.update_storyboard(storyboard, **settings)
    raise StoryboardInvalid(f"unknown edit {operation!r}")


def brand_after(brand: Brand, operation: UpdateBrand) -> Brand:
    """`brand` with an update_brand operation's changes; StoryboardInvalid when it sets and
    removes the same part, or changes nothing."""
    changes = operation.model_dump(exclude_none=True, exclude={"op", "remove"})
    both = set(changes) & set(operation.remove)
    if both:
        raise StoryboardInvalid(f"update_brand both sets and removes {', '.join(sorted(both))}")
    if not changes and not operation.remove:
        raise StoryboardInvalid("update_brand changes nothing")
    data = brand.model_dump()
    data.update(changes)
    for part in operation.remove:
        data[part] = [] if part == "colours" else None
    return Brand.model_validate(data)


def apply_all(
    storyboard: Storyboard, operations: list[EditOperation]
) -> tuple[Storyboard, list[str]]:
    """Apply operations in order; the result and one summary per operation.

    Raises StoryboardInvalid naming the failing operation; nothing is applied then."""
    summaries: list[str] = []
    for number, operation in enumerate(operations, start=1):
        try:
            result = apply_operation(storyboard, operation)
        except StoryboardInvalid as error:
            where = f"edit {number} ({operation.op})" if len(operations) > 1 else operation.op
            raise StoryboardInvalid(f"{where}: {error}; nothing was changed") from None
        storyboard = result.storyboard
        summaries.append(result.summary)
    return storyboard, summaries
