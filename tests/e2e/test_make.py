"""The README's first command, run the way a new user runs it: the installed `reelchat` script."""

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

from reelchat import store
from reelchat.generation.media import probe, read_frame
from reelchat.generation.narration import tts_available
from reelchat.storyboard.models import Transition
from reelchat.workspace import Workspace

pytestmark = pytest.mark.e2e


def test_make_produces_a_shareable_video(tmp_path):
    exe = shutil.which("reelchat", path=os.path.dirname(sys.executable)) or shutil.which("reelchat")
    assert exe, "the reelchat console script is not installed"
    env = {**os.environ, "REELCHAT_WORKSPACE": str(tmp_path / "ws")}
    result = subprocess.run(
        [exe, "make", "Explain how vaccines work, for teenagers", "-o", "vaccines.mp4"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    video = tmp_path / "vaccines.mp4"
    assert "video: vaccines.mp4" in result.stdout

    workspace = Workspace(root=tmp_path / "ws", database=tmp_path / "ws" / "reelchat.db")
    session = store.list_sessions(workspace.engine)[0]
    board = store.get_version(workspace.engine, session_id=session.id).storyboard
    assert "vaccines" in board.title.lower() and board.script.audience == "teenagers"

    info = probe(video)
    assert (info.width, info.height, info.fps) == (854, 480, 24.0)
    assert (info.codec, info.pix_fmt, info.faststart) == ("h264", "yuv420p", True)
    expected_frames = board.runtime * board.fps
    assert abs(info.frames - expected_frames) <= len(board.shots)
    if tts_available():
        assert info.audio_codec == "aac"

    starts, time = [], 0.0
    for index, shot in enumerate(board.shots):
        starts.append(time)
        time += shot.duration - board.overlap_after(index)
    middles = [
        read_frame(video, start + 0.5 * shot.duration)
        for start, shot in zip(starts, board.shots, strict=True)
    ]
    for a, b in zip(middles, middles[1:], strict=False):
        assert np.abs(a.astype(int) - b.astype(int)).mean() > 5, "two shots look the same"
    first = board.shots[0]
    early, late = read_frame(video, 0.7), read_frame(video, first.duration - 0.3)
    assert np.abs(early.astype(int) - late.astype(int)).mean() > 2, "shot 1 does not move"
    if board.shots[-1].transition is Transition.fade_to_black:
        assert read_frame(video, info.duration - 0.1).mean() < 25
