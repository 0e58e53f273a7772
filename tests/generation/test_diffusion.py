"""The diffusers backend on tiny random-weight presets, through the real loading code."""

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("diffusers")

from reelchat import store  # noqa: E402
from reelchat.config import Settings  # noqa: E402
from reelchat.errors import RenderCancelled  # noqa: E402
from reelchat.generation.backend import get_backend  # noqa: E402
from reelchat.generation.cache import shot_requests  # noqa: E402
from reelchat.generation.diffusion import (  # noqa: E402
    DiffusersBackend,
    ModelUnavailable,
    fit_frame,
)
from reelchat.generation.media import probe  # noqa: E402
from reelchat.generation.presets import PRESETS, UnknownPreset, resolve_preset  # noqa: E402
from reelchat.generation.runner import render_session  # noqa: E402
from reelchat.generation.stitch import StitchOptions  # noqa: E402
from reelchat.storyboard import edits  # noqa: E402
from tests.conftest import make_storyboard  # noqa: E402

QUIET = StitchOptions(captions=False, narration=False)


def _settings(workspace, **options):
    return Settings(workspace=workspace.root, backend="diffusers", device="cpu", **options)


def _session(workspace, board):
    session = store.create_session(workspace.engine, title="diffusion")
    store.add_version(workspace.engine, session_id=session.id, storyboard=board)
    return session.id


@pytest.mark.parametrize("preset", ["tiny-wan", "tiny-ltx"])
def test_tiny_preset_renders_a_storyboard_with_exact_frames(workspace, preset):
    board = make_storyboard(2, duration=2.5)
    backend = get_backend(_settings(workspace, model=preset))
    outcome = render_session(
        workspace, backend, session_id=_session(workspace, board), options=QUIET
    )
    info = probe(outcome.video_path)
    assert (info.width, info.height) == board.size
    assert info.frames == sum(board.frame_count(shot) for shot in board.shots) == 40
    assert (info.codec, info.pix_fmt, info.faststart) == ("h264", "yuv420p", True)
    assert outcome.rendered == 2
    assert (workspace.root / "models" / preset / "model_index.json").is_file()


def test_the_pipeline_is_loaded_once_and_kept_warm(workspace):
    settings = _settings(workspace, model="tiny-wan")
    backend = get_backend(settings)
    assert get_backend(settings) is backend
    for board in (make_storyboard(3), make_storyboard(2, style="night")):
        render_session(workspace, backend, session_id=_session(workspace, board), options=QUIET)
    assert backend.loads == 1


class RecordingPipeline:
    """The real image-to-video pipeline, remembering the image each call started from."""

    def __init__(self, pipe):
        self.pipe, self.images = pipe, []

    def __getattr__(self, name):
        return getattr(self.pipe, name)

    def __call__(self, **kwargs):
        self.images.append(np.asarray(kwargs["image"]))
        return self.pipe(**kwargs)


def test_chained_shots_start_from_the_previous_shots_last_frame(workspace):
    backend = get_backend(_settings(workspace, model="tiny-ltx", chain_shots=True))
    assert backend.chains_shots
    recorder = RecordingPipeline(backend.image_to_video())
    backend._image_to_video = recorder
    board = make_storyboard(2, duration=1.0)
    session_id = _session(workspace, board)
    render_session(workspace, backend, session_id=session_id, options=QUIET)

    (first_request, first_key), (second_request, _) = shot_requests(board, backend)
    assert not first_request.condition_key and second_request.condition_key == first_key
    last_frame = workspace.clips_dir(session_id) / f"{first_key}-last.png"
    assert len(recorder.images) == 1
    size = backend.preset.render_size(board.size[0] / board.size[1])
    expected = fit_frame(np.asarray(Image.open(last_frame).convert("RGB")), *size)
    assert np.array_equal(recorder.images[0], expected)  # cropped to the render size


def test_with_chaining_an_edit_rerenders_the_shots_after_it(workspace):
    backend = get_backend(_settings(workspace, model="tiny-ltx", chain_shots=True))
    board = make_storyboard(3, duration=1.0)
    session_id = _session(workspace, board)
    render_session(workspace, backend, session_id=session_id, options=QUIET)
    edited = edits.update_shot(board, 2, prompt="a red sky at night").storyboard
    store.add_version(workspace.engine, session_id=session_id, storyboard=edited)
    outcome = render_session(workspace, backend, session_id=session_id, options=QUIET)
    rows = store.job_shots(workspace.engine, job_id=outcome.job.id)
    assert [row.status for row in rows] == ["cached", "rendered", "rendered"]


def test_a_long_shot_is_made_of_chained_segments(workspace):
    backend = get_backend(_settings(workspace, model="tiny-ltx"))
    board = make_storyboard(1, duration=5.0)
    (request, _), = shot_requests(board, backend)  # fmt: skip
    assert backend.plan_segments(request) == [17, 17, 9]  # 40 frames at 8 fps, 1-frame overlaps
    clip = backend.generate(request, workspace.root / "long.mp4", lambda _f: None)
    assert probe(clip.path).frames == 40


def test_cancel_stops_within_one_step(workspace):
    backend = get_backend(_settings(workspace, model="tiny-wan", steps=6))
    (request, _), = shot_requests(make_storyboard(1), backend)  # fmt: skip
    calls = []

    def cancel_at_once(fraction):
        calls.append(fraction)
        raise RenderCancelled("stop")

    with pytest.raises(RenderCancelled):
        backend.generate(request, workspace.root / "cancelled.mp4", cancel_at_once)
    assert len(calls) == 1 and calls[0] < 0.2


def test_missing_weights_say_what_to_download(workspace, monkeypatch):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    backend = DiffusersBackend.from_settings(_settings(workspace, model="wan2.1-t2v-1.3b"))
    with pytest.raises(ModelUnavailable) as caught:
        backend.text_to_video()
    message = str(caught.value)
    assert "huggingface-cli download Wan-AI/Wan2.1-T2V-1.3B-Diffusers" in message
    assert "REELCHAT_MODEL" in message


def test_a_local_diffusers_folder_is_a_preset(workspace):
    tiny = get_backend(_settings(workspace, model="tiny-wan"))
    folder = tiny.models_dir / "tiny-wan"
    tiny.text_to_video()
    preset = resolve_preset(str(folder))
    assert preset.pipeline == "WanPipeline" and preset.model == str(folder.resolve())
    with pytest.raises(UnknownPreset, match="neither a preset"):
        resolve_preset(str(workspace.root / "nowhere"))


def test_presets_cover_the_main_models():
    names = set(PRESETS)
    assert {
        "wan2.1-t2v-1.3b",
        "wan2.2-ti2v-5b",
        "ltx-video",
        "cogvideox-2b",
        "cogvideox-5b",
    } <= names
    for preset in PRESETS.values():
        width, height = preset.render_size(16 / 9)
        assert width % preset.size_multiple == 0 and height % preset.size_multiple == 0
        assert (preset.frame_count(preset.frames) - 1) % preset.frame_step == 0


def test_settings_that_change_pixels_change_cache_keys(workspace):
    board = make_storyboard(1)
    few = get_backend(_settings(workspace, model="tiny-wan", steps=2))
    many = get_backend(_settings(workspace, model="tiny-wan", steps=4))
    assert shot_requests(board, few)[0][1] != shot_requests(board, many)[0][1]


class CountingPipeline:
    """The real text-to-video pipeline, counting calls and the prompts each one carried."""

    def __init__(self, pipe):
        self.pipe, self.prompts = pipe, []

    def __call__(self, **kwargs):
        self.prompts.append(kwargs["prompt"])
        return self.pipe(**kwargs)


def test_shots_of_one_shape_render_in_one_batched_call(workspace):
    backend = get_backend(_settings(workspace, model="tiny-wan", max_batch=4))
    recorder = CountingPipeline(backend.text_to_video())
    backend._text_to_video = recorder
    board = make_storyboard(3)
    session_id = _session(workspace, board)
    outcome = render_session(workspace, backend, session_id=session_id, options=QUIET)
    assert len(recorder.prompts) == 1 and len(recorder.prompts[0]) == 3
    rows = store.job_shots(workspace.engine, job_id=outcome.job.id)
    assert [row.status for row in rows] == ["rendered"] * 3
    assert probe(outcome.video_path).frames == 24
    one_by_one = get_backend(_settings(workspace, model="tiny-wan", max_batch=1))
    request = shot_requests(board, one_by_one)[0][0]
    assert one_by_one.batch_size(request) == 1
