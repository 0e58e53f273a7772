"""Render jobs are claimed atomically: one runner per job, a dead runner's job is taken over,
and a session that a live runner renders cannot be deleted."""

from __future__ import annotations

import multiprocessing
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from reelchat import store
from reelchat.cli import app
from reelchat.errors import JobBusy
from reelchat.generation.animatic import AnimaticBackend
from reelchat.generation.runner import render_session, start_job
from reelchat.generation.stitch import StitchOptions
from tests.conftest import make_storyboard, store_counts


def _job(workspace, shots: int = 2):
    session = store.create_session(workspace.engine, title="claims")
    store.add_version(workspace.engine, session_id=session.id, storyboard=make_storyboard(shots))
    return start_job(workspace, AnimaticBackend(), session_id=session.id)


@pytest.fixture
def other_process():
    """A live process on this host that stands for another runner."""
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield proc
    proc.kill()
    proc.wait()


def _held_by(workspace, job_id: str, pid: int, *, beat: datetime | None = None) -> None:
    store.update_job(
        workspace.engine, job_id=job_id, status=store.JobStatus.running,
        owner=f"{store.runner_id().split(':')[0]}:{pid}:feedf00d",
        heartbeat_at=beat or datetime.now(UTC),
    )  # fmt: skip


def test_a_job_held_by_a_live_runner_is_refused_with_a_clear_error(workspace, other_process):
    job = _job(workspace)
    _held_by(workspace, job.id, other_process.pid)
    with pytest.raises(JobBusy, match=f"reelchat cancel {job.id}"):
        render_session(
            workspace, AnimaticBackend(), session_id=job.session_id,
            options=StitchOptions(narration=False),  # no lengthened version: the same job
        )  # fmt: skip
    assert store.get_job(workspace.engine, job_id=job.id).owner.endswith(":feedf00d")
    assert not workspace.clips_dir(job.session_id).exists()


def test_a_job_whose_runner_died_is_taken_over_and_finished(workspace, other_process):
    job = _job(workspace)
    _held_by(workspace, job.id, other_process.pid)
    other_process.kill()
    other_process.wait()
    outcome = render_session(
        workspace, AnimaticBackend(), session_id=job.session_id,
        options=StitchOptions(captions=False, narration=False),
    )  # fmt: skip
    assert outcome.job.id == job.id and outcome.job.status == "done"


def test_a_silent_runner_on_another_host_is_stale_after_the_timeout(workspace):
    job = _job(workspace)
    store.update_job(
        workspace.engine, job_id=job.id, status=store.JobStatus.running,
        owner="render-box-7:4242:abcd", heartbeat_at=datetime.now(UTC),
    )  # fmt: skip
    with pytest.raises(JobBusy):
        store.claim_job(workspace.engine, job_id=job.id, owner="me:1:x")
    old = datetime.now(UTC) - store.STALE_AFTER - timedelta(seconds=1)
    store.update_job(workspace.engine, job_id=job.id, heartbeat_at=old)
    assert store.claim_job(workspace.engine, job_id=job.id, owner="me:1:x").owner == "me:1:x"


def _claim(database: str, job_id: str, start, results, done) -> None:
    engine = store.open_db(Path(database))
    start.wait()
    try:
        store.claim_job(engine, job_id=job_id, owner=store.runner_id())
        results.put("won")
    except JobBusy:
        results.put("busy")
    done.wait(60)  # stay alive, as a runner does, until every process has tried


def test_of_many_processes_claiming_one_job_at_once_exactly_one_wins(workspace):
    job = _job(workspace)
    context = multiprocessing.get_context("spawn")
    start, done, results = context.Event(), context.Event(), context.Queue()
    procs = [
        context.Process(target=_claim, args=(str(workspace.database), job.id, start, results, done))
        for _ in range(4)
    ]
    for proc in procs:
        proc.start()
    start.set()
    outcomes = sorted(results.get(timeout=60) for _ in procs)
    done.set()
    for proc in procs:
        proc.join(60)
    assert outcomes == ["busy", "busy", "busy", "won"]


def test_claims_while_the_owner_lives_give_exactly_one_winner(workspace):
    job = _job(workspace)
    owners = [store.runner_id() for _ in range(3)]
    winners = []
    for owner in owners:  # same live process, distinct runs (the UI's worker threads)
        try:
            store.claim_job(workspace.engine, job_id=job.id, owner=owner)
            winners.append(owner)
        except JobBusy:
            pass
    assert winners == owners[:1]


def test_heartbeat_tells_a_runner_that_lost_its_job(workspace):
    job = _job(workspace)
    first = store.claim_job(workspace.engine, job_id=job.id, owner="gone-host:1:a")
    assert store.heartbeat(workspace.engine, job_id=job.id, owner=first.owner) is not None
    old = datetime.now(UTC) - store.STALE_AFTER - timedelta(seconds=1)
    store.update_job(workspace.engine, job_id=job.id, heartbeat_at=old)
    store.claim_job(workspace.engine, job_id=job.id, owner="new-host:2:b")
    assert store.heartbeat(workspace.engine, job_id=job.id, owner=first.owner) is None


def test_cli_refuses_to_delete_a_session_while_it_renders(workspace, monkeypatch, other_process):
    monkeypatch.setenv("REELCHAT_WORKSPACE", str(workspace.root))
    job = _job(workspace)
    _held_by(workspace, job.id, other_process.pid)
    before = store_counts(workspace)
    result = CliRunner().invoke(app, ["sessions", "delete", job.session_id, "--yes"])
    assert result.exit_code == 1
    assert f"is rendering (job {job.id})" in result.stderr
    assert f"reelchat cancel {job.id}" in result.stderr
    assert store_counts(workspace) == before
    other_process.kill()
    other_process.wait()  # the runner died: now the session can go
    result = CliRunner().invoke(app, ["sessions", "delete", job.session_id, "--yes"])
    assert result.exit_code == 0, result.stderr
    assert store.list_sessions(workspace.engine) == []


def test_an_older_database_gains_the_new_job_columns(tmp_path):
    database = tmp_path / "old.db"
    engine = store.open_db(database)
    with engine.begin() as connection:
        connection.execute(text("ALTER TABLE renderjob DROP COLUMN heartbeat_at"))
        connection.execute(text("ALTER TABLE renderjob DROP COLUMN owner"))
    engine.dispose()
    with sqlite3.connect(database) as raw:  # as made by a release with only the first step
        raw.execute("PRAGMA user_version = 1")
    engine = store.open_db(database)
    with engine.connect() as connection:
        names = {row[1] for row in connection.execute(text("PRAGMA table_info(renderjob)"))}
    assert {"owner", "heartbeat_at"} <= names
