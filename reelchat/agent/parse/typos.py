"""Misspelt words that name shots and pictures ("the sceond shot", "the screenshoot", "the
thrid picture") read as the words meant, never inside a value the person wants said."""

from __future__ import annotations

import re

from reelchat.agent.parse.clauses import VALUE_STARTS
from reelchat.agent.parse.references import NUMBER_WORDS, ORDINALS

_NOUNS = ("screenshot", "picture", "photo", "image")
_REAL_WORDS = frozenset(["fist", "firs", "forth", "eight", "tent", "mage", "sith", "teenth"])
"""Slips of an ordinal or a noun that are words of their own: left as written."""


def _slips(word: str) -> set[str]:
    """The common slips of `word`: a letter left out (words of 5 letters or more), two
    letters swapped, or a letter doubled."""
    slips = {word[:i] + word[i] + word[i:] for i in range(len(word))}
    slips |= {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    if len(word) >= 5:
        slips |= {word[:i] + word[i + 1 :] for i in range(len(word))}
    return slips - {word} - _REAL_WORDS - set(ORDINALS) - set(NUMBER_WORDS)


def _table(words: list[str]) -> dict[str, str]:
    return {slip: word for word in words for slip in _slips(word)}


_ORDINAL_SLIPS = _table([word for word in ORDINALS if len(word) >= 5])
_NOUN_SLIPS = _table(list(_NOUNS))
_NOUN = re.compile(r"\b(" + "|".join(map(re.escape, _NOUN_SLIPS)) + r")(s?)\b", re.IGNORECASE)
_ORDINAL = re.compile(
    r"\b(" + "|".join(map(re.escape, _ORDINAL_SLIPS)) + r")\b(?=\s+(?:(?:and|&|,)\s+(?:the\s+)?"
    r"\w+\s+)?(?:shots?|scenes?|ones?|clips?|" + "|".join(n + "s?" for n in _NOUNS) + r")\b)",
    re.IGNORECASE,
)


def _as_meant(table: dict[str, str], found: re.Match[str]) -> str:
    meant = table[found[1].lower()]
    return (meant.capitalize() if found[1][0].isupper() else meant) + "".join(found.groups()[1:])


def respelt(sentence: str) -> str:
    """`sentence` with slips of shot and picture words put right, up to where a value starts
    ("change the caption to ..."): what the person wants said keeps their spelling."""
    value = VALUE_STARTS.search(sentence)
    cut = value.end() if value else len(sentence)
    head = _NOUN.sub(lambda found: _as_meant(_NOUN_SLIPS, found), sentence[:cut])
    head = _ORDINAL.sub(lambda found: _as_meant(_ORDINAL_SLIPS, found), head)
    return head + sentence[cut:]
