"""Personalised storyboards: `{name}`-style variables in the text of shots, filled per person.

Only plain `{identifier}` placeholders are recognised and replaced (never `str.format`, so a
value or a template cannot reach attributes or indexes). A shot with no variable has the same
pixels for everyone, so the clip cache renders it once for a whole batch.
"""

from __future__ import annotations

import re
from typing import Any

from reelchat.errors import StoryboardInvalid
from reelchat.storyboard.models import Storyboard
from reelchat.storyboard.validation import parse_storyboard

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]{0,31})\}")
TEXT_FIELDS = ("title", "prompt", "negative_prompt", "narration", "caption")
MAX_VALUE_CHARS = 80


def variables_in(storyboard: Storyboard) -> set[str]:
    """Every variable name used anywhere in the storyboard's shots or script title."""
    found = set(PLACEHOLDER.findall(storyboard.script.title))
    for shot in storyboard.shots:
        for field in TEXT_FIELDS:
            found.update(PLACEHOLDER.findall(getattr(shot, field)))
    return found


def personal_shots(storyboard: Storyboard) -> list[int]:
    """1-based numbers of the shots whose pixels depend on a variable."""
    pixel_fields = ("title", "prompt", "negative_prompt")
    return [
        number
        for number, shot in enumerate(storyboard.shots, start=1)
        if any(PLACEHOLDER.search(getattr(shot, field)) for field in pixel_fields)
    ]


def _clean(name: str, value: Any) -> str:
    text = " ".join(str(value if value is not None else "").split())
    if not text:
        raise StoryboardInvalid(f"no value for {{{name}}}")
    if len(text) > MAX_VALUE_CHARS:
        raise StoryboardInvalid(
            f"the value for {{{name}}} is longer than {MAX_VALUE_CHARS} characters"
        )
    if PLACEHOLDER.search(text):
        raise StoryboardInvalid(f"the value for {{{name}}} contains a placeholder")
    return text


def fill(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER.sub(lambda match: values[match[1]], text)


def personalise(storyboard: Storyboard, values: dict[str, Any]) -> Storyboard:
    """The storyboard for one person; StoryboardInvalid names a missing or bad value."""
    needed = variables_in(storyboard)
    missing = sorted(name for name in needed if name not in values)
    if missing:
        raise StoryboardInvalid("missing value for " + ", ".join(f"{{{n}}}" for n in missing))
    clean = {name: _clean(name, values[name]) for name in needed}
    data = storyboard.model_dump(mode="json")
    data["script"]["title"] = fill(data["script"]["title"], clean)
    for shot in data["shots"]:
        for field in TEXT_FIELDS:
            shot[field] = fill(shot[field], clean)
    return parse_storyboard(data)


def templatise(storyboard: Storyboard, replacements: dict[str, str]) -> Storyboard:
    """Turn words into variables: {"Priya": "name"} puts {name} wherever "Priya" is written."""
    for word, name in replacements.items():
        if not word.strip() or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,31}", name):
            raise StoryboardInvalid(f"cannot make {word!r} into a variable called {name!r}")
    data = storyboard.model_dump(mode="json")
    pattern = re.compile(
        "|".join(re.escape(word) for word in sorted(replacements, key=len, reverse=True))
    )

    def swap(text: str) -> str:
        return pattern.sub(lambda match: "{" + replacements[match[0]] + "}", text)

    data["script"]["title"] = swap(data["script"]["title"])
    for shot in data["shots"]:
        for field in TEXT_FIELDS:
            shot[field] = swap(shot[field])
    return parse_storyboard(data)
