"""The brand kit at the stitch: the logo over every shot, the brand font in titles and captions."""

import numpy as np
import pytest
from PIL import Image

from reelchat import store
from reelchat.errors import RenderFailed
from reelchat.generation.animatic import AnimaticBackend
from reelchat.generation.backend import ShotRequest
from reelchat.generation.branding import LogoLayer, logo_box, logo_image
from reelchat.generation.media import read_frame
from reelchat.generation.runner import render_session
from reelchat.generation.stitch import (
    OnScreenText,
    StitchOptions,
    _text_png,
    finish_shot,
    text_image,
)
from reelchat.storyboard.models import Brand, Camera, Corner, Logo, ShotMedia
from tests.conftest import make_storyboard
from tests.generation.media_fixtures import add_font, add_picture, box_font, logo, photo

QUIET = StitchOptions(captions=False, narration=False)
GREY = (128, 128, 128)
GREEN = (0, 200, 80)


def _branded_video(workspace, brand_logo: Logo, picture_id: str):
    board = make_storyboard(1, duration=1.0)
    shot = board.shots[0].model_copy(update={"media": ShotMedia(id=picture_id),
                                             "camera": Camera.static})  # fmt: skip
    board = board.model_copy(update={"shots": [shot], "brand": Brand(logo=brand_logo)})
    session = store.create_session(workspace.engine, title="t")
    store.add_version(workspace.engine, session_id=session.id, storyboard=board)
    outcome = render_session(workspace, AnimaticBackend(), session_id=session.id, options=QUIET)
    return read_frame(outcome.video_path, 0.25).astype(int)


def _greenish(frame: np.ndarray) -> np.ndarray:
    return (frame[..., 1] - frame[..., 0] > 60) & (frame[..., 1] - frame[..., 2] > 30)


@pytest.mark.parametrize("corner", [Corner.top_left, Corner.bottom_right])
def test_the_logo_sits_in_its_corner_with_its_transparency(workspace, corner):
    grey = add_picture(workspace, Image.new("RGB", (640, 360), GREY))
    logo_id = add_picture(workspace, logo(64))
    frame = _branded_video(workspace, Logo(media=logo_id, corner=corner, size=0.1, opacity=1.0),
                           grey)  # fmt: skip
    height, width = frame.shape[:2]
    green = _greenish(frame)
    ys, xs = np.nonzero(green)
    assert green.sum() > 1000  # a 64 px disc, drawn whole
    side = round(0.1 * width)  # size: a tenth of the frame's width
    assert side - 4 <= xs.max() - xs.min() + 1 <= side + 2
    margin = round(360 * 0.04)
    if corner is Corner.top_left:
        assert abs(xs.min() - margin) <= 2 and abs(ys.min() - margin) <= 2
    else:
        assert abs(width - 1 - xs.max() - margin) <= 2 and abs(height - 1 - ys.max() - margin) <= 2
    # alpha kept: the corners of the logo's square are the grey shot, not black or white
    corner_pixel = frame[ys.min() + 1, xs.min() + 1]
    assert np.abs(corner_pixel - np.array(GREY)).max() < 12
    # and nothing green anywhere else
    assert not green[height // 3 : 2 * height // 3].any()


def test_opacity_lets_the_shot_through_the_logo(workspace):
    grey = add_picture(workspace, Image.new("RGB", (640, 360), GREY))
    logo_id = add_picture(workspace, logo(64))
    frame = _branded_video(workspace, Logo(media=logo_id, size=0.1, opacity=0.5), grey)
    height, width = frame.shape[:2]
    centre = frame[height - 14 - 32, width - 14 - 32]
    assert 40 < centre[1] - centre[0] < 110  # half green, half grey
    assert 50 < centre[0] < 80  # the grey's red, halved


def test_a_tall_logo_is_kept_inside_the_frame(tmp_path):
    path = tmp_path / "tall.png"
    Image.new("RGBA", (40, 400), (*GREEN, 255)).save(path)
    image, (left, top) = logo_image(LogoLayer(path, Logo(media="ab" * 8, size=0.4)), (640, 360))
    assert image.height <= 180 and top + image.height <= 360 and left + image.width <= 640


def test_the_finished_shot_cache_follows_the_logos_content(workspace, tmp_path):
    board = make_storyboard(1, duration=1.0)
    request = ShotRequest.for_shot(board, board.shots[0])
    clip = AnimaticBackend().generate(request, tmp_path / "clip.mp4", lambda _f: None).path
    cache = tmp_path / "cache"
    cache.mkdir()
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    logo(64).save(first)
    logo(32).save(second)

    def finished(path, media_id):
        options = StitchOptions(captions=False, narration=False,
                                logo=LogoLayer(path, Logo(media=media_id)))  # fmt: skip
        return finish_shot(clip, storyboard=board, index=0, options=options, cache_dir=cache).body

    a = finished(first, "a" * 16)
    assert finished(first, "a" * 16) == a  # reused
    assert finished(second, "b" * 16) != a


def test_a_missing_logo_fails_the_stitch_clearly_and_keeps_the_shots(workspace):
    grey = add_picture(workspace, photo())
    with pytest.raises(RenderFailed, match="the brand logo .*media item 0123456789abcdef"):
        _branded_video(workspace, Logo(media="0123456789abcdef"), grey)
    session = store.list_sessions(workspace.engine)[0]
    assert len(store.shot_clip_keys(workspace.engine, session_id=session.id)) == 1


def test_titles_and_captions_use_the_brand_font_and_fall_back_for_other_letters(tmp_path):
    font = box_font(tmp_path / "boxes.ttf")
    text = OnScreenText("HELLO world", "CAPTION")
    plain = np.asarray(Image.open(_text_png(text, 640, 360, tmp_path / "plain.png")))
    boxed = np.asarray(Image.open(_text_png(text, 640, 360, tmp_path / "boxed.png", font)))
    # the brand font's letters are solid squares: far more opaque white in the title card
    white = lambda image: ((image[..., :3] > 240).all(axis=-1) & (image[..., 3] > 240)).sum()  # noqa: E731
    assert white(boxed[:80]) > 1.5 * white(plain[:80])
    # 'world' has no glyphs in the brand font; it is still drawn (by the installed fonts)
    words = boxed[:80, 200:400]
    assert white(words) > 50


def test_the_runner_hands_the_brand_font_to_the_stitch(workspace, tmp_path):
    font_id = add_font(workspace, box_font(tmp_path / "boxes.ttf"))
    board = make_storyboard(1, duration=1.0)
    board = board.model_copy(update={"brand": Brand(font=font_id)})
    session = store.create_session(workspace.engine, title="t")
    store.add_version(workspace.engine, session_id=session.id, storyboard=board)
    options = StitchOptions(captions=True, narration=False)
    outcome = render_session(workspace, AnimaticBackend(), session_id=session.id, options=options)
    # the title 'Shot 1': its 'S' is a solid square (the box font), so the card has a solid
    # white block that no stroke of the default font fills
    card = read_frame(outcome.video_path, 0.1)[18:70, 30:140].astype(int)
    assert _solid_block((card > 230).all(axis=-1))
    plain = np.asarray(Image.open(_text_png(OnScreenText("Shot 1"), 640, 360, tmp_path / "t.png")))
    assert not _solid_block((plain[18:70, 30:140] > 230).all(axis=-1))


def _solid_block(mask: np.ndarray, side: int = 8) -> bool:
    windows = np.lib.stride_tricks.sliding_window_view(mask, (side, side))
    return bool(windows.all(axis=(-1, -2)).any())


def test_a_missing_brand_font_fails_no_shot_only_the_stitch_with_its_id(workspace):
    board = make_storyboard(2, duration=1.0)
    board = board.model_copy(update={"brand": Brand(font="fedcba9876543210")})
    session = store.create_session(workspace.engine, title="t")
    store.add_version(workspace.engine, session_id=session.id, storyboard=board)
    with pytest.raises(RenderFailed, match="the brand font .*media item fedcba9876543210"):
        render_session(workspace, AnimaticBackend(), session_id=session.id, options=QUIET)
    assert len(store.shot_clip_keys(workspace.engine, session_id=session.id)) == 2


LONG_CAPTION = "Need to export a quarterly report to PDF? There's an easier way."


@pytest.mark.parametrize("size", [(426, 240), (240, 426), (320, 320)])
@pytest.mark.parametrize("corner", list(Corner))
@pytest.mark.parametrize("logo_size", [0.12, 0.3])
@pytest.mark.parametrize("lower", [False, True])
def test_titles_and_captions_keep_clear_of_the_logo(tmp_path, size, corner, logo_size, lower):
    path = tmp_path / "square.png"
    Image.new("RGBA", (200, 200), (*GREEN, 255)).save(path)
    box = logo_box(LogoLayer(path, Logo(media="ab" * 8, corner=corner, size=logo_size)), size)
    text = OnScreenText("The problem with exports", LONG_CAPTION, lower=lower)
    drawn = np.asarray(text_image(text, *size, keep_clear=box))[..., 3] > 0
    left, top, right, bottom = box
    assert not drawn[top:bottom, left:right].any()  # no word and no text box over the logo
    # the whole caption is there (a bar near the bottom third), centred on the frame
    width, height = size
    rows = np.nonzero(drawn.any(axis=1))[0]
    assert rows.max() > height * 0.55
    bottom_row = drawn[rows.max() - 2]
    xs = np.nonzero(bottom_row)[0]
    assert abs((xs.min() + xs.max() + 1) / 2 - width / 2) <= 2


def test_a_logo_bottom_right_stays_out_of_a_caption_in_the_rendered_video(workspace):
    grey = add_picture(workspace, Image.new("RGB", (640, 360), GREY))
    logo_id = add_picture(workspace, logo(64))
    board = make_storyboard(1, duration=1.0)
    shot = board.shots[0].model_copy(update={
        "media": ShotMedia(id=grey), "camera": Camera.static, "caption": LONG_CAPTION,
    })  # fmt: skip
    brand = Brand(logo=Logo(media=logo_id, size=0.12, opacity=1.0))
    board = board.model_copy(update={"shots": [shot], "brand": brand})
    session = store.create_session(workspace.engine, title="t")
    store.add_version(workspace.engine, session_id=session.id, storyboard=board)
    options = StitchOptions(captions=True, narration=False)
    outcome = render_session(workspace, AnimaticBackend(), session_id=session.id, options=options)
    frame = read_frame(outcome.video_path, 0.5).astype(int)
    ys, xs = np.nonzero(_greenish(frame))
    assert len(xs) > 1000  # the logo is drawn whole
    dark = frame.max(axis=-1) < 90  # the caption's bar and the title card over the grey shot
    assert dark[frame.shape[0] // 2 :].sum() > 2000  # the caption is there
    assert not dark[ys.min() : ys.max() + 1, xs.min() : xs.max() + 1].any()
