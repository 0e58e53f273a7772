"""How people point at shots: "shot 2", "the second scene", "the intro", "the one before last",
"it", "shots 2 to 4", "every shot", "the whole video"."""

from __future__ import annotations

import re
from dataclasses import dataclass

NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}  # fmt: skip
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
    "fourteenth": 14, "fifteenth": 15, "sixteenth": 16, "seventeenth": 17, "eighteenth": 18,
    "nineteenth": 19, "twentieth": 20,
}  # fmt: skip
_N = r"\d+|" + "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_ORD = r"\d+(?:st|nd|rd|th)|" + "|".join(sorted(ORDINALS, key=len, reverse=True))
_SHOT = r"(?:shots?|scenes?|clips?|parts?)"
_BEFORE_LAST = r"penultimate|(?:second|next)[\s-]to[\s-]last|one\s+before\s+(?:the\s+)?last"
ORD_OR_END = rf"(?:{_BEFORE_LAST}|{_ORD}|last|final)"
ORD_LIST = rf"{ORD_OR_END}(?:\s*(?:,\s*and|,|and|&|\+)\s*(?:the\s+)?{ORD_OR_END})+"
"""Shots named by their places: "first and second", "2nd, 3rd and 5th", "first and the one
before last"."""
_VERB_NEXT = (
    r"(?=\s+(?:should|shows?|uses?|gets?|has|have|needs?|is|are|must|will|can|a\s+bit|a\s+little|"
    r"more|less|longer|shorter|slower|faster|quicker|bigger|smaller|brighter|darker|warmer|"
    r"cooler|calmer|\d)\b|\s*[,;.!?])"
)
"""After a place said with no noun: a verb, a comparison or a length ("the second longer",
"the first show ...")."""


def place(word: str, count: int) -> int:
    """The place one of ORD_OR_END names among `count`: 'third' 3, 'last' count, 'penultimate'
    count - 1."""
    word = word.lower()
    if word in ("last", "final"):
        return count
    if re.fullmatch(_BEFORE_LAST, word, re.IGNORECASE):
        return count - 1
    return number(word)


_COUNTED = (
    rf"(?:\s+{_SHOT}\b|\s+ones\b|(?=\s*(?:$|[,.;:!?)]|\d|(?:and|then|to|in|into|with|for|by|"
    r"at|as|a|an|the|so|too|please|pls|each|both|more|less|also|around|over|\w+er)\b)))"
)
"""After "the last two": a shot noun, or words that show none was left out ("swap the last
two", "make the last two longer"), never "the last two seconds" or "the last two pictures"."""
REFERENCE = re.compile(
    rf"(?P<range>{_SHOT}\s+(?P<a>{_N})(?:(?<=\d)[-–](?=\d)|\s+[-–]\s+|\s+(?:to|through|thru)\s+)"
    rf"(?P<b>{_N})(?!\s*(?:s|secs?|seconds?)\b))"
    rf"|(?P<list>{_SHOT}\s*#?\s*(?P<items>(?:{_N})(?:\s*(?:,|and|&|\+)\s*#?(?:{_N}))+))"
    rf"|(?P<all>\b(?:every|each|all(?:\s+the)?|all\s+of\s+the)\s+{_SHOT}|\ball of them\b)"
    r"|(?P<whole>\b(?:the\s+)?(?:whole|entire|full|complete)\s+(?:video|thing|clip|film|reel)"
    r"|\boverall\b|\bthe video\b|\bin total\b|\btotal\b)"
    rf"|(?P<lastn>\bthe\s+last\s+(?P<ln>{_N}){_COUNTED})"
    rf"|(?P<firstn>\bthe\s+first\s+(?P<fn>{_N}){_COUNTED})"
    rf"|(?P<ords>\b(?:the\s+)?(?P<os>{ORD_LIST})(?:\s+(?:{_SHOT}|ones?)\b|{_VERB_NEXT}|\s*$))"
    rf"|(?P<num>\b{_SHOT}\s*(?:#|number|no\.?)?\s*(?P<n>{_N})\b)"
    r"|(?P<hash>#(?P<h>\d+)\b)"
    rf"|(?P<penult>(?:the\s+)?(?:one|{_SHOT})\s+before\s+(?:the\s+)?(?:last|end)(?:\s+one)?"
    rf"|(?:the\s+)?(?:second|next)[\s-]to[\s-]last(?:\s+(?:{_SHOT}|one))?"
    rf"|(?:the\s+)?penultimate(?:\s+(?:{_SHOT}|one))?)"
    rf"|(?P<ord>(?:the\s+)?(?P<o>{_ORD})\s+(?:{_SHOT}|one)\b)"
    rf"|(?P<bare>\bthe\s+(?P<bo>{_ORD})\b{_VERB_NEXT}"
    rf"|(?:(?<=\bin\s)|(?<=\bfor\s)|(?<=\bto\s)|(?<=\bon\s)|(?<=\binto\s))the\s+(?P<be>{_ORD})\s*$)"
    rf"|(?P<first>\b(?:the\s+)?(?:intro(?:duction)?|opening(?:\s+{_SHOT})?|beginning|start|hook)\b)"
    rf"|(?P<last>\b(?:the\s+)?(?:ending|outro|end|conclusion|closing(?:\s+{_SHOT})?"
    rf"|(?:last|final)(?:\s+(?:{_SHOT}|one))?)\b)"
    r"|(?P<it>\b(?:it|that one|this one|that shot|this shot|that scene|this scene|them|"
    r"both of them|each of them|both\s+(?:shots|scenes)|(?:those|these)(?:\s+(?:two|three))?\s+"
    r"(?:shots|scenes))\b)",
    re.IGNORECASE,
)

TITLED = re.compile(
    r"\bthe\s+(?P<words>[a-z][\w'-]*(?:\s+[a-z][\w'-]*)?)\s+(?:shot|scene)\b", re.IGNORECASE
)
"""'the welcome shot', 'the meet the team scene': a shot named by words of its title."""


class Unclear(ValueError):
    """A clause points at a shot that is not there, or at 'it' with nothing talked about yet."""


@dataclass(frozen=True)
class Target:
    """What a clause points at: shot numbers (1-based), or the whole video."""

    shots: tuple[int, ...] = ()
    whole: bool = False
    spans: tuple[tuple[int, int], ...] = ()
    parts: tuple[tuple[int, tuple[int, ...]], ...] = ()
    """Where each reference starts, with the shots it names."""

    @property
    def found(self) -> bool:
        return bool(self.shots) or self.whole


def number(word: str) -> int:
    """'3', 'three', 'third' or '3rd' -> 3."""
    word = word.lower().strip()
    if word.isdigit():
        return int(word)
    if word in NUMBER_WORDS:
        return NUMBER_WORDS[word]
    if word in ORDINALS:
        return ORDINALS[word]
    return int(re.sub(r"\D", "", word))


Focus = int | tuple[int, ...] | None
"""The shot last talked about, or the shots when several were ("shots 2 and 3 ... them")."""


def _numbers(match: re.Match[str], count: int, focus: Focus) -> list[int] | None:
    """The shots one reference names; None for the whole video."""
    kind = match.lastgroup
    if kind == "range":
        return list(range(number(match["a"]), number(match["b"]) + 1))
    if kind == "list":
        return [number(item) for item in re.findall(_N, match["items"], re.IGNORECASE)]
    if kind == "all":
        return list(range(1, count + 1))
    if kind == "whole":
        return None
    if kind == "lastn":
        return list(range(max(1, count - number(match["ln"]) + 1), count + 1))
    if kind == "firstn":
        return list(range(1, min(count, number(match["fn"])) + 1))
    if kind == "ords":
        return [place(word, count) for word in re.findall(ORD_OR_END, match["os"], re.I)]
    if kind == "num":
        return [number(match["n"])]
    if kind == "hash":
        return [int(match["h"])]
    if kind == "penult":
        return [count - 1]
    if kind == "ord":
        return [number(match["o"])]
    if kind == "bare":  # "... and the first show home.png", "... in the fourth"
        return [number(match["bo"] or match["be"])]
    if kind == "first":
        return [1]
    if kind == "last":
        return [count]
    said = match[0].lower()
    if re.match(r"them|both|each|those|these", said) and not (
        isinstance(focus, tuple) and (len(focus) == 2 or not said.startswith("both"))
    ):
        raise Unclear(f'which shots are "{match[0]}"? name them, e.g. "shots 2 and 3"')
    if focus is None:
        return None  # "make it vertical": with no shot talked about, "it" is the video
    return list(focus) if isinstance(focus, tuple) else [focus]


_EXCEPT = re.compile(
    rf"\b(?:all|every|each)(?:\s+(?:of\s+)?(?:the\s+)?(?:{_SHOT}|pictures?|images?|photos?|"
    r"screen-?shots?|ones?)|\s+of\s+them)?\s+(?:but|except"
    r"(?:\s+for)?|apart\s+from|other\s+than|besides|save\s+for)\s+(?P<rest>.+)$",
    re.IGNORECASE,
)
"""'all but the last', 'every shot except the first', 'all the pictures except the one in
shot 1'."""
_BARE_ORD = re.compile(rf"\b({_ORD})\b(?!\s+(?:{_SHOT}|ones?|{_N})\b)", re.IGNORECASE)


def _all_except(text: str, match: re.Match[str], count: int, focus: Focus) -> Target:
    """The shots of 'all but ...': every shot less those named after the 'but'."""
    left_out = find_target(_BARE_ORD.sub(r"\1 shot", match["rest"]), count, focus).shots
    if not left_out:
        raise Unclear(f'which shots should "{match[0]}" leave out? say e.g. "all but shot 2"')
    before = find_target(text[: match.start()], count, focus)
    kept = tuple(n for n in range(1, count + 1) if n not in left_out)
    return Target(
        tuple(dict.fromkeys([*before.shots, *kept])),
        spans=(*before.spans, match.span()),
        parts=(*before.parts, (match.start(), kept)),
    )


def find_target(text: str, count: int, focus: Focus = None) -> Target:
    """Every shot `text` points at, in the order said (each once), or the whole video.

    Raises Unclear for a shot number outside 1..count."""
    if leave_out := _EXCEPT.search(text):
        return _all_except(text, leave_out, count, focus)
    shots: list[int] = []
    spans: list[tuple[int, int]] = []
    parts: list[tuple[int, tuple[int, ...]]] = []
    whole = False
    for match in REFERENCE.finditer(text):
        numbers = _numbers(match, count, focus)
        spans.append(match.span())
        if numbers is None:
            whole = True
            continue
        for value in numbers:
            if not 1 <= value <= count:
                raise Unclear(f"there is no shot {value}; shots are numbered 1 to {count}")
            if value not in shots:
                shots.append(value)
        parts.append((match.start(), tuple(numbers)))
    return Target(tuple(shots), whole and not shots, tuple(spans), tuple(parts))
