"""A shot's own media at render time: the stored files behind the media ids a request names."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from reelchat.errors import InputFileError, NotFound, RenderFailed
from reelchat.generation.backend import ShotRequest
from reelchat.generation.branding import LogoLayer
from reelchat.generation.stitch import StitchOptions
from reelchat.media_library import media_file
from reelchat.store.tables import MediaKind
from reelchat.storyboard.models import Brand
from reelchat.workspace import Workspace


def stored_media(
    workspace: Workspace, media_id: str, *, kinds: tuple[MediaKind, ...], what: str
) -> Path:
    """The stored file of media item `media_id`, which must be one of `kinds`, from the media
    library's lookup (media_library.media_file).

    `what` names its use in messages ('the picture of this shot', 'the brand font').
    RenderFailed with the library's reason (naming the item by its label and id) when the
    item is not in the workspace any more, is another kind, or its file is missing or damaged."""
    try:
        return media_file(workspace, media_id, kinds=kinds)
    except (NotFound, InputFileError) as error:
        raise RenderFailed(f"{what} cannot be used: {error}") from None


def with_media_files(
    workspace: Workspace, request: ShotRequest, consumed: frozenset[str]
) -> ShotRequest:
    """`request` with `media_file` and `font_file` filled from the workspace, each only when
    the backend consumes it (`consumed`, generation.cache.consumed_fields): a font that only
    the stitcher draws with never fails a shot. RenderFailed, for this shot only, when a
    named item is missing, is another kind, or its file is missing or damaged."""
    update: dict[str, Path] = {}
    if request.media is not None and "media" in consumed:
        update["media_file"] = stored_media(
            workspace, request.media.id, kinds=(MediaKind.image, MediaKind.clip),
            what="the picture of this shot",
        )  # fmt: skip
    if request.font and "font" in consumed:
        update["font_file"] = stored_media(
            workspace, request.font, kinds=(MediaKind.font,), what="the brand font"
        )
    return request.model_copy(update=update) if update else request


def with_brand_files(workspace: Workspace, brand: Brand, options: StitchOptions) -> StitchOptions:
    """`options` with the brand's logo (an image item) and font file for the stitch.

    RenderFailed when the brand names an item that is missing; the shots are kept."""
    logo = font = None
    if brand.logo is not None:
        file = stored_media(workspace, brand.logo.media, kinds=(MediaKind.image,),
                            what="the brand logo")  # fmt: skip
        logo = LogoLayer(file, brand.logo)
    if brand.font:
        font = stored_media(workspace, brand.font, kinds=(MediaKind.font,), what="the brand font")
    return replace(options, logo=logo, font=font) if logo or font else options
