"""Personalised storyboards: `{name}`-style variables in the text of shots, filled per person.

Only plain `{identifier}` placeholders are recognised and replaced (never `str.format`, so a
value or a template cannot reach attributes or indexes). A shot with no variable has the same
pixels for everyone, so the clip cache renders it once for a whole batch.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from reelchat.errors import StoryboardInvalid
from reelchat.storyboard.models import Storyboard
from reelchat.storyboard.validation import parse_storyboard

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]{0,31})\}")
SCRIPT_FIELDS = ("title", "audience", "tone", "logline", "text")
SHOT_FIELDS = ("title", "prompt", "negative_prompt", "narration", "caption", "style")
"""Every text a person reads, hears or a backend draws from: a template fills all of them alike,
so no field keeps the words of the person the template was made from."""
PIXEL_FIELDS = ("title", "prompt", "negative_prompt", "style")
GROUP_NOUNS = frozenset(
    {"team", "department", "group", "office", "division", "squad", "unit", "branch", "studio"}
    | {"lab", "crew", "club", "class"}
)
"""Nouns of a group that stay in the text around a variable: "the Design team" becomes
"the {team} team", so a CSV value "Support" reads "the Support team"."""
MAX_VALUE_CHARS = 80


def _map_texts(data: dict[str, Any], change: Callable[[str], str]) -> None:
    """Apply `change` to every text field of a dumped storyboard, in place."""
    for field in SCRIPT_FIELDS:
        data["script"][field] = change(data["script"][field])
    data["style"] = change(data["style"])
    for shot in data["shots"]:
        for field in SHOT_FIELDS:
            shot[field] = change(shot[field])


def _texts(storyboard: Storyboard) -> list[str]:
    script = storyboard.script
    return (
        [getattr(script, field) for field in SCRIPT_FIELDS]
        + [storyboard.style]
        + [getattr(shot, field) for shot in storyboard.shots for field in SHOT_FIELDS]
    )


def variables_in(storyboard: Storyboard) -> set[str]:
    """Every variable name used anywhere in the storyboard's script, style or shots."""
    return {name for text in _texts(storyboard) for name in PLACEHOLDER.findall(text)}


def personal_shots(storyboard: Storyboard) -> list[int]:
    """1-based numbers of the shots whose pixels depend on a variable (all of them when the
    storyboard's own style has one)."""
    if PLACEHOLDER.search(storyboard.style):
        return list(range(1, len(storyboard.shots) + 1))
    return [
        number
        for number, shot in enumerate(storyboard.shots, start=1)
        if any(PLACEHOLDER.search(getattr(shot, field)) for field in PIXEL_FIELDS)
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


_FILLED = re.compile(PLACEHOLDER.pattern + r"(?P<after>\s+(?P<next>[A-Za-z]+))?")


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with each `{name}` replaced by its value. A value that already ends with the group
    noun written after the placeholder does not repeat it: "{team} team" with "Support team"
    reads "Support team", as it does with "Support"."""

    def one(match: re.Match[str]) -> str:
        value, after = values[match[1]], match["after"] or ""
        noun = (match["next"] or "").lower()
        if noun in GROUP_NOUNS and value.lower().endswith(" " + noun):
            return value
        return value + after

    return _FILLED.sub(one, text)


def personalise(storyboard: Storyboard, values: dict[str, Any]) -> Storyboard:
    """The storyboard for one person; StoryboardInvalid names a missing or bad value."""
    needed = variables_in(storyboard)
    missing = sorted(name for name in needed if name not in values)
    if missing:
        raise StoryboardInvalid("missing value for " + ", ".join(f"{{{n}}}" for n in missing))
    clean = {name: _clean(name, values[name]) for name in needed}
    data = storyboard.model_dump(mode="json")
    _map_texts(data, lambda text: fill(text, clean))
    return parse_storyboard(data)


def _what_varies(phrase: str) -> str:
    """The part of a phrase that changes per person: "Design team" -> "Design" (the group noun
    stays in the text), "Mei Chen" -> "Mei Chen"."""
    head, _, last = phrase.strip().rpartition(" ")
    return head.strip() if head.strip() and last.lower() in GROUP_NOUNS else phrase.strip()


def template_words(replacements: dict[str, str]) -> dict[str, str]:
    """The words a template replaces and their variable names ({"Design team": "team"} ->
    {"Design": "team"}); StoryboardInvalid for an empty word or a name that is not an
    identifier."""
    words: dict[str, str] = {}
    for word, name in replacements.items():
        if not word.strip() or not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,31}", name):
            raise StoryboardInvalid(f"cannot make {word!r} into a variable called {name!r}")
        words.setdefault(_what_varies(word), name)
    return words


def templatise(storyboard: Storyboard, replacements: dict[str, str]) -> Storyboard:
    """Turn words into variables: {"Priya": "name"} puts {name} wherever "Priya" is written as
    a whole word, in every text field (script, style, shots). A phrase ending in a group noun
    keeps the noun: {"Design team": "team"} writes "the {team} team"."""
    words = template_words(replacements)
    data = storyboard.model_dump(mode="json")
    pattern = re.compile(
        "|".join(
            rf"(?<!\w){re.escape(word)}(?!\w)" for word in sorted(words, key=len, reverse=True)
        )
    )
    _map_texts(data, lambda text: pattern.sub(lambda match: "{" + words[match[0]] + "}", text))
    return parse_storyboard(data)
