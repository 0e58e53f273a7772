"""The ray executor on a local two-CPU Ray instance: same clips as the local executor, actors
that die mid-job, cancel, edits, batches and the CLI."""

import threading
import time

import pytest

ray = pytest.importorskip("ray")
torch = pytest.importorskip("torch")

from typer.testing import CliRunner  # noqa: E402

from reelchat import store  # noqa: E402
from reelchat.cli import app  # noqa: E402
from reelchat.config import Settings  # noqa: E402
from reelchat.errors import RenderCancelled, RenderFailed  # noqa: E402
from reelchat.generation.animatic import AnimaticBackend  # noqa: E402
from reelchat.generation.backend import get_backend  # noqa: E402
from reelchat.generation.batch import run_batch  # noqa: E402
from reelchat.generation.media import probe  # noqa: E402
from reelchat.generation.runner import render_session  # noqa: E402
from reelchat.storyboard import edits  # noqa: E402
from reelchat.storyboard.variables import variables_in  # noqa: E402
from reelchat.workspace import Workspace  # noqa: E402
from tests.cluster.conftest import (  # noqa: E402
    QUIET,
    keys,
    same_frames,
    session_with,
    statuses,
)
from tests.conftest import make_storyboard  # noqa: E402

pytestmark = pytest.mark.usefixtures("local_ray")


def _workspace(tmp_path, name):
    root = tmp_path / name
    return Workspace(root=root, database=root / "reelchat.db")


@pytest.fixture
def animatic_cluster(start_executor, tmp_path):
    """Two warm animatic actors (one per CPU of the local Ray instance)."""
    return start_executor(Settings(workspace=tmp_path / "worker", executor="ray"))


def _when(condition, then, timeout=60.0):
    """Run `then` in a thread as soon as `condition()` holds."""

    def watch():
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                then()
                return
            time.sleep(0.02)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def _running(workspace, count=1):
    def check():
        sessions = store.list_sessions(workspace.engine)
        jobs = store.list_jobs(workspace.engine, session_id=sessions[0].id) if sessions else []
        return bool(jobs) and statuses(workspace, jobs[-1].id).count("running") >= count

    return check


def _render_both(tmp_path, board, local_backend, executor):
    local_ws, ray_ws = _workspace(tmp_path, "local"), _workspace(tmp_path, "ray")
    local = render_session(
        local_ws, local_backend, session_id=session_with(local_ws, board), options=QUIET
    )
    remote = render_session(ray_ws, executor, session_id=session_with(ray_ws, board), options=QUIET)
    return local_ws, local, ray_ws, remote


def test_six_animatic_shots_render_on_two_actors_with_the_same_clips_as_local(
    tmp_path, animatic_cluster
):
    assert len(animatic_cluster.actors) == 2
    board = make_storyboard(6, duration=2.0)
    local_ws, local, ray_ws, remote = _render_both(
        tmp_path, board, AnimaticBackend(), animatic_cluster
    )
    assert remote.job.status == "done" and (remote.rendered, remote.cached) == (6, 0)
    assert keys(ray_ws, remote.job.id) == keys(local_ws, local.job.id)
    for key in keys(ray_ws, remote.job.id):
        assert same_frames(
            local_ws.clip_path(local.job.session_id, key),
            ray_ws.clip_path(remote.job.session_id, key),
        )
    assert same_frames(local.video_path, remote.video_path)
    assert remote.video_path.is_relative_to(ray_ws.session_dir(remote.job.session_id))


def test_an_edit_rerenders_only_the_touched_shot_on_the_cluster(workspace, animatic_cluster):
    board = make_storyboard(4)
    session_id = session_with(workspace, board)
    render_session(workspace, animatic_cluster, session_id=session_id, options=QUIET)
    edited = edits.update_shot(board, 2, prompt="the lighthouse in a storm").storyboard
    store.add_version(workspace.engine, session_id=session_id, storyboard=edited)
    outcome = render_session(workspace, animatic_cluster, session_id=session_id, options=QUIET)
    assert statuses(workspace, outcome.job.id) == ["cached", "rendered", "cached", "cached"]
    assert (outcome.rendered, outcome.cached) == (1, 3)


def test_an_actor_killed_mid_job_is_restarted_and_the_job_finishes(workspace, animatic_cluster):
    board = make_storyboard(6, duration=4.0)
    session_id = session_with(workspace, board)
    victim = animatic_cluster.actors[0]
    killer = _when(_running(workspace), lambda: ray.kill(victim, no_restart=False))
    outcome = render_session(workspace, animatic_cluster, session_id=session_id, options=QUIET)
    killer.join()
    assert outcome.job.status == "done"
    assert statuses(workspace, outcome.job.id) == ["rendered"] * 6
    assert probe(outcome.video_path).frames == 6 * 32
    assert len(animatic_cluster.actors) == 2  # restarted, still serving
    assert ray.get(victim.describe.remote())[0] == AnimaticBackend.name


def test_cancel_stops_queued_shots_and_interrupts_running_ones(workspace, animatic_cluster):
    board = make_storyboard(6, duration=12.0)
    session_id = session_with(workspace, board)

    def cancel():
        job = store.list_jobs(workspace.engine, session_id=session_id)[-1]
        store.request_cancel(workspace.engine, job_id=job.id)

    canceller = _when(_running(workspace, 2), cancel)
    started = time.monotonic()
    with pytest.raises(RenderCancelled, match="cancelled at shot 1"):
        render_session(workspace, animatic_cluster, session_id=session_id, options=QUIET)
    canceller.join()
    assert time.monotonic() - started < 20  # six 12 s shots take far longer on two CPUs
    job = store.list_jobs(workspace.engine, session_id=session_id)[-1]
    assert job.status == "cancelled"
    assert statuses(workspace, job.id) == ["cancelled", "cancelled", *["queued"] * 4]
    assert not list(workspace.clips_dir(session_id).glob("*.mp4"))


def test_a_shot_whose_worker_dies_for_good_fails_and_a_rerun_renders_only_it(
    workspace, animatic_cluster
):
    executor = animatic_cluster
    session_id = session_with(workspace, make_storyboard(4, duration=4.0))
    victim = executor.actors[0]
    killer = _when(_running(workspace, 2), lambda: ray.kill(victim, no_restart=True))
    with pytest.raises(
        RenderFailed,
        match="1 of 4 shots failed.*Ray worker rendering it died and Ray could not retry",
    ):
        render_session(workspace, executor, session_id=session_id, options=QUIET)
    killer.join()
    job = store.list_jobs(workspace.engine, session_id=session_id)[-1]
    assert job.status == "failed"
    assert sorted(statuses(workspace, job.id)) == ["failed", "rendered", "rendered", "rendered"]
    assert len(executor.actors) == 1

    outcome = render_session(workspace, executor, session_id=session_id, options=QUIET)
    assert outcome.job.id == job.id and outcome.job.status == "done"
    assert (outcome.rendered, outcome.cached) == (1, 3)


def test_a_batch_renders_shared_shots_once_and_personal_ones_across_the_cluster(
    workspace, tmp_path, animatic_cluster
):
    template = make_storyboard(3)
    template = edits.update_shot(template, 2, prompt="welcome {name} to the team").storyboard
    assert variables_in(template) == {"name"}
    people = [{"name": name} for name in ("Ada", "Bo", "Cy", "Di", "Ed")]
    progress: dict[int, int] = {}

    def on_event(index, event):
        if event.kind == "shot" and event.status in {"rendered", "cached"}:
            progress[index] = progress.get(index, 0) + 1

    results = run_batch(
        workspace, animatic_cluster, template, people, out_dir=tmp_path / "out", options=QUIET,
        on_event=on_event,
    )  # fmt: skip
    assert [r.status for r in results] == ["done"] * 5
    assert sum(r.rendered for r in results) == 2 + 5  # two shared shots once, one per person
    assert progress == {index: 3 for index in range(1, 6)}
    assert all(probe(r.output).frames == 3 * 8 for r in results)


def test_six_tiny_diffusion_shots_match_local(tmp_path, start_executor):
    # one shot per model call on both sides: a batched call differs from single ones in the
    # lowest bits, and the cluster splits batches so that every worker gets a call
    settings = Settings(
        workspace=tmp_path, backend="diffusers", model="tiny-wan", device="cpu", max_batch=1,
        executor="ray",
    )  # fmt: skip
    executor = start_executor(settings)
    board = make_storyboard(6)
    local_ws, local, ray_ws, remote = _render_both(tmp_path, board, get_backend(settings), executor)
    assert remote.job.status == "done" and remote.rendered == 6
    assert keys(ray_ws, remote.job.id) == keys(local_ws, local.job.id)
    for key in keys(ray_ws, remote.job.id):
        assert same_frames(
            local_ws.clip_path(local.job.session_id, key),
            ray_ws.clip_path(remote.job.session_id, key),
        )


def test_chained_shots_render_in_order_with_the_frame_shipped_to_the_worker(
    tmp_path, start_executor
):
    settings = Settings(
        workspace=tmp_path, backend="diffusers", model="tiny-ltx", device="cpu",
        chain_shots=True, executor="ray", ray_workers=2,
    )  # fmt: skip
    executor = start_executor(settings)
    assert executor.backend.chains_shots
    board = make_storyboard(2)
    # a worker runs torch on one thread (Ray sets OMP_NUM_THREADS to the actor's CPUs); LTX's
    # sums then differ in the lowest bits from a multi-threaded run, and chaining carries that on
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        local_ws, local, ray_ws, remote = _render_both(
            tmp_path, board, get_backend(settings), executor
        )
    finally:
        torch.set_num_threads(threads)
    assert keys(ray_ws, remote.job.id) == keys(local_ws, local.job.id)
    assert same_frames(local.video_path, remote.video_path)


def test_the_cli_renders_on_ray(tmp_path, local_ray):
    board_file = tmp_path / "board.json"
    board_file.write_text(make_storyboard(2).to_json())
    result = CliRunner().invoke(
        app,
        ["render", str(board_file), "--executor", "ray", "--no-captions", "--no-narration",
         "--workspace", str(tmp_path / "ws")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2 shots rendered" in result.output


def test_a_shot_with_its_own_picture_renders_on_the_cluster(tmp_path, animatic_cluster):
    from reelchat.generation.executors.ray_executor import pack_files, unpack_files
    from reelchat.storyboard.models import ShotMedia
    from tests.generation.media_fixtures import add_picture, screenshot

    board = make_storyboard(2)
    local_ws, ray_ws = _workspace(tmp_path, "local"), _workspace(tmp_path, "ray")
    media_id = add_picture(local_ws, screenshot(400, 300))
    assert add_picture(ray_ws, screenshot(400, 300)) == media_id
    shot = board.shots[1].model_copy(update={"media": ShotMedia(id=media_id)})
    board = board.model_copy(update={"shots": [board.shots[0], shot]})
    local = render_session(local_ws, AnimaticBackend(), session_id=session_with(local_ws, board),
                           options=QUIET)  # fmt: skip
    remote = render_session(ray_ws, animatic_cluster, session_id=session_with(ray_ws, board),
                            options=QUIET)  # fmt: skip
    assert remote.rendered == 2 and keys(ray_ws, remote.job.id) == keys(local_ws, local.job.id)
    assert same_frames(local.video_path, remote.video_path)
    # the picture travels with the call: the worker reads its own copy, suffix kept
    from reelchat.generation.backend import ShotRequest

    request = ShotRequest.for_shot(board, shot).model_copy(
        update={"media_file": ray_ws.media_file(media_id, "png")}
    )
    copy = unpack_files(request, pack_files(request), tmp_path / "worker-files")
    assert copy.media_file.parent == tmp_path / "worker-files" and copy.media_file.suffix == ".png"
    assert copy.media_file.read_bytes() == ray_ws.media_file(media_id, "png").read_bytes()
