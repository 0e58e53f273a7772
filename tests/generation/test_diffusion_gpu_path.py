"""What a first GPU run would hit, reproduced on the tiny presets through the real pipelines:
Wan image-to-video, dtypes after chaining, step caches, compilation, the clip cache's inputs."""

import dataclasses
import tomllib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

torch = pytest.importorskip("torch")
pytest.importorskip("diffusers")

from reelchat import store  # noqa: E402
from reelchat.config import Settings  # noqa: E402
from reelchat.errors import ReelchatError, RenderCancelled  # noqa: E402
from reelchat.generation import diffusion  # noqa: E402
from reelchat.generation.backend import get_backend  # noqa: E402
from reelchat.generation.cache import shot_requests  # noqa: E402
from reelchat.generation.diffusion import (  # noqa: E402
    CAMERA_WORDS,
    DiffusersBackend,
    DiffusionOptions,
    MissingDependency,
    auto_offload,
    check_versions,
    module_dtypes,
)
from reelchat.generation.media import probe  # noqa: E402
from reelchat.generation.presets import PRESETS, resolve_preset  # noqa: E402
from reelchat.generation.runner import render_session  # noqa: E402
from reelchat.generation.stitch import StitchOptions  # noqa: E402
from reelchat.storyboard import edits  # noqa: E402
from reelchat.storyboard.models import Camera  # noqa: E402
from tests.conftest import make_storyboard  # noqa: E402

QUIET = StitchOptions(captions=False, narration=False)
ROOT = Path(__file__).resolve().parents[2]


def _settings(workspace, **options):
    return Settings(workspace=workspace.root, backend="diffusers", device="cpu", **options)


def _session(workspace, board):
    session = store.create_session(workspace.engine, title="gpu path")
    store.add_version(workspace.engine, session_id=session.id, storyboard=board)
    return session.id


class Recorder:
    """A real pipeline that remembers the arguments of each call."""

    def __init__(self, pipe):
        self.pipe, self.calls = pipe, []

    def __getattr__(self, name):
        return getattr(self.pipe, name)

    def __call__(self, **kwargs):
        self.calls.append(kwargs)
        return self.pipe(**kwargs)


def _record(backend, which):
    loader = backend.text_to_video if which == "t2v" else backend.image_to_video
    recorder = Recorder(loader())
    setattr(backend, f"_{'text_to_video' if which == 't2v' else 'image_to_video'}", recorder)
    return recorder


# --- finding 1: Wan image-to-video runs (ftfy declared, a tiny I2V model) --------------------


def test_a_long_wan_shot_continues_through_wan_image_to_video(workspace):
    backend = get_backend(_settings(workspace, model="tiny-wan"))
    i2v = _record(backend, "i2v")
    (request, _), = shot_requests(make_storyboard(1, duration=3.0), backend)  # fmt: skip
    assert backend.plan_segments(request) == [17, 9]  # 24 frames at 8 fps, 1-frame overlap
    clip = backend.generate(request, workspace.root / "long.mp4", lambda _f: None)
    assert probe(clip.path).frames == 24
    assert type(i2v.pipe).__name__ == "WanImageToVideoPipeline" and len(i2v.calls) == 1
    # finding 10: the 14B-style I2V weights reuse the text encoder already loaded
    assert i2v.pipe.text_encoder is backend.text_to_video().text_encoder
    assert backend.loads == 2


def test_the_diffusion_extra_declares_what_the_code_needs():
    extra = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]["diffusion"]
    floors = {line.split(">=")[0]: line.split(">=")[1] for line in extra if ">=" in line}
    assert "ftfy" in floors  # Wan's image-to-video pipeline calls ftfy.fix_text unguarded
    for name, floor in diffusion.MIN_VERSIONS.items():
        assert floors[name] == floor


def test_missing_ftfy_is_named_before_a_wan_shot_starts(workspace, monkeypatch):
    real = diffusion.importlib.util.find_spec
    monkeypatch.setattr(
        diffusion.importlib.util, "find_spec", lambda name: None if name == "ftfy" else real(name)
    )
    backend = DiffusersBackend.from_settings(_settings(workspace, model="tiny-wan"))
    with pytest.raises(MissingDependency, match="ftfy"):
        backend.text_to_video()


# --- finding 2: a text-to-video folder is never driven as image-to-video ----------------------


def test_a_wan_text_to_video_folder_plays_a_long_shot_slower_instead_of_crashing(workspace):
    tiny = get_backend(_settings(workspace, model="tiny-wan"))
    tiny.text_to_video()
    preset = resolve_preset(str(tiny.models_dir / "tiny-wan"))
    assert preset.i2v_pipeline is None
    folder = DiffusersBackend(
        dataclasses.replace(preset, tiny=False, width=64, height=48, frames=17, fps=8, steps=2),
        DiffusionOptions(device="cpu", chain_shots=True),
        tiny.models_dir,
    )
    assert not folder.chains_shots
    (request, _), = shot_requests(make_storyboard(1, duration=3.0), folder)  # fmt: skip
    assert folder.plan_segments(request) == [17]  # 24 frames wanted: played slower
    clip = folder.generate(request, workspace.root / "long.mp4", lambda _f: None)
    assert probe(clip.path).frames == request.frames == 24


def test_an_ltx_folder_keeps_image_to_video(workspace):
    tiny = get_backend(_settings(workspace, model="tiny-ltx"))
    tiny.text_to_video()
    assert resolve_preset(str(tiny.models_dir / "tiny-ltx")).i2v_pipeline == (
        "LTXImageToVideoPipeline"
    )


# --- finding 3: version floors ------------------------------------------------------------


def test_libraries_below_the_floors_are_refused_with_the_upgrade_command():
    with pytest.raises(MissingDependency) as caught:
        check_versions({"diffusers": "0.35.2", "torch": "2.4.1+cu121"})
    assert "diffusers 0.35.2 (needs >= 0.40)" in str(caught.value)
    assert "torch 2.4.1+cu121 (needs >= 2.5)" in str(caught.value)
    assert "pip install -U 'reelchat[diffusion]'" in str(caught.value)
    check_versions({"diffusers": "0.42.1", "torch": "2.13.0+cpu"})


# --- findings 4 and 8: dtypes survive chaining; Wan's VAE and image encoder in float32 ------


def _half(workspace, name, **changes):
    preset = dataclasses.replace(PRESETS[name], dtype="bfloat16", **changes)
    return DiffusersBackend(preset, DiffusionOptions(device="cpu"), workspace.root / "models")


def test_a_long_ltx_shot_keeps_bfloat16_after_from_pipe(workspace):
    backend = _half(workspace, "tiny-ltx")
    (request, _), = shot_requests(make_storyboard(1, duration=3.0), backend)  # fmt: skip
    assert len(backend.plan_segments(request)) == 2
    backend.generate(request, workspace.root / "long.mp4", lambda _f: None)
    expected = dict.fromkeys(["transformer", "text_encoder", "vae"], torch.bfloat16)
    assert module_dtypes(backend.text_to_video()) == expected
    assert module_dtypes(backend.image_to_video()) == expected


def test_wan_loads_its_vae_and_image_encoder_in_float32(workspace):
    backend = _half(workspace, "tiny-wan")
    assert module_dtypes(backend.text_to_video()) == {
        "transformer": torch.bfloat16, "text_encoder": torch.bfloat16, "vae": torch.float32,
    }  # fmt: skip
    dtypes = module_dtypes(backend.image_to_video())
    assert dtypes["image_encoder"] == dtypes["vae"] == torch.float32
    assert dtypes["transformer"] == dtypes["text_encoder"] == torch.bfloat16


# --- finding 5: the first-block cache after a cancel ---------------------------------------


def test_after_a_cancel_with_the_first_block_cache_a_shot_of_another_shape_renders(workspace):
    backend = get_backend(_settings(workspace, model="tiny-wan", steps=4, cache_hook="first_block"))
    (wide, _), = shot_requests(make_storyboard(1), backend)  # fmt: skip
    steps = []

    def cancel_at_the_third_step(fraction):
        steps.append(fraction)
        if len(steps) == 3:
            raise RenderCancelled("stop")

    with pytest.raises(RenderCancelled):
        backend.generate(wide, workspace.root / "cancelled.mp4", cancel_at_the_third_step)
    (longer, _), = shot_requests(make_storyboard(1, duration=2.0), backend)  # fmt: skip
    assert backend.plan_segments(longer) != backend.plan_segments(wide)  # another latent shape
    clip = backend.generate(longer, workspace.root / "longer.mp4", lambda _f: None)
    assert probe(clip.path).frames == longer.frames


# --- finding 6: TaylorSeer hooks attach, and the key changes only when it predicts -----------


def _hooked(transformer) -> int:
    registries = (getattr(m, "_diffusers_hook", None) for m in transformer.modules())
    return sum("taylorseer_cache" in r.hooks for r in registries if r is not None)


def test_taylorseer_hooks_the_attention_and_keys_only_when_it_predicts(workspace):
    board = make_storyboard(1)

    def key(**options):
        return shot_requests(board, get_backend(_settings(workspace, model="tiny-wan", **options)))[
            0
        ][1]

    seer = get_backend(_settings(workspace, model="tiny-wan", steps=6, cache_hook="taylorseer"))
    assert _hooked(seer.text_to_video().transformer) == 4  # 2 blocks x (self, cross) attention
    assert key(steps=6, cache_hook="taylorseer") != key(steps=6)
    short = get_backend(_settings(workspace, model="tiny-wan", steps=2, cache_hook="taylorseer"))
    assert short.cache_hook == "none"  # 2 steps end before its 3 warm-up steps
    assert _hooked(short.text_to_video().transformer) == 0
    assert key(steps=2, cache_hook="taylorseer") == key(steps=2)


# --- finding 7: regional compilation ------------------------------------------------------


def test_compile_compiles_the_repeated_blocks_with_dynamic_shapes(workspace):
    backend = get_backend(_settings(workspace, model="tiny-wan", compile=True))
    transformer = backend.text_to_video().transformer
    blocks = [m for m in transformer.modules() if type(m).__name__ == "WanTransformerBlock"]
    assert blocks and all(block._compiled_call_impl is not None for block in blocks)
    assert transformer._compiled_call_impl is None


# --- finding 8: negative prompts and LTX's frame rate ---------------------------------------


def test_the_preset_negative_prompt_and_ltx_frame_rate_reach_the_pipeline(workspace):
    backend = get_backend(_settings(workspace, model="tiny-ltx", max_batch=1))
    t2v = _record(backend, "t2v")
    board = make_storyboard(1)
    board = edits.update_shot(board, 1, negative_prompt="people").storyboard
    (request, _), = shot_requests(board, backend)  # fmt: skip
    backend.generate(request, workspace.root / "shot.mp4", lambda _f: None)
    (call,) = t2v.calls
    assert call["negative_prompt"] == f"people, {PRESETS['tiny-ltx'].negative_prompt}"
    assert call["frame_rate"] == PRESETS["tiny-ltx"].fps


# --- finding 9: a start frame is cropped to the render aspect ---------------------------------


def test_a_start_frame_is_cropped_to_the_render_aspect_not_squeezed(workspace):
    preset = dataclasses.replace(PRESETS["tiny-ltx"], width=96, height=64, fixed_size=True)
    backend = DiffusersBackend(preset, DiffusionOptions(device="cpu"), workspace.root / "models")
    i2v = _record(backend, "i2v")
    frame = np.zeros((90, 160, 3), np.uint8)  # 16:9, red bars at both sides, gray middle
    frame[:, :, :] = 128
    frame[:, :10] = frame[:, -10:] = (255, 0, 0)
    path = workspace.root / "last.png"
    Image.fromarray(frame).save(path)
    (request, _), = shot_requests(make_storyboard(1), backend)  # fmt: skip
    request = request.model_copy(update={"condition_frame": path})
    backend.generate(request, workspace.root / "shot.mp4", lambda _f: None)
    image = np.asarray(i2v.calls[0]["image"])
    assert image.shape == (64, 96, 3)  # the 3:2 render size
    assert image[:, :, 0].max() < 200  # the red bars were cropped away, not squeezed in


# --- finding 10: the memory "auto" plans with ------------------------------------------------


def test_auto_offload_counts_the_image_to_video_weights(workspace):
    preset = PRESETS["wan2.1-t2v-1.3b"]
    backend = DiffusersBackend(preset, DiffusionOptions(device="cpu"), workspace.root)
    assert backend.vram_gb == preset.vram_gb + preset.i2v_vram_gb > 2 * 24
    assert auto_offload(24.0, backend.vram_gb) == "group"  # a 24 GB card
    assert auto_offload(80.0, backend.vram_gb) == "none"  # an H100
    assert auto_offload(24.0, PRESETS["ltx-video"].vram_gb) == "none"


def test_batched_shots_decode_with_vae_slicing(workspace):
    backend = get_backend(_settings(workspace, model="tiny-wan", max_batch=2))
    assert backend.text_to_video().vae.use_slicing


# --- finding 11: the clip cache keys on what reaches the model ------------------------------


def test_renaming_or_recaptioning_never_rerenders_but_a_camera_move_does(workspace):
    backend = get_backend(_settings(workspace, model="tiny-wan", max_batch=1))
    t2v = _record(backend, "t2v")
    board = make_storyboard(1)
    session_id = _session(workspace, board)
    render_session(workspace, backend, session_id=session_id, options=QUIET)
    assert CAMERA_WORDS[Camera.zoom_in] in t2v.calls[0]["prompt"]

    renamed = edits.update_shot(board, 1, title="A new name", caption="New caption").storyboard
    store.add_version(workspace.engine, session_id=session_id, storyboard=renamed)
    outcome = render_session(workspace, backend, session_id=session_id, options=QUIET)
    assert (outcome.rendered, outcome.cached, len(t2v.calls)) == (0, 1, 1)

    moved = edits.update_shot(renamed, 1, camera="zoom_out").storyboard
    store.add_version(workspace.engine, session_id=session_id, storyboard=moved)
    outcome = render_session(workspace, backend, session_id=session_id, options=QUIET)
    assert (outcome.rendered, outcome.cached) == (1, 0)
    assert "the camera slowly zooms out" in t2v.calls[-1]["prompt"]


def test_every_camera_move_has_prompt_words():
    assert set(CAMERA_WORDS) == set(Camera)


def test_a_taylorseer_hook_that_matches_nothing_is_refused(workspace, monkeypatch):
    monkeypatch.setitem(diffusion.ATTENTION_MODULES, "wan", r"nothing\.here")
    backend = get_backend(_settings(workspace, model="tiny-wan", steps=6, cache_hook="taylorseer"))
    with pytest.raises(ReelchatError, match="taylorseer cache hook does not work"):
        backend.text_to_video()


# --- multi-stage: the temporal stage is a setting, in the key --------------------------------


def test_a_shot_at_another_fps_is_interpolated_to_exact_frames(workspace):
    board = make_storyboard(1, duration=1.5, fps=12)  # tiny-wan renders 8 fps
    smooth = get_backend(_settings(workspace, model="tiny-wan"))
    repeated = get_backend(_settings(workspace, model="tiny-wan", temporal_stage="repeat"))
    (request, key), = shot_requests(board, smooth)  # fmt: skip
    assert key != shot_requests(board, repeated)[0][1]
    clip = smooth.generate(request, workspace.root / "shot.mp4", lambda _f: None)
    info = probe(clip.path)
    assert (info.frames, info.fps) == (18, 12)


# --- multi-stage: the spatial stage uses the preset's own upsampler where it has one ---------


def test_ltx_renders_at_half_size_and_its_latent_upsampler_brings_the_frame_size(workspace):
    board = make_storyboard(1)
    backend = get_backend(_settings(workspace, model="tiny-ltx"))  # spatial_stage="auto"
    resampled = get_backend(_settings(workspace, model="tiny-ltx", spatial_stage="resample"))
    assert backend.spatial_stage == "latent-upsampler" and resampled.spatial_stage == "resample"
    assert shot_requests(board, backend)[0][1] != shot_requests(board, resampled)[0][1]
    assert "spatial=latent-upsampler|upsampler=tiny-ltx-upsampler" in backend.name

    t2v = _record(backend, "t2v")
    upsampler = Recorder(backend.upsampler())
    backend._upsampler = upsampler
    outcome = render_session(
        workspace, backend, session_id=_session(workspace, board), options=QUIET
    )
    assert backend.preset.render_size(16 / 9) == (96, 64)  # resampling renders this size
    first = t2v.calls[0]
    assert (first["width"], first["height"], first["output_type"]) == (64, 32, "latent")
    assert (upsampler.calls[0]["width"], upsampler.calls[0]["height"]) == (128, 64)
    assert upsampler.calls[0]["latents"].shape[-2:] == (8, 16)  # 32x64 px / the VAE's 4x
    folder = workspace.root / "models" / "tiny-ltx-upsampler" / "latent_upsampler"
    assert (folder / "config.json").is_file()  # loaded with from_pretrained from disk
    info = probe(outcome.video_path)
    assert (info.width, info.height) == board.size


def test_a_preset_without_an_upsampler_resamples_and_says_so(workspace, caplog):
    settings = _settings(workspace, model="tiny-wan", spatial_stage="latent-upsampler")
    with caplog.at_level("WARNING"):
        backend = get_backend(settings)
    assert "has no latent upsampler" in caplog.text and "tiny-wan" in caplog.text
    assert backend.spatial_stage == "resample" and "spatial=resample" in backend.name
    t2v = _record(backend, "t2v")
    (request, _), = shot_requests(make_storyboard(1), backend)  # fmt: skip
    clip = backend.generate(request, workspace.root / "shot.mp4", lambda _f: None)
    assert "output_type" in t2v.calls[0] and t2v.calls[0]["output_type"] == "np"
    assert (probe(clip.path).width, probe(clip.path).height) == (request.width, request.height)
