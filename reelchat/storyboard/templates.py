"""Use-case templates: a real script and storyboard from a topic, with no LLM needed."""

from __future__ import annotations

import re

from reelchat.storyboard.models import Aspect, Camera, Script, Shot, Storyboard, Transition
from reelchat.storyboard.validation import parse_storyboard

_QUESTION_WORD = re.compile(r"(how|why|what|where|when|who|which)\b", re.IGNORECASE)

_EXPLAINER_BEATS: list[tuple[str, str, str, Camera]] = [
    # (title, visual prompt, narration) with {topic} and {audience} filled in.
    (
        "The question",
        "an intriguing opening image asking about {topic}, a curious person looking up",
        "Ever wondered {question}? Let's find out.",
        Camera.zoom_in,
    ),
    (
        "The big idea",
        "a simple diagram introducing the core idea of {topic}, bold shapes, clear labels",
        "Here is the big idea, in one picture.",
        Camera.pan_right,
    ),
    (
        "Step by step",
        "a step-by-step visual sequence explaining {topic}, arrows between stages",
        "It happens in a few clear steps, one after another.",
        Camera.tilt_down,
    ),
    (
        "A closer look",
        "a close-up, magnified view of the key detail in {topic}, soft depth of field",
        "Zoom in, and the key detail comes into view.",
        Camera.zoom_out,
    ),
    (
        "Why it matters",
        "{audience} in everyday life, a scene about why {topic} matters, warm and hopeful",
        "And this is why it matters to you.",
        Camera.orbit,
    ),
    (
        "Recap",
        "a clean summary card with three icons recapping {topic}, calm background",
        "Recap: the idea, the steps, the detail. Now you know {question}.",
        Camera.static,
    ),
]


def explainer(
    topic: str,
    *,
    audience: str = "everyone",
    seconds: float = 30.0,
    shots: int = 6,
    aspect: Aspect = Aspect.landscape,
    style: str = "clean flat illustration, bright friendly colours, soft lighting",
    seed: int = 7,
) -> Storyboard:
    """Hook, key points and recap for `topic`, spread evenly over `seconds`."""
    topic = topic.strip().rstrip(".?!") or "this topic"
    count = max(1, min(shots, len(_EXPLAINER_BEATS)))
    beats = _EXPLAINER_BEATS[:1] + _EXPLAINER_BEATS[1:-1][: max(0, count - 2)]
    if count > 1:
        beats.append(_EXPLAINER_BEATS[-1])
    duration = round(seconds / len(beats), 2)
    question = topic if _QUESTION_WORD.match(topic) else f"about {topic}"
    shot_list = []
    for number, (title, prompt, narration, camera) in enumerate(beats, start=1):
        last = number == len(beats)
        shot_list.append(
            Shot(
                title=title,
                prompt=prompt.format(topic=topic, audience=audience),
                negative_prompt="blurry, distorted text, watermark",
                duration=duration,
                camera=camera,
                transition=Transition.fade_to_black
                if last
                else (Transition.crossfade if number % 2 == 0 else Transition.cut),
                narration=narration.format(topic=topic, audience=audience, question=question),
                seed=seed + number,
            ).model_dump()
        )
    script = Script(
        title=_headline(topic),
        audience=audience,
        tone="friendly, clear",
        logline=f"A {seconds:g}-second explainer on {topic} for {audience}.",
        text=" ".join(shot["narration"] for shot in shot_list),
    )
    return parse_storyboard(
        {"script": script.model_dump(), "shots": shot_list, "aspect": aspect, "style": style}
    )


def _headline(topic: str) -> str:
    text = topic[:1].upper() + topic[1:]
    return text[:80]


_LEAD_INS = re.compile(
    r"^\s*(please\s+)?((make|create|produce|generate|write)\s+)?(me\s+)?((a|an)\s+)?"
    r"(([\w-]+\s+)?(video|clip|explainer|film)\s+)?((on|about|explaining|that explains)\s+)?"
    r"(explain(ing)?\s+)?",
    re.IGNORECASE,
)
_AUDIENCE = re.compile(r"[,;]?\s+for\s+(?P<audience>[^,.;]+?)\s*[.!?]?$", re.IGNORECASE)


def topic_and_audience(request: str) -> tuple[str, str]:
    """'Explain how vaccines work, for teenagers' -> ('how vaccines work', 'teenagers')."""
    text = " ".join(request.split())
    audience = "everyone"
    match = _AUDIENCE.search(text)
    if match:
        audience = match["audience"]
        text = text[: match.start()]
    topic = _LEAD_INS.sub("", text, count=1).strip(" ,.!?") or text.strip(" ,.!?")
    return topic or "this topic", audience
