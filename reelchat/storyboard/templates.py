"""Use-case templates: a real script and storyboard from a topic, with no LLM needed."""

from __future__ import annotations

from reelchat.storyboard.models import Aspect, Camera, Script, Shot, Storyboard, Transition
from reelchat.storyboard.validation import parse_storyboard

_EXPLAINER_BEATS: list[tuple[str, str, str, Camera]] = [
    # (title, visual prompt, narration) with {topic} and {audience} filled in.
    (
        "The question",
        "an intriguing opening image that asks a question about {topic}, a curious person looking up",
        "Ever wondered {topic}? Let's find out in thirty seconds.",
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
        "a step-by-step visual sequence showing how {topic} unfolds, arrows between stages",
        "It happens in a few clear steps, one after another.",
        Camera.tilt_down,
    ),
    (
        "A closer look",
        "a close-up, magnified view of the key detail of {topic}, soft depth of field",
        "Zoom in, and the key detail comes into view.",
        Camera.zoom_out,
    ),
    (
        "Why it matters",
        "{audience} in everyday life where {topic} makes a difference, warm and hopeful",
        "And this is why it matters to you.",
        Camera.orbit,
    ),
    (
        "Recap",
        "a clean summary card with three icons recapping {topic}, calm background",
        "Recap: the idea, the steps, the detail. Now you know {topic}.",
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
                transition=Transition.fade_to_black if last else (
                    Transition.crossfade if number % 2 == 0 else Transition.cut
                ),
                narration=narration.format(topic=topic, audience=audience),
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
