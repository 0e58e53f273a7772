"""A new shot written from a few words ("a shot about safety"): title, prompt, narration.

Offline, with no language model, the words themselves are all there is to go on: the shot says
what was asked in the video's own style, and a call to action with a web address gets that
address on screen. An LLM writes richer shots through the same tools."""

from __future__ import annotations

import re
from typing import Any

from reelchat.storyboard.models import Camera, Storyboard

_URL = re.compile(r"\b(?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}(?:/[\w./-]*)?\b", re.I)
_LEAD = re.compile(r"^(?:a|an|the|some|one|shot|scene|of|about|showing|with)\s+", re.I)


def _tidy(words: str) -> str:
    words = " ".join(words.split()).strip(" ,.;:!?\"'")
    previous = None
    while previous != words:
        previous = words
        words = _LEAD.sub("", words)
    return words or "one more moment"


def write_shot(what: str, board: Storyboard, *, seed: int, topic: bool = False) -> dict[str, Any]:
    """ShotPlan fields for a shot showing `what` ("a surfer riding a wave"), or about it when
    `topic` ("safety"), matching `board` (style, length of its shots).

    Returns title (at most 60 characters), prompt, narration, caption, duration and seed."""
    subject = _tidy(what)
    shown = " ".join(what.split()).strip(" ,.;:!?\"'") or subject
    url = _URL.search(what)
    style = board.style or "in the video's style"
    average = sum(shot.duration for shot in board.shots) / len(board.shots)
    about = f'for "{board.title}"'
    if re.search(r"\bcall to action\b|\bcta\b|\bvisit\b|\bsign up\b|\bsubscribe\b", what, re.I):
        subject = re.sub(r"^(?:call to action|cta)\s*(?:to\s+)?", "", subject, flags=re.I)
        target = url[0] if url else board.title
        return {
            "title": f"Visit {target}"[:60] if url else "Call to action",
            "prompt": f"a bold call-to-action card inviting viewers to {subject}, {about}, {style}",
            "narration": f"Visit {target} today." if url else f"Try {board.title} today.",
            "caption": target[:120],
            "duration": round(average, 2),
            "camera": Camera.static,
            "seed": seed,
        }
    return {
        "title": subject[:1].upper() + subject[1:60],
        "prompt": f"a clear, striking scene showing {subject}, {about}, {style}",
        "narration": (f"And a word on {subject}." if topic else f"Picture this: {shown}.")[:400],
        "caption": "",
        "duration": round(average, 2),
        "camera": Camera.zoom_in,
        "seed": seed,
    }
