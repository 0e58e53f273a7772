"""Editing the workspace's brand kit outside a chat (CLI, UI): the kit changes for every new
storyboard, and a session's current storyboard takes it as a new version."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from reelchat import store
from reelchat.errors import InputFileError, NotFound, StoryboardInvalid
from reelchat.media_library import media_file
from reelchat.store.tables import MediaKind
from reelchat.storyboard import edits
from reelchat.storyboard.models import Brand, Corner
from reelchat.storyboard.validation import describe
from reelchat.workspace import Workspace

BRAND_PARTS = ("logo", "colours", "font")


def brand_with(
    brand: Brand,
    *,
    logo: str | None = None,
    corner: Corner | None = None,
    size: float | None = None,
    opacity: float | None = None,
    colours: Sequence[str] | None = None,
    font: str | None = None,
    clear: Sequence[str] = (),
) -> Brand:
    """`brand` with the given parts changed (None: kept) and the `clear`ed parts ('logo',
    'colours', 'font') taken away. `size` is the logo's width as a fraction of the frame's,
    `opacity` 0.1..1. StoryboardInvalid for a bad value, or a corner, size or opacity with no
    logo to apply them to."""
    unknown = set(clear) - set(BRAND_PARTS)
    if unknown:
        raise StoryboardInvalid(f"a brand kit has no part {', '.join(sorted(unknown))}")
    data: dict[str, Any] = brand.model_dump()
    placing = {k: v for k, v in (("corner", corner), ("size", size), ("opacity", opacity)) if v}
    if logo is not None:
        data["logo"] = {**(data["logo"] or {}), "media": logo}
    if placing:
        if data["logo"] is None or "logo" in clear:
            raise StoryboardInvalid("there is no logo to place: set one first (--logo ID)")
        data["logo"] = {**data["logo"], **placing}
    if colours is not None:
        data["colours"] = list(colours)
    if font is not None:
        data["font"] = font
    for part in clear:
        data[part] = [] if part == "colours" else None
    try:
        return Brand.model_validate(data)
    except ValidationError as error:
        raise StoryboardInvalid(f"brand kit {describe(error)}") from None


_KINDS = {"logo": (MediaKind.image,), "font": (MediaKind.font,)}


def check_brand_media(workspace: Workspace, brand: Brand) -> None:
    """StoryboardInvalid, with the media library's reason (media_library.media_file), when the
    kit names a media item that is not stored, is the wrong kind (a logo must be an image, the
    font a font), or whose stored file has gone or is damaged."""
    named = {"logo": brand.logo.media if brand.logo else None, "font": brand.font}
    for part, media_id in named.items():
        if media_id is None:
            continue
        try:
            media_file(workspace, media_id, kinds=_KINDS[part])
        except (NotFound, InputFileError) as error:
            raise StoryboardInvalid(f"the {part}: {error}") from None


def save_brand(workspace: Workspace, brand: Brand, *, session_id: str | None = None) -> int | None:
    """Make `brand` the workspace's kit; with `session_id`, its current storyboard takes the
    kit as a new version (its number is returned; None when nothing was saved there: no
    session given, no storyboard yet, or it had this kit already)."""
    check_brand_media(workspace, brand)
    store.set_brand(workspace.engine, brand=brand)
    if session_id is None:
        return None
    try:
        current = store.get_version(workspace.engine, session_id=session_id)
    except NotFound:
        return None
    if current.storyboard.brand == brand:
        return None
    result = edits.set_brand(current.storyboard, brand)
    row = store.add_version(
        workspace.engine,
        session_id=session_id,
        storyboard=result.storyboard,
        note=result.summary,
        based_on=current.number,
    )
    return row.number
