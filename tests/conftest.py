"""Shared fixtures: a fresh workspace per test and small, fast storyboards."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
for _name in ("OPENAI_BASE_URL", "OPENAI_API_KEY", "REELCHAT_LLM_BASE_URL", "REELCHAT_WORKSPACE"):
    os.environ.pop(_name, None)

from reelchat import store  # noqa: E402
from reelchat.storyboard.models import Storyboard  # noqa: E402
from reelchat.storyboard.validation import parse_storyboard  # noqa: E402
from reelchat.workspace import Workspace  # noqa: E402


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    root = tmp_path / "ws"
    return Workspace(root=root, database=root / "reelchat.db")


def make_storyboard(
    shots: int = 4,
    *,
    transitions: list[str] | None = None,
    duration: float = 1.0,
    **settings: Any,
) -> Storyboard:
    """A small storyboard that renders in well under a second per shot (640x360, 8 fps)."""
    transitions = transitions or ["cut"] * shots
    cameras = ["zoom_in", "pan_right", "tilt_up", "orbit", "zoom_out", "pan_left", "static"]
    data = {
        "script": {"title": "Test video", "audience": "testers"},
        "shots": [
            {
                "title": f"Shot {n + 1}",
                "prompt": f"scene number {n}: a lighthouse on a cliff, variation {n}",
                "duration": duration,
                "camera": cameras[n % len(cameras)],
                "transition": transitions[n],
                "narration": f"This is shot {n + 1}.",
                "seed": 100 + n,
            }
            for n in range(shots)
        ],
        "resolution": 360,
        "fps": 8,
        **settings,
    }
    return parse_storyboard(data)


@pytest.fixture
def storyboard() -> Storyboard:
    return make_storyboard()


def store_counts(workspace: Workspace) -> dict[str, int]:
    """How many rows each table holds: used to prove a rejected action changed nothing."""
    from sqlmodel import Session, func, select

    counts = {}
    with Session(workspace.engine) as db:
        for table in (
            store.ChatSession,
            store.Message,
            store.StoryboardVersion,
            store.RenderJob,
            store.ClipRecord,
            store.Video,
        ):
            counts[table.__name__] = db.exec(select(func.count()).select_from(table)).one()
    return counts


@pytest.fixture
def server():
    """A scripted OpenAI-protocol server on 127.0.0.1 (tests/openai_server.py)."""
    from tests.openai_server import ScriptedOpenAI

    scripted = ScriptedOpenAI()
    yield scripted
    scripted.close()
