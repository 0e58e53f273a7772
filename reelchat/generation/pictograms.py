"""A pictogram for a shot: the emoji whose Unicode name or alias matches a noun of the prompt.

The keyword data is the `emoji` package's (Unicode CLDR short names plus GitHub-style aliases);
the pictures are the system's colour emoji font (Noto Color Emoji, Apache-2.0 / OFL), so nothing
is hand-drawn and every subject the Unicode emoji set names has a picture.
"""

from __future__ import annotations

from functools import lru_cache

import emoji
import regex

from reelchat.generation.fonts import font_for

FALLBACK = "🎬"
"""Clapper board: shown when no word of the prompt names an emoji."""

_SKIPPED_NAMES = ("button", "flag", "keycap", "skin_tone", "hair", "symbol", "sign", "mark")
"""Emoji whose names are about UI symbols, flags and variants rather than things in a scene."""

_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "on",
        "in",
        "at",
        "to",
        "for",
        "with",
        "from",
        "by",
        "over",
        "under",
        "into",
        "onto",
        "as",
        "is",
        "are",
        "be",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "their",
        "our",
        "your",
        "my",
        "his",
        "her",
        "very",
        "more",
        "most",
        "some",
        "any",
        "each",
        "every",
        "new",
        "first",
        "last",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "up",
        "down",
        "out",
        "off",
        "about",
        "why",
        "how",
        "what",
        "when",
        "where",
        "who",
        "which",
        "while",
        "shot",
        "scene",
        "view",
        "close",
        "wide",
        "clean",
        "flat",
        "bright",
        "friendly",
        "illustration",
        "style",
        "colour",
        "color",
        "colours",
        "colors",
        "soft",
        "warm",
        "cool",
        "light",
        "dark",
        "simple",
        "modern",
    "face",
    "faces",
    ]
)


@lru_cache(maxsize=1)
def _index() -> dict[str, list[tuple[int, str]]]:
    """word -> [(rank, emoji)]: rank 0 when the word is the whole name, 1 when it is the
    name's last word (its head noun: 'phone' in 'mobile phone'), 2 for any other word."""
    index: dict[str, list[tuple[int, str]]] = {}
    for char, data in emoji.EMOJI_DATA.items():
        if data.get("status") != emoji.STATUS["fully_qualified"]:
            continue
        names = [data["en"], *data.get("alias", [])]
        if any(part in data["en"] for part in _SKIPPED_NAMES) or not _drawable(char):
            continue
        for name in names:
            words = name.strip(":").lower().split("_")
            for position, word in enumerate(words):
                rank = 0 if len(words) == 1 else 1 if position == len(words) - 1 else 2
                index.setdefault(word, []).append((rank, char))
    return index


def _drawable(char: str) -> bool:
    """One codepoint (plus an optional presentation selector) that a colour font here has."""
    bare = char.replace("\ufe0f", "")
    if len(bare) != 1:
        return False
    found = font_for(bare)
    return found is not None and found.colour


def _forms(word: str) -> list[str]:
    """The word and its singular ('cities' -> 'city', 'boxes' -> 'box', 'books' -> 'book')."""
    forms = [word]
    if word.endswith("ies"):
        forms.append(word[:-3] + "y")
    if word.endswith("es"):
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss"):
        forms.append(word[:-1])
    return forms


def pictogram_for(*texts: str) -> str:
    """The emoji for the first text's subject (later texts are tried when it names none).

    Emoji named by a word alone, or whose name ends in it (its head noun: 'phone' in 'mobile
    phone'), come first, and the last such word wins: prompts open with the recurring character
    or setting ("Maya, a new designer with a backpack, ...") and end on what is new in the shot
    ("..., laptop, coffee"). Any other word of a name ('button' in 'three-button mouse') is the
    last resort before the clapper board."""
    for text in texts:
        best: tuple[bool, int, int, str] | None = None
        for position, word in enumerate(regex.findall(r"\p{L}+", text.lower())):
            if word in _STOPWORDS or len(word) < 3:
                continue
            for form in _forms(word):
                for rank, char in _index().get(form, []):
                    key = (rank == 2, -position, rank, char)
                    if best is None or key < best:
                        best = key
        if best is not None:
            return best[3]
    return FALLBACK
