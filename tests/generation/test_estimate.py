"""Render time estimates: the table before any history, this workspace's history after."""

import pytest

from reelchat import store
from reelchat.generation.animatic import AnimaticBackend
from reelchat.generation.runner import RenderEvent, render_session
from reelchat.generation.stitch import StitchOptions
from tests.conftest import make_storyboard

QUIET = StitchOptions(captions=False, narration=False)


def _render(workspace, backend, board):
    session = store.create_session(workspace.engine, title="estimate")
    store.add_version(workspace.engine, session_id=session.id, storyboard=board)
    events: list[RenderEvent] = []
    outcome = render_session(
        workspace, backend, session_id=session.id, options=QUIET, on_event=events.append
    )
    return outcome, [e.message for e in events if e.kind == "estimate"]


def _comparable(shots, offset, duration=2.0):
    """Same shape (shots, durations, size, rate), other prompts and seeds: nothing reused."""
    board = make_storyboard(shots, duration=duration)
    return board.model_copy(
        update={
            "shots": [
                shot.model_copy(
                    update={"prompt": f"{shot.prompt} take {offset}", "seed": shot.seed + offset}
                )  # fmt: skip
                for shot in board.shots
            ]
        }
    )


def test_the_first_render_uses_the_table_and_the_second_this_workspaces_history(workspace):
    """How close the history's estimate comes to the real time is measured by
    bench/estimate.py (wall-clock figures belong in a benchmark, not a unit test); here: where
    each estimate comes from, and that the second is the first render's recorded rates times
    the second storyboard's frames."""
    first, [said_first] = _render(workspace, AnimaticBackend(), _comparable(4, 1))
    assert first.estimate.source == "table" and "the default table" in said_first
    assert said_first.startswith("4 shot(s) to render, 0 from the clip cache; expected")
    board = _comparable(4, 2)
    width, height = board.size
    engine, backend = workspace.engine, AnimaticBackend()
    shot = store.get_rate(engine, backend=backend.name, device="cpu", width=width, height=height)
    stitch = store.get_rate(engine, backend="stitch", device="cpu", width=width, height=height)
    frames = sum(board.frame_count(s) for s in board.shots)
    expected = (shot.seconds_per_frame + stitch.seconds_per_frame) * frames
    second, [said] = _render(workspace, backend, board)
    assert second.estimate.source == "history" and "this workspace's history" in said
    assert second.estimate.seconds == pytest.approx(expected) and expected > 0


def test_cached_shots_are_counted_and_cost_nothing(workspace):
    board = _comparable(2, 1)
    _render(workspace, AnimaticBackend(), board)
    again, [said] = _render(workspace, AnimaticBackend(), board)
    assert again.rendered == 0 and again.estimate.seconds == 0
    assert said.startswith("0 shot(s) to render, 2 from the clip cache")


def test_a_long_render_asks_first_and_renders_once_confirmed(workspace):
    from reelchat.generation.executors import as_executor
    from reelchat.tools.actions import render
    from reelchat.tools.arguments import RenderArgs
    from reelchat.tools.context import ToolContext

    session = store.create_session(workspace.engine, title="confirm")
    store.add_version(workspace.engine, session_id=session.id, storyboard=_comparable(2, 5))
    ctx = ToolContext(
        workspace=workspace, session_id=session.id, executor=as_executor(AnimaticBackend()),
        stitch=QUIET, confirm_over=0.01,
    )  # fmt: skip
    asked = render(ctx, RenderArgs())
    assert asked.startswith("Not rendered yet: 2 shot(s) to render, 0 from the clip cache")
    assert "REELCHAT_CONFIRM_OVER" in asked and "Answer yes" in asked
    assert store.list_videos(workspace.engine, session_id=session.id) == []
    done = render(ctx, RenderArgs(confirmed=True))
    assert done.startswith("Video ready") and "; estimated " in done and " s, took " in done
    assert len(store.list_videos(workspace.engine, session_id=session.id)) == 1


def test_the_person_answers_yes_in_the_chat_and_the_render_goes_ahead(workspace):
    from reelchat.agent.conversation import Conversation
    from reelchat.config import Settings

    chat = Conversation(
        workspace, settings=Settings(workspace=workspace.root, confirm_over=0.01), stitch=QUIET
    )
    events = list(chat.send("a 3 second explainer on how rainbows form, 2 shots, 360p, 8 fps"))
    asked = events[-1].text
    assert "Not rendered yet" in asked and "Answer yes" in asked
    assert store.list_videos(workspace.engine, session_id=chat.session_id) == []
    reply = list(chat.send("yes, go ahead"))[-1].text
    assert "Video ready" in reply and "; estimated " in reply
    assert len(store.list_videos(workspace.engine, session_id=chat.session_id)) == 1
