"""Formats in words: aspect ratios, frame rates and sizes, checked against the storyboard's types.

Allowed values are read from `storyboard.models` (the Aspect enum, the fps field, RESOLUTIONS),
never copied, so a value the model learns to accept is understood here at once. A value it does
not accept becomes `Unsupported` with a sentence that says what works."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from pydantic import TypeAdapter, ValidationError

from reelchat.storyboard.models import RESOLUTIONS, Aspect, Storyboard


@dataclass(frozen=True)
class Found:
    """A format read from text: the setting, its value, and where it was said."""

    setting: str
    """'aspect', 'fps' or 'resolution' (a Storyboard field)."""
    value: Any
    span: tuple[int, int]
    note: str = ""
    """Said when the value is the nearest to what was asked ("29.97 fps" -> 30)."""


@dataclass(frozen=True)
class Unsupported:
    """A format the person asked for that reelchat cannot make; `sentence` says what can be."""

    sentence: str
    span: tuple[int, int]
    setting: str = ""


ASPECT_WORDS = {
    r"vertical|portrait|tall|tiktok|instagram reels?|reels|youtube shorts|shorts|stories|"
    r"phone screen": "9:16",
    r"square|instagram post": "1:1",
    r"widescreen|wide screen|landscape|horizontal|youtube(?! shorts)|wide": "16:9",
    r"instagram feed": "4:5",
}
_RATIO = re.compile(r"(?<![\d.:])(\d{1,2})\s*:\s*(\d{1,2})(?![\d:])(?:\s+(?:aspect|ratio))*")
_FOR = r"(?:(?:for|on|in|as)\s+(?:the\s+|an?\s+)?)?"
_ASPECT_WORD = re.compile(
    _FOR + r"\b(?:" + "|".join(f"(?P<a{i}>{p})" for i, p in enumerate(ASPECT_WORDS)) + r")\b"
    r"(?:\s+(?:format|video|aspect|ratio|orientation|mode))?",
    re.IGNORECASE,
)
_FPS = re.compile(
    r"(?<![\w.])(\d{1,4}(?:\.\d+)?)\s*(?:-\s*)?(?:fps|frames? (?:per|a|each) second|frame rate)\b",
    re.IGNORECASE,
)
_RESOLUTION = re.compile(
    r"(?<![\w.])(?:(\d{3,4})\s*p\b|(4k|uhd|full hd|fhd|hd)\b)(?:\s+(?:resolution|quality))?",
    re.IGNORECASE,
)
_NAMED_SIZES = {"4k": 2160, "uhd": 2160, "full hd": 1080, "fhd": 1080, "hd": 720}
_FPS_TYPE: TypeAdapter[Any] = TypeAdapter(Storyboard.model_fields["fps"].annotation)


def _aspect(ratio: str, span: tuple[int, int]) -> Found | Unsupported:
    allowed = [aspect.value for aspect in Aspect]
    if ratio in allowed:
        return Found("aspect", Aspect(ratio), span)
    return Unsupported(
        f"I can't make a {ratio} video yet; the aspect ratios I can make are "
        + ", ".join(allowed)
        + ".",
        span,
        "aspect",
    )


def _fps_accepted(value: float) -> bool:
    data = {"script": {"title": "t"}, "shots": [{"title": "t", "prompt": "p"}], "fps": value}
    try:
        _FPS_TYPE.validate_python(value)
        Storyboard.model_validate(data)
    except ValidationError:
        return False
    return True


def _fps(text: str, span: tuple[int, int]) -> Found | Unsupported:
    value = float(text)
    whole = round(value)
    if _fps_accepted(whole if value == whole else value):
        return Found("fps", whole if value == whole else value, span)
    limits = Storyboard.model_fields["fps"].metadata
    bounds = [
        getattr(item, name) for item in limits for name in ("ge", "le") if hasattr(item, name)
    ]
    where = f"{bounds[0]} to {bounds[1]} fps" if len(bounds) == 2 else "another value"
    if value != whole and _fps_accepted(whole):
        note = (
            f"I can't render at exactly {text} fps (the frame rate is a whole number or "
            f"23.976, 29.97 or 59.94; {where}), so I used the nearest, {whole} fps."
        )
        return Found("fps", whole, span, note)
    return Unsupported(
        f"I can't render at {text} fps: the frame rate can be {where}, not {text}.", span, "fps"
    )


def _resolution(number: int, said: str, span: tuple[int, int]) -> Found | Unsupported:
    if number in RESOLUTIONS:
        return Found("resolution", number, span)
    sizes = ", ".join(f"{size}p" for size in RESOLUTIONS)
    return Unsupported(
        f"I can't render {said}; the sizes I can make are {sizes}.", span, "resolution"
    )


def find_formats(text: str) -> list[Found | Unsupported]:
    """Every aspect, frame rate and size said in `text`, in order ("4:5", "29.97 fps", "720p")."""
    found: list[Found | Unsupported] = []
    for match in _FPS.finditer(text):
        found.append(_fps(match[1], match.span()))
    for match in _RESOLUTION.finditer(text):
        named = (match[2] or "").lower()
        number = _NAMED_SIZES[named] if named else int(match[1])
        found.append(_resolution(number, match[0].strip(), match.span()))
    for match in _RATIO.finditer(text):
        found.append(_aspect(f"{match[1]}:{match[2]}", match.span()))
    said = [f.span for f in found if f.setting == "aspect"]
    for match in _ASPECT_WORD.finditer(text):
        group = next(name for name, value in match.groupdict().items() if value)
        ratio = list(ASPECT_WORDS.values())[int(group[1:])]
        if said:  # "4:5 for the instagram feed": the words only say where it is going
            found.append(Unsupported("", match.span(), "aspect"))
            continue
        found.append(_aspect(ratio, match.span()))
        said.append(match.span())
    return sorted(found, key=lambda f: f.span)


def problems(found: list[Found | Unsupported]) -> list[str]:
    """The sentences for what cannot be made as asked, each once."""
    lines = [f.sentence if isinstance(f, Unsupported) else f.note for f in found]
    return list(dict.fromkeys(line for line in lines if line))


def without(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with the given spans cut out (and the commas around them tidied)."""
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + " " + text[end:]
    text = re.sub(r"\s*,(\s*,)+", ",", text)
    text = re.sub(r"\b(?:in|at|for|with)\s+(?=,|$)", "", text.strip())
    return re.sub(r"\s+", " ", text).strip(" ,;")
