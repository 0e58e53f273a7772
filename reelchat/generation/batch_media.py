"""A batch's per-person pictures: a template shot whose `media` is a `{column}` placeholder
shows the file that column names, found inside the batch's media folder (--media-dir).

    {"title": "Welcome", "prompt": "...", "media": "{photo}"}
    {"title": "Welcome", "prompt": "...", "media": {"id": "{photo}", "focus": {...}}}

The file must lie inside the media folder: an absolute path, a `..` part, or a symbolic link
pointing out of the folder is refused for that row only, as is a missing or unusable file.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from reelchat.errors import MediaRefused, StoryboardInvalid
from reelchat.storyboard.models import ShotMedia, Storyboard
from reelchat.storyboard.validation import parse_storyboard, read_storyboard_file
from reelchat.storyboard.variables import PLACEHOLDER


@dataclass(frozen=True)
class MediaSlot:
    """A template shot whose picture is named per person by a CSV column."""

    shot: int
    """0-based position of the shot in the template."""
    column: str
    focus: dict[str, float] | None = None
    highlight: dict[str, float] | None = None


@dataclass(frozen=True)
class BatchTemplate:
    storyboard: Storyboard
    """The template with the placeholder shots' `media` left empty."""
    slots: tuple[MediaSlot, ...] = ()


def load_template(path: Path) -> BatchTemplate:
    """Read a batch template (storyboard JSON, possibly with `"media": "{column}"` shots);
    InputFileError or StoryboardInvalid when it cannot be used."""
    text = read_storyboard_file(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        return BatchTemplate(parse_storyboard(text))  # StoryboardInvalid says what is wrong
    slots = []
    for position, shot in enumerate(data.get("shots") or []):
        slot = _slot(position, shot) if isinstance(shot, dict) else None
        if slot is not None:
            slots.append(slot)
            shot["media"] = None
    return BatchTemplate(parse_storyboard(data), tuple(slots))


def _slot(position: int, shot: dict[str, Any]) -> MediaSlot | None:
    media = shot.get("media")
    reference = media.get("id") if isinstance(media, dict) else media
    if not isinstance(reference, str):
        return None
    match = PLACEHOLDER.fullmatch(reference.strip())
    if match is None:
        return None
    extra = media if isinstance(media, dict) else {}
    slot = MediaSlot(position, match[1], extra.get("focus"), extra.get("highlight"))
    try:  # the regions are checked now, against a stand-in id, not at the first person
        ShotMedia(id="0" * 16, focus=slot.focus, highlight=slot.highlight)  # type: ignore[arg-type]
    except ValueError as error:
        raise StoryboardInvalid(
            f"shot {position + 1}'s media regions are invalid: {error}"
        ) from None
    return slot


def find_photo(media_dir: Path, column: str, value: str) -> Path:
    """The file `value` (a CSV cell) names inside `media_dir`; MediaRefused (said for the row)
    when it is empty, absolute, climbs out with `..`, is or passes a symbolic link pointing
    out of the folder, or is not a file there."""
    name = value.strip()
    if not name:
        raise MediaRefused(f"no value for {{{column}}} (the picture file's name)")
    shown = json.dumps(name, ensure_ascii=False)
    if (
        PurePosixPath(name).is_absolute()
        or PureWindowsPath(name).is_absolute()
        or (PureWindowsPath(name).drive)
    ):
        raise MediaRefused(
            f"{{{column}}} {shown} is an absolute path; name a file inside --media-dir"
        )
    if ".." in PurePosixPath(name.replace("\\", "/")).parts:
        raise MediaRefused(f"{{{column}}} {shown} leads out of --media-dir (a '..' in it)")
    root = media_dir.resolve()
    candidate = root / name
    try:
        real = candidate.resolve(strict=True)
    except (FileNotFoundError, NotADirectoryError):
        raise MediaRefused(f"{{{column}}}: there is no file {shown} in --media-dir") from None
    except (OSError, RuntimeError) as error:  # a link loop
        raise MediaRefused(f"{{{column}}} {shown} cannot be opened ({error})") from None
    if not real.is_relative_to(root):
        raise MediaRefused(
            f"{{{column}}} {shown} is a symbolic link pointing out of --media-dir; copy the "
            "picture into the folder instead"
        )
    if not real.is_file():
        raise MediaRefused(f"{{{column}}} {shown} is not a file")
    return real


def content_id(path: Path) -> str:
    """The media id the file at `path` gets when added: the first 16 hex digits of its SHA-256."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()[:16]


def with_pictures(
    storyboard: Storyboard, slots: tuple[MediaSlot, ...], ids: list[str]
) -> Storyboard:
    """`storyboard` with each slot's shot showing the media item of the matching id."""
    shots = list(storyboard.shots)
    for slot, media_id in zip(slots, ids, strict=True):
        media = ShotMedia.model_validate(
            {"id": media_id, "focus": slot.focus, "highlight": slot.highlight}
        )
        shots[slot.shot] = shots[slot.shot].model_copy(update={"media": media})
    return storyboard.model_copy(update={"shots": shots})
