import multiprocessing
import sqlite3
import subprocess
import sys
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


# --- issue 17: named, ordered migrations, tested on a database made by the release ---------

RELEASE_DB = Path(__file__).parent / "fixtures" / "release-0.1.0-main-5c316ec.sqlite"
"""Made by reelchat 0.1.0 (main at 5c316ec): `reelchat render` of a two-shot storyboard, then
`reelchat chat --session` "make shot 1 2 seconds" (1 session, 2 messages, 2 versions, 2 jobs,
2 videos); its schema has no version and was made by `create_all`."""


def test_a_database_made_by_the_release_opens_and_migrates(tmp_path):
    import shutil
    import sqlite3

    path = tmp_path / "reelchat.db"
    shutil.copyfile(RELEASE_DB, path)
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 0
    engine = store.open_db(path)
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == len(store.migrations.MIGRATIONS)
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
    (session,) = store.list_sessions(engine)
    assert [m.role for m in store.list_messages(engine, session_id=session.id)] == [
        "user",
        "assistant",
    ]
    assert [v.number for v in store.list_versions(engine, session_id=session.id)] == [1, 2]
    assert store.get_version(engine, session_id=session.id).storyboard.shots[0].duration == 2
    assert len(store.list_videos(engine, session_id=session.id)) == 2
    # the new steps work on it: a compare-and-swap save, a turn-repair claim, a job lease
    board = store.get_version(engine, session_id=session.id).storyboard
    store.add_version(engine, session_id=session.id, storyboard=board, based_on=2)
    assert store.claim_turn(engine, session_id=session.id, checkpoint_id="c", owner="o")
    job = store.list_jobs(engine, session_id=session.id)[0]
    assert store.claim_job(engine, job_id=job.id, owner=store.runner_id()).status == "running"
    engine.dispose()
    again = store.open_db(path)  # opening again runs nothing twice
    assert len(store.list_versions(again, session_id=session.id)) == 3


def test_migrations_are_named_ordered_and_run_once_each(tmp_path):
    import sqlite3

    names = [step.__name__ for step in store.migrations.MIGRATIONS]
    assert names == sorted(names) and all(n.startswith(f"m{i:03d}_") for i, n in
                                          enumerate(names, start=1))  # fmt: skip
    path = tmp_path / "fresh.db"
    store.open_db(path)
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == len(names)
        tables = {r[0] for r in raw.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"session", "renderjob", "turnclaim", "batchitem"} <= tables


def test_a_database_from_a_newer_reelchat_is_refused(tmp_path):
    import sqlite3

    from reelchat.errors import StoreUnavailable

    path = tmp_path / "newer.db"
    store.open_db(path).dispose()
    with sqlite3.connect(path) as raw:
        raw.execute("PRAGMA user_version = 999")
    with pytest.raises(StoreUnavailable, match="newer reelchat"):
        store.open_db(path)


def test_checking_a_database_never_drops_this_process_locks(tmp_path):
    """Closing a file handle of a database drops every POSIX lock the process holds on it;
    the check made when a workspace opens must not. Otherwise another process closing its
    connection believes it is the last one, checkpoints and deletes the WAL under this
    process's open connection (seen as 'database disk image is malformed' with two writers)."""
    path = tmp_path / "locks.db"
    store.open_db(path).dispose()
    held = sqlite3.connect(path)  # an open connection of this process
    held.execute("SELECT count(*) FROM sqlite_master").fetchone()
    store.check_header(path)
    write_and_close = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "c.execute('CREATE TABLE IF NOT EXISTS t (x)'); c.commit(); c.close()"
    )
    subprocess.run([sys.executable, "-c", write_and_close, str(path)], check=True)
    try:
        assert path.with_name("locks.db-wal").exists()  # not the last connection: WAL kept
        assert held.execute("SELECT count(*) FROM t").fetchone() == (0,)
    finally:
        held.close()


def test_media_is_stored_once_by_content_and_listed_per_session_and_workspace(tmp_path):
    from reelchat.storyboard.models import Brand

    engine = store.open_db(tmp_path / "app.db")
    session = store.create_session(engine, title="demo")
    photo = store.MediaItem(id="0123456789abcdef", kind="image", suffix="png", bytes=10)
    logo = store.MediaItem(id="fedcba9876543210", kind="image", suffix="png", bytes=5)
    store.list_media_item(engine, item=photo, scope=session.id, label="mei.jpg")
    store.list_media_item(engine, item=photo, scope=session.id, label="again.jpg")
    store.list_media_item(engine, item=logo, scope=store.WORKSPACE_SCOPE, label="logo.png")
    listed = store.media_listings(engine, scope=session.id)
    assert [(row.label, item.id) for row, item in listed] == [
        ("mei.jpg", photo.id),
        ("logo.png", logo.id),
    ]
    assert [item.id for _, item in store.media_listings(engine, scope="workspace")] == [logo.id]
    assert store.unlist_media(engine, scope=session.id, media_id=photo.id) is True
    with pytest.raises(NotFound, match="no media item"):
        store.get_media_item(engine, media_id=photo.id)
    assert store.get_brand(engine) == Brand()
    store.set_brand(engine, brand=Brand(colours=["#FF8800"]))
    assert store.get_brand(engine).colours == ["#ff8800"]
