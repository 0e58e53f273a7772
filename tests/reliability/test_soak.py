"""Soak: several sessions edited and rendered at once against one database, from UI-style
worker threads in this process and from `reelchat chat` processes. Afterwards every message,
storyboard version, clip and video must be there and play.

Scale it with SOAK_SESSIONS and SOAK_EDITS (defaults keep it well under a minute on 2 cores);
the figures in docs/reliability.md come from
`SOAK_SESSIONS=8 SOAK_EDITS=6 pytest tests/reliability/test_soak.py -s`.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from reelchat import store
from reelchat.agent.conversation import Conversation
from reelchat.config import Settings
from reelchat.generation.media import probe
from reelchat.generation.stitch import StitchOptions
from reelchat.ui.worker import TurnWorkers
from tests.conftest import make_storyboard

pytestmark = pytest.mark.e2e
SESSIONS = int(os.environ.get("SOAK_SESSIONS", "4"))
EDITS = int(os.environ.get("SOAK_EDITS", "3"))
CLI = str(Path(sys.executable).parent / "reelchat")
WORDS = [
    "make shot 1 longer", "warmer colours", "swap shots 1 and 2", "in watercolor style",
    "make shot 2 a zoom out", "make shot 2 longer", "cooler colours", "use crossfades",
]  # fmt: skip


def _edits(index: int) -> list[str]:
    return [WORDS[(index + n) % len(WORDS)] for n in range(EDITS)]


def _ui_session(workspace, settings, workers: TurnWorkers, session_id: str, edits: list[str]):
    """Like the UI: each message is a turn in a worker thread; the next waits for the last."""
    conversation = Conversation(
        workspace, session_id=session_id, settings=settings,
        stitch=StitchOptions(captions=False, narration=False),
    )  # fmt: skip

    def turn(text: str):
        return lambda _step: [e.text for e in conversation.send(text) if e.kind == "reply"][-1]

    for text in edits:
        workers.start(session_id, text, turn(text), echo=True)
        while workers.busy(session_id):
            time.sleep(0.05)
        done = workers.current(session_id)
        assert done is not None and not done.error, done.error


def test_concurrent_sessions_from_ui_threads_and_cli_processes_lose_nothing(workspace):
    settings = Settings(workspace=workspace.root)
    ids = []
    for n in range(SESSIONS):
        session = store.create_session(workspace.engine, title=f"soak {n}")
        board = make_storyboard(2, duration=1.0)
        store.add_version(workspace.engine, session_id=session.id, storyboard=board)
        ids.append(session.id)
    started = time.perf_counter()
    cli_ids, ui_ids = ids[::2], ids[1::2]
    procs = [
        subprocess.Popen(
            [
                CLI,
                "chat",
                "--session",
                sid,
                "--no-narration",
                "--no-captions",
                "--workspace",
                str(workspace.root),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for sid in cli_ids
    ]
    for proc, sid in zip(procs, cli_ids, strict=True):
        proc.stdin.write("\n".join(_edits(ids.index(sid))) + "\nquit\n")
        proc.stdin.close()
    workers = TurnWorkers()
    threads = [
        threading.Thread(
            target=_ui_session, args=(workspace, settings, workers, sid, _edits(ids.index(sid)))
        )
        for sid in ui_ids
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(600)
    for proc in procs:
        assert proc.wait(600) == 0, proc.stderr.read()
        assert "error" not in proc.stderr.read().lower()
    seconds = time.perf_counter() - started

    engine, lost, clips_checked, videos_checked = workspace.engine, 0, 0, 0
    for index, sid in enumerate(ids):
        said = [m.content for m in store.list_messages(engine, session_id=sid) if m.role == "user"]
        lost += len(set(_edits(index)) - set(said))
        assert said == _edits(index)
        replies = [m for m in store.list_messages(engine, session_id=sid) if m.role == "assistant"]
        assert len(replies) == EDITS
        numbers = [v.number for v in store.list_versions(engine, session_id=sid)]
        lost += EDITS + 1 - len(numbers)
        assert numbers == list(range(1, EDITS + 2))
        jobs = store.list_jobs(engine, session_id=sid)
        assert jobs and all(job.status == "done" for job in jobs)
        for video in store.list_videos(engine, session_id=sid):
            assert probe(workspace.resolve(sid, video.path)).frames > 0
            videos_checked += 1
        for job in jobs:
            for row in store.job_shots(engine, job_id=job.id):
                assert probe(workspace.clip_path(sid, row.cache_key)).frames > 0
                clips_checked += 1
    with sqlite3.connect(workspace.database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    with sqlite3.connect(workspace.root / "checkpoints.db") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert lost == 0
    print(
        f"\nsoak: {SESSIONS} sessions ({len(cli_ids)} CLI processes, {len(ui_ids)} UI threads) x "
        f"{EDITS} edits = {SESSIONS * EDITS} turns in {seconds:.1f} s; {clips_checked} clips "
        f"and {videos_checked} videos checked; lost: {lost}"
    )
