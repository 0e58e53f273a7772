"""The library API, used the way another program would use it."""

import asyncio
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reelchat import Studio
from reelchat.errors import InputFileError, NotFound
from reelchat.generation.media import probe, read_frame
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


def _example(name):
    path = Path(__file__).resolve().parents[1] / "examples" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_lower_third_added_to_the_timeline_is_rendered_with_reelchats_settings(tmp_path):
    example = _example("timeline_lower_third")
    studio = Studio(tmp_path / "ws", stitch=StitchOptions(narration=False))
    session = studio.new_session()
    session.ask(REQUEST)
    board = session.storyboard
    with session.timeline() as timeline:
        path = session.render(example.with_lower_third(timeline, "Ada Lovelace", seconds=2.0))
    assert path.is_relative_to(tmp_path / "ws" / "sessions" / session.id)
    info = probe(path)
    assert (info.codec, info.pix_fmt, info.faststart, info.colour) == (
        "h264", "yuv420p", True, ("tv", "bt709"),
    )  # fmt: skip
    assert abs(info.frames - round(board.runtime * board.fps)) <= 1
    assert (info.width, info.height) == board.size
    # the bar is there while the lower third shows (0.5 s to 2.5 s), and gone after it
    width, height = board.size
    on_bar = (int(height * 0.55) + max(16, height // 9) - 3, width // 20 + width * 2 // 5 - 5)
    during = read_frame(path, 1.5)[on_bar].astype(int)
    assert np.abs(during - example.BAR_COLOUR).max() < 20
    assert np.abs(read_frame(session.video_path, 1.5)[on_bar].astype(int) - during).max() > 40
    after = (read_frame(path, 3.0).astype(int), read_frame(session.video_path, 3.0).astype(int))
    assert np.abs(after[0] - after[1]).mean() < 3


def test_a_session_without_a_video_has_no_timeline(tmp_path):
    session = Studio(tmp_path / "ws").new_session()
    with pytest.raises(NotFound):
        session.timeline()


def test_render_writes_mp4_only(tmp_path):
    from moviepy import ColorClip

    session = Studio(tmp_path / "ws").new_session()
    clip = ColorClip((64, 64), color=(0, 0, 0)).with_duration(0.5)
    with pytest.raises(InputFileError, match="ending in .mp4"):
        session.render(clip, tmp_path / "video.mov")
    assert not (tmp_path / "video.mov").exists()


def test_a_rendered_timeline_carries_the_same_tags_as_the_stitched_video(tmp_path):
    import av

    studio = Studio(tmp_path / "ws", stitch=StitchOptions(narration=False))
    session = studio.new_session()
    session.ask(REQUEST)
    with session.timeline() as timeline:
        path = session.render(timeline)
    with av.open(str(path)) as rendered, av.open(str(session.video_path)) as stitched:
        tags, reference = rendered.metadata, stitched.metadata
    assert tags["title"] == reference["title"] == session.storyboard.title
    for key in ("reelchat_version", "reelchat_session", "reelchat_storyboard_version"):
        assert tags[key] == reference[key]
    assert tags["reelchat_session"] == session.id and "reelchat_video" not in tags
