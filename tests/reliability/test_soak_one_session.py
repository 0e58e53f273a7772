"""Soak on ONE session from several processes (issue 17): each process sends chat turns that
change its own shot's prompt (every edit renders that shot again), and now and then cancels
the session's render. Afterwards: no edit lost or undone, both databases pass their integrity
checks, and the checkpoint store stayed small.

CI runs a small one (2 processes x 3 turns). The longer one in docs/reliability.md is
`SOAK_PROCESSES=4 SOAK_TURNS=50 pytest tests/reliability/test_soak_one_session.py -s`.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path

import pytest

from reelchat import store
from reelchat.storyboard.validation import parse_storyboard

pytestmark = pytest.mark.e2e
PROCESSES = int(os.environ.get("SOAK_PROCESSES", "2"))
TURNS = int(os.environ.get("SOAK_TURNS", "3"))
CANCEL_EVERY = 4
CHECKPOINT_LIMIT = 16_000_000
"""Bytes the checkpoint files may reach, whatever the number of turns (about 1.4 GB at 1,000
turns before the history was bounded)."""


def _cancel_next_render(engine, session_id: str, within: float = 20.0) -> None:
    """Ask the session's next live render job to stop, as `reelchat cancel` would."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        job = store.live_job(engine, session_id=session_id)
        if job is not None:
            store.request_cancel(engine, job_id=job.id)
            return
        time.sleep(0.02)


def _worker(root: str, session_id: str, shot: int, turns: int, barrier, results) -> None:
    from reelchat.agent.conversation import Conversation
    from reelchat.config import Settings
    from reelchat.errors import ReelchatError
    from reelchat.generation.stitch import StitchOptions
    from reelchat.workspace import Workspace

    ws = Workspace(root=Path(root), database=Path(root) / "reelchat.db")
    chat = Conversation(ws, session_id=session_id, settings=Settings(workspace=Path(root)),
                        stitch=StitchOptions(captions=False, narration=False))  # fmt: skip
    barrier.wait()
    outcome = []
    for k in range(turns):
        if k % CANCEL_EVERY == 1:  # cancel the render this turn starts
            threading.Thread(target=_cancel_next_render, args=(ws.engine, session_id)).start()
        try:
            text = f"change the prompt of shot {shot} to P{shot}x{k}"
            replies = [e.text for e in chat.send(text) if e.kind == "reply"]
            outcome.append(("ok", k, replies[-1][:200] if replies else ""))
        except ReelchatError as error:  # a clear refusal (busy, conflict): told, not lost
            outcome.append(("refused", k, str(error)[:200]))
    results.put((shot, outcome))


def _prompts(version) -> list[str]:
    return [shot["prompt"] for shot in json.loads(version.storyboard_json)["shots"]]


def test_processes_editing_rendering_and_cancelling_one_session_lose_nothing(workspace):
    session_id = store.create_session(workspace.engine, title="soak").id
    board = parse_storyboard({
        "script": {"title": "soak"}, "resolution": 360, "fps": 8,
        "shots": [{"title": f"s{n}", "prompt": "start", "duration": 3}
                  for n in range(1, PROCESSES + 1)],
    })  # fmt: skip
    store.add_version(workspace.engine, session_id=session_id, storyboard=board)
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    workers = [
        context.Process(target=_worker, args=(str(workspace.root), session_id, shot, TURNS,
                                              barrier, results))
        for shot in range(1, PROCESSES + 1)
    ]  # fmt: skip
    started = time.monotonic()
    for worker in workers:
        worker.start()
    outcomes = dict(results.get(timeout=300 + 30 * TURNS * PROCESSES) for _ in workers)
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    elapsed = time.monotonic() - started

    versions = store.list_versions(workspace.engine, session_id=session_id)
    previous = _prompts(versions[0])
    seen: dict[int, list[str]] = {shot: [] for shot in range(1, PROCESSES + 1)}
    for version in versions[1:]:
        captions = _prompts(version)
        changed = [i for i, (a, b) in enumerate(zip(previous, captions, strict=True)) if a != b]
        assert len(changed) <= 1, (version.number, previous, captions)  # nothing undone
        for i in changed:
            seen[i + 1].append(captions[i])
        previous = captions
    refused = 0
    for shot, outcome in outcomes.items():
        for status, k, text in outcome:
            if status == "refused":
                print(f"\nprocess {shot} turn {k} was told: {text}")
        saved = [f"P{shot}x{k}" for status, k, _ in outcome if status == "ok"]
        refused += sum(status == "refused" for status, _, _ in outcome)
        assert seen[shot] == saved, (shot, outcome)  # every accepted edit is a version, in order
        assert saved, outcome
    assert previous == [seen[s][-1] for s in range(1, PROCESSES + 1)]

    for name in ("reelchat.db", "checkpoints.db"):
        with sqlite3.connect(workspace.root / name) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    checkpoint_bytes = sum(p.stat().st_size for p in workspace.root.glob("checkpoints.db*"))
    assert checkpoint_bytes < CHECKPOINT_LIMIT
    jobs = store.list_jobs(workspace.engine, session_id=session_id)
    assert all(job.status != "running" for job in jobs)  # every job ended one way or another
    print(
        f"\nsoak: {PROCESSES} processes x {TURNS} turns in {elapsed:.0f} s; "
        f"{len(versions) - 1} edits saved, {refused} refused with a message, 0 lost; "
        f"jobs {dict(Counter(str(j.status) for j in jobs))} "
        f"(cancel requested on {sum(j.cancel_requested for j in jobs)}); "
        f"checkpoints {checkpoint_bytes / 1e6:.1f} MB, "
        f"app db {(workspace.root / 'reelchat.db').stat().st_size / 1e6:.1f} MB; integrity ok"
    )
