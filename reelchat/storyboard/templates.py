"""Use-case templates: a real script and storyboard from a topic, with no LLM needed."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Any

from reelchat.generation.timing import durations_for_runtime
from reelchat.storyboard.models import (
    MAX_SHOT_SECONDS,
    MIN_SHOT_SECONDS,
    Aspect,
    Camera,
    Script,
    Shot,
    Storyboard,
    Transition,
)
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
    """Opening, middle beats (as many as the shot count needs, each used once), closing."""

    kind: str
    opening: Beat
    middle: tuple[Beat, ...]
    closing: Beat
    default_style: str
    tone: str
    logline: str
    more: Beat
    """The beat for shots beyond the middle ones, numbered ("Detail 9"), never a copy."""

    def beats(self, count: int) -> list[Beat]:
        """`count` different beats: opening, middles in order, numbered extras, closing."""
        if count <= 1:
            return [self.opening]
        middles = list(self.middle[: count - 2])
        for extra in range(len(middles), count - 2):
            middles.append(replace(self.more, title=self.more.title.replace("#", str(extra + 2))))
        return [self.opening, *middles, self.closing]


EXPLAINER = Template(
    kind="explainer",
    opening=Beat(
        "{Subject}: the question",
        "an intriguing opening image about {topic}, a curious person looking up at it",
        "Ever wondered {question}? Let's find out.",
        Camera.zoom_in,
    ),
    middle=(
        Beat(
            "{Subject} in one picture",
            "a simple diagram of {subject}, bold shapes, clear labels",
            "{Subject}, in one picture.",
            Camera.pan_right,
        ),
        Beat(
            "{Subject}, step by step",
            "a step-by-step visual sequence of {topic}, arrows between the stages",
            "Step by step, this is {topic}.",
            Camera.tilt_down,
        ),
        Beat(
            "A closer look at {subject}",
            "a close-up, magnified view of the key detail of {subject}, soft depth of field",
            "Look closer, and the key detail of {subject} comes into view.",
            Camera.zoom_out,
        ),
        Beat(
            "{Subject}: why it matters",
            "{audience} in everyday life, a scene about why {subject} matters, warm and hopeful",
            "Here is why {subject} is worth knowing, for {audience}.",
            Camera.orbit,
        ),
        Beat(
            "{Subject} around us",
            "{subject} seen in an everyday place, people passing by, natural light",
            "Once you know it, you see {subject} everywhere.",
            Camera.pan_left,
        ),
        Beat(
            "A common mix-up about {subject}",
            "a split screen of a wrong idea and the right idea about {subject}, a check mark",
            "A common mix-up about {subject}, cleared up.",
            Camera.tilt_up,
        ),
        Beat(
            "{Subject} by the numbers",
            "big friendly numbers and icons that put {subject} to scale",
            "A few numbers show how big {subject} really is.",
            Camera.zoom_in,
        ),
    ),
    more=Beat(
        "{Subject}: detail #",
        "another telling detail of {subject}, a new angle, clear shapes",
        "One more detail of {subject} worth knowing.",
        Camera.pan_right,
    ),
    closing=Beat(
        "Recap: {subject}",
        "a clean summary card with three icons recapping {subject}, calm background",
        "That's {subject}: now you know {question}.",
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
        "a frustrated person at a laptop struggling without {product}, cluttered desk, "
        "late afternoon light",
        "{task}",
        Camera.zoom_in,
    ),
    middle=(
        Beat(
            "Meet {product}",
            "a clean product screen of {product_intro}, its logo area glowing softly",
            "Meet {product_intro}.",
            Camera.pan_right,
        ),
        Beat(
            "{Feature}",
            "a cursor in {product} going straight to {feature}, crisp UI, smooth motion",
            "Here's {shown}.",
            Camera.tilt_down,
        ),
        Beat(
            "Done in seconds",
            "{product} finishing {feature} with a satisfying check mark, modern interface",
            "A few clicks, and it's done.",
            Camera.zoom_out,
        ),
        Beat(
            "The result",
            "a happy person looking at the finished result of {feature} in {product}, smiling",
            "The result is ready to share, right away.",
            Camera.orbit,
        ),
        Beat(
            "Anywhere you work",
            "{product} on a laptop and a phone side by side, the same screen on both",
            "{Product} works wherever you do.",
            Camera.pan_left,
        ),
        Beat(
            "Time saved",
            "a clock and a calendar easing off as {product} handles {feature}",
            "Minutes saved, every single day.",
            Camera.tilt_up,
        ),
    ),
    more=Beat(
        "{Product}: tip #",
        "a close-up of a handy detail in {product}, cursor hovering, crisp UI",
        "One more thing {product} does for you.",
        Camera.zoom_in,
    ),
    closing=Beat(
        "Try {product} today",
        "a bold call-to-action card for {product}, logo area, confident colours",
        "Try {product} today.",
        Camera.static,
        caption="Try {product} today",
    ),
    default_style="sleek modern product video, clean UI, soft studio lighting",
    tone="confident, upbeat",
    logline="A {seconds:g}-second product demo of {demo_of}, for {audience}.",
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
            "Meet the {team}",
            "{person} meeting the {team} around a table, friendly faces, natural light",
            "This is the {team}. They can't wait to work with you.",
            Camera.pan_right,
        ),
        Beat(
            "Your role",
            "{person} at a whiteboard sketching plans with the {team}",
            "As our new {role_word}, you'll help shape how the {team} works.",
            Camera.tilt_down,
        ),
        Beat(
            "Your first week",
            "{person} at a desk with a checklist of first steps, laptop, coffee, calm morning",
            "Your first week: set up your tools, meet your buddy, and ship something small.",
            Camera.zoom_out,
        ),
        Beat(
            "Where to get help",
            "{person} chatting with a helpful colleague, a board of useful links behind them",
            "Questions? Ask anyone on the {team}. Asking is how we work.",
            Camera.orbit,
        ),
        Beat(
            "How we work",
            "{person} in a lively team meeting, sticky notes on a wall, sunlight",
            "We plan together, share early and help each other out.",
            Camera.pan_left,
        ),
        Beat(
            "Your first win",
            "{person} celebrating a first finished task with a high five from a teammate",
            "Soon you'll have your first win, and we'll celebrate it with you.",
            Camera.tilt_up,
        ),
    ),
    more=Beat(
        "Good to know #",
        "{person} discovering a handy corner of the office, a friendly sign",
        "One more thing that will make your days easier, {name}.",
        Camera.pan_right,
    ),
    closing=Beat(
        "Let's go, {name}",
        "{person} smiling with the {team}, a warm celebratory moment",
        "We're glad you're here, {name}. Let's build great things together.",
        Camera.static,
        caption="Welcome aboard!",
    ),
    default_style="warm friendly illustration, soft pastel colours, cosy light",
    tone="warm, welcoming",
    logline="A {seconds:g}-second welcome for {name}, joining the {team}{as_role}.",
)

_SUBJECT = re.compile(
    r"^(?:how|why|what|when|where|who)\s+(?:do|does|is|are|did|can)?\s*(?P<subject>.+?)"
    r"(?:\s+(?:works?|happens?|forms?|grows?|moves?|changes?|begins?|starts?|is made|are made))?$",
    re.IGNORECASE,
)


def subject_of(topic: str) -> str:
    """The thing a topic is about: 'how vaccines work' -> 'vaccines'."""
    match = _SUBJECT.match(topic)
    return (match["subject"] if match else topic).strip() or topic


def _capital(text: str) -> str:
    """`text` starting with a capital, except a name cased as written ("iNotes", "eBay")."""
    if re.match(r"[a-z]+[A-Z]", text):
        return text
    return text[:1].upper() + text[1:]


def from_template(
    template: Template,
    *,
    topic: str = "",
    audience: str = "everyone",
    seconds: float = 30.0,
    shots: int = 6,
    aspect: Aspect = Aspect.landscape,
    fps: float = 24,
    style: str = "",
    tone: str = "",
    name: str = "",
    team: str = "team",
    role: str = "",
    product: str = "",
    product_intro: str = "",
    feature: str = "",
    seed: int = 7,
) -> Storyboard:
    """A storyboard for the template's story, spread evenly over `seconds`: the stitched video
    lasts `seconds` to the frame, crossfades included, when the shots fit their 1-20 s bounds.

    The request's own words (topic, product and feature, name, team and role) fill every
    beat; `product` is the product's name ("Notely") and `product_intro` says it with its kind
    ("Notely, our notes app") where a sentence introduces it. Character and style phrases
    ("{person}") are repeated word for word in every prompt so the shots stay consistent when
    a video model renders them one by one.
    """
    topic = topic.strip().rstrip(".?!") or "this topic"
    name = name.strip() or "there"
    role = role.strip()
    team = team.strip() or "team"
    named = product.strip()
    product = named or "our app"
    product_intro = product_intro.strip() or product
    said_feature = feature.strip()
    in_action = bool(named and not said_feature)  # a named product, no feature: it in action
    feature = said_feature or ("the task at hand" if in_action else topic)
    shown = (
        f"{product} in action"
        if in_action
        else feature
        if named and named in feature  # "how HubLite tracks leads"
        else f"{feature}, in {product}"
    )
    subject = subject_of(topic)
    words = {
        "topic": topic,
        "subject": subject,
        "Subject": _capital(subject),
        "audience": audience,
        "question": topic if _QUESTION_WORD.match(topic) else f"about {topic}",
        "name": name,
        "team": team,
        "role_word": role or "teammate",
        "as_role": f" as {role}" if role else "",
        "person": f"{name}, a friendly new {role or 'teammate'} with a backpack",
        "product": product,
        "Product": _capital(product),
        "product_intro": product_intro,
        "feature": feature,
        "Feature": _capital(shown if in_action else feature),
        "shown": shown,
        "demo_of": product_intro if in_action else f"{product_intro}: {feature}",
        "task": (
            f"Need to {feature[7:]}? There's an easier way."
            if feature.lower().startswith("how to ")
            else f"Ever wondered {feature}?"
            if re.match(r"how\b", feature, re.I)
            else f"Still doing it the hard way? {_capital(product if in_action else feature)} "
            "makes it easy."
        ),
        "seconds": seconds,
    }
    beats = template.beats(shots)
    transitions = [
        Transition.fade_to_black
        if number == len(beats)
        else Transition.crossfade
        if number % 2 == 0
        else Transition.cut
        for number in range(1, len(beats) + 1)
    ]
    fades = [transition is Transition.crossfade for transition in transitions]
    durations = durations_for_runtime([1.0] * len(beats), fades, seconds, fps)
    if not all(MIN_SHOT_SECONDS <= duration <= MAX_SHOT_SECONDS for duration in durations):
        # the crossfade overlaps would take a shot past its bounds: each at its bound instead
        even = min(MAX_SHOT_SECONDS, max(MIN_SHOT_SECONDS, seconds / len(beats)))
        durations = [round(even, 2)] * len(beats)
    shot_list = []
    for number, (beat, transition, duration) in enumerate(
        zip(beats, transitions, durations, strict=True), start=1
    ):
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
    if template is ONBOARDING:
        headline = f"Welcome, {name}"
    elif template is PRODUCT_DEMO and said_feature and named and named in feature:
        headline = _capital(feature)
    elif template is PRODUCT_DEMO and said_feature and feature != topic:
        headline = _capital(f"{product}: {feature}")
    elif template is PRODUCT_DEMO and in_action:
        headline = _capital(product_intro)
    else:
        headline = _capital(topic)
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
            "fps": fps,
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
