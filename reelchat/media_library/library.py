"""Add, list and remove a person's media: copy in, decide the kind by decoding, normalise,
store the file atomically and then its row; one item per content."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from reelchat import store
from reelchat.config import Settings
from reelchat.errors import InputFileError, MediaRefused, NotFound
from reelchat.generation.media import atomic_output
from reelchat.media_library.clips import (
    is_container,
    looks_like_clip,
    normalise_clip,
    read_facts,
    stored_facts,
)
from reelchat.media_library.fonts import check_font, font_signature
from reelchat.media_library.images import is_image, normalise_image
from reelchat.media_library.labels import clean_label
from reelchat.store.tables import WORKSPACE_SCOPE, MediaItem, MediaKind, MediaListing
from reelchat.workspace import Workspace

ACCEPTED = "PNG, JPEG or WebP images, MP4, MOV or WebM clips, TTF or OTF fonts"
SOFT_BELOW = 320
"""Short side, in pixels, under which a picture or clip is noted as soft when it fills a frame
(the smallest render size, 360p, enlarges it more than 1.1x there)."""
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class MediaEntry:
    """A media item as a scope (a session id, or WORKSPACE_SCOPE) lists it."""

    id: str
    """16 hex digits: the start of the SHA-256 of the file as it was added."""
    kind: MediaKind
    label: str
    """The original file name, cleaned: shown only, never a path."""
    width: int
    height: int
    duration: float
    """Seconds, for clips; 0 otherwise."""
    has_alpha: bool
    scope: str
    bytes: int
    """Size of the stored (normalised) file."""

    @property
    def notes(self) -> tuple[str, ...]:
        """What the person should know about the item as added (nothing refused): a picture
        or clip under SOFT_BELOW pixels on its short side looks soft when it fills a frame."""
        short = min(self.width, self.height)
        if self.kind is MediaKind.font or not short or short >= SOFT_BELOW:
            return ()
        return (
            f"{self.label} is only {self.width}x{self.height} px: it will look soft (blurred) "
            f"when it fills the frame; a version at least {SOFT_BELOW} px on its short side "
            "stays sharp",
        )


def add_media(
    workspace: Workspace,
    source: Path | bytes,
    *,
    scope: str,
    label: str | None = None,
    settings: Settings | None = None,
) -> MediaEntry:
    """Add a picture, clip or font to `scope`'s media (a session id, or WORKSPACE_SCOPE).

    `source` is a file the person names (read only; nothing is written beside it) or the
    file's bytes. Its kind is decided by decoding the content, never by its name. Images are
    stored as PNG (upright, sRGB, RGB or RGBA, no metadata), clips as H.264 MP4 (no audio, no
    metadata), fonts as they came, under `<workspace>/media/<id>.<suffix>`, the id being the
    first 16 hex digits of the SHA-256 of the bytes as added; the same file added again is the
    same item. Limits come from `settings` (media_max_bytes, media_max_pixels,
    media_max_clip_seconds). Raises MediaRefused (one sentence; nothing is stored), InputFileError
    (no such file) or NotFound (no such session).
    """
    settings = settings or Settings()
    engine = workspace.engine
    if scope != WORKSPACE_SCOPE:
        store.get_session(engine, session_id=scope)
    named = label or (source.name if isinstance(source, Path) else None)
    shown = clean_label(named, fallback="the upload")
    incoming = _incoming_copy(workspace, source, name=shown, limit=settings.media_max_bytes)
    with incoming as (copy, digest):
        media_id = digest[:16]
        name = clean_label(named, fallback=f"media {media_id[:8]}")
        item = _stored_item(workspace, media_id)
        if item is None:
            item = _normalise(workspace, copy, media_id=media_id, name=name, settings=settings)
    listing = store.list_media_item(engine, item=item, scope=scope, label=name)
    return _entry(listing, item)


def attach_media(workspace: Workspace, media_ids: list[str], *, scope: str) -> list[MediaEntry]:
    """List media items that were already added (by any session or the workspace) in `scope`
    too, in the order given, under the label they were added with: how a host's agent passes
    pictures by id. Every id is checked before anything is listed: NotFound names the first
    unknown one (nothing is listed then)."""
    engine = workspace.engine
    items = [store.get_media_item(engine, media_id=media_id) for media_id in media_ids]
    entries = []
    for item in items:
        labels = store.media_labels(engine, media_id=item.id)
        label = labels[0] if labels else f"media {item.id[:8]}"
        entries.append(_entry(store.list_media_item(engine, item=item, scope=scope, label=label),
                              item))  # fmt: skip
    return entries


def list_media(workspace: Workspace, scope: str) -> list[MediaEntry]:
    """`scope`'s media, oldest first; a session's list ends with the workspace's items."""
    return [_entry(listing, item) for listing, item in store.media_listings(
        workspace.engine, scope=scope)]  # fmt: skip


MIN_ID_PREFIX = 6
"""Fewest leading characters of an id that name a media item (when only one id starts so)."""


def find_media(workspace: Workspace, scope: str, text: str) -> MediaEntry:
    """The item `scope` lists (`list_media`) whose id is `text`, or the only one whose id
    starts with it (at least MIN_ID_PREFIX characters, case-insensitive). NotFound naming
    what to type when none or several match."""
    wanted = text.strip().lower()
    entries = list_media(workspace, scope)
    exact = [entry for entry in entries if entry.id == wanted]
    found = exact or [entry for entry in entries if entry.id.startswith(wanted)]
    if len(found) == 1 and (exact or len(wanted) >= MIN_ID_PREFIX):
        return found[0]
    if len(found) > 1:
        ids = ", ".join(entry.id for entry in found[:4])
        raise NotFound(
            f"{len(found)} media items start with {wanted!r} ({ids}); give more of the id"
        )
    raise NotFound(
        f"no media item {wanted!r} here (an id, or its first {MIN_ID_PREFIX} or more "
        "characters): `reelchat media list` shows them"
    )


@dataclass(frozen=True)
class MediaUse:
    """One storyboard version that shows a media item, and where."""

    session_id: str
    version: int
    current: bool
    """True for the session's current version (the one a render makes)."""
    parts: tuple[str, ...]
    """Where it is used: 'shot 2', 'the logo', 'the font'."""


def media_uses(
    workspace: Workspace, media_id: str, session_id: str | None = None
) -> list[MediaUse]:
    """The storyboard versions (of `session_id` only, when given) that show `media_id`, oldest
    first, each with the shots (1-based) and brand parts that use it."""
    uses = []
    for row, current in store.versions_using_media(
        workspace.engine, media_id=media_id, session_id=session_id
    ):
        board = row.storyboard
        parts = [
            f"shot {number}"
            for number, shot in enumerate(board.shots, start=1)
            if shot.media is not None and shot.media.id == media_id
        ]
        if board.brand.logo is not None and board.brand.logo.media == media_id:
            parts.append("the logo")
        if board.brand.font == media_id:
            parts.append("the font")
        if parts:
            uses.append(MediaUse(row.session_id, row.number, current, tuple(parts)))
    return uses


def remove_media(workspace: Workspace, scope: str, media_id: str, *, force: bool = False) -> None:
    """Take `media_id` off `scope`'s list; the stored file is deleted once no scope lists it.

    Refused (MediaRefused, naming the shots) while the brand kit (for the workspace) or a
    session's current storyboard uses it: for a session, its own storyboards; for the
    workspace, any session's. When only older versions use it (they are kept for restoring and
    never deleted) it is refused unless `force`: rendering such a version again then fails only
    the shots that show it, with a sentence naming the item. NotFound when not listed.
    """
    engine = workspace.engine
    item = store.get_media_item(engine, media_id=media_id)
    brand = store.get_brand(engine)
    if scope == WORKSPACE_SCOPE and media_id in (
        brand.logo.media if brand.logo else None,
        brand.font,
    ):
        role = "font" if brand.font == media_id else "logo"
        raise MediaRefused(
            f"media {media_id} is the brand kit's {role}; set another one (or clear it) first"
        )
    uses = media_uses(workspace, media_id, None if scope == WORKSPACE_SCOPE else scope)
    if current := [use for use in uses if use.current]:
        where = "; ".join(f"session {u.session_id}: {', '.join(u.parts)}" for u in current)
        raise MediaRefused(
            f"media {media_id} is used by the current storyboard ({where}): take it out of "
            "those shots (or the brand) first"
        )
    if uses and not force:
        where = "; ".join(f"session {u.session_id} version {u.version}" for u in uses)
        raise MediaRefused(
            f"media {media_id} is used only by older storyboard versions ({where}), which are "
            "kept so they can be restored; remove it anyway with --force, and rendering those "
            "versions again will fail only the shots that show it"
        )
    if store.unlist_media(engine, scope=scope, media_id=media_id):
        workspace.media_file(media_id, item.suffix).unlink(missing_ok=True)


def forget_session_media(workspace: Workspace, session_id: str) -> None:
    """Take everything off a deleted (or never-finished) session's list, deleting the files no
    other session or the workspace lists; the workspace's own items are left alone."""
    engine = workspace.engine
    for listing, item in store.media_listings(engine, scope=session_id):
        if listing.scope == session_id and store.unlist_media(
            engine, scope=session_id, media_id=item.id
        ):
            workspace.media_file(item.id, item.suffix).unlink(missing_ok=True)


def media_file(
    workspace: Workspace, media_id: str, *, kinds: Collection[MediaKind] = tuple(MediaKind)
) -> Path:
    """The stored file of media item `media_id`, which must be one of `kinds`: the one lookup
    of a media file, for lists, previews and renders alike.

    Errors name the item by its label and id: NotFound when there is no such item (no list
    holds it any more, so its file was deleted); InputFileError when it is another kind, or
    its file has gone from `<workspace>/media` or is damaged (not the size it was stored at).
    Adding the file again repairs a missing or damaged one."""
    try:
        item = store.get_media_item(workspace.engine, media_id=media_id)
    except NotFound:
        raise NotFound(
            f"media item {media_id} is not in the workspace any more: add the file again "
            "(`reelchat media add`) or choose another one"
        ) from None
    labels = store.media_labels(workspace.engine, media_id=media_id)
    name = f"{labels[0]!r} (media item {media_id})" if labels else f"media item {media_id}"
    if item.kind not in kinds:
        wanted = " or ".join(_a(kind) for kind in kinds)
        raise InputFileError(f"{name} is {_a(MediaKind(item.kind))}; it must be {wanted}")
    path = workspace.media_file(media_id, item.suffix)
    if not path.is_file():
        raise InputFileError(
            f"the file of {name} is missing from {workspace.media_dir}: add the file again "
            "(`reelchat media add`)"
        )
    if not _intact(path, item):
        raise InputFileError(
            f"the file of {name} in {workspace.media_dir} is damaged ({path.stat().st_size:,} "
            f"bytes; it was stored with {item.bytes:,}): add the file again (`reelchat media add`)"
        )
    return path


def _a(kind: MediaKind) -> str:
    return f"{'an' if kind is MediaKind.image else 'a'} {kind.value}"


def _intact(path: Path, item: MediaItem) -> bool:
    """Whether the stored file is still the size it was stored at (a cut or overwritten file
    is not)."""
    return path.stat().st_size == item.bytes


def _entry(listing: MediaListing, item: MediaItem) -> MediaEntry:
    return MediaEntry(
        id=item.id, kind=MediaKind(item.kind), label=listing.label, width=item.width,
        height=item.height, duration=item.duration, has_alpha=item.has_alpha,
        scope=listing.scope, bytes=item.bytes,
    )  # fmt: skip


def _stored_item(workspace: Workspace, media_id: str) -> MediaItem | None:
    """The item already stored under this content id, if its file is in place and intact."""
    try:
        item = store.get_media_item(workspace.engine, media_id=media_id)
    except NotFound:
        return None
    path = workspace.media_file(media_id, item.suffix)
    return item if path.is_file() and _intact(path, item) else None


@contextlib.contextmanager
def _incoming_copy(
    workspace: Workspace, source: Path | bytes, *, name: str, limit: int
) -> Iterator[tuple[Path, str]]:
    """A private copy of `source` in the workspace's media folder (so what is decoded is what
    was hashed, and nothing is written beside the person's file) with its SHA-256; removed
    afterwards. MediaRefused (naming it `name`) when it is empty or larger than `limit` bytes."""
    folder = workspace.media_dir
    folder.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=".incoming-", dir=folder)
    temp = Path(temp_name)
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out:
            for chunk in _chunks(source):
                out.write(chunk)
                digest.update(chunk)
                if out.tell() > limit:
                    raise MediaRefused(
                        f"{name} is larger than the {limit / 1024**2:,.0f} MiB a media file may "
                        "be (REELCHAT_MEDIA_MAX_BYTES); make it smaller and add it again"
                    )
            if out.tell() == 0:
                raise MediaRefused(f"{name} is empty")
        yield temp, digest.hexdigest()
    finally:
        temp.unlink(missing_ok=True)


def _chunks(source: Path | bytes) -> Iterator[bytes]:
    if isinstance(source, bytes):
        for start in range(0, len(source), _CHUNK):
            yield source[start : start + _CHUNK]
        return
    path = source.expanduser()
    if not path.is_file():
        raise InputFileError(f"{source} is not a file (check the name and folder)")
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                yield chunk
    except OSError as error:
        raise InputFileError(f"{source} could not be read: {error.strerror}") from None


def _normalise(
    workspace: Workspace, copy: Path, *, media_id: str, name: str, settings: Settings
) -> MediaItem:
    """Decide the kind of `copy` by its content, write the normalised file atomically and
    return its row (not yet stored)."""
    with open(copy, "rb") as handle:
        head = handle.read(16)
    if font_signature(head):
        suffix = check_font(copy, name=name)
        target = workspace.media_file(media_id, suffix)
        with atomic_output(target) as temp:
            temp.write_bytes(copy.read_bytes())
        return MediaItem(
            id=media_id, kind=MediaKind.font, suffix=suffix, bytes=target.stat().st_size
        )
    if is_image(copy):
        still = normalise_image(copy, name=name, max_pixels=settings.media_max_pixels)
        target = workspace.media_file(media_id, "png")
        with atomic_output(target) as temp:
            temp.write_bytes(still.png)
        return MediaItem(
            id=media_id, kind=MediaKind.image, suffix="png", bytes=len(still.png),
            width=still.width, height=still.height, has_alpha=still.has_alpha,
        )  # fmt: skip
    if not is_container(copy):
        if looks_like_clip(head):
            raise MediaRefused(
                f"{name} is a damaged or truncated clip (FFmpeg could not read it); export it "
                "again and add the new file"
            )
        raise MediaRefused(f"{name} is not something reelchat can use: it takes {ACCEPTED}")
    read_facts(copy, name=name, max_seconds=settings.media_max_clip_seconds)
    target = workspace.media_file(media_id, "mp4")
    with atomic_output(target) as temp:
        normalise_clip(copy, temp, name=name, max_seconds=settings.media_max_clip_seconds)
        width, height, seconds = stored_facts(
            temp, name=name, max_seconds=settings.media_max_clip_seconds
        )
    return MediaItem(
        id=media_id, kind=MediaKind.clip, suffix="mp4", bytes=target.stat().st_size,
        width=width, height=height, duration=round(seconds, 3),
    )  # fmt: skip
