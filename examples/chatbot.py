"""A minimal chatbot that makes videos with reelchat as a library.

    python examples/chatbot.py            # type a request, then changes; empty line quits

Any chatbot can do the same: keep one StudioSession per conversation, pass the person's words
to `send`, show the progress events, and hand over `session.video_path` when the reply comes.
"""

from __future__ import annotations

import sys

from reelchat import Studio


def main() -> None:
    studio = Studio()  # REELCHAT_* settings apply; offline planner and animatic by default
    session = studio.new_session()
    print(f"session {session.id}: what video would you like?")
    for line in sys.stdin:
        text = line.strip()
        if not text:
            break
        for event in session.send(text):
            if event.kind == "tool_call":
                print(f"  … {event.text}")
            elif event.kind == "reply":
                print(f"bot: {event.text}")
        if session.video_path:
            print(f"bot: your video is at {session.video_path}")


if __name__ == "__main__":
    main()
