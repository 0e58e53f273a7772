"""Reads and writes of people's media: items by content, where each is listed, the brand kit."""

from __future__ import annotations

from sqlalchemy import Engine
from sqlmodel import select

from reelchat.errors import NotFound
from reelchat.store.database import transaction as _tx
from reelchat.store.tables import (
    WORKSPACE_SCOPE,
    BrandKit,
    ChatSession,
    MediaItem,
    MediaListing,
    StoryboardVersion,
    _now,
)
from reelchat.storyboard.models import Brand


def list_media_item(engine: Engine, *, item: MediaItem, scope: str, label: str) -> MediaListing:
    """Record `item` (once per content id) and list it in `scope` (a session id or
    WORKSPACE_SCOPE) under `label`; listing it again keeps the first label. A recorded item
    takes `item`'s stored-file facts (its file was made again after it had gone or was
    damaged)."""
    with _tx(engine) as db:
        stored = db.get(MediaItem, item.id)
        if stored is None:
            db.add(item)
        else:
            for fact in ("kind", "suffix", "bytes", "width", "height", "duration", "has_alpha"):
                setattr(stored, fact, getattr(item, fact))
        listing = db.get(MediaListing, (scope, item.id))
        if listing is None:
            listing = MediaListing(scope=scope, media_id=item.id, label=label)
            db.add(listing)
        return listing


def get_media_item(engine: Engine, *, media_id: str) -> MediaItem:
    """The media item with this id; NotFound when there is none."""
    with _tx(engine) as db:
        item = db.get(MediaItem, media_id)
        if item is None:
            raise NotFound(f"no media item with id {media_id!r} (`reelchat media list` shows them)")
        return item


def media_listings(engine: Engine, *, scope: str) -> list[tuple[MediaListing, MediaItem]]:
    """What `scope` lists, oldest first; a session's listing also holds the workspace's items
    (the logo), after its own."""
    scopes = [scope] if scope == WORKSPACE_SCOPE else [scope, WORKSPACE_SCOPE]
    with _tx(engine) as db:
        rows = db.exec(
            select(MediaListing, MediaItem)
            .join(MediaItem, MediaItem.id == MediaListing.media_id)  # type: ignore[arg-type]
            .where(MediaListing.scope.in_(scopes))  # type: ignore[attr-defined]
            .order_by(MediaListing.scope == WORKSPACE_SCOPE, MediaListing.added_at)  # type: ignore[arg-type]
        ).all()
        return list(rows)


def media_labels(engine: Engine, *, media_id: str) -> list[str]:
    """The labels `media_id` is listed under anywhere, oldest listing first."""
    with _tx(engine) as db:
        rows = db.exec(
            select(MediaListing.label)
            .where(MediaListing.media_id == media_id)
            .order_by(MediaListing.added_at)  # type: ignore[arg-type]
        ).all()
    return list(rows)


def unlist_media(engine: Engine, *, scope: str, media_id: str) -> bool:
    """Remove `media_id` from `scope`'s list; True when no scope lists it any more (its item
    row is then deleted too, and the caller may delete the file). NotFound when not listed."""
    with _tx(engine) as db:
        listing = db.get(MediaListing, (scope, media_id))
        if listing is None:
            raise NotFound(f"no media item {media_id!r} is listed here")
        db.delete(listing)
        db.flush()
        others = db.exec(select(MediaListing).where(MediaListing.media_id == media_id)).first()
        if others is None:
            item = db.get(MediaItem, media_id)
            if item is not None:
                db.delete(item)
            return True
        return False


def versions_using_media(
    engine: Engine, *, media_id: str, session_id: str | None = None
) -> list[tuple[StoryboardVersion, bool]]:
    """The storyboard versions (of `session_id` only, when given) whose text names `media_id`
    (a shot's picture, the logo or the font; the caller reads which), oldest first, each with
    whether it is its session's current version."""
    needle = f'%"{media_id}"%'
    query = (
        select(StoryboardVersion, ChatSession.current_version)
        .join(ChatSession, ChatSession.id == StoryboardVersion.session_id)  # type: ignore[arg-type]
        .where(StoryboardVersion.storyboard_json.like(needle))  # type: ignore[attr-defined]
    )
    if session_id is not None:
        query = query.where(StoryboardVersion.session_id == session_id)
    with _tx(engine) as db:
        found = db.exec(query.order_by(StoryboardVersion.id)).all()  # type: ignore[arg-type]
    return [(version, version.number == current) for version, current in found]


def get_brand(engine: Engine) -> Brand:
    """The workspace's brand kit (an empty Brand before one is set)."""
    with _tx(engine) as db:
        row = db.get(BrandKit, 1)
        return Brand.model_validate_json(row.brand_json) if row else Brand()


def set_brand(engine: Engine, *, brand: Brand) -> None:
    """Replace the workspace's brand kit."""
    with _tx(engine) as db:
        row = db.get(BrandKit, 1) or BrandKit(id=1)
        row.brand_json = brand.model_dump_json()
        row.updated_at = _now()
        db.add(row)
