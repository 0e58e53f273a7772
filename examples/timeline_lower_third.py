"""Lay a lower third (a name on a coloured bar) over a reelchat video, in moviepy's own terms.

    python examples/timeline_lower_third.py "a 12 second explainer on tides, 2 shots" "Ada Lovelace"

`session.timeline()` is the video reelchat made, as one moviepy clip: the rendered shots, their
transitions, titles and captions, narration and music. Anything moviepy can lay over it goes;
`session.render` writes the result with reelchat's encoder settings (H.264, yuv420p, +faststart,
BT.709 tags) into the session's folder and returns the path.
"""

from __future__ import annotations

import sys

from moviepy import ColorClip, CompositeVideoClip, TextClip, VideoClip, vfx

from reelchat import Studio
from reelchat.generation.stitch import StitchOptions

BAR_COLOUR = (235, 110, 20)


def with_lower_third(
    timeline: VideoClip, name: str, *, start: float = 0.5, seconds: float = 3.0
) -> CompositeVideoClip:
    """`timeline` with `name` in white on a BAR_COLOUR bar, left of centre at 55 % of the
    height, from `start` for `seconds` (cut at the end of the video), fading in over 0.2 s."""
    width, height = timeline.size
    bar_height = max(16, height // 9)
    left, top = width // 20, int(height * 0.55)
    end = min(start + seconds, timeline.duration)
    bar = ColorClip((width * 2 // 5, bar_height), color=BAR_COLOUR)
    text = TextClip(text=name, font_size=int(bar_height * 0.6), color="white")
    layers = [
        bar.with_position((left, top)),
        text.with_position((left + bar_height // 3, top + bar_height // 6)),
    ]
    timed = [
        layer.with_start(start).with_end(end).with_effects([vfx.CrossFadeIn(0.2)])
        for layer in layers
    ]
    return CompositeVideoClip([timeline, *timed])


def main() -> None:
    request, name = sys.argv[1], sys.argv[2]
    session = Studio(stitch=StitchOptions()).new_session()  # REELCHAT_* settings apply
    print(session.ask(request))
    with session.timeline() as timeline:
        print(session.render(with_lower_third(timeline, name)))


if __name__ == "__main__":
    main()
