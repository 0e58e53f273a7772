"""A request for a new video ("a short demo of our app Ledgerly showing how to export a report
to PDF, vertical") read into plan_storyboard arguments built from a use-case template."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from reelchat.agent.parse.formats import Found, find_formats, problems, without
from reelchat.agent.parse.phrasings import TONES, style_from
from reelchat.agent.parse.product import PRODUCT_NOUNS, product_named
from reelchat.agent.parse.references import NUMBER_WORDS, number
from reelchat.storyboard.models import (
    MAX_SHOT_SECONDS,
    MAX_SHOTS,
    MAX_TOTAL_SECONDS,
    MIN_SHOT_SECONDS,
    Aspect,
    Storyboard,
)
from reelchat.storyboard.templates import (
    EXPLAINER,
    ONBOARDING,
    PRODUCT_DEMO,
    Template,
    from_template,
    topic_and_audience,
)
from reelchat.tools.arguments import PlanStoryboardArgs
from reelchat.tools.media import MediaRef

_RETOPIC = (
    r"(?:make|change|turn|switch)\s+(?:it|this|the video|the whole thing)\s+(?:to be\s+|into "
    r"(?:one|a video)\s+)?(?:about|on)\s+(?!\d|a minute|half|an? hour)"
)
"""'make it about earthquakes instead': a new topic for the current video is a new video."""

NEW_VIDEO = re.compile(
    "^" + _RETOPIC + r"[a-z]|"
    r"\b(?:new|another|different|second|fresh|separate)\s+(?:\w+\s+){0,2}?(?:video|explainer|demo|"
    r"clip|film|reel|one|project)\b|\bstart (?:over|again|afresh|from scratch)\b|\bfrom scratch\b"
    r"|^(?:(?:i\s+(?:need|want|would like)|make|create|produce|generate|do|give me|build|write)"
    r"\s+(?:me\s+)?)?(?:a|an)\s+(?:[\w'-]+\s+){0,4}?(?:video|explainer|demo|clip|film|reel|"
    r"walkthrough|onboarding|welcome|tutorial|ad|advert|promo|trailer)\b",
    re.IGNORECASE,
)
"""Words that ask for a new video even while one is being edited: "a new video about...",
"start over", "another one", "I need a short product demo of..." (an indefinite article)."""

_EXPLICIT = re.compile(
    "^" + _RETOPIC + "|"
    r"\b(?:new|another|different|fresh|separate)\b|\ba second (?:video|one|clip)\b|"
    r"\bstart (?:over|again|afresh)\b|"
    r"\bfrom scratch\b",
    re.IGNORECASE,
)
_SUBJECT = re.compile(
    r"\b(?:about|on|of|explaining|showing|welcoming|introducing|to (?:welcome|explain|show))\s+\w",
    re.IGNORECASE,
)


def asks_for_new_video(sentence: str) -> bool:
    """True when a sentence asks for another video rather than a change to this one: "a new
    video about owls", "start over", "I need a demo of Acme" (not "make a vertical video")."""
    return bool(NEW_VIDEO.search(sentence)) and bool(
        _EXPLICIT.search(sentence) or _SUBJECT.search(sentence)
    )


_LENGTH_WORDS = {r"\bvery short\b|\bquick\b|\btiny\b": 10.0, r"\bshort\b": 15.0, r"\blong\b": 60.0}
_UNITS = [
    (r"(\d+(?:\.\d+)?)\s*-?\s*(?:h|hr|hrs|hours?)\b", 3600.0),
    (r"(\d+(?:\.\d+)?)\s*-?\s*(?:min|mins|minutes?)\b", 60.0),
    (r"(\d+(?:\.\d+)?)\s*-?\s*(?:s|sec|secs|seconds?)\b(?:\s+long)?", 1.0),
]
_COUNT = re.compile(
    r"(?<!\bshot )(?<!\bscene )(?:\b(?:in|with|using|over|across)\s+)?\b(\d+|"
    + "|".join(NUMBER_WORDS)
    + r")(?:\s+|\s*-\s*)"
    r"(?:shots?|scenes?)\b",
    re.I,
)
"""A number of shots as said: "4 shots", "4 shot", "a 4-shot demo", "four-shot", "3 scenes"."""
_TONE = re.compile(rf"(?:,?\s*(?:in|with) (?:an? )?)?\b(?:{TONES})\b(?:\s+tone)?", re.I)
_STYLE = re.compile(
    r",?\s*\bin (?:an? )?[\w\s-]+? style\b|,?\s*\bwith \w+ (?:colou?rs|tones)\b", re.I
)


_RESTART = re.compile(
    r"^(?:(?:a\s+)?(?:new|another|different|fresh|separate)\s+(?:\w+\s+)?(?:video|explainer|demo|"
    r"clip|film|reel|one)\s*:\s*(?:(?:an?\s+)?(?:\w+\s+)?(?:video|explainer|demo|clip)\s+(?:about|"
    r"on|of)\s+)?|"
    + _RETOPIC
    + r"|(?:let's\s+)?start (?:over|again|afresh)(?: from scratch)?(?:\s+with)?|(?:now\s+)?"
    r"(?:make|do|give me|i (?:need|want))?\s*(?:another|a new|a different|a fresh|a second) one"
    r"|another)\s*(?:about|on|of)?\s*|\b(?:new|another|different|fresh|separate)\s+(?=(?:\w+\s+)?"
    r"(?:video|explainer|demo|clip|film|reel)\b)",
    re.IGNORECASE,
)


@dataclass
class NewVideo:
    """plan_storyboard arguments for a request, and what could not be done as asked."""

    args: PlanStoryboardArgs
    notes: list[str] = field(default_factory=list)


def _seconds(text: str) -> tuple[float | None, list[tuple[int, int]]]:
    if match := re.search(r"\bhalf a minute\b", text, re.I):
        return 30.0, [match.span()]
    if match := re.search(r"\ba minute\b", text, re.I):
        return 60.0, [match.span()]
    for pattern, unit in _UNITS:
        if match := re.search(r"(?<![\w.])" + pattern, text, re.I):
            start = match.start()
            if lead := re.search(r"\b(?:in|for|lasting|within|under)\s+$", text[:start], re.I):
                start = lead.start()  # "owls in 20 seconds": "in" is no part of the subject
            return float(match[1]) * unit, [(start, match.end())]
    for pattern, seconds in _LENGTH_WORDS.items():
        if re.search(pattern, text, re.I):
            return seconds, []
    return None, []


def kind_of(text: str) -> Template:
    """The use case a request is: onboarding, product demo, else explainer."""
    if re.search(r"\b(onboard\w*|welcom\w*|new hires?|joining|first day)\b", text, re.I):
        return ONBOARDING
    if re.search(
        rf"\b(?:demo|feature|launch|button|walkthrough|promo|ad|advert|commercial|"
        rf"{PRODUCT_NOUNS})\b",
        text,
        re.I,
    ):
        return PRODUCT_DEMO
    return EXPLAINER


_NAME = r"[A-Z][\w'’-]+(?:\s+(?:[A-Z][\w'’-]+|van|de|da|von|le))*"


def onboarding_details(text: str) -> dict[str, str]:
    """The welcomed person's full name, their team and role, as said."""
    details: dict[str, str] = {}
    skip = {"The", "Our", "A", "An", "New", "Welcome", "Please"}
    name = re.search(rf"\b(?:welcom\w*|onboard\w*|for|introducing|meet|greet\w*)\s+({_NAME})", text)
    if name and name[1].split()[0] not in skip:
        details["name"] = name[1]
    if team := re.search(
        r"\b(?:to|join\w*|on|in)\s+(?:the|our)\s+([\w &-]+?\s+team)\b", text, re.I
    ):
        details["team"] = team[1]
    if role := re.search(
        r"\bas\s+(?:a|an|our|the)\s+(?:new\s+)?([\w -]+?)(?=[,.;]|$|\s+(?:on|in|to|at|for|with|"
        r"joining)\b)",
        text,
        re.I,
    ):
        details["role"] = role[1].strip()
    return details


def demo_details(text: str) -> dict[str, str]:
    """The product's name, kind and the feature shown, as said ('our app Ledgerly showing how
    to ...'); the product's words are no part of the feature."""
    details: dict[str, str] = {}
    if product := product_named(text):
        details["product"] = product.name
        details["product_intro"] = product.introduced
        start, end = product.span
        how = re.match(r"(?i)\s+(?!to\b)([a-z].+?)(?=[,;.]\s|[,;.]?$)", text[end:])
        if how and re.search(r"(?i)\bhow\s+$", text[:start]):  # "how our CRM HubLite tracks"
            details["feature"] = f"how {product.name} {how[1]}"
            return details
        text = without(text, [product.span])
    feature = re.search(
        r"\b(?:showing|that shows|to show|demonstrating|explaining|on|about)\s+(how to .+?|"
        r"(?:the|its|our)\s+.+?)(?=[,;.]\s|[,;.]?$)",
        text,
        re.I,
    ) or re.search(r"\b(how to .+?)(?=[,;.]\s|[,;.]?$)", text, re.I)
    if feature:
        details["feature"] = feature[1].strip()
    elif own := re.search(
        rf"\b(?P<whose>our|my) (?P<kind>{PRODUCT_NOUNS})['’]?s (?:(?P<new>new) )?(?P<part>.+?)"
        r"(?=[,;.]\s|[,;.]?$)",
        text,
        re.I,
    ):  # "our app's new export button", "our products new dashboard"
        details["feature"] = f"the new {own['part']}" if own["new"] else own["part"]
        details.setdefault("product", f"{own['whose'].lower()} {own['kind'].lower()}")
    return details


def plan_new_video(
    text: str, *, seed: int | None = None, pictures: Sequence[MediaRef] = ()
) -> NewVideo:
    """plan_storyboard arguments for a request such as 'a 30 s demo of X, vertical'.

    `pictures` (the session's own images and clips, logos left out, in the order added) are
    shown one per shot from the first; with more pictures than planned shots, and no number of
    shots asked for, there are as many shots as pictures (at most MAX_SHOTS). Pictures left
    over are named in a note, never dropped silently."""
    template = kind_of(text)
    asked, spans = _seconds(text)
    seconds = min(MAX_TOTAL_SECONDS, max(3.0, asked or 30.0))
    count_match = _COUNT.search(text)
    asked_count = number(count_match[1]) if count_match else None
    count = max(1, min(MAX_SHOTS, asked_count or max(1, min(8, round(seconds / 5)))))
    if asked_count is None and len(pictures) > count:
        count = min(MAX_SHOTS, len(pictures))
    seconds = min(max(seconds, count * MIN_SHOT_SECONDS), count * MAX_SHOT_SECONDS)
    formats = find_formats(text)
    spans += [f.span for f in formats]
    if count_match:
        spans.append(count_match.span())
    if template is PRODUCT_DEMO and (product := product_named(text)):
        start, end = product.span  # "a promo for the Lumen desk lamp": no audience, no topic
        lead = re.search(r"\b(?:of|for|about|on|in)\s+$", text[:start], re.I)
        spans.append((lead.start() if lead else start, end))
    cleaned = without(text, spans)
    cleaned = _STYLE.sub("", _TONE.sub("", cleaned))
    cleaned = re.sub(r"\b(?:very\s+)?(?:short|quick|tiny|long)\b\s*", "", cleaned, flags=re.I)
    cleaned = _RESTART.sub("", cleaned)
    cleaned = re.sub(r"\s+instead\b", "", cleaned, flags=re.I)
    topic, audience = topic_and_audience(cleaned.strip(" ,;"))
    said = without(text, [count_match.span()]) if count_match else text  # no "4-shot" in them
    details = (
        onboarding_details(said) if template is ONBOARDING
        else demo_details(said) if template is PRODUCT_DEMO
        else {}
    )  # fmt: skip
    settings = {f.setting: f.value for f in formats if isinstance(f, Found)}
    storyboard = from_template(
        template,
        topic=topic,
        audience=audience,
        seconds=seconds,
        shots=count,
        aspect=settings.get("aspect", Aspect.landscape),
        fps=settings.get("fps", Storyboard.model_fields["fps"].default),
        style=style_from(text),
        tone=", ".join(
            dict.fromkeys(t.lower() for t in re.findall(rf"\b(?:{TONES})\b", text, re.I))
        ),
        seed=seed if seed is not None else random.randrange(1, 10_000),
        **details,
    )
    script = storyboard.script
    shots = [shot.model_dump(mode="json", exclude={"id"}) for shot in storyboard.shots]
    for shot, picture in zip(shots, pictures, strict=False):
        shot["media"] = {"id": picture.id}
    args = PlanStoryboardArgs(
        title=script.title,
        audience=script.audience,
        tone=script.tone,
        logline=script.logline,
        shots=shots,
        aspect=storyboard.aspect,
        fps=storyboard.fps,
        resolution=settings.get("resolution", storyboard.resolution),
        style=storyboard.style,
    )
    notes = problems(formats)
    if pictures:
        shown = min(len(pictures), len(shots))
        where = "Shot 1 shows" if shown == 1 else f"Shots 1 to {shown} show"
        notes.append(f"{where} your pictures in the order you added them.")
    if left := pictures[len(shots) :]:
        names = ", ".join(f'"{item.label}"' for item in left)
        notes.append(
            f"{len(left)} picture(s) are in no shot yet: {names}; say e.g. "
            f'"use {left[0].label} in shot {len(shots)}" or ask for more shots.'
        )
    if asked is not None and asked > MAX_TOTAL_SECONDS:
        notes.append(
            f"A video can be at most {MAX_TOTAL_SECONDS / 60:g} minutes long, so this one is "
            "shorter than you asked."
        )
    if asked_count is not None and asked_count > MAX_SHOTS:
        notes.append(
            f"A video can have at most {MAX_SHOTS} shots, not {asked_count}; I planned {MAX_SHOTS}."
        )
    return NewVideo(args, notes)
