"""Turn pydantic's validation errors into one line a person can act on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from reelchat.errors import InputFileError, StoryboardInvalid
from reelchat.storyboard.models import Shot, Storyboard


def _place(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    items = list(loc)
    while items:
        item = items.pop(0)
        if item == "shots" and items and isinstance(items[0], int):
            parts.append(f"shot {items.pop(0) + 1}")
        elif isinstance(item, int):
            parts.append(f"item {item + 1}")
        else:
            parts.append(str(item))
    return " ".join(parts)


def describe(error: ValidationError) -> str:
    """'shot 3 duration: Input should be less than or equal to 20' (first error, plus a count)."""
    problems = error.errors(include_url=False)
    first = problems[0]
    place = _place(tuple(first["loc"]))
    message = first["msg"].removeprefix("Value error, ")
    text = f"{place}: {message}" if place else message
    if len(problems) > 1:
        text += f" (and {len(problems) - 1} more problem{'s' if len(problems) > 2 else ''})"
    return text


def parse_storyboard(data: str | bytes | dict[str, Any]) -> Storyboard:
    """A storyboard from JSON text or a dict, or StoryboardInvalid saying what is wrong."""
    try:
        if isinstance(data, dict):
            return Storyboard.model_validate(data)
        return Storyboard.model_validate_json(data)
    except ValidationError as error:
        raise StoryboardInvalid(f"invalid storyboard: {describe(error)}") from None


def read_storyboard_file(path: Path) -> str:
    """The text of a storyboard file the person named (UTF-8); InputFileError when it is
    missing or unreadable."""
    if not path.is_file():
        raise InputFileError(f"storyboard file not found: {path}")
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputFileError(f"cannot read {path}: {error}") from None


def build_shot(fields: dict[str, Any]) -> Shot:
    try:
        return Shot.model_validate(fields)
    except ValidationError as error:
        raise StoryboardInvalid(f"invalid shot: {describe(error)}") from None
