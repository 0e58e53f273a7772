import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from reelchat import store
from reelchat.errors import RenderCancelled, RenderFailed
from reelchat.generation.animatic import AnimaticBackend
from reelchat.generation.backend import ShotRequest
from reelchat.generation.media import probe
from reelchat.generation.runner import render_session
from reelchat.generation.stitch import StitchOptions
from reelchat.storyboard import edits
from tests.conftest import make_storyboard

QUIET = StitchOptions(captions=False, narration=False)


class RecordingBackend(AnimaticBackend):
    """The real animatic backend, recording which shots it was asked to render."""

    def __init__(self, fail_on: str | None = None, delay: float = 0.0) -> None:
        self.rendered: list[str] = []
        self.fail_on, self.delay = fail_on, delay

    def generate(self, request: ShotRequest, output: Path, progress):
        self.rendered.append(request.title)
        if request.title == self.fail_on:
            raise RuntimeError("the model ran out of memory")

        def slow(fraction):
            time.sleep(self.delay)
            progress(fraction)

        return super().generate(request, output, slow)


def _session(workspace, board):
    session = store.create_session(workspace.engine, title="t")
    store.add_version(workspace.engine, session_id=session.id, storyboard=board)
    return session.id


def _statuses(workspace, job_id):
    return [row.status for row in store.job_shots(workspace.engine, job_id=job_id)]


def test_renders_every_shot_then_stitches(workspace):
    board = make_storyboard(3)
    session_id = _session(workspace, board)
    outcome = render_session(workspace, RecordingBackend(), session_id=session_id, options=QUIET)
    assert (outcome.rendered, outcome.cached) == (3, 0)
    assert outcome.job.status == "done"
    assert _statuses(workspace, outcome.job.id) == ["rendered"] * 3
    assert outcome.video_path.is_relative_to(workspace.session_dir(session_id))
    assert probe(outcome.video_path).frames == 3 * 8
    clips = sorted(workspace.clips_dir(session_id).glob("*.mp4"))
    finished = [clip for clip in clips if clip.name.startswith("finished-")]
    assert len(clips) - len(finished) == 3
    assert len(finished) == 1  # the last shot, faded to black at the end of the video


def test_edit_to_shot_2_of_4_rerenders_exactly_that_shot(workspace):
    board = make_storyboard(4)
    session_id = _session(workspace, board)
    backend = RecordingBackend()
    render_session(workspace, backend, session_id=session_id, options=QUIET)
    edited = edits.update_shot(board, 2, prompt="the lighthouse in a storm")
    store.add_version(workspace.engine, session_id=session_id, storyboard=edited.storyboard)
    backend.rendered.clear()

    outcome = render_session(workspace, backend, session_id=session_id, options=QUIET)
    assert backend.rendered == ["Shot 2"]
    assert _statuses(workspace, outcome.job.id) == ["cached", "rendered", "cached", "cached"]


def test_reordering_renders_nothing_new(workspace):
    board = make_storyboard(3)
    session_id = _session(workspace, board)
    backend = RecordingBackend()
    render_session(workspace, backend, session_id=session_id, options=QUIET)
    store.add_version(
        workspace.engine, session_id=session_id, storyboard=edits.swap_shots(board, 1, 3).storyboard
    )
    backend.rendered.clear()
    outcome = render_session(workspace, backend, session_id=session_id, options=QUIET)
    assert backend.rendered == []
    assert outcome.cached == 3


def test_clips_are_shared_between_sessions_with_the_same_shot(workspace):
    board = make_storyboard(2)
    backend = RecordingBackend()
    render_session(workspace, backend, session_id=_session(workspace, board), options=QUIET)
    backend.rendered.clear()
    outcome = render_session(
        workspace, backend, session_id=_session(workspace, board), options=QUIET
    )
    assert backend.rendered == [] and outcome.cached == 2


def test_a_failing_shot_is_recorded_and_the_rest_are_kept(workspace):
    session_id = _session(workspace, make_storyboard(3))
    with pytest.raises(RenderFailed, match="1 of 3 shots failed.*out of memory"):
        render_session(
            workspace, RecordingBackend(fail_on="Shot 2"), session_id=session_id, options=QUIET
        )
    job = store.list_jobs(workspace.engine, session_id=session_id)[-1]
    assert job.status == "failed"
    assert _statuses(workspace, job.id) == ["rendered", "failed", "rendered"]
    assert "out of memory" in store.job_shots(workspace.engine, job_id=job.id)[1].error

    retry = RecordingBackend()
    outcome = render_session(workspace, retry, session_id=session_id, options=QUIET)
    assert retry.rendered == ["Shot 2"]
    assert outcome.job.id == job.id and outcome.job.status == "done"


def test_cancel_stops_the_job_and_a_rerun_resumes(workspace):
    session_id = _session(workspace, make_storyboard(3, duration=2.0))
    backend = RecordingBackend(delay=0.05)

    def cancel_when_second_shot_starts():
        while True:
            jobs = store.list_jobs(workspace.engine, session_id=session_id)
            if jobs and "running" in _statuses(workspace, jobs[0].id)[1:2]:
                store.request_cancel(workspace.engine, job_id=jobs[0].id)
                return
            time.sleep(0.02)

    canceller = threading.Thread(target=cancel_when_second_shot_starts)
    canceller.start()
    with pytest.raises(RenderCancelled, match="cancelled at shot 2"):
        render_session(workspace, backend, session_id=session_id, options=QUIET)
    canceller.join()
    job = store.list_jobs(workspace.engine, session_id=session_id)[0]
    assert job.status == "cancelled"
    assert _statuses(workspace, job.id) == ["rendered", "cancelled", "queued"]
    assert not list(workspace.clips_dir(session_id).glob("*.tmp*"))

    resumed = RecordingBackend()
    outcome = render_session(workspace, resumed, session_id=session_id, options=QUIET)
    assert resumed.rendered == ["Shot 2", "Shot 3"]
    assert outcome.job.id == job.id


def test_a_killed_render_resumes_without_redoing_finished_shots(workspace, tmp_path):
    board = make_storyboard(4, duration=3.0)
    board_file = tmp_path / "board.json"
    board_file.write_text(board.to_json())
    env = {**os.environ, "REELCHAT_WORKSPACE": str(workspace.root)}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reelchat.cli",
            "render",
            str(board_file),
            "--no-captions",
            "--no-narration",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    job = None
    while time.monotonic() < deadline:
        jobs = (
            store.list_jobs(
                workspace.engine, session_id=store.list_sessions(workspace.engine)[0].id
            )
            if store.list_sessions(workspace.engine)
            else []
        )
        if jobs and _statuses(workspace, jobs[0].id)[:2] == ["rendered", "running"]:
            job = jobs[0]
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert job is not None, "the render never got to its second shot"
    assert store.get_job(workspace.engine, job_id=job.id).status == "running"

    backend = RecordingBackend()
    outcome = render_session(workspace, backend, session_id=job.session_id, options=QUIET)
    assert outcome.job.id == job.id
    assert backend.rendered == ["Shot 2", "Shot 3", "Shot 4"]
    assert _statuses(workspace, job.id) == ["cached", "rendered", "rendered", "rendered"]
    assert probe(outcome.video_path).frames == 4 * 24
