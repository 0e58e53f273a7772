"""A session's media as the tools see it: ids, kinds, labels and sizes; and the check that an
edit names only media the session has, each used as what it is (a picture, a logo, a font)."""

from __future__ import annotations

import json
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict, Field

from reelchat import store
from reelchat.errors import StoryboardInvalid
from reelchat.media_library import MediaEntry, list_media
from reelchat.store.tables import WORKSPACE_SCOPE
from reelchat.storyboard.models import Brand, Storyboard
from reelchat.workspace import Workspace

MAX_LABEL_CHARS = 80
"""Labels are the person's file names: shown cut to this length, quoted as JSON strings."""


class MediaRef(BaseModel):
    """One media item a session may use, as the tools and the agent see it (built from the
    library's MediaEntry by `of`): its id, kind (image, clip or font), label (the file name it
    was added under: text, never a path), pixel size, seconds (clips) and whether it is shared
    by the whole workspace (a logo) rather than added to this session."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    kind: str
    label: str
    width: int = 0
    height: int = 0
    duration: float = 0.0
    shared: bool = False

    @classmethod
    def of(cls, entry: MediaEntry) -> MediaRef:
        """The item as media_library.list_media gives it."""
        return cls(
            id=entry.id, kind=entry.kind.value, label=entry.label, width=entry.width,
            height=entry.height, duration=entry.duration,
            shared=entry.scope == WORKSPACE_SCOPE,
        )  # fmt: skip

    def line(self) -> str:
        """'0123456789abcdef image 1280x720 "export.png"': the label JSON-quoted, so a label
        holding quotes, newlines or instructions stays one quoted string."""
        size = f" {self.width}x{self.height}" if self.width else ""
        size += f" {self.duration:g} s" if self.duration else ""
        shared = " (workspace)" if self.shared else ""
        label = json.dumps(self.label[:MAX_LABEL_CHARS], ensure_ascii=False)
        return f"{self.id} {self.kind}{size} {label}{shared}"


class SessionMedia(BaseModel):
    """What a session may show: its media items (its own first, oldest first, then the
    workspace's) and the workspace's brand kit."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    items: tuple[MediaRef, ...] = ()
    brand: Brand = Field(default_factory=Brand)

    def get(self, media_id: str) -> MediaRef | None:
        return next((item for item in self.items if item.id == media_id), None)

    def pictures(self) -> list[MediaRef]:
        """The session's own images and clips, in the order added, logos left out: what a
        new storyboard shows, one per shot. A logo is an item shared by the workspace or the
        brand kit's logo."""
        logo = self.brand.logo.media if self.brand.logo else None
        return [
            item
            for item in self.items
            if item.kind in ("image", "clip") and not item.shared and item.id != logo
        ]


def load_media(workspace: Workspace, session_id: str) -> SessionMedia:
    """The session's media list (media_library.list_media) and the workspace's brand kit."""
    items = tuple(MediaRef.of(entry) for entry in list_media(workspace, session_id))
    return SessionMedia(items=items, brand=store.get_brand(workspace.engine))


def brand_ids(brand: Brand) -> frozenset[str]:
    """The media ids a brand kit names (its logo and font)."""
    return frozenset(i for i in (brand.logo.media if brand.logo else None, brand.font) if i)


def media_ids(storyboard: Storyboard) -> frozenset[str]:
    """Every media id a storyboard names (shot pictures, logo, font)."""
    return frozenset(media_id for media_id, _, _ in _uses(storyboard))


def _uses(storyboard: Storyboard) -> Iterable[tuple[str, str, str]]:
    """(media id, what it is used as, the kinds that may be used so) for every id it names."""
    for number, shot in enumerate(storyboard.shots, start=1):
        if shot.media:
            yield shot.media.id, f"shot {number}'s picture", "image clip"
    if storyboard.brand.logo:
        yield storyboard.brand.logo.media, "the logo", "image"
    if storyboard.brand.font:
        yield storyboard.brand.font, "the brand font", "font"


def check_media(
    storyboard: Storyboard, media: SessionMedia, *, known: frozenset[str] = frozenset()
) -> None:
    """StoryboardInvalid when `storyboard` names a media id the session does not have, or uses
    an item as what it is not (a font as a picture). Ids in `known` (those the version before
    already used) pass, so a media item removed later does not block unrelated edits."""
    for media_id, role, kinds in _uses(storyboard):
        item = media.get(media_id)
        if item is None:
            if media_id in known:
                continue
            listed = "; ".join(ref.line() for ref in media.items) or "none yet (add some first)"
            raise StoryboardInvalid(
                f"there is no media item {media_id} in this session for {role}; its media: {listed}"
            )
        if item.kind not in kinds.split():
            raise StoryboardInvalid(
                f"media item {media_id} is a {item.kind}, so it cannot be {role}"
            )
