"""Across processes (issue 17): edits from several processes on one session are never lost
(compare-and-swap on the storyboard version), status comes from the store's live runners, an
interrupted turn is finished by one process only."""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reelchat import store
from reelchat.agent.conversation import delete_session
from reelchat.errors import JobBusy, NotFound, VersionConflict
from reelchat.storyboard.validation import parse_storyboard
from reelchat.workspace import Workspace

ROUNDS = 8


def _edit_worker(root: str, session_id: str, shot: int, barrier) -> None:
    from reelchat.agent.conversation import Conversation
    from reelchat.config import Settings

    ws = Workspace(root=Path(root), database=Path(root) / "reelchat.db")
    chat = Conversation(ws, session_id=session_id, settings=Settings(workspace=Path(root)))
    for k in range(ROUNDS):
        barrier.wait()
        change = {"op": "update_shot", "shot": shot, "changes": {"caption": f"P{shot}-{k}"}}
        chat.apply(f"p{shot} {k}", [("edit_storyboard", {"operations": [change]})])


def _two_shot_session(workspace) -> str:
    session_id = store.create_session(workspace.engine, title="race").id
    board = parse_storyboard({"script": {"title": "race"}, "shots": [
        {"title": "one", "prompt": "a", "caption": "start"},
        {"title": "two", "prompt": "b", "caption": "start"}]})  # fmt: skip
    store.add_version(workspace.engine, session_id=session_id, storyboard=board)
    return session_id


def test_two_processes_editing_one_session_lose_no_edit(workspace):
    session_id = _two_shot_session(workspace)
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    workers = [
        context.Process(target=_edit_worker, args=(str(workspace.root), session_id, shot, barrier))
        for shot in (1, 2)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=240)
        assert worker.exitcode == 0
    versions = store.list_versions(workspace.engine, session_id=session_id)
    assert len(versions) == 1 + 2 * ROUNDS
    previous = None
    for version in versions:
        captions = [shot["caption"] for shot in json.loads(version.storyboard_json)["shots"]]
        if previous is not None:  # every version changes exactly one caption: nothing undone
            assert sum(a != b for a, b in zip(previous, captions, strict=True)) == 1, version
        previous = captions
    assert previous == [f"P1-{ROUNDS - 1}", f"P2-{ROUNDS - 1}"]


def test_a_version_saved_from_a_stale_one_is_refused(workspace):
    session_id = _two_shot_session(workspace)
    board = store.get_version(workspace.engine, session_id=session_id).storyboard
    store.add_version(workspace.engine, session_id=session_id, storyboard=board, based_on=1)
    with pytest.raises(VersionConflict, match="nothing was saved"):
        store.add_version(workspace.engine, session_id=session_id, storyboard=board, based_on=1)
    assert len(store.list_versions(workspace.engine, session_id=session_id)) == 2


def test_get_status_is_derived_from_the_store_after_the_runner_died(workspace):
    from reelchat import Studio
    from reelchat.agent_tools import VideoTools

    session_id = _two_shot_session(workspace)
    job = store.create_job(workspace.engine, session_id=session_id, version_number=1,
                           backend="animatic", shots=[])  # fmt: skip
    dead = f"{socket.gethostname()}:{2**22 + 4321}:dead"
    store.update_job(workspace.engine, job_id=job.id, status="running", owner=dead,
                     heartbeat_at=datetime.now(UTC), progress=0.4)  # fmt: skip
    tools = VideoTools(Studio(workspace.root))
    status = tools.call("get_status", {"session_id": session_id})
    assert status["rendering"] is False and status["progress"] is None
    live = f"{socket.gethostname()}:{os.getpid()}:live"
    store.update_job(workspace.engine, job_id=job.id, status="running", owner=live,
                     heartbeat_at=datetime.now(UTC))  # fmt: skip
    status = tools.call("get_status", {"session_id": session_id})
    assert status["rendering"] is True and status["progress"] == pytest.approx(0.4)


def test_video_tools_call_never_raises_on_deeply_nested_json(workspace):
    from reelchat import Studio
    from reelchat.agent_tools import VideoTools

    tools = VideoTools(Studio(workspace.root))
    for arguments in ("[" * 100_000 + "]" * 100_000, '{"a":' * 50_000 + "1" + "}" * 50_000):
        assert "nested too deeply" in tools.call("make_video", arguments)["error"]
    for name in (None, ["make_video"], {"x": 1}, 5):
        assert "unknown tool" in tools.call(name, {})["error"]


def test_an_interrupted_turn_is_finished_by_one_process_only(workspace, monkeypatch):
    from reelchat.agent import conversation
    from reelchat.agent.conversation import Conversation
    from reelchat.config import Settings
    from reelchat.errors import JobBusy
    from reelchat.generation.stitch import StitchOptions

    settings = Settings(workspace=workspace.root)
    quiet = StitchOptions(captions=False, narration=False)
    first = Conversation(workspace, settings=settings, stitch=quiet)
    first._owner = f"{socket.gethostname()}:{2**22 + 7}:killed"  # its claim: a dead process
    events = first.send("a 2 second explainer on comets, 1 shot, 360p, 8 fps")
    next(event for event in events if event.kind == "render")  # the first process stops
    session_id = first.session_id  # mid-render, its turn unfinished (as if it were killed)
    b = Conversation(workspace, session_id=session_id, settings=settings, stitch=quiet)
    assert b.interrupted
    other = f"{socket.gethostname()}:{os.getpid()}:another-live-process"
    assert store.claim_turn(workspace.engine, session_id=session_id, checkpoint_id="x",
                                   owner=other)  # fmt: skip
    with pytest.raises(JobBusy, match="another process is in the middle of a turn"):
        list(b.resume())
    monkeypatch.setattr(conversation, "TURN_WAIT_SECONDS", 0.5)
    with pytest.raises(JobBusy):
        list(b.send("make it longer"))
    assert b.interrupted  # untouched while the other process holds it
    store.release_turn(workspace.engine, session_id=session_id, owner=other)
    list(b.resume())
    events.close()
    assert not b.interrupted
    roles = [m.role for m in store.list_messages(workspace.engine, session_id=session_id)]
    assert roles == ["user", "assistant"]  # one reply, not two
    assert store.claim_turn(workspace.engine, session_id=session_id, checkpoint_id="y",
                                   owner=other)  # released once finished  # fmt: skip


def test_a_dead_holder_of_a_turn_claim_is_taken_over(workspace):
    session_id = _two_shot_session(workspace)
    engine = workspace.engine
    dead = f"{socket.gethostname()}:{2**22 + 99}:dead"
    live = f"{socket.gethostname()}:{os.getpid()}:live"
    remote = "another-host:1:x"  # on another host: alive while its claim is recent
    assert store.claim_turn(engine, session_id=session_id, checkpoint_id="c1", owner=dead)
    assert store.claim_turn(engine, session_id=session_id, checkpoint_id="c1", owner=live)
    assert not store.claim_turn(engine, session_id=session_id, checkpoint_id="c1", owner=remote)
    store.release_turn(engine, session_id=session_id, owner=live)
    assert store.claim_turn(engine, session_id=session_id, checkpoint_id="c2", owner=remote)
    assert not store.claim_turn(engine, session_id=session_id, checkpoint_id="c2", owner=live)


def test_a_session_is_not_deleted_while_another_process_is_mid_turn(workspace):
    """case29: a delete while another process waited on the model left its checkpoints."""
    session_id = _two_shot_session(workspace)
    engine = workspace.engine
    live = f"{socket.gethostname()}:{os.getpid()}:mid-turn"
    assert store.claim_turn(engine, session_id=session_id, checkpoint_id="", owner=live)
    with pytest.raises(JobBusy, match="in the middle of a chat turn"):
        delete_session(workspace, session_id)
    assert store.get_version(engine, session_id=session_id).number == 1  # nothing deleted
    store.release_turn(engine, session_id=session_id, owner=live)
    delete_session(workspace, session_id)
    with pytest.raises(NotFound):
        store.get_session(engine, session_id=session_id)
