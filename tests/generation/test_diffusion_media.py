"""A shot's own picture on the diffusion backend, through the real tiny pipelines: the start
frame of image-to-video, or the animatic treatment (said so) where a preset has none."""

import dataclasses

import numpy as np
import pytest
from PIL import Image

pytest.importorskip("torch")
pytest.importorskip("diffusers")

from reelchat import store  # noqa: E402
from reelchat.generation.backend import ShotRequest, get_backend  # noqa: E402
from reelchat.generation.cache import cache_key, shot_requests  # noqa: E402
from reelchat.generation.diffusion import DiffusersBackend, DiffusionOptions  # noqa: E402
from reelchat.generation.media import probe, read_frame  # noqa: E402
from reelchat.generation.presets import resolve_preset  # noqa: E402
from reelchat.generation.runner import render_session  # noqa: E402
from reelchat.generation.stitch import StitchOptions  # noqa: E402
from reelchat.storyboard.models import ShotMedia  # noqa: E402
from tests.conftest import make_storyboard  # noqa: E402
from tests.generation.media_fixtures import add_clip, add_picture, screenshot  # noqa: E402
from tests.generation.test_diffusion_gpu_path import _record, _settings  # noqa: E402

QUIET = StitchOptions(captions=False, narration=False)


def _wide_picture() -> Image.Image:
    """32:9 (twice as wide as 16:9): blue on the left, yellow on the right, red bars at the
    far edges that a crop to the 4:3 render size must cut away."""
    picture = np.zeros((90, 320, 3), np.uint8)
    picture[:, :160] = (30, 60, 200)
    picture[:, 160:] = (230, 210, 40)
    picture[:, :20] = picture[:, -20:] = (255, 0, 0)
    return Image.fromarray(picture)


def _media_request(workspace, backend, media_id, suffix="png"):
    board = make_storyboard(1)
    shot = board.shots[0].model_copy(update={"media": ShotMedia(id=media_id)})
    board = board.model_copy(update={"shots": [shot]})
    ((request, _),) = shot_requests(board, backend)
    return request.model_copy(update={"media_file": workspace.media_file(media_id, suffix)})


def test_a_picture_is_the_start_frame_of_image_to_video_cropped_to_the_aspect(workspace):
    backend = get_backend(_settings(workspace, model="tiny-wan"))
    i2v = _record(backend, "i2v")
    request = _media_request(workspace, backend, add_picture(workspace, _wide_picture()))
    clip = backend.generate(request, workspace.root / "shot.mp4", lambda _f: None)
    assert probe(clip.path).frames == request.frames
    assert len(i2v.calls) == 1
    call = i2v.calls[0]
    image = np.asarray(call["image"]).astype(int)
    render_w, render_h = backend.preset.render_size(request.width / request.height)
    assert image.shape == (render_h, render_w, 3)
    red = (image[..., 0] > 200) & (image[..., 1] < 60) & (image[..., 2] < 60)
    assert not red.any()  # the bars at the far edges were cropped away, not squeezed in
    # the middle of the picture, blue then yellow, fills the frame
    assert image[:, : render_w // 4, 2].mean() > 150 and image[:, -render_w // 4 :, 1].mean() > 150
    assert request.prompt in call["prompt"]
    assert backend.notes_for(request) == ()


def test_a_clip_starts_image_to_video_from_its_first_frame(workspace, tmp_path):
    from tests.generation.media_fixtures import write_clip

    backend = get_backend(_settings(workspace, model="tiny-wan"))
    i2v = _record(backend, "i2v")
    media_id = add_clip(workspace, write_clip(tmp_path / "c.mp4", frames=6), 0.75)
    request = _media_request(workspace, backend, media_id, "mp4")
    backend.generate(request, workspace.root / "shot.mp4", lambda _f: None)
    image = np.asarray(i2v.calls[0]["image"]).astype(int)
    assert abs(image.mean() - 20) < 6  # the clip's first frame (grey 20), not a later one


def test_the_picture_is_in_the_diffusion_cache_key(workspace):
    backend = get_backend(_settings(workspace, model="tiny-wan"))
    first = _media_request(workspace, backend, add_picture(workspace, _wide_picture()))
    second = _media_request(workspace, backend, add_picture(workspace, screenshot()))
    board = make_storyboard(1)
    plain = ShotRequest.for_shot(board, board.shots[0])
    keys = {cache_key(backend, r) for r in (first, second, plain)}
    assert len(keys) == 3


def _text_only_backend(workspace) -> DiffusersBackend:
    tiny = get_backend(_settings(workspace, model="tiny-wan"))
    tiny.text_to_video()
    preset = resolve_preset(str(tiny.models_dir / "tiny-wan"))
    assert preset.i2v_pipeline is None
    return DiffusersBackend(
        dataclasses.replace(preset, tiny=False, width=64, height=48, frames=17, fps=8, steps=2),
        DiffusionOptions(device="cpu"),
        tiny.models_dir,
    )


def test_without_image_to_video_the_picture_is_shown_as_the_animatic_does_and_said(workspace):
    backend = _text_only_backend(workspace)
    media_id = add_picture(workspace, screenshot(400, 300))
    board = make_storyboard(2)
    shots = [board.shots[0], board.shots[1].model_copy(update={"media": ShotMedia(id=media_id)})]
    board = board.model_copy(update={"shots": shots})
    session = store.create_session(workspace.engine, title="t")
    store.add_version(workspace.engine, session_id=session.id, storyboard=board)
    outcome = render_session(workspace, backend, session_id=session.id, options=QUIET)
    assert outcome.rendered == 2
    (note,) = outcome.stitch.notes
    assert note.startswith("shot 2: its picture is shown as an animatic shot")
    assert "no image-to-video" in note
    assert outcome.notes == (note,)
    # shot 2 is the screenshot's light page, full size (not the 64x48 model's blur)
    start = outcome.video.duration / 2
    frame = read_frame(outcome.video_path, start + 0.3)
    assert frame[:, 300:340].mean() > 180


def test_a_preview_of_that_shot_says_so_too(workspace):
    backend = _text_only_backend(workspace)
    media_id = add_picture(workspace, screenshot(400, 300))
    board = make_storyboard(2)
    shots = [board.shots[0], board.shots[1].model_copy(update={"media": ShotMedia(id=media_id)})]
    session = store.create_session(workspace.engine, title="t")
    board = board.model_copy(update={"shots": shots})
    store.add_version(workspace.engine, session_id=session.id, storyboard=board)
    outcome = render_session(
        workspace, backend, session_id=session.id, positions=[2], options=QUIET
    )
    assert outcome.video is None and outcome.rendered == 1
    assert [note[:7] for note in outcome.notes] == ["shot 2:"]


def test_a_drawn_picture_shot_keeps_its_key_when_reworded_a_generated_one_does_not(workspace):
    media_id = add_picture(workspace, screenshot())
    generating = get_backend(_settings(workspace, model="tiny-wan"))
    drawing = _text_only_backend(workspace)
    for backend, kept in ((drawing, True), (generating, False)):
        request = _media_request(workspace, backend, media_id)
        reworded = request.model_copy(update={"prompt": "another prompt", "seed": 5})
        assert (cache_key(backend, reworded) == cache_key(backend, request)) is kept
        # neither takes a brand colour (the drawing's highlight stays the default amber)
        coloured = request.model_copy(update={"palette": ("#ff6600",)})
        assert cache_key(backend, coloured) == cache_key(backend, request)
