import multiprocessing
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from reelchat import store
from reelchat.errors import NotFound
from reelchat.storyboard import edits
from tests.conftest import make_storyboard


@pytest.fixture
def engine(workspace):
    return workspace.engine


def test_database_runs_in_wal_mode_with_foreign_keys(engine):
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_every_edit_is_a_new_version_and_any_can_be_restored(engine):
    session = store.create_session(engine, title="Lighthouse")
    first = make_storyboard(3)
    store.add_version(engine, session_id=session.id, storyboard=first, note="planned")
    second = edits.update_shot(first, 2, duration=5).storyboard
    store.add_version(engine, session_id=session.id, storyboard=second, note="longer shot 2")

    assert store.get_version(engine, session_id=session.id).storyboard == second
    restored = store.restore_version(engine, session_id=session.id, number=1)
    assert restored.number == 3
    assert store.get_version(engine, session_id=session.id).storyboard == first
    numbers = [v.number for v in store.list_versions(engine, session_id=session.id)]
    assert numbers == [1, 2, 3]
    assert store.get_version(engine, session_id=session.id, number=2).storyboard == second


def test_missing_things_raise_not_found(engine):
    with pytest.raises(NotFound, match="no session"):
        store.get_session(engine, session_id="deadbeef0000")
    session = store.create_session(engine, title="Empty")
    with pytest.raises(NotFound, match="no storyboard yet"):
        store.get_version(engine, session_id=session.id)
    with pytest.raises(NotFound, match="no render job"):
        store.get_job(engine, job_id="nope")


def test_job_states_and_per_shot_progress(engine):
    session = store.create_session(engine, title="Jobs")
    store.add_version(engine, session_id=session.id, storyboard=make_storyboard(2))
    job = store.create_job(
        engine,
        session_id=session.id,
        version_number=1,
        backend="b",
        shots=[(1, "aaaa1111", "k1"), (2, "bbbb2222", "k2")],
    )
    assert job.status == store.JobStatus.queued
    store.update_job(engine, job_id=job.id, status=store.JobStatus.running)
    store.update_job_shot(
        engine, job_id=job.id, position=1, status=store.ShotStatus.running, progress=0.5
    )
    rows = store.job_shots(engine, job_id=job.id)
    assert [(r.status, r.progress) for r in rows] == [("running", 0.5), ("queued", 0.0)]
    assert (
        store.unfinished_job(engine, session_id=session.id, version_number=1, backend="b").id
        == job.id
    )
    store.request_cancel(engine, job_id=job.id)
    assert store.get_job(engine, job_id=job.id).cancel_requested
    store.update_job(engine, job_id=job.id, status=store.JobStatus.done)
    assert (
        store.unfinished_job(engine, session_id=session.id, version_number=1, backend="b") is None
    )


def test_deleting_a_session_deletes_everything_in_it(engine):
    session = store.create_session(engine, title="Doomed")
    other = store.create_session(engine, title="Kept")
    for row in (session, other):
        store.add_message(engine, session_id=row.id, role="user", content="hi")
        store.add_version(engine, session_id=row.id, storyboard=make_storyboard(1))
    store.create_job(
        engine, session_id=session.id, version_number=1, backend="b", shots=[(1, "aaaa1111", "k")]
    )
    store.delete_session(engine, session_id=session.id)
    assert [s.id for s in store.list_sessions(engine)] == [other.id]
    assert store.list_messages(engine, session_id=session.id) == []
    assert store.list_jobs(engine, session_id=session.id) == []
    assert len(store.list_messages(engine, session_id=other.id)) == 1


def test_search_sessions_by_title(engine):
    store.create_session(engine, title="Vaccines for teens")
    store.create_session(engine, title="Export button demo")
    assert [s.title for s in store.list_sessions(engine, search="demo")] == ["Export button demo"]


def test_sql_like_text_is_stored_as_text(engine):
    title = "x'); DROP TABLE message; --"
    session = store.create_session(engine, title=title)
    store.add_message(engine, session_id=session.id, role="user", content=title)
    assert store.get_session(engine, session_id=session.id).title == title
    assert store.list_messages(engine, session_id=session.id)[0].content == title


def _write_messages(database: str, session_id: str, writer: int, count: int) -> None:
    engine = store.open_db(Path(database))
    for n in range(count):
        store.add_message(engine, session_id=session_id, role="user", content=f"{writer}:{n}")
        store.add_version(engine, session_id=session_id, storyboard=make_storyboard(1))


def test_two_writers_at_once_lose_nothing(workspace):
    session = store.create_session(workspace.engine, title="Busy")
    context = multiprocessing.get_context("spawn")
    procs = [
        context.Process(target=_write_messages, args=(str(workspace.database), session.id, w, 40))
        for w in range(2)
    ]
    thread = threading.Thread(
        target=_write_messages, args=(str(workspace.database), session.id, 9, 40)
    )
    for proc in procs:
        proc.start()
    thread.start()
    for proc in procs:
        proc.join(120)
        assert proc.exitcode == 0
    thread.join()
    contents = {m.content for m in store.list_messages(workspace.engine, session_id=session.id)}
    assert contents == {f"{w}:{n}" for w in (0, 1, 9) for n in range(40)}
    numbers = [v.number for v in store.list_versions(workspace.engine, session_id=session.id)]
    assert numbers == list(range(1, 121))
