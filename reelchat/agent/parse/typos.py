"""Misspelt words that name shots and pictures ("the sceond shot", "the screenshoot", "the
thrid picture") and lengths in words ("five seconds") read as meant, never inside a value the
person wants said."""

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


_SECONDS_IN_WORDS = re.compile(
    r"\b(" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True)) + r")(?=\s+(?:more\s+|extra\s+)?"
    r"(?:s|secs?|seconds?)\b)",
    re.IGNORECASE,
)
"""A length in words ("five seconds"): read as the number."""


def _as_meant(table: dict[str, str], found: re.Match[str]) -> str:
    meant = table[found[1].lower()]
    return (meant.capitalize() if found[1][0].isupper() else meant) + "".join(found.groups()[1:])


_SAID = re.compile(r"\b(?:say|says|saying|read|reads|reading|called|named|titled)\b", re.I)
"""Words after which the person's own words follow ("make shot 2 say ...")."""


_CHAT_SPELLINGS = {
    "wat": "what",
    "whats": "what's",
    "thats": "that's",
    "pls": "please",
    "plz": "please",
}
_CHAT = re.compile(r"\b(?:" + "|".join(_CHAT_SPELLINGS) + r")\b(?!')", re.IGNORECASE)
"""Common chat spellings, read as the words meant (whole words only)."""


def _value_start(sentence: str) -> int:
    """Where the person's own words start in `sentence` ("change the caption to ...", "make
    shot 2 say ..."); its length when it holds none."""
    found = [m.end() for m in (VALUE_STARTS.search(sentence), _SAID.search(sentence)) if m]
    return min(found or [len(sentence)])


def chat_spelt(sentence: str) -> str:
    """`sentence` with chat spellings ("pls", "whats") as the words meant, up to where a value
    starts: a caption "pls call us" keeps its spelling."""
    cut = _value_start(sentence)
    head = _CHAT.sub(lambda found: _CHAT_SPELLINGS[found[0].lower()], sentence[:cut])
    return head + sentence[cut:]


def respelt(sentence: str) -> str:
    """`sentence` with slips of shot and picture words put right and lengths in words as
    numbers, up to where a value starts ("change the caption to ...", "make shot 2 say
    ..."): what the person wants said keeps their spelling."""
    cut = _value_start(sentence)
    head = _NOUN.sub(lambda found: _as_meant(_NOUN_SLIPS, found), sentence[:cut])
    head = _ORDINAL.sub(lambda found: _as_meant(_ORDINAL_SLIPS, found), head)
    head = _SECONDS_IN_WORDS.sub(lambda found: str(NUMBER_WORDS[found[1].lower()]), head)
    return head + sentence[cut:]
