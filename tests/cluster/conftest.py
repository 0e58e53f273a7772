"""Ray fixtures: these tests run only where the `[cluster]` extra is installed."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from reelchat import store
from reelchat.generation import executors
from reelchat.generation.media import probe, read_frame
from reelchat.generation.stitch import StitchOptions
from reelchat.workspace import Workspace

QUIET = StitchOptions(captions=False, narration=False)


@pytest.fixture(scope="module")
def local_ray() -> Iterator[None]:
    """A local Ray instance with two CPUs, shared by a module's tests."""
    ray = pytest.importorskip("ray")
    ray.shutdown()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, logging_level="warning")
    yield
    executors._EXECUTORS.clear()  # its actors end with the instance
    ray.shutdown()


@pytest.fixture
def start_executor(local_ray):
    """Start a RayExecutor for one test and end its actors after it, so the next one has CPUs."""
    from reelchat.generation.executors.ray_executor import RayExecutor

    started = []

    def start(settings):
        # an executor a CLI test left in the process cache holds the instance's CPUs: end it
        for cached in executors._EXECUTORS.values():
            cached.close()
        executors._EXECUTORS.clear()
        started.append(RayExecutor.from_settings(settings))
        return started[-1]

    yield start
    for executor in started:
        executor.close()


def session_with(workspace: Workspace, board) -> str:
    session = store.create_session(workspace.engine, title="t")
    store.add_version(workspace.engine, session_id=session.id, storyboard=board)
    return session.id


def statuses(workspace: Workspace, job_id: str) -> list[str]:
    return [row.status for row in store.job_shots(workspace.engine, job_id=job_id)]


def keys(workspace: Workspace, job_id: str) -> list[str]:
    return [row.cache_key for row in store.job_shots(workspace.engine, job_id=job_id)]


def same_frames(first, second) -> bool:
    """Both videos decode to the same pixels at the start, middle and end of every second."""
    info = probe(first)
    assert probe(second).frames == info.frames
    for seconds in np.arange(0.0, info.duration, 0.5):
        if not np.array_equal(read_frame(first, seconds), read_frame(second, seconds)):
            return False
    return True
