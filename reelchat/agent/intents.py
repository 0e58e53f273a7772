"""Read plain-language requests into tool calls, for the offline planner.

Two kinds of request: a new video ("a 30-second explainer on tides for kids, vertical") becomes
one `plan_storyboard` call built from a use-case template; edits ("make shot 2 longer and swap
the last two shots") become one `edit_storyboard` call with an operation per clause, or a
restore, render or describe call. Whatever is not understood is returned as-is, so the reply
can say so plainly.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from typing import Any

from reelchat.storyboard.models import (
    MAX_SHOT_SECONDS,
    MAX_SHOTS,
    MAX_TOTAL_SECONDS,
    MIN_SHOT_SECONDS,
    Aspect,
)
from reelchat.storyboard.templates import (
    EXPLAINER,
    ONBOARDING,
    PRODUCT_DEMO,
    Template,
    from_template,
    topic_and_audience,
)


@dataclass(frozen=True)
class SessionView:
    """What the planner knows of the session: read from the context the graph gives a model."""

    version: int
    shots: list[dict[str, Any]]
    style: str
    aspect: str
    title: str = ""

    @property
    def count(self) -> int:
        return len(self.shots)


@dataclass
class Plan:
    """The tool calls for one request, and the parts of it that were not understood."""

    calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    not_understood: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class _Unclear(ValueError):
    """A clause was recognised but cannot be applied (e.g. 'shot 9' of 4); the message says why."""


_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10,
}  # fmt: skip

STYLE_PHRASES: list[tuple[str, str]] = [
    (r"water\s?colou?r", "watercolor painting, soft washes, paper texture"),
    (
        r"noir|black and white|black-and-white|monochrome",
        "film noir, black and white, hard shadows",
    ),
    (r"neon|cyberpunk|synthwave", "neon cyberpunk, glowing signs, night city"),
    (r"pixel", "pixel art, crisp 16-bit sprites"),
    (r"anime|manga", "anime style, cel shading, vivid colours"),
    (r"clay|claymation|stop[- ]motion", "claymation, handmade stop-motion look"),
    (r"\b3d\b|pixar", "3D animated film look, soft global illumination"),
    (
        r"cinematic|photo\s?real|realistic|film look",
        "cinematic, photorealistic, shallow depth of field",
    ),
    (r"sketch|pencil|hand[- ]drawn", "pencil sketch, hand-drawn lines"),
    (r"vintage|retro|sepia", "vintage film, warm sepia grain"),
    (r"pastel", "soft pastel colours, gentle light"),
    (r"flat|minimal", "clean flat illustration, minimal shapes"),
]
PALETTE_PHRASES: list[tuple[str, str]] = [
    (r"warm", "warm golden colour palette"),
    (r"cool|cold", "cool blue colour palette"),
    (r"dark|moody", "dark moody lighting"),
    (r"bright|vivid|colou?rful", "bright vivid colours"),
]
_PALETTE_WORDS = re.compile("|".join(phrase for _, phrase in PALETTE_PHRASES))

_CREATE = re.compile(
    r"\b(make|create|produce|generate|start|new|build|do)\b.*\b(video|explainer|demo|clip|film|"
    r"onboarding|welcome|walkthrough|reel|short)\b|\bstart over\b",
    re.IGNORECASE,
)
_SHOT_REF = (
    r"(?:shot\s*#?\s*(?P<{n}num>\d+|"
    + "|".join(_WORD_NUMBERS)
    + r")|(?:the\s+)?(?P<{n}ord>"
    + "|".join(_ORDINALS)
    + r"|last|final|penultimate|second to last)\s+(?:shot|scene|one))"
)


def _ref(name: str = "") -> str:
    return _SHOT_REF.format(n=name)


def _number(text: str) -> int:
    return int(text) if text.isdigit() else _WORD_NUMBERS[text.lower()]


def _resolve(match: re.Match[str], view: SessionView, name: str = "") -> int:
    """The 1-based shot number a reference names, checked against the storyboard."""
    if match[f"{name}num"]:
        number = _number(match[f"{name}num"])
    else:
        word = match[f"{name}ord"].lower()
        if word in ("last", "final"):
            number = view.count
        elif word in ("penultimate", "second to last"):
            number = view.count - 1
        else:
            number = _ORDINALS[word]
    if not 1 <= number <= view.count:
        raise _Unclear(f"there is no shot {number}; the storyboard has {view.count}")
    return number


# --- new videos -----------------------------------------------------------------------------


def _seconds(text: str) -> float | None:
    if re.search(r"\bhalf a minute\b", text, re.I):
        return 30.0
    if re.search(r"\ba minute\b", text, re.I):
        return 60.0
    hours = re.search(r"(\d+(?:\.\d+)?)\s*-?\s*(?:h|hr|hrs|hour|hours)\b", text, re.I)
    if hours:
        return float(hours[1]) * 3600
    minutes = re.search(r"(\d+(?:\.\d+)?)\s*-?\s*(?:min|mins|minute|minutes)\b", text, re.I)
    if minutes:
        return float(minutes[1]) * 60
    seconds = re.search(r"(\d+(?:\.\d+)?)\s*-?\s*(?:s|sec|secs|second|seconds)\b", text, re.I)
    return float(seconds[1]) if seconds else None


def _shot_count(text: str) -> int | None:
    match = re.search(r"\b(\d+|" + "|".join(_WORD_NUMBERS) + r")\s+(?:shots|scenes)\b", text, re.I)
    return _number(match[1]) if match else None


def _aspect(text: str) -> Aspect | None:
    if re.search(r"vertical|portrait|tiktok|reels?\b|shorts\b|stories|9:16", text, re.I):
        return Aspect.portrait
    if re.search(r"square|1:1|instagram post", text, re.I):
        return Aspect.square
    if re.search(r"landscape|widescreen|horizontal|youtube|16:9", text, re.I):
        return Aspect.landscape
    return None


def style_from(text: str) -> str:
    """A style phrase for the words in `text` ('watercolor' -> a full watercolor description)."""
    found = [phrase for pattern, phrase in STYLE_PHRASES if re.search(pattern, text, re.I)]
    found += [
        phrase
        for pattern, phrase in PALETTE_PHRASES
        if re.search(
            rf"\b{pattern}(er|est)?\b\s*(colou?rs?|tones?|palette|look|lighting)?", text, re.I
        )
        and re.search(r"colou?r|tone|palette|look|light|mood|style", text, re.I)
    ]
    return ", ".join(dict.fromkeys(found))


def _tone(text: str) -> str:
    tones = re.findall(
        r"\b(playful|fun|funny|serious|calm|energetic|upbeat|friendly|professional|formal|"
        r"inspiring|dramatic)\b",
        text,
        re.I,
    )
    return ", ".join(dict.fromkeys(t.lower() for t in tones))


def _template(text: str) -> Template:
    if re.search(r"\b(onboard\w*|welcom\w*|new hires?|joining|first day)\b", text, re.I):
        return ONBOARDING
    if re.search(r"\b(demo|product|feature|launch|app|button|walkthrough|tool)\b", text, re.I):
        return PRODUCT_DEMO
    return EXPLAINER


def _onboarding_details(text: str) -> dict[str, str]:
    details: dict[str, str] = {}
    name = re.search(r"\b(?:welcom\w*|onboard\w*|for|introducing|meet)\s+([A-Z][\w'-]+)", text)
    if name and name[1].lower() not in {"the", "our", "a", "an", "new"}:
        details["name"] = name[1]
    team = re.search(r"\bto (?:the|our) ([\w &-]+? team)\b", text, re.I)
    if team:
        details["team"] = team[1]
    role = re.search(r"\bas (?:a|an|our) ([\w -]+?)(?=[,.;]|$| on | in | to | at )", text, re.I)
    if role:
        details["role"] = role[1].strip()
    return details


_NOISE = [
    r"\b\d+(?:\.\d+)?\s*-?\s*(?:s|sec|secs|seconds?|min|mins|minutes?|h|hrs?|hours?)\b(?:\s+long)?",
    r"\b(?:half )?a minute\b",
    r"\b(?:\d+|" + "|".join(_WORD_NUMBERS) + r")\s+(?:shots|scenes)\b",
    r",?\s*\b(?:vertical|portrait|square|landscape|widescreen|horizontal)\b(?:\s+(?:video|format))?",
    r",?\s*\b(?:for|on)\s+(?:tiktok|reels|instagram|youtube|shorts)\b",
    r",?\s*\bin (?:a |an )?[\w\s-]+? style\b",
    r",?\s*\bwith (?:warm|cool|bright|dark)\w* (?:colou?rs|tones)\b",
    r",?\s*\b(?:360|480|720|1080)p\b",
    r",?\s*\b\d+\s*fps\b",
    r",?\s*\b(?:in|with) (?:a |an )?(?:playful|serious|calm|energetic|upbeat|friendly|"
    r"professional|inspiring|dramatic) tone\b",
]


def plan_new_video(text: str, *, seed: int | None = None) -> dict[str, Any]:
    """`plan_storyboard` arguments for a request such as 'a 30 s demo of X, vertical'."""
    template = _template(text)
    seconds = min(300.0, max(3.0, _seconds(text) or 30.0))
    default_count = max(1, min(8, round(seconds / 5)))
    count = max(1, min(MAX_SHOTS, _shot_count(text) or default_count))
    seconds = min(max(seconds, count * MIN_SHOT_SECONDS), count * MAX_SHOT_SECONDS)
    cleaned = text
    for pattern in _NOISE:
        cleaned = re.sub(pattern, "", cleaned, flags=re.I)
    topic, audience = topic_and_audience(cleaned.strip(" ,;"))
    storyboard = from_template(
        template,
        topic=topic,
        audience=audience,
        seconds=seconds,
        shots=count,
        aspect=_aspect(text) or Aspect.landscape,
        style=style_from(text),
        tone=_tone(text),
        seed=seed if seed is not None else random.randrange(1, 10_000),
        **(_onboarding_details(text) if template is ONBOARDING else {}),
    )
    script = storyboard.script
    size = re.search(r"\b(360|480|720|1080)p\b", text, re.I)
    fps = re.search(r"\b(\d+)\s*fps\b", text, re.I)
    return {
        "title": script.title,
        "audience": script.audience,
        "tone": script.tone,
        "logline": script.logline,
        "shots": [shot.model_dump(mode="json", exclude={"id"}) for shot in storyboard.shots],
        "aspect": storyboard.aspect.value,
        "fps": min(60, max(8, int(fps[1]))) if fps else storyboard.fps,
        "resolution": int(size[1]) if size else storyboard.resolution,
        "style": storyboard.style,
    }


# --- edits ----------------------------------------------------------------------------------

_CLAUSE_SPLIT = re.compile(
    r"\s*(?:[.;!]+\s+|\bthen\b|\balso\b|"
    r",?\s+and\s+(?!(?:shots?\s*)?\d|(?:the\s+)?(?:last|first|next|final|second)\b|with\b))\s*",
    re.IGNORECASE,
)
"""Clauses end at sentence marks, 'then', 'also', and an 'and' that does not join two shots
('swap shots 3 and 4' stays one clause)."""


def _split_clauses(text: str) -> list[str]:
    parts = _CLAUSE_SPLIT.split(text.strip())
    return [part.strip(" ,.") for part in parts if part and part.strip(" ,.")]


@dataclass
class _Edits:
    view: SessionView
    operations: list[dict[str, Any]] = field(default_factory=list)
    other_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _duration_of(view: SessionView, number: int) -> float:
    return float(view.shots[number - 1]["duration"])


def _clamp_duration(value: float) -> float:
    return round(min(MAX_SHOT_SECONDS, max(MIN_SHOT_SECONDS, value)), 2)


def _parse_swap(clause: str, edits: _Edits) -> bool:
    view = edits.view
    pair = re.search(
        r"\b(?:swap|switch|exchange)\s+(?:the\s+)?(last|first)\s+two(?:\s+shots)?", clause, re.I
    )
    if pair:
        if view.count < 2:
            raise _Unclear("there is only one shot")
        first = 1 if pair[1].lower() == "first" else view.count - 1
        edits.operations.append({"op": "swap_shots", "first": first, "second": first + 1})
        return True
    match = re.search(
        rf"\b(?:swap|switch|exchange)\s+(?:shots?\s+)?(?:{_ref('a')}|(?P<abare>\d+))\s+(?:and|with)\s+"
        rf"(?:shot\s+)?(?:{_ref('b')}|(?P<bbare>\d+))",
        clause,
        re.I,
    )
    if not match:
        return False
    first = int(match["abare"]) if match["abare"] else _resolve(match, view, "a")
    second = int(match["bbare"]) if match["bbare"] else _resolve(match, view, "b")
    for number in (first, second):
        if not 1 <= number <= view.count:
            raise _Unclear(f"there is no shot {number}; the storyboard has {view.count}")
    edits.operations.append({"op": "swap_shots", "first": first, "second": second})
    return True


def _parse_move(clause: str, edits: _Edits) -> bool:
    view = edits.view
    match = re.search(rf"\bmove\s+{_ref()}\s+(?P<rest>.+)$", clause, re.I)
    if not match:
        return False
    number = _resolve(match, view)
    rest = match["rest"].lower()
    if re.search(r"\b(end|last)\b", rest):
        target = view.count
    elif re.search(r"\b(start|beginning|front|first)\b", rest):
        target = 1
    elif place := re.search(r"\b(after|before)\s+shot\s+(\d+)", rest):
        other = int(place[2])
        if not 1 <= other <= view.count:
            raise _Unclear(f"there is no shot {other}; the storyboard has {view.count}")
        # positions are counted after the shot is taken out, so the other shot may shift
        if place[1] == "after":
            target = other if number < other else other + 1
        else:
            target = other - 1 if number < other else other
    elif place := re.search(r"(\d+)", rest):
        target = int(place[1])
    else:
        return False
    target = max(1, min(view.count, target))
    edits.operations.append({"op": "move_shot", "shot": number, "to": target})
    return True


def _parse_delete(clause: str, edits: _Edits) -> bool:
    match = re.search(rf"\b(?:remove|delete|drop|cut|get rid of)\s+{_ref()}", clause, re.I)
    if not match:
        return False
    edits.operations.append({"op": "delete_shot", "shot": _resolve(match, edits.view)})
    return True


def _parse_duration(clause: str, edits: _Edits) -> bool:
    view = edits.view
    target = re.search(_ref(), clause, re.I)
    exact = re.search(
        r"(?<![\w.])([-+]?\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*(?:s|sec|secs|seconds?)\b", clause, re.I
    )
    relative = re.search(
        r"\b(longer|shorter|slower|faster|lengthen|shorten|quicker)\b", clause, re.I
    )
    if not target or not (exact or relative):
        return False
    number = _resolve(target, view)
    current = _duration_of(view, number)
    if exact:
        wanted = float(exact[1])
        if not MIN_SHOT_SECONDS <= wanted <= MAX_SHOT_SECONDS:
            raise _Unclear(
                f"a shot can last {MIN_SHOT_SECONDS:g} to {MAX_SHOT_SECONDS:g} s, not {wanted:g} s"
            )
    elif relative[1].lower() in ("longer", "lengthen"):
        wanted = current + 2
    elif relative[1].lower() == "slower":
        wanted = current * 1.5
    elif relative[1].lower() in ("faster", "quicker"):
        wanted = current / 1.5
    else:
        wanted = current - 2
    changes = {"duration": _clamp_duration(wanted)}
    if changes["duration"] == current:
        edits.notes.append(f"shot {number} is already {current:g} s, the limit")
        return True
    edits.operations.append({"op": "update_shot", "shot": number, "changes": changes})
    return True


def _parse_regenerate(clause: str, edits: _Edits) -> bool:
    if not re.search(
        r"\b(regenerate|re-?roll|redo|re-?render|new seed|another take|try)\b", clause, re.I
    ):
        return False
    targets = list(re.finditer(_ref(), clause, re.I))
    if not targets:
        if re.search(r"\b(all|every|everything)\b", clause, re.I):
            numbers = list(range(1, edits.view.count + 1))
        else:
            raise _Unclear("which shot should I regenerate? say e.g. 'regenerate shot 3'")
    else:
        numbers = [_resolve(match, edits.view) for match in targets]
    for number in numbers:
        seed = random.randrange(0, 2**31 - 1)
        edits.operations.append({"op": "update_shot", "shot": number, "changes": {"seed": seed}})
    return True


def _parse_text_field(clause: str, edits: _Edits, original: str) -> bool:
    pattern = (
        rf"(?:(?:set|change|make)\s+)?(?:the\s+)?(?P<field>caption|narration|voice-?over|prompt|"
        rf"title)\s+(?:of|for|on)\s+{_ref()}\s*(?:to|:|=|should be|says?)\s*(?P<value>.+)$"
        rf"|{_ref('b')}(?:'s)?\s+(?P<bfield>caption|narration|voice-?over|prompt|title)\s*"
        rf"(?:to|:|=|should be|says?)\s*(?P<bvalue>.+)$"
    )
    match = re.search(pattern, clause, re.I)
    if not match:
        return False
    field_name = (match["field"] or match["bfield"]).lower()
    field_name = "narration" if field_name.startswith("voice") else field_name
    number = _resolve(match, edits.view, "" if match["field"] else "b")
    start, end = match.span("value") if match["value"] else match.span("bvalue")
    value = original[start:end].strip().strip("\"'“”")
    edits.operations.append({"op": "update_shot", "shot": number, "changes": {field_name: value}})
    return True


_CAMERAS = {
    "zoom in": "zoom_in", "zoom out": "zoom_out", "pan left": "pan_left", "pan right": "pan_right",
    "tilt up": "tilt_up", "tilt down": "tilt_down", "orbit": "orbit", "static": "static",
    "still": "static",
}  # fmt: skip


def _parse_camera(clause: str, edits: _Edits) -> bool:
    target = re.search(_ref(), clause, re.I)
    move = re.search(r"\b(" + "|".join(_CAMERAS) + r")\b", clause, re.I)
    if not (target and move):
        return False
    camera = _CAMERAS[move[1].lower()]
    edits.operations.append(
        {"op": "update_shot", "shot": _resolve(target, edits.view), "changes": {"camera": camera}}
    )
    return True


def _parse_transition(clause: str, edits: _Edits) -> bool:
    kind = re.search(
        r"\b(cross-?fades?|dissolves?|fade to black|fade out|hard cuts?|cuts)\b", clause, re.I
    )
    if not kind or not re.search(
        r"\b(use|add|with|between|end|make|set|put|switch)\b", clause, re.I
    ):
        return False
    word = kind[1].lower()
    transition = (
        "crossfade" if word.startswith(("cross", "dissolve"))
        else "fade_to_black" if word.startswith("fade")
        else "cut"
    )  # fmt: skip
    if re.search(r"\b(end|ending|finish)\b", clause, re.I):
        numbers = [edits.view.count]
    elif targets := list(re.finditer(_ref(), clause, re.I)):
        numbers = [min(_resolve(m, edits.view) for m in targets)]
    else:
        numbers = list(range(1, edits.view.count + (1 if transition == "cut" else 0)))
    for number in numbers:
        edits.operations.append(
            {"op": "update_shot", "shot": number, "changes": {"transition": transition}}
        )
    return True


def _parse_settings(clause: str, edits: _Edits) -> bool:
    changes: dict[str, Any] = {}
    aspect = _aspect(clause)
    if aspect is not None and re.search(
        r"vertical|portrait|square|landscape|widescreen|tiktok|"
        r"reels?|shorts|youtube|horizontal|\d+:\d+",
        clause,
        re.I,
    ):
        changes["aspect"] = aspect.value
    fps = re.search(r"\b(\d+)\s*fps\b", clause, re.I)
    if fps:
        changes["fps"] = int(fps[1])
    size = re.search(r"\b(360|480|720|1080)p\b", clause, re.I)
    if size:
        changes["resolution"] = int(size[1])
    if not changes:
        return False
    if "fps" in changes and not 8 <= changes["fps"] <= 60:
        raise _Unclear(f"the frame rate can be 8 to 60 fps, not {changes['fps']}")
    edits.operations.append({"op": "update_settings", **changes})
    return True


def _parse_style(clause: str, edits: _Edits) -> bool:
    phrase = style_from(clause)
    if not phrase:
        return False
    base = "" if any(re.search(p, clause, re.I) for p, _ in STYLE_PHRASES) else edits.view.style
    if not any(re.search(p, clause, re.I) for p, _ in STYLE_PHRASES):
        base = _PALETTE_WORDS.sub("", base).strip(" ,")
    style = ", ".join(part for part in (base, phrase) if part)[:200]
    if targets := list(re.finditer(_ref(), clause, re.I)):
        for match in targets:
            number = _resolve(match, edits.view)
            edits.operations.append(
                {"op": "update_shot", "shot": number, "changes": {"style": style}}
            )
    else:
        edits.operations.append({"op": "restyle_all", "style": style})
    return True


def _parse_add(clause: str, edits: _Edits, original: str) -> bool:
    match = re.search(
        r"\badd\s+(?:a\s+|another\s+|one more\s+)?(?:new\s+)?(?:shot|scene)\s*(?:of|showing|with|"
        r"about|where|:)?\s*(?P<what>.+?)(?P<where>\s+(?:at the (?:end|start|beginning)|"
        r"(?:after|before) shot \d+|at position \d+))?$",
        clause,
        re.I,
    )
    if not match:
        return False
    view = edits.view
    where = (match["where"] or "").lower()
    if "start" in where or "beginning" in where:
        position = 1
    elif place := re.search(r"(after|before) shot (\d+)", where):
        other = int(place[2])
        if not 1 <= other <= view.count:
            raise _Unclear(f"there is no shot {other}; the storyboard has {view.count}")
        position = other + 1 if place[1] == "after" else other
    elif place := re.search(r"position (\d+)", where):
        position = min(int(place[1]), view.count + 1)
    else:
        position = view.count + 1
    start, end = match.span("what")
    what = original[start:end].strip() or "a new scene"
    shot = {
        "title": what[:1].upper() + what[1:60],
        "prompt": what,
        "duration": 4.0,
        "seed": random.randrange(0, 2**31 - 1),
    }
    edits.operations.append({"op": "insert_shot", "position": position, "shot": shot})
    return True


def propose_variables(view: SessionView) -> dict[str, str]:
    """Words that change per person, for a template: the welcomed name, the team, else the
    video's subject."""
    narration = " ".join(str(shot.get("narration", "")) for shot in view.shots)
    replacements: dict[str, str] = {}
    if welcome := re.match(r"Welcome, (.+)$", view.title):
        replacements[welcome[1]] = "name"
    if team := re.search(r"\bthe ([\w&-]+(?: [\w&-]+)? team)\b", narration):
        replacements[team[1]] = "team"
    if not replacements and view.title:
        replacements[view.title] = "product"
        replacements[view.title[:1].lower() + view.title[1:]] = "product"
    return replacements


def _parse_template(clause: str, edits: _Edits) -> bool:
    if not re.search(r"\btemplate\b|\bpersonali[sz]e\b", clause, re.I):
        return False
    replacements = propose_variables(edits.view)
    if not replacements:
        raise _Unclear("I could not tell which words should change per person")
    edits.other_calls.append(("make_template", {"replacements": replacements}))
    return True


def _parse_control(clause: str, edits: _Edits) -> bool:
    view = edits.view
    if restore := re.search(
        r"\b(?:restore|go back to|revert to|back to)\s+version\s+(\d+)", clause, re.I
    ):
        edits.other_calls.append(("restore_version", {"version": int(restore[1])}))
        return True
    if re.fullmatch(
        r"(?:please\s+)?(?:undo|go back|revert)(?:\s+(?:that|it|the last (?:change|edit)))?",
        clause,
        re.I,
    ):
        if view.version <= 1:
            raise _Unclear("there is nothing to undo: this is the first version")
        edits.other_calls.append(("restore_version", {"version": view.version - 1}))
        return True
    if re.search(
        r"\b(describe|list|what'?s in|what is in|show me the (?:storyboard|plan|shots))\b",
        clause,
        re.I,
    ):
        edits.other_calls.append(("describe_storyboard", {}))
        return True
    if re.fullmatch(
        r"(?:please\s+)?(?:render|re-?render|make the video|export|go|do it|render it)"
        r"(?:\s+(?:it|again|now|the video))?",
        clause,
        re.I,
    ):
        edits.other_calls.append(("render", {}))
        return True
    return False


def plan_edits(text: str, view: SessionView) -> Plan:
    """Tool calls for an edit request on an existing storyboard."""
    edits = _Edits(view)
    plan = Plan()
    for clause in _split_clauses(text):
        lowered = clause.lower()
        try:
            understood = (
                _parse_template(clause, edits)
                or _parse_control(lowered, edits)
                or _parse_text_field(lowered, edits, clause)
                or _parse_add(lowered, edits, clause)
                or _parse_swap(lowered, edits)
                or _parse_move(lowered, edits)
                or _parse_delete(lowered, edits)
                or _parse_regenerate(lowered, edits)
                or _parse_duration(lowered, edits)
                or _parse_camera(lowered, edits)
                or _parse_transition(lowered, edits)
                or _parse_settings(lowered, edits)
                or _parse_style(lowered, edits)
            )
        except _Unclear as problem:
            plan.not_understood.append(f"{clause!r}: {problem}")
            continue
        if not understood:
            plan.not_understood.append(repr(clause))
    if edits.operations:
        plan.calls.append(("edit_storyboard", {"operations": edits.operations}))
    plan.calls.extend(edits.other_calls)
    plan.notes.extend(edits.notes)
    return plan


_FILLER = frozenset({
    "a", "an", "the", "me", "us", "some", "something", "video", "videos", "clip", "short",
    "quick", "please", "hi", "hello", "hey", "there", "make", "create", "new", "one", "cool",
    "nice", "film", "movie", "for", "can", "you", "i", "want", "would", "like",
})  # fmt: skip
CLARIFY = (
    'Happy to! What should the video be about, and who is it for? For example: "a 30-second '
    'explainer on how vaccines work, for teenagers", "a demo of our app\'s new export button, '
    'vertical" or "an onboarding clip welcoming Priya to the design team".'
)


def _is_vague(text: str) -> bool:
    """True when a request names no subject at all ('make a video', 'hi')."""
    return not set(re.findall(r"[a-z']+", text.lower())) - _FILLER


def _clamp_notes(text: str) -> list[str]:
    """What a new-video request asked beyond the bounds, said plainly (the plan is clamped)."""
    notes = []
    asked = _seconds(text)
    if asked is not None and asked > MAX_TOTAL_SECONDS:
        notes.append(
            f"A video can be at most {MAX_TOTAL_SECONDS / 60:g} minutes long, so this one is "
            "shorter than you asked."
        )
    count = _shot_count(text)
    if count is not None and count > MAX_SHOTS:
        notes.append(
            f"A video can have at most {MAX_SHOTS} shots, not {count}; I planned {MAX_SHOTS}."
        )
    return notes


def plan_request(text: str, view: SessionView | None) -> Plan:
    """Tool calls for whatever the person asked: a new video, or edits to the current one."""
    edit_words = re.search(r"\bshot\s*\d|\btemplate\b|\bthis\b", text, re.I)
    if view is None or _CREATE.search(text) and not edit_words:
        if _is_vague(text):
            return Plan(notes=[CLARIFY])
        return Plan(calls=[("plan_storyboard", plan_new_video(text))], notes=_clamp_notes(text))
    return plan_edits(text, view)
