"""Split a message into sentences and clauses, one change each.

Sentences end at . ! ? ; and a line break. A sentence splits further at commas, "and", "then",
"also" and "plus", except where the words after them only name more shots ("swap shots 3 and 4",
"remove shot 2 and shot 3"), and except inside a quoted or free-text value ("change the caption
of shot 2 to Hello, World")."""

from __future__ import annotations

import re

from PIL import ImageColor

from reelchat.agent.parse.references import (
    NUMBER_WORDS,
    ORD_LIST,
    ORD_OR_END,
    REFERENCE,
    TITLED,
)

_SENTENCE = re.compile(r"(?<=[.!?;])\s+|\n+|\s*;\s*")
_JOINER = re.compile(
    r"\s*,\s*(?:and\s+(?:then\s+)?|then\s+|also\s+|plus\s+)?|\s+(?:and\s+then|and\s+also|and|"
    r"then|also|plus|as well as)\s+",
    re.IGNORECASE,
)
VALUE_STARTS = re.compile(
    r"\b(?:caption|narration|voice-?over|title|text|prompt|says?|reads?|renamed?|call(?:ed)?)\b"
    r".*?(?:\bto\b|:|=|\bsays?\b|\breads?\b|\bwith\b|\bcalled\b)\s|\breplace\b.*\bwith\s|"
    r"\b(?:welcom\w*|demo|explain\w*)\b(?!\s+(?:shot|scene)s?\b)|\babout\s",
    re.IGNORECASE,
)
_LEADING = re.compile(
    r"^(?:(?:ok(?:ay)?|so|hmm+|well|actually|now|and|also|then|alright|right|oh|um|"
    r"please|pls|hey|hi|hello|great|cool|perfect|nice|thanks|thank you)\b[\s,!]*)+|"
    r"^(?:can|could|would|will) you(?: please)?\s+|^i(?:'d| would) like (?:you )?to\s+|"
    r"^(?:let's|lets)\s+|^i want (?:you )?to\s+|"
    r"^(?:i'?d|i would|we'?d|we would) love (?:you )?to\s+",
    re.IGNORECASE,
)


FILE_NAME = re.compile(
    r"(?<![\w/\\.-])([\w][\w.()-]*\.(?:png|jpe?g|webp|gif|mp4|mov|webm|ttf|otf))\b", re.I
)
"""A file name as said (no spaces); names with spaces are found by their whole label."""
_FILES_ONLY = re.compile(rf"^(?:{FILE_NAME.pattern}[\s,&]*)+$", re.I)
_FILE_FIRST = re.compile(rf"^{FILE_NAME.pattern}", re.I)


def _listed_files(head: str, piece: str) -> bool:
    """True when `piece` names more files for `head` ("show home.png" + "export.png", or +
    "mei-photo.jpg in shots 1 to 3"): `head` ends with a file name and names no shot."""
    return bool(
        (_FILES_ONLY.match(piece) or _FILE_FIRST.match(piece))
        and re.search(rf"{FILE_NAME.pattern}$", head, re.I)
        and not REFERENCE.search(head)
    )


PLACED_MEDIA = re.compile(
    rf"\b(?:the|my|our)\s+(?P<places>{ORD_LIST})\s+(?P<noun>screen-?shots?|pictures?|images?|"
    r"photos?|pics?|clips?)\b",
    re.I,
)
"""Pictures named by their places: "the first and second screenshots"."""

_FIXED = re.compile(r"\b(?:black and white|rock and roll|salt and pepper|q and a)\b", re.I)
"""Phrases whose 'and' joins no two changes."""


_COLOUR_ONLY = re.compile(
    r"^(?:more\s+)?(?:red|orange|yellow|gold|green|teal|blue|purple|violet|pink|magenta|brown|grey|"
    r"gray)(?:\s+(?:ones?|tones?|colou?rs?))?$",
    re.I,
)
"""A piece that is only a colour ("more orange and red"): it joins the colours before it."""


def _colour_names_only(piece: str) -> bool:
    """True when `piece` is only CSS colour names ("white", "dark blue", "light-green")."""
    words = re.findall(r"[a-z]+", piece.lower())
    return bool(words) and (
        "".join(words) in ImageColor.colormap or all(w in ImageColor.colormap for w in words)
    )


_BETWEEN = re.compile(r"\bbetween\s+(?:(?:shots?|scenes?)\s+)?\w+$", re.I)
"""A piece ending "between 2": its "and" names the other shot ("add a shot between 2 and 3...")."""


_HEX_ONLY = re.compile(r"^(?:#[0-9a-f]{3}(?:[0-9a-f]{3})?\b[\s,&]*)+$", re.I)
"""A piece that is only colour codes ("#ff6600 and #003366"): it joins the codes before it."""
_LOGO_TAIL = re.compile(
    r"^(?:(?:make|making|have|keep|put|move|place)\s+(?:it|the\s+logo)\s+)?"
    r"(?:(?:a\s+)?(?:bit|little|touch|lot|much)\s+)?(?:smaller|bigger|larger|more transparent|"
    r"less transparent|more opaque|fainter|subtler|more subtle|(?:(?:in|to|at|into)\s+the\s+)?"
    r"(?:top|bottom|upper|lower)[\s-]+(?:left|right)(?:\s+corner)?|(?:at\s+)?\d+(?:\.\d+)?\s*%\s*(?:transparent|"
    r"opaque|opacity|wide|of the width|smaller|bigger|larger)?|(?:opacity|transparency)\s+"
    r"\d+(?:\.\d+)?\s*%|(?:half|twice|three times|\d+(?:\.\d+)?\s*(?:x|times))\s+as\s+"
    r"(?:big|large|wide)|(?:much|a lot|far|way)\s+(?:smaller|bigger|larger)|(?:move\s+it\s+)?"
    r"(?:to|at|in)\s+the\s+(?:top|bottom|left|right)(?:\s+(?:side|edge))?)$",
    re.I,
)
"""A piece that only resizes or moves something ("logo bottom left, smaller"): it joins the
piece before it when that one is about the logo."""


_PLACE_ONLY = re.compile(rf"\bthe\s+{ORD_OR_END}\b", re.I)
"""A shot said by its place alone ("the 3rd"), as in "shot 2 and the 3rd"."""


def _named(piece: str) -> list[re.Match[str]]:
    """Where `piece` names shots: references, title words ("the welcome shot") and places."""
    found = [*REFERENCE.finditer(piece), *TITLED.finditer(piece), *_PLACE_ONLY.finditer(piece)]
    return sorted(found, key=lambda match: match.start())


def only_shots(piece: str) -> bool:
    """True when `piece` names shots and nothing else ("shot 3", "4", "the last one", "the
    welcome shot", "the 3rd")."""
    rest = _PLACE_ONLY.sub(" ", TITLED.sub(" ", REFERENCE.sub(" ", piece)))
    numbers = "|".join(NUMBER_WORDS)
    return not re.sub(rf"\b(?:and|the|{numbers})\b|\d+|[\s,&#.!?]", "", rest, flags=re.I)


def _shot_list_split(head: str, tail: str) -> bool:
    """True when a joiner split a list of shots: `head` is a verb and shots, ending with one,
    and `tail` starts with another ("make shot 2" + "shot 3 longer"), never "move shot 1 to
    the end" + "shot 2 to the start"."""
    named = _named(head)
    starts = _named(tail)
    if not named or not starts or starts[0].start() != 0:
        return False
    rest = head
    for match in reversed(named):
        rest = rest[: match.start()] + " " + rest[match.end() :]
    return (
        not head[named[-1].end() :].strip(" ,")
        and named[-1].lastgroup != "it"
        and starts[0].lastgroup != "it"
        and not re.search(r"\b(?:to|after|before|into|in|from|with|at|on|of|for)\b", rest, re.I)
        and not REFERENCE.search(tail, starts[0].end())  # "the second one in the closing shot"
    )


def sentences(text: str) -> list[str]:
    """The message's sentences, stripped, empty ones dropped."""
    parts = _SENTENCE.split(text.strip())
    return [part.strip(" .!") for part in parts if part and part.strip(" .!?")]


def strip_lead(clause: str) -> str:
    """'ok, so can you make shot 2 longer' -> 'make shot 2 longer'."""
    previous = None
    while previous != clause:
        previous = clause
        clause = _LEADING.sub("", clause).strip(" ,")
    return clause


def clauses(sentence: str) -> list[str]:
    """One sentence's clauses: each is a change on its own (see the module docstring)."""
    pieces: list[str] = []
    rest = _FIXED.sub(lambda match: match[0].replace(" ", "-"), sentence.strip())
    while rest:
        value = VALUE_STARTS.search(rest)
        protect_from = value.end() if value else len(rest)
        named = [m.span() for m in (*REFERENCE.finditer(rest), *PLACED_MEDIA.finditer(rest))]
        joiner = next(
            (
                j
                for j in _JOINER.finditer(rest)
                if j.start() < protect_from and not any(a < j.start() < b for a, b in named)
            ),
            None,
        )  # "make shots 2 and 3 longer": an "and" inside a reference names more shots
        if joiner is None:
            pieces.append(rest)
            break
        head, tail = rest[: joiner.start()], rest[joiner.end() :]
        pieces.append(head)
        rest = tail
    merged: list[str] = []
    for piece in (p.strip(" ,") for p in pieces):
        if not piece:
            continue
        if merged and (
            only_shots(piece)
            or _shot_list_split(merged[-1], piece)
            or _BETWEEN.search(merged[-1])
            or _listed_files(merged[-1], piece)
            or _COLOUR_ONLY.match(piece)
            or _HEX_ONLY.match(piece)
            or (_colour_names_only(piece) and re.search(r"colou?rs?\b", merged[-1], re.I))
            or (_LOGO_TAIL.match(piece) and re.search(r"\blogo\b", merged[-1], re.I))
        ):
            merged[-1] = f"{merged[-1]} and {piece}"  # "remove shot 2 and shot 3"
        else:
            merged.append(piece)
    return [strip_lead(piece) for piece in merged if strip_lead(piece)]
