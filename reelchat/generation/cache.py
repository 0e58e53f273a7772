"""The clip cache: a clip's key, where it lives, and reusing it instead of rendering again.

A key hashes the backend's `name` (every setting that changes pixels) with the request fields
that backend consumes (`consumes`; all of them when it does not say; `consumes_with_media` for
a shot showing a person's picture or clip). So renaming a shot does not re-render it on a
backend that never draws the title, a brand colour change does not re-render a picture the
animatic draws no colour on, and a chained shot's key holds the
key of the shot it continues from. Everything that needs a key or a clip's path asks here.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

from reelchat import store
from reelchat.errors import RenderFailed
from reelchat.generation.backend import ShotRequest, VideoBackend
from reelchat.generation.media import atomic_output, first_frame, last_frame
from reelchat.storyboard.models import Storyboard
from reelchat.workspace import Workspace

REQUEST_FIELDS = frozenset(
    name for name, info in ShotRequest.model_fields.items() if not info.exclude
)
"""Request fields that can decide pixels (the condition frame is covered by condition_key)."""


def consumed_fields(backend: VideoBackend, request: ShotRequest | None = None) -> frozenset[str]:
    """The request fields `backend` declares it uses (`consumes`), all of them by default; for
    a `request` showing a person's picture or clip, those it declares for such shots
    (`consumes_with_media`) when it does.

    Raises ValueError when a backend names a field ShotRequest does not have."""
    declared = getattr(backend, "consumes", None)
    if request is not None and request.media is not None:
        declared = getattr(backend, "consumes_with_media", None) or declared
    if declared is None:
        return REQUEST_FIELDS
    unknown = set(declared) - REQUEST_FIELDS
    if unknown:
        raise ValueError(f"{type(backend).__name__} consumes unknown fields {sorted(unknown)}")
    return frozenset(declared) | {"condition_key"}


UNSET_LEFT_OUT = frozenset({"media", "palette", "font"})
"""Inputs that joined the request later: left out of the key while unset, so clips rendered
before them keep their keys."""


def cache_key(backend: VideoBackend, request: ShotRequest) -> str:
    """Same backend and same consumed inputs, same key, same file: the clip cache's address
    (32 hex characters of a SHA-256)."""
    fields = request.model_dump(mode="json", include=set(consumed_fields(backend, request)))
    for name in UNSET_LEFT_OUT & fields.keys():
        if not fields[name]:
            del fields[name]
    payload = json.dumps({"backend": backend.name, **fields}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:32]


def shot_requests(storyboard: Storyboard, backend: VideoBackend) -> list[tuple[ShotRequest, str]]:
    """Every shot's request and cache key, in order. When the backend chains shots, a shot's
    key includes the key of the shot before it, so changing one shot re-renders those after."""
    planned: list[tuple[ShotRequest, str]] = []
    previous = ""
    for shot in storyboard.shots:
        request = ShotRequest.for_shot(storyboard, shot)
        if backend.chains_shots and previous:
            request = request.model_copy(update={"condition_key": previous})
        key = cache_key(backend, request)
        planned.append((request, key))
        previous = key
    return planned


def clips_changed(backend: VideoBackend, old: Storyboard, new: Storyboard) -> frozenset[str]:
    """Ids of the shots of `new` whose clip `backend` must render again after an edit from
    `old`: new shots, and those whose cache key differs (what the backend consumes changed; a
    brand font or logo, laid over at the stitch, changes no clip)."""
    before = {
        shot.id: key for shot, (_, key) in zip(old.shots, shot_requests(old, backend), strict=True)
    }
    return frozenset(
        shot.id
        for shot, (_, key) in zip(new.shots, shot_requests(new, backend), strict=True)
        if before.get(shot.id) != key
    )


def clip_path(workspace: Workspace, session_id: str, key: str) -> Path:
    """Where the clip with `key` lives in a session (it may not exist yet)."""
    return workspace.clip_path(session_id, key)


def shot_clips(workspace: Workspace, session_id: str) -> dict[str, Path]:
    """For each shot id, its most recently finished clip in this session (files that exist)."""
    keys = store.shot_clip_keys(workspace.engine, session_id=session_id)
    paths = {shot_id: clip_path(workspace, session_id, key) for shot_id, key in keys.items()}
    return {shot_id: path for shot_id, path in paths.items() if path.exists()}


def thumbnail(clip: Path) -> Path:
    """A PNG of the clip's first frame beside it, made once."""
    image = clip.with_name(f"{clip.stem}-first.png")
    if not image.exists():
        first_frame(clip, image)
    return image


def condition_frame(workspace: Workspace, session_id: str, request: ShotRequest) -> ShotRequest:
    """For a chained shot, the request with the last frame of the clip it continues from (a
    PNG beside that clip). RenderFailed when that clip is not there yet."""
    if not request.condition_key:
        return request
    previous = clip_path(workspace, session_id, request.condition_key)
    if not previous.exists():
        raise RenderFailed("it continues from the shot before it, which has no clip yet")
    frame = previous.with_name(f"{request.condition_key}-last.png")
    if not frame.exists():
        last_frame(previous, frame)
    return request.model_copy(update={"condition_frame": frame})


def _link_or_copy(source: Path, target: Path) -> None:
    with atomic_output(target) as temp:
        temp.unlink()
        try:
            os.link(source, temp)
        except OSError:
            shutil.copyfile(source, temp)


def reuse_clip(workspace: Workspace, session_id: str, key: str) -> bool:
    """True when the clip with `key` exists already: in this session, or in another one (then
    hard-linked or copied here and recorded for this session)."""
    engine = workspace.engine
    path = clip_path(workspace, session_id, key)
    known = store.find_clip(engine, session_id=session_id, key=key)
    if known is not None and path.exists():
        return True
    elsewhere = store.find_clip_anywhere(engine, key=key)
    if elsewhere is None:
        return False
    source = workspace.resolve(elsewhere.session_id, elsewhere.path)
    if not source.exists():
        return False
    _link_or_copy(source, path)
    store.record_clip(engine, clip=elsewhere.model_copy(update={"session_id": session_id}))
    return True
