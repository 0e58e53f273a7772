"""The library API, used the way another program would use it."""

import asyncio
import json
import subprocess
import sys

from reelchat import Studio
from reelchat.generation.stitch import StitchOptions

REQUEST = "a 4 second explainer on owls, 2 shots, 360p, 8 fps"

MAKE = """
import sys
from reelchat import Studio
from reelchat.generation.stitch import StitchOptions
session = Studio(sys.argv[1], stitch=StitchOptions(narration=False)).new_session()
session.ask(sys.argv[2])
print(session.id)
"""

READ = """
import json, sys
from reelchat import Studio
session = Studio(sys.argv[1]).session(sys.argv[2])
print(json.dumps({"title": session.storyboard.title, "video": str(session.video_path),
                  "shots": len(session.storyboard.shots)}))
"""


def _python(code, *args):
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                            timeout=300)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_a_session_round_trips_through_fresh_processes(tmp_path):
    root = str(tmp_path / "ws")
    session_id = _python(MAKE, root, REQUEST)
    seen = json.loads(_python(READ, root, session_id))
    assert seen["title"] == "Owls" and seen["shots"] == 2
    assert seen["video"].endswith(".mp4")
    assert (tmp_path / "ws" / "sessions" / session_id / "videos").is_dir()


def test_the_async_api(tmp_path):
    studio = Studio(tmp_path / "ws", stitch=StitchOptions(narration=False))
    session = studio.new_session()

    async def chat():
        kinds = [event.kind async for event in session.asend(REQUEST)]
        reply = await session.aask("make shot 1 longer")
        return kinds, reply

    kinds, reply = asyncio.run(chat())
    assert kinds[0] == "tool_call" and kinds[-1] == "reply"
    assert "Saved version 2" in reply
    assert session.storyboard.shots[0].duration == 4.0
    assert studio.sessions()[0] == (session.id, "Owls")


def test_a_session_takes_media_by_path_or_bytes(tmp_path):
    import io

    from PIL import Image

    picture = io.BytesIO()
    Image.new("RGB", (8, 6), "teal").save(picture, format="PNG")
    (tmp_path / "shot1.png").write_bytes(picture.getvalue())
    studio = Studio(tmp_path / "ws")
    logo = studio.add_workspace_media(tmp_path / "shot1.png", label="logo.png")
    session = studio.new_session()
    from_path = session.add_media(str(tmp_path / "shot1.png"))
    Image.new("RGB", (8, 6), "gold").save(picture := io.BytesIO(), format="PNG")
    from_bytes = session.add_media(picture.getvalue(), label="upload.png")
    assert from_path.id == logo.id and from_path.scope == session.id
    assert [(m.label, m.scope) for m in session.media()] == [
        ("shot1.png", session.id), ("upload.png", session.id), ("logo.png", "workspace"),
    ]  # fmt: skip
    assert (from_bytes.width, from_bytes.height) == (8, 6)
    assert Studio(tmp_path / "ws").session(session.id).media() == session.media()
