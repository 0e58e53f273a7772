import numpy as np
import pytest

from reelchat.generation.animatic import AnimaticBackend, palette_for
from reelchat.generation.backend import ShotRequest
from reelchat.generation.cache import cache_key
from reelchat.generation.media import probe, read_frame
from tests.conftest import make_storyboard


def _request(**changes):
    board = make_storyboard(1, duration=2.0)
    return ShotRequest.for_shot(board, board.shots[0]).model_copy(update=changes)


def _render(tmp_path, name="clip", **changes):
    request = _request(**changes)
    seen = []
    clip = AnimaticBackend().generate(request, tmp_path / f"{name}.mp4", seen.append)
    return clip, seen


def test_clip_has_exact_frames_size_and_browser_friendly_encoding(tmp_path):
    clip, seen = _render(tmp_path)
    info = probe(clip.path)
    assert (info.width, info.height, info.frames, info.fps) == (640, 360, 16, 8.0)
    assert (info.codec, info.pix_fmt, info.faststart) == ("h264", "yuv420p", True)
    assert seen[-1] == 1.0 and len(seen) == 16


@pytest.mark.parametrize("camera", ["static", "pan_left", "tilt_down", "zoom_in", "orbit"])
def test_frames_move_over_time(tmp_path, camera):
    clip, _ = _render(tmp_path, camera=camera)
    first, last = read_frame(clip.path, 0.0), read_frame(clip.path, 1.8)
    assert np.abs(first.astype(int) - last.astype(int)).mean() > 2.0


def test_camera_moves_look_different(tmp_path):
    pan, _ = _render(tmp_path, "pan", camera="pan_right")
    zoom, _ = _render(tmp_path, "zoom", camera="zoom_in")
    a, b = read_frame(pan.path, 1.8), read_frame(zoom.path, 1.8)
    assert np.abs(a.astype(int) - b.astype(int)).mean() > 5.0


def test_style_words_change_the_colours(tmp_path):
    warm, _ = _render(tmp_path, "warm", style="warm sunset colours")
    cool, _ = _render(tmp_path, "cool", style="cool icy winter")
    warm_rgb = read_frame(warm.path, 0.5).reshape(-1, 3).mean(axis=0)
    cool_rgb = read_frame(cool.path, 0.5).reshape(-1, 3).mean(axis=0)
    assert warm_rgb[0] > warm_rgb[2]  # more red than blue
    assert cool_rgb[2] > cool_rgb[0]  # more blue than red


def test_palette_prefers_style_over_prompt():
    assert palette_for("neon", "a green forest") == palette_for("neon", "the ocean")


def test_cache_key_changes_with_pixels_only():
    base = _request()
    assert cache_key(AnimaticBackend(), base) == cache_key(AnimaticBackend(), _request())
    for change in ({"seed": 1}, {"prompt": "another"}, {"frames": 17}, {"width": 480}):
        assert cache_key(AnimaticBackend(), base.model_copy(update=change)) != cache_key(
            AnimaticBackend(), base
        )


def test_same_request_gives_the_same_frames(tmp_path):
    """Clips are cached by request: rendering one again must not change a pixel."""
    first, _ = _render(tmp_path, "a", camera="pan_right")
    again, _ = _render(tmp_path, "b", camera="pan_right")
    for seconds in (0.0, 0.9, 1.8):
        assert np.array_equal(read_frame(first.path, seconds), read_frame(again.path, seconds))


def _hue(rgb):
    import colorsys

    return colorsys.rgb_to_hsv(*(c / 255 for c in rgb))[0]


def _hue_distance(a, b):
    d = abs(a - b) % 1.0
    return min(d, 1 - d)


@pytest.mark.parametrize(("style", "least"), [("", 0.08), ("warm golden colour palette", 0.02)])
def test_every_shot_of_a_video_gets_its_own_hue(style, least):
    """Planned shots have consecutive seeds; six of them never share a colour, even after
    'warmer' narrows the hues to reds, oranges and yellows."""
    hues = [_hue(palette_for(style, "a scene", seed).sky) for seed in range(7, 13)]
    gaps = [_hue_distance(a, b) for i, a in enumerate(hues) for b in hues[i + 1 :]]
    assert min(gaps) > least
    if style:
        assert all(_hue_distance(h, 0.05) < 0.15 for h in hues)  # all warm


def test_the_pictogram_names_the_prompts_subject():
    from reelchat.generation.pictograms import FALLBACK, pictogram_for

    assert pictogram_for("confetti over a laptop") == "💻"
    assert pictogram_for("a German law book on a desk") == "📖"
    assert pictogram_for("a nurse holding a syringe") == "💉"
    # the character a template repeats first gives way to what is new in the shot
    assert pictogram_for("Maya, a new designer with a backpack, at a desk, coffee") == "☕"
    assert pictogram_for("上海的夜景") == FALLBACK


def test_the_first_frame_is_fully_drawn(tmp_path):
    clip, _ = _render(tmp_path)
    first, second = read_frame(clip.path, 0.0), read_frame(clip.path, 1 / 8)
    assert first.mean() > 40 and np.abs(first.astype(int) - second.astype(int)).mean() < 8
