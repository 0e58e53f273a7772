"""Crash safety with the real CLI in a subprocess: kill -9 mid-render and mid-stitch, run it
again, and the job resumes without re-rendering finished shots; no half-written clip or video is
ever served; the database passes PRAGMA integrity_check. A full disk is reported, not swallowed.
"""

from __future__ import annotations

import os
import resource
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reelchat import store
from reelchat.generation.media import probe
from tests.conftest import make_storyboard, store_counts

pytestmark = pytest.mark.e2e
CLI = str(Path(sys.executable).parent / "reelchat")


def _session(workspace, board) -> str:
    session = store.create_session(workspace.engine, title="crash")
    store.add_version(workspace.engine, session_id=session.id, storyboard=board)
    return session.id


def _render_command(workspace, session_id: str) -> list[str]:
    return [CLI, "render", "--session", session_id, "--no-narration",
            "--workspace", str(workspace.root)]  # fmt: skip


def _kill_when(command: list[str], ready, timeout: float = 60.0) -> None:
    """Start `command`, poll `ready()` and kill -9 the process the moment it is true."""
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if ready():
                proc.send_signal(signal.SIGKILL)
                proc.wait()
                return
            if proc.poll() is not None:
                pytest.fail(f"finished before the kill point: {proc.stderr.read().decode()}")
            time.sleep(0.005)
        pytest.fail("the kill point never came")
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _integrity(workspace) -> str:
    with sqlite3.connect(workspace.database) as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0]


def _served_files_play(workspace, session_id: str) -> None:
    """Every clip and video under a real name (not a temp name) is a complete video."""
    folder = workspace.session_dir(session_id)
    for path in [*folder.glob("clips/*.mp4"), *folder.glob("videos/*.mp4")]:
        if not path.name.startswith("."):
            assert probe(path).frames > 0, path
    for clip in store.job_shots(workspace.engine, job_id=_job(workspace, session_id).id):
        if clip.status in ("rendered", "cached"):
            assert probe(workspace.clip_path(session_id, clip.cache_key)).frames > 0


def _job(workspace, session_id: str) -> store.RenderJob:
    (job,) = store.list_jobs(workspace.engine, session_id=session_id)
    return job


def _rows(workspace, session_id: str) -> list[store.JobShot]:
    return store.job_shots(workspace.engine, job_id=_job(workspace, session_id).id)


def _clip_stamps(workspace, session_id: str, rows) -> dict[int, tuple[int, int]]:
    stamps = {}
    for row in rows:
        stat = workspace.clip_path(session_id, row.cache_key).stat()
        stamps[row.position] = (stat.st_ino, stat.st_mtime_ns)
    return stamps


def _resume(workspace, session_id: str, board) -> store.RenderJob:
    result = subprocess.run(_render_command(workspace, session_id), capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    job = _job(workspace, session_id)  # the same job, resumed: no second one
    assert job.status == "done"
    (video,) = store.list_videos(workspace.engine, session_id=session_id)
    info = probe(workspace.resolve(session_id, video.path))
    assert info.duration == pytest.approx(board.runtime, abs=1 / board.fps)
    assert (info.codec, info.pix_fmt, info.faststart) == ("h264", "yuv420p", True)
    assert _integrity(workspace) == "ok"
    return job


def test_kill_9_mid_render_then_resume(workspace):
    board = make_storyboard(4, duration=3.0)
    session_id = _session(workspace, board)

    def shot_running_after_one_finished() -> bool:
        statuses = (
            [row.status for row in _rows(workspace, session_id)]
            if store.list_jobs(workspace.engine, session_id=session_id)
            else []
        )
        return "running" in statuses and "rendered" in statuses

    _kill_when(_render_command(workspace, session_id), shot_running_after_one_finished)

    assert _integrity(workspace) == "ok"
    job = _job(workspace, session_id)
    assert (
        job.status == "running" and store.live_job(workspace.engine, session_id=session_id) is None
    )
    assert store.list_videos(workspace.engine, session_id=session_id) == []
    _served_files_play(workspace, session_id)
    finished = [row for row in _rows(workspace, session_id) if row.status == "rendered"]
    stamps = _clip_stamps(workspace, session_id, finished)

    _resume(workspace, session_id, board)
    rows = {row.position: row for row in _rows(workspace, session_id)}
    for row in finished:  # kept, not rendered again
        assert rows[row.position].status == "cached"
    assert _clip_stamps(workspace, session_id, finished) == stamps
    _served_files_play(workspace, session_id)


def test_kill_9_mid_stitch_then_resume(workspace):
    board = make_storyboard(4, duration=2.0, transitions=["crossfade"] * 4)
    session_id = _session(workspace, board)
    videos = workspace.videos_dir(session_id)

    def stitching() -> bool:
        return videos.is_dir() and any(videos.glob(".stitch-*"))

    _kill_when(_render_command(workspace, session_id), stitching)

    assert _integrity(workspace) == "ok"
    assert store.list_videos(workspace.engine, session_id=session_id) == []
    assert not (videos / f"{_job(workspace, session_id).id}.mp4").exists()
    rows = _rows(workspace, session_id)
    assert [row.status for row in rows] == ["rendered"] * 4
    stamps = _clip_stamps(workspace, session_id, rows)
    _served_files_play(workspace, session_id)

    _resume(workspace, session_id, board)
    assert [row.status for row in _rows(workspace, session_id)] == ["cached"] * 4
    assert _clip_stamps(workspace, session_id, rows) == stamps


def _small_disk(limit: int):
    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # writes fail with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_file_size


def _error_line(stderr: str) -> str:
    assert "Traceback" not in stderr
    (line,) = [line for line in stderr.splitlines() if line.startswith("error:")]
    return line


def test_a_database_that_cannot_grow_is_reported_in_one_line(workspace):
    board = make_storyboard(2)
    session_id = _session(workspace, board)
    before = store_counts(workspace)
    workspace.engine.dispose()
    result = subprocess.run(
        _render_command(workspace, session_id), capture_output=True, text=True,
        preexec_fn=_small_disk(20_000),
    )  # fmt: skip
    assert result.returncode == 1
    assert "the database could not be written (disk I/O error)" in _error_line(result.stderr)
    assert store_counts(workspace) == before
    _resume(workspace, session_id, board)


def _unshare_works() -> bool:
    probe_run = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True
    )
    return probe_run.returncode == 0


@pytest.mark.skipif(
    sys.platform != "linux" or not _unshare_works(), reason="needs a private tmpfs mount"
)
def test_a_full_disk_fails_the_shot_clearly_and_serves_no_truncated_clip(workspace, tmp_path):
    """The session folder on a 100 KiB tmpfs (the database stays outside it): a real ENOSPC."""
    board = make_storyboard(3, duration=2.0)
    session_id = _session(workspace, board)
    workspace.engine.dispose()
    (workspace.root / "sessions").mkdir()
    after = tmp_path / "after"
    script = (
        'after="$1"; ws="$2"; shift 2; mount -t tmpfs -o size=100k tmpfs "$ws/sessions" && "$@"; '
        'rc=$?; cp -a "$ws/sessions" "$after"; exit $rc'
    )
    unshare = ["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script, "sh"]
    command = [*unshare, str(after), str(workspace.root), *_render_command(workspace, session_id)]
    result = subprocess.run(command, capture_output=True, text=True)
    assert result.returncode == 1
    line = _error_line(result.stderr)
    assert "the disk is full" in line or "No space left on device" in line, line
    assert "render again" in line
    assert _integrity(workspace) == "ok"
    assert store.list_videos(workspace.engine, session_id=session_id) == []
    saved = after / session_id / "clips"
    for clip in saved.glob("*.mp4"):  # what the small disk held: only whole clips
        if not clip.name.startswith("."):
            assert probe(clip).frames > 0, clip.name
    for row in store.job_shots(workspace.engine, job_id=_job(workspace, session_id).id):
        if row.status == "rendered":
            assert probe(saved / f"{row.cache_key}.mp4").frames > 0
    _resume(workspace, session_id, board)  # with room again, the render finishes


def test_a_stale_temp_file_is_never_served(workspace):
    """A crash between writing and renaming leaves only a dot-named temp file beside the clip."""
    board = make_storyboard(1)
    session_id = _session(workspace, board)
    clips = workspace.clips_dir(session_id)
    clips.mkdir(parents=True)
    (clips / ".abc.deadbeef.mp4").write_bytes(os.urandom(1000))  # what a crash leaves
    _resume(workspace, session_id, board)
