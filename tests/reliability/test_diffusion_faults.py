"""Diffusion faults on the real tiny pipelines: out of memory is retried with the next
memory-saving level, then named; NaN frames fail the shot without writing a clip."""

from __future__ import annotations

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")

from reelchat import store  # noqa: E402
from reelchat.config import Settings  # noqa: E402
from reelchat.errors import RenderFailed  # noqa: E402
from reelchat.generation.backend import get_backend  # noqa: E402
from reelchat.generation.cache import shot_requests  # noqa: E402
from reelchat.generation.diffusion import OutOfMemory  # noqa: E402
from reelchat.generation.media import probe  # noqa: E402
from reelchat.generation.runner import render_session  # noqa: E402
from reelchat.generation.stitch import StitchOptions  # noqa: E402
from tests.conftest import make_storyboard  # noqa: E402

QUIET = StitchOptions(captions=False, narration=False)
CUDA = torch.cuda.is_available()


class FaultyPipeline:
    """The real pipeline, failing the calls `fault(kwargs)` picks: out of memory, or NaN."""

    def __init__(self, pipe, fault):
        self.pipe, self.fault, self.calls = pipe, fault, []

    def __getattr__(self, name):
        return getattr(self.pipe, name)

    def __call__(self, **kwargs):
        self.calls.append(kwargs["prompt"])
        kind = self.fault(kwargs, len(self.calls))
        if kind == "oom":
            raise torch.OutOfMemoryError("CUDA out of memory. Tried to allocate 20.00 GiB")
        output = self.pipe(**kwargs)
        if kind == "nan":
            output.frames = np.full_like(np.asarray(output.frames), np.nan)
        return output


def _backend(workspace, **options):
    settings = Settings(
        workspace=workspace.root, backend="diffusers", model="tiny-wan",
        device="cuda" if CUDA else "cpu", **options,
    )  # fmt: skip
    return get_backend(settings)


def _faulty(backend, fault) -> FaultyPipeline:
    wrapper = FaultyPipeline(backend.text_to_video(), fault)
    backend._text_to_video = wrapper
    return wrapper


def _session(workspace, board):
    session = store.create_session(workspace.engine, title="faults")
    store.add_version(workspace.engine, session_id=session.id, storyboard=board)
    return session.id


def test_out_of_memory_is_retried_with_vae_tiling(workspace):
    backend = _backend(workspace, vae_tiling=False, max_batch=1)
    pipe = _faulty(backend, lambda _kwargs, call: "oom" if call == 1 else None)
    (request, _), = shot_requests(make_storyboard(1), backend)  # fmt: skip
    clip = backend.generate(request, workspace.root / "shot.mp4", lambda _f: None)
    assert len(pipe.calls) == 2 and backend.tiling
    assert probe(clip.path).frames == request.frames


def test_a_batch_out_of_memory_renders_the_shots_one_at_a_time(workspace):
    backend = _backend(workspace, max_batch=4)
    pipe = _faulty(
        backend, lambda kwargs, _call: "oom" if isinstance(kwargs["prompt"], list) else None
    )
    board = make_storyboard(3)
    session_id = _session(workspace, board)
    outcome = render_session(workspace, backend, session_id=session_id, options=QUIET)
    assert [type(p) for p in pipe.calls] == [list, str, str, str]
    assert outcome.job.status == "done" and outcome.rendered == 3
    assert probe(outcome.video_path).frames == 24
    assert backend.batch_size(shot_requests(board, backend)[0][0]) == 1  # later calls too


def test_a_shot_that_never_fits_fails_alone_with_what_was_tried(workspace):
    backend = _backend(workspace, vae_tiling=False, max_batch=1)
    board = make_storyboard(3)
    greedy = board.shots[1].prompt
    _faulty(backend, lambda kwargs, _call: "oom" if greedy in kwargs["prompt"] else None)
    session_id = _session(workspace, board)
    with pytest.raises(RenderFailed, match="1 of 3 shots failed"):
        render_session(workspace, backend, session_id=session_id, options=QUIET)
    job = store.list_jobs(workspace.engine, session_id=session_id)[-1]
    rows = store.job_shots(workspace.engine, job_id=job.id)
    assert [row.status for row in rows] == ["rendered", "failed", "rendered"]
    assert "even after trying: VAE tiling" in rows[1].error
    assert "REELCHAT_MODEL" in rows[1].error and "finished shots are kept" in rows[1].error
    assert not workspace.clip_path(session_id, rows[1].cache_key).exists()
    assert len(list(workspace.clips_dir(session_id).glob("*.mp4"))) == 2  # the others are kept
    request = shot_requests(board, backend)[1][0]
    with pytest.raises(OutOfMemory, match="out of cpu memory|out of GPU memory"):
        backend.generate(request, workspace.root / "x.mp4", lambda _: None)


def test_nan_frames_fail_the_shot_and_no_clip_is_written(workspace):
    backend = _backend(workspace, max_batch=1)
    board = make_storyboard(2)
    broken = board.shots[0].prompt
    _faulty(backend, lambda kwargs, _call: "nan" if broken in kwargs["prompt"] else None)
    session_id = _session(workspace, board)
    with pytest.raises(RenderFailed, match="1 of 2 shots failed"):
        render_session(workspace, backend, session_id=session_id, options=QUIET)
    job = store.list_jobs(workspace.engine, session_id=session_id)[-1]
    rows = store.job_shots(workspace.engine, job_id=job.id)
    assert [row.status for row in rows] == ["failed", "rendered"]
    assert "invalid frames (NaN" in rows[0].error and "regenerate the shot" in rows[0].error
    assert not workspace.clip_path(session_id, rows[0].cache_key).exists()
    assert store.list_videos(workspace.engine, session_id=session_id) == []
    assert list(workspace.clips_dir(session_id).glob(".*")) == []  # no temp file left behind


@pytest.mark.skipif(not CUDA, reason="offloading only helps on a GPU")
def test_on_a_gpu_out_of_memory_moves_to_the_next_offload_mode(workspace):
    backend = _backend(workspace, offload="none", max_batch=1)
    _faulty(backend, lambda _kwargs, call: "oom" if call == 1 else None)
    (request, _), = shot_requests(make_storyboard(1), backend)  # fmt: skip
    clip = backend.generate(request, workspace.root / "shot.mp4", lambda _f: None)
    assert backend.offload == "model" and backend.loads == 2
    assert probe(clip.path).frames == request.frames
