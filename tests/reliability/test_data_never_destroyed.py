"""Data is never destroyed (issue 17): outputs never land on the workspace's own files, a
damaged, deleted or replaced database is one clear line and is never recreated over work, a
full disk is translated and ends the job as failed, temp files of dead runners are removed."""

from __future__ import annotations

import gc
import os
import socket
import sqlite3
from datetime import UTC, datetime

import pytest
from sqlalchemy import event
from typer.testing import CliRunner

from reelchat import store
from reelchat.cli import app
from reelchat.errors import StoreUnavailable
from reelchat.workspace import Workspace
from tests.conftest import make_storyboard

runner = CliRunner()


@pytest.fixture
def cli(workspace, monkeypatch):
    monkeypatch.setenv("REELCHAT_WORKSPACE", str(workspace.root))
    return lambda *args, input=None: runner.invoke(app, [str(a) for a in args], input=input)


@pytest.fixture
def rendered(cli, workspace, tmp_path):
    board = tmp_path / "board.json"
    board.write_text(make_storyboard(1).to_json())
    result = cli("render", board, "--no-narration")
    assert result.exit_code == 0, result.output
    return store.list_sessions(workspace.engine)[0].id, board


def _one_line_error(result, expected: str) -> None:
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:"), result.stderr
    assert expected in " ".join(result.stderr.split()), result.stderr
    assert "Traceback" not in result.output


def _reopened(workspace) -> Workspace:
    return Workspace(root=workspace.root, database=workspace.database)


def test_outputs_onto_the_workspace_own_files_are_refused(cli, workspace, rendered, tmp_path):
    session_id, board = rendered
    before = workspace.database.read_bytes()[:16]
    own = [
        workspace.database,
        workspace.root / "reelchat.db-wal",
        workspace.root / "checkpoints.db",
        workspace.root / "sessions" / session_id / "videos" / "x.mp4",
    ]
    for target in own:
        for command in (
            ("render", board, "--no-narration", "-o", target),
            ("storyboard", "export", session_id, "-o", target),
        ):
            _one_line_error(cli(*command), "would overwrite the workspace's own files")
    people = tmp_path / "people.csv"
    people.write_text("name\nAnn\n")
    template = tmp_path / "t.json"
    template.write_text(make_storyboard(1, script={"title": "Hi {name}"}).to_json())
    result = cli("batch", template, people, "--out-dir", workspace.root / "sessions" / session_id)
    _one_line_error(result, "would overwrite the workspace's own files")
    assert workspace.database.read_bytes()[:16] == before
    assert [s.id for s in store.list_sessions(_reopened(workspace).engine)] == [session_id]
    assert cli("sessions", "list").exit_code == 0


@pytest.mark.parametrize("damage", ["header", "truncated"])
def test_damaged_database_is_one_clear_line(cli, workspace, rendered, damage):
    store.list_sessions(workspace.engine)
    workspace.engine.dispose()
    gc.collect()  # engines of earlier in-process commands close now, not after the damage
    # (closing the last connection checkpoints the WAL, which would rewrite the header)
    path = workspace.database
    for suffix in ("-wal", "-shm"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)
    if damage == "header":
        with open(path, "r+b") as handle:
            handle.write(b"GARBAGEGARBAGEGARBAGE")
    else:
        os.truncate(path, path.stat().st_size // 2)
    size = path.stat().st_size
    for command in (("sessions", "list"), ("sessions", "show", rendered[0])):
        _one_line_error(cli(*command), "cannot be used")
    assert path.stat().st_size == size


def test_damaged_checkpoints_database_is_one_clear_line(cli, workspace, rendered):
    (workspace.root / "checkpoints.db").write_bytes(os.urandom(8192))
    result = cli("chat", "--session", rendered[0], input="make shot 1 longer\nquit\n")
    assert result.exit_code == 1
    assert "checkpoints.db cannot be used" in " ".join(result.stderr.split())
    assert "Traceback" not in result.output


def test_database_deleted_or_replaced_while_running_is_noticed(workspace, rendered):
    session_id, _ = rendered
    engine = workspace.engine
    workspace.database.unlink()
    with pytest.raises(StoreUnavailable, match="deleted or replaced"):
        store.add_message(engine, session_id=session_id, role="user", content="hello")
    assert not workspace.database.exists()
    with pytest.raises(StoreUnavailable, match="missing, but the workspace holds session"):
        _ = _reopened(workspace).engine
    assert not workspace.database.exists()  # never recreated behind the person's back


def test_deleted_database_is_not_recreated_by_the_next_command(cli, workspace, rendered):
    workspace.engine.dispose()
    for suffix in ("", "-wal", "-shm"):
        workspace.database.with_name(workspace.database.name + suffix).unlink(missing_ok=True)
    _one_line_error(cli("sessions", "list"), "is missing")
    assert not workspace.database.exists()


def test_disk_full_is_translated_and_the_job_ends_failed(cli, workspace, rendered, monkeypatch):
    session_id, _ = rendered
    job = store.list_jobs(workspace.engine, session_id=session_id)[-1]
    dead = 2**22 + 12345  # a pid that does not exist on this host: the runner was killed
    store.update_job(
        workspace.engine, job_id=job.id, status="running", heartbeat_at=datetime.now(UTC),
        owner=f"{socket.gethostname()}:{dead}:abcd",
    )  # fmt: skip
    opened = store.open_db

    def full_disk(path):  # SQLite's own "database or disk is full": no page may be added
        engine = opened(path)

        @event.listens_for(engine, "connect")
        def _full(dbapi_connection, _record):
            pages = dbapi_connection.execute("PRAGMA page_count").fetchone()[0]
            dbapi_connection.execute(f"PRAGMA max_page_count={pages}")

        engine.dispose()
        return engine

    monkeypatch.setattr(store, "open_db", full_disk)
    result = cli("chat", "--session", session_id, input="x" * 19_000 + "\nquit\n")
    assert result.exit_code == 1, result.output
    assert "database or disk is full" in result.stderr and "free space" in result.stderr
    assert "Traceback" not in result.output
    monkeypatch.setattr(store, "open_db", opened)
    after = store.get_job(_reopened(workspace).engine, job_id=job.id)
    assert after.status == "failed" and "stopped" in after.error


def test_temp_files_of_dead_runners_are_removed_on_resume(cli, workspace, rendered, tmp_path):
    session_id, board = rendered
    clips, videos = workspace.clips_dir(session_id), workspace.videos_dir(session_id)
    leftovers = [clips / ".abc.tmp123.mp4", clips / ".finished-x-head.q1.mp4", videos / ".v.1.mp4"]
    for path in leftovers:
        path.write_bytes(b"partial")
    stitch_dir = videos / ".stitch-killed"
    stitch_dir.mkdir()
    (stitch_dir / "piece.mp4").write_bytes(b"partial")
    old = datetime.now().timestamp() - 60
    for path in [*leftovers, stitch_dir]:
        os.utime(path, (old, old))
    edited = tmp_path / "edited.json"
    edited.write_text(make_storyboard(1, fps=12).to_json())
    result = cli("render", edited, "--session", session_id, "--no-narration")
    assert result.exit_code == 0, result.output
    assert not any(p.exists() for p in [*leftovers, stitch_dir])
    assert not [p for p in (*clips.iterdir(), *videos.iterdir()) if p.name.startswith(".")]


def test_checkpoints_database_header_checked(workspace):
    (workspace.root).mkdir(parents=True, exist_ok=True)
    (workspace.root / "checkpoints.db").write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreUnavailable, match="not a SQLite database"):
        _ = workspace.checkpointer
    assert sqlite3  # the stdlib driver the checkpointer uses
