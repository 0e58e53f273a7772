"""A simulated two-node cluster (ray.cluster_utils.Cluster): one actor per node, no shared state
but the object store, and the same video as the local executor."""

import pytest

ray = pytest.importorskip("ray")

from ray.cluster_utils import Cluster  # noqa: E402

from reelchat.config import Settings  # noqa: E402
from reelchat.generation.animatic import AnimaticBackend  # noqa: E402
from reelchat.generation.executors.ray_executor import RayExecutor  # noqa: E402
from reelchat.generation.runner import render_session  # noqa: E402
from reelchat.workspace import Workspace  # noqa: E402
from tests.cluster.conftest import QUIET, keys, same_frames, session_with, statuses  # noqa: E402
from tests.conftest import make_storyboard  # noqa: E402


@pytest.fixture(scope="module")
def two_nodes():
    ray.shutdown()
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 1})
    cluster.add_node(num_cpus=1)
    cluster.wait_for_nodes()
    ray.init(address=cluster.address, log_to_driver=False, logging_level="warning")
    yield cluster
    ray.shutdown()
    cluster.shutdown()


def test_six_shots_spread_over_two_nodes_and_match_local(tmp_path, two_nodes):
    executor = RayExecutor.from_settings(Settings(workspace=tmp_path / "worker", executor="ray"))
    try:
        assert len(executor.actors) == 2 and len(executor.nodes) == 2
        board = make_storyboard(6)
        local_ws = Workspace(root=tmp_path / "local", database=tmp_path / "local" / "db")
        ray_ws = Workspace(root=tmp_path / "ray", database=tmp_path / "ray" / "db")
        local = render_session(
            local_ws, AnimaticBackend(), session_id=session_with(local_ws, board), options=QUIET
        )
        remote = render_session(
            ray_ws, executor, session_id=session_with(ray_ws, board), options=QUIET
        )
    finally:
        executor.close()
    assert statuses(ray_ws, remote.job.id) == ["rendered"] * 6
    assert keys(ray_ws, remote.job.id) == keys(local_ws, local.job.id)
    assert same_frames(local.video_path, remote.video_path)
