"""Use-case templates: a real script and storyboard from a topic, with no LLM needed."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from reelchat.storyboard.models import Aspect, Camera, Script, Shot, Storyboard, Transition
from reelchat.storyboard.validation import parse_storyboard

_QUESTION_WORD = re.compile(r"(how|why|what|where|when|who|which)\b", re.IGNORECASE)
NEGATIVE_PROMPT = "blurry, distorted text, watermark, extra limbs"


@dataclass(frozen=True)
class Beat:
    """One shot's worth of story: fields are format strings over the template's words."""

    title: str
    prompt: str
    narration: str
    camera: Camera
    caption: str = ""


@dataclass(frozen=True)
class Template:
    """Opening, middle beats (repeated in turn when more shots are asked for), closing."""

    kind: str
    opening: Beat
    middle: tuple[Beat, ...]
    closing: Beat
    default_style: str
    tone: str
    logline: str

    def beats(self, count: int) -> list[Beat]:
        """`count` beats; middle beats used a second time get a numbered title."""
        if count <= 1:
            return [self.opening]
        middles = []
        for index in range(count - 2):
            beat = self.middle[index % len(self.middle)]
            round_number = index // len(self.middle) + 1
            if round_number > 1:
                beat = replace(beat, title=f"{beat.title} ({round_number})")
            middles.append(beat)
        return [self.opening, *middles, self.closing]


EXPLAINER = Template(
    kind="explainer",
    opening=Beat(
        "The question",
        "an intriguing opening image asking about {topic}, a curious person looking up",
        "Ever wondered {question}? Let's find out.",
        Camera.zoom_in,
    ),
    middle=(
        Beat(
            "The big idea",
            "a simple diagram introducing the core idea of {topic}, bold shapes, clear labels",
            "Here is the big idea, in one picture.",
            Camera.pan_right,
        ),
        Beat(
            "Step by step",
            "a step-by-step visual sequence explaining {topic}, arrows between stages",
            "It happens in a few clear steps, one after another.",
            Camera.tilt_down,
        ),
        Beat(
            "A closer look",
            "a close-up, magnified view of the key detail in {topic}, soft depth of field",
            "Zoom in, and the key detail comes into view.",
            Camera.zoom_out,
        ),
        Beat(
            "Why it matters",
            "{audience} in everyday life, a scene about why {topic} matters, warm and hopeful",
            "And this is why it matters to you.",
            Camera.orbit,
        ),
    ),
    closing=Beat(
        "Recap",
        "a clean summary card with three icons recapping {topic}, calm background",
        "Recap: the idea, the steps, the detail. Now you know {question}.",
        Camera.static,
    ),
    default_style="clean flat illustration, bright friendly colours, soft lighting",
    tone="friendly, clear",
    logline="A {seconds:g}-second explainer on {topic} for {audience}.",
)

PRODUCT_DEMO = Template(
    kind="product demo",
    opening=Beat(
        "The problem",
        "a frustrated person at a laptop struggling with a task that {topic} solves, "
        "cluttered desk, late afternoon light",
        "Still doing this the hard way? There is a better way.",
        Camera.zoom_in,
    ),
    middle=(
        Beat(
            "Meet the feature",
            "a clean product screen introducing {topic}, the feature highlighted with a soft glow",
            "Meet {topic}.",
            Camera.pan_right,
        ),
        Beat(
            "How it works",
            "a cursor clicking through {topic} step by step on a modern app interface, "
            "crisp UI, smooth motion",
            "One click, and it just works.",
            Camera.tilt_down,
        ),
        Beat(
            "The result",
            "a happy person looking at the finished result made with {topic}, relaxed, smiling",
            "Minutes saved, every single day.",
            Camera.orbit,
        ),
    ),
    closing=Beat(
        "Try it today",
        "a bold call-to-action card for {topic}, product logo area, confident colours",
        "Try {topic} today.",
        Camera.static,
        caption="Try it today",
    ),
    default_style="sleek modern product video, clean UI, soft studio lighting",
    tone="confident, upbeat",
    logline="A {seconds:g}-second product demo of {topic} for {audience}.",
)

ONBOARDING = Template(
    kind="onboarding",
    opening=Beat(
        "Welcome, {name}",
        "{person} arriving at a bright, welcoming office, colleagues waving hello",
        "Welcome to the {team}, {name}! We are so glad you are here.",
        Camera.zoom_in,
        caption="Welcome, {name}!",
    ),
    middle=(
        Beat(
            "Meet the team",
            "{person} meeting the {team} around a table, friendly faces, natural light",
            "This is your team. They can't wait to work with you.",
            Camera.pan_right,
        ),
        Beat(
            "Your first week",
            "{person} at a desk with a checklist of first steps, laptop, coffee, calm morning",
            "Your first week: set up your tools, meet your buddy, and ship something small.",
            Camera.tilt_down,
        ),
        Beat(
            "Where to get help",
            "{person} chatting with a helpful colleague, a board of useful links in the background",
            "Questions? Ask anyone. Asking is how we work.",
            Camera.orbit,
        ),
    ),
    closing=Beat(
        "Let's go",
        "{person} smiling with the {team}, a warm celebratory moment",
        "We're glad you're here, {name}. Let's build great things together.",
        Camera.static,
        caption="Welcome aboard!",
    ),
    default_style="warm friendly illustration, soft pastel colours, cosy light",
    tone="warm, welcoming",
    logline="A {seconds:g}-second welcome for {name}, joining the {team}.",
)


def from_template(
    template: Template,
    *,
    topic: str = "",
    audience: str = "everyone",
    seconds: float = 30.0,
    shots: int = 6,
    aspect: Aspect = Aspect.landscape,
    style: str = "",
    tone: str = "",
    name: str = "",
    team: str = "team",
    role: str = "",
    seed: int = 7,
) -> Storyboard:
    """A storyboard for the template's story, spread evenly over `seconds`.

    Character and style phrases ("{person}") are repeated word for word in every prompt so the
    shots stay consistent when a video model renders them one by one.
    """
    topic = topic.strip().rstrip(".?!") or "this topic"
    name = name.strip() or "there"
    role = role.strip()
    words = {
        "topic": topic,
        "audience": audience,
        "question": topic if _QUESTION_WORD.match(topic) else f"about {topic}",
        "name": name,
        "team": team,
        "person": f"{name}, a friendly new {role or 'teammate'} with a backpack",
        "seconds": seconds,
    }
    beats = template.beats(shots)
    duration = round(min(20.0, max(1.0, seconds / len(beats))), 2)
    shot_list = []
    for number, beat in enumerate(beats, start=1):
        if number == len(beats):
            transition = Transition.fade_to_black
        else:
            transition = Transition.crossfade if number % 2 == 0 else Transition.cut
        shot_list.append(
            Shot(
                title=beat.title.format(**words)[:80],
                prompt=beat.prompt.format(**words)[:1000],
                negative_prompt=NEGATIVE_PROMPT,
                duration=duration,
                camera=beat.camera,
                transition=transition,
                narration=beat.narration.format(**words)[:400],
                caption=beat.caption.format(**words)[:120],
                seed=seed + number,
            ).model_dump()
        )
    headline = f"Welcome, {name}" if template is ONBOARDING else topic[:1].upper() + topic[1:]
    script = Script(
        title=headline[:80],
        audience=audience[:120],
        tone=(tone or template.tone)[:80],
        logline=template.logline.format(**words)[:300],
        text=" ".join(shot["narration"] for shot in shot_list)[:6000],
    )
    return parse_storyboard(
        {
            "script": script.model_dump(),
            "shots": shot_list,
            "aspect": aspect,
            "style": style or template.default_style,
        }
    )


def explainer(topic: str, **options: Any) -> Storyboard:
    """Hook, key points and recap for `topic`."""
    return from_template(EXPLAINER, topic=topic, **options)


_LEAD_INS = re.compile(
    r"^\s*(please\s+)?((make|create|produce|generate|write)\s+)?(me\s+)?((a|an)\s+)?"
    r"(([\w-]+\s+)?(video|clip|explainer|film|demo|walkthrough)\s+)?"
    r"((on|about|of|explaining|that explains)\s+)?"
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
