"""A shot's own picture or clip through the real animatic backend and the render runner."""

import imageio_ffmpeg
import numpy as np
import pytest
from PIL import Image, ImageDraw

from reelchat import store
from reelchat.errors import RenderFailed
from reelchat.generation.animatic import AnimaticBackend, brand_palette, hex_rgb
from reelchat.generation.backend import ShotRequest
from reelchat.generation.cache import cache_key
from reelchat.generation.media import probe, read_frame
from reelchat.generation.media_shot import (
    DEFAULT_HIGHLIGHT,
    MIN_ZOOM_MOVE,
    MOVE_ZOOM,
    Framing,
    camera_path,
    clip_frame_indices,
    point_of_interest,
)
from reelchat.generation.runner import render_session
from reelchat.generation.shot_check import measure_clip, problems
from reelchat.generation.stitch import StitchOptions
from reelchat.storyboard.models import Camera, Region, ShotMedia
from tests.conftest import make_storyboard
from tests.generation.media_fixtures import (
    BUTTON,
    BUTTON_RGB,
    add_clip,
    add_picture,
    photo,
    screenshot,
    write_clip,
)

QUIET = StitchOptions(captions=False, narration=False)
BUTTON_REGION = Region(x=BUTTON[0], y=BUTTON[1], width=BUTTON[2], height=BUTTON[3])


def _request(tmp_path, picture: Image.Image, *, duration: float = 2.0, **media):
    path = tmp_path / "picture.png"
    picture.save(path)
    board = make_storyboard(1, duration=duration)
    request = ShotRequest.for_shot(board, board.shots[0])
    media_of = ShotMedia(id="ab" * 8, **media)
    return request.model_copy(
        update={"media": media_of, "media_file": path, "camera": Camera.static}
    )


def _render(tmp_path, request, name="shot"):
    clip = AnimaticBackend().generate(request, tmp_path / f"{name}.mp4", lambda _f: None)
    return clip


def _all_frames(path):
    reader = imageio_ffmpeg.read_frames(str(path))
    width, height = next(reader)["size"]
    return [np.frombuffer(raw, np.uint8).reshape(height, width, 3) for raw in reader]


def _near(frame: np.ndarray, rgb, tolerance: int = 40) -> np.ndarray:
    return np.abs(frame.astype(int) - np.array(rgb)).max(axis=-1) < tolerance


def test_close_aspects_cover_the_frame_far_ones_letterbox():
    assert Framing((400, 267), (640, 360)).cover  # a 3:2 photo fills a 16:9 frame
    assert not Framing((400, 300), (640, 360)).cover  # a 4:3 screenshot is shown whole
    assert not Framing((300, 600), (640, 360)).cover  # a phone screenshot too


def test_a_photo_close_to_the_frame_aspect_fills_it_edge_to_edge(tmp_path):
    clip = _render(tmp_path, _request(tmp_path, photo(540, 360)))
    frame = read_frame(clip.path, 0.5).astype(int)
    source = np.asarray(photo(540, 360).resize((640, 427)).crop((0, 33, 640, 393))).astype(int)
    # the left and right columns are the photo's own colours, not a dimmed backdrop
    assert np.abs(frame[:, :8] - source[:, :8]).mean() < 12
    assert np.abs(frame[:, -8:] - source[:, -8:]).mean() < 12


def test_a_portrait_screenshot_is_letterboxed_on_a_darkened_copy_of_itself(tmp_path):
    picture = screenshot(200, 400)
    clip = _render(tmp_path, _request(tmp_path, picture))
    frame = read_frame(clip.path, 0.5).astype(int)
    middle = frame[:, 300:340].mean()
    sides = np.concatenate([frame[:, :100], frame[:, -100:]], axis=1)
    assert middle > 200  # the light page, whole, in the middle
    assert 20 < sides.mean() < 0.6 * middle  # blurred and darkened, not black, not the page
    # the whole height of the screenshot is there: its dark header at the top, page below it
    assert frame[2, 320].mean() < 120 and frame[-3, 320].mean() > 200


def test_zoom_in_ends_framing_the_focus_region(tmp_path):
    picture = screenshot(800, 600)
    request = _request(tmp_path, picture, focus=BUTTON_REGION).model_copy(
        update={"camera": Camera.zoom_in}
    )
    clip = _render(tmp_path, request)
    first, last = read_frame(clip.path, 0.0), read_frame(clip.path, 15 / 8)
    assert _near(first, BUTTON_RGB).mean() < 0.05  # the whole page: the button is small
    assert _near(last, BUTTON_RGB).mean() > 0.2  # the button fills much of the frame
    # the last frame is the picture cropped to the view framing the focus region
    framing = Framing(picture.size, (640, 360))
    _, end = camera_path(Camera.zoom_in, framing, BUTTON_REGION)
    hx, hy = framing.half_view(end.zoom)
    box = ((end.x - hx) * 800, (end.y - hy) * 600, (end.x + hx) * 800, (end.y + hy) * 600)
    expected = np.asarray(picture.resize((640, 360), Image.Resampling.BILINEAR, box=box))
    assert np.abs(last.astype(int) - expected.astype(int)).mean() < 8
    # and the focus region is inside that view
    assert box[0] <= BUTTON[0] * 800 and box[2] >= (BUTTON[0] + BUTTON[2]) * 800


def test_pan_moves_smoothly_without_jumps(tmp_path):
    request = _request(tmp_path, photo(540, 360)).model_copy(update={"camera": Camera.pan_right})
    clip = _render(tmp_path, request)
    frames = [read_frame(clip.path, n / 8).astype(int) for n in range(0, 16, 3)]
    steps = [np.abs(a - b).mean() for a, b in zip(frames, frames[1:], strict=False)]
    assert all(step > 0.2 for step in steps)  # it moves all along
    assert max(steps) < 6 * min(steps) + 4  # eased, no frame jumps


def test_the_highlight_is_drawn_around_its_box_after_growing_in(tmp_path):
    picture = screenshot(800, 600)
    plain = _render(tmp_path, _request(tmp_path, picture), "plain")
    marked = _render(tmp_path, _request(tmp_path, picture, highlight=BUTTON_REGION), "marked")
    end_plain, end_marked = read_frame(plain.path, 1.5), read_frame(marked.path, 1.5)
    assert _near(end_plain, DEFAULT_HIGHLIGHT).sum() == 0
    amber = _near(end_marked, DEFAULT_HIGHLIGHT)
    assert amber.sum() > 200
    ys, xs = np.nonzero(amber)
    # around the button: the 4:3 picture is letterboxed to 480x360 in the middle of 640x360
    left, top = 80 + BUTTON[0] * 480, BUTTON[1] * 360
    right, bottom = left + BUTTON[2] * 480, top + BUTTON[3] * 360
    assert left - 15 < xs.min() < left and right < xs.max() < right + 15
    assert top - 15 < ys.min() < top and bottom < ys.max() < bottom + 15
    # it grows in: at the first frame it is not there yet
    assert _near(read_frame(marked.path, 0.0), DEFAULT_HIGHLIGHT).sum() < amber.sum() / 4


def test_the_highlight_takes_the_first_brand_colour(tmp_path):
    request = _request(tmp_path, screenshot(800, 600), highlight=BUTTON_REGION).model_copy(
        update={"palette": ("#2080ff",)}
    )
    frame = read_frame(_render(tmp_path, request).path, 1.5)
    assert _near(frame, hex_rgb("#2080ff")).sum() > 200
    assert _near(frame, DEFAULT_HIGHLIGHT).sum() == 0


def test_a_png_without_metadata_in_gives_every_frame_out(tmp_path):
    request = _request(tmp_path, photo(300, 200))
    clip = _render(tmp_path, request)
    info = probe(clip.path)
    assert (info.width, info.height, info.frames, info.fps) == (640, 360, 16, 8.0)


def test_clip_frames_are_trimmed_slowed_or_looped():
    assert clip_frame_indices(20, 8) == list(range(8))
    assert clip_frame_indices(6, 8) == [0, 0, 1, 2, 3, 3, 4, 5]
    assert clip_frame_indices(3, 8) == [0, 1, 2, 0, 1, 2, 0, 1]


def test_a_short_clip_is_looped_over_a_longer_shot(tmp_path, workspace):
    source = write_clip(tmp_path / "source.mp4", frames=4)  # half a second at 8 fps
    board = make_storyboard(1, duration=2.0)
    media_id = add_clip(workspace, source, 0.5)
    request = ShotRequest.for_shot(board, board.shots[0]).model_copy(
        update={"media": ShotMedia(id=media_id), "camera": Camera.static,
                "media_file": workspace.media_file(media_id, "mp4")}
    )  # fmt: skip
    clip = _render(tmp_path, request)
    assert probe(clip.path).frames == 16
    levels = [round((frame[:, 200:440].mean() - 20) / 25) for frame in _all_frames(clip.path)]
    assert levels == [0, 1, 2, 3] * 4


def test_brand_colours_are_the_palette_of_a_card_shot(tmp_path):
    board = make_storyboard(1, duration=1.0)
    request = ShotRequest.for_shot(board, board.shots[0])
    branded = request.model_copy(update={"palette": ("#ff2000", "#400000")})
    clip = AnimaticBackend().generate(branded, tmp_path / "card.mp4", lambda _f: None)
    top = read_frame(clip.path, 0.0)[:40].reshape(-1, 3).mean(axis=0)
    assert top[0] > 150 and top[1] < 90 and top[2] < 90  # the brand's red sky
    assert brand_palette(("#ff2000", "#400000"), 1).sky == hex_rgb("#400000")


def test_cache_key_changes_with_the_media_content(workspace):
    board = make_storyboard(1)
    first, second = add_picture(workspace, screenshot()), add_picture(workspace, photo())
    again = add_picture(workspace, screenshot())

    def key(media_id):
        shot = board.shots[0].model_copy(update={"media": ShotMedia(id=media_id)})
        return cache_key(AnimaticBackend(), ShotRequest.for_shot(board, shot))

    assert again == first
    assert key(first) != key(second)
    assert key(first) == key(again)


def _session_with(workspace, board):
    session = store.create_session(workspace.engine, title="t")
    store.add_version(workspace.engine, session_id=session.id, storyboard=board)
    return session.id


def test_the_runner_renders_a_shot_from_a_stored_picture(workspace):
    media_id = add_picture(workspace, screenshot(400, 300))
    board = make_storyboard(2)
    shots = [board.shots[0].model_copy(update={"media": ShotMedia(id=media_id)}), board.shots[1]]
    board = board.model_copy(update={"shots": shots})
    session_id = _session_with(workspace, board)
    outcome = render_session(workspace, AnimaticBackend(), session_id=session_id, options=QUIET)
    assert outcome.rendered == 2
    frame = read_frame(outcome.video_path, 0.2)
    assert frame[:, 300:340].mean() > 180  # the light screenshot page, not a drawn card


@pytest.mark.parametrize(
    ("loss", "said"),
    [
        ("item", "is not in the workspace any more"),
        ("file", "the file of 'picture.png' (media item {id}) is missing"),
        ("damaged", "the file of 'picture.png' (media item {id}) in {folder} is damaged"),
    ],
)
def test_a_missing_or_damaged_picture_fails_that_shot_with_a_clear_reason(workspace, loss, said):
    media_id = add_picture(workspace, screenshot(400, 300))
    stored = workspace.media_file(media_id, "png")
    if loss == "item":
        store.unlist_media(workspace.engine, scope="workspace", media_id=media_id)
    elif loss == "file":
        stored.unlink()
    else:
        stored.write_bytes(stored.read_bytes()[:200])  # cut short, as by a full disk
    board = make_storyboard(3)
    shots = [board.shots[0], board.shots[1].model_copy(update={"media": ShotMedia(id=media_id)}),
             board.shots[2]]  # fmt: skip
    session_id = _session_with(workspace, board.model_copy(update={"shots": shots}))
    reason = f"shot 2: the picture of this shot cannot be used: .*media item {media_id}"
    with pytest.raises(RenderFailed, match=reason) as raised:
        render_session(workspace, AnimaticBackend(), session_id=session_id, options=QUIET)
    assert said.format(id=media_id, folder=workspace.media_dir) in str(raised.value)
    rows = store.job_shots(workspace.engine, job_id=store.list_jobs(
        workspace.engine, session_id=session_id)[0].id)  # fmt: skip
    assert [row.status for row in rows] == ["rendered", "failed", "rendered"]


def test_over_a_picture_the_title_sits_low_above_the_caption(tmp_path):
    from reelchat.generation.stitch import _on_screen_text, _text_png

    board = make_storyboard(2)
    shots = [board.shots[0].model_copy(update={"media": ShotMedia(id="ab" * 8)}), board.shots[1]]
    board = board.model_copy(update={"shots": shots})
    options = StitchOptions(captions=True, narration=False)
    with_picture, drawn = (_on_screen_text(board, index, options) for index in (0, 1))
    assert with_picture.lower and not drawn.lower

    def rows_with_text(text):
        image = np.asarray(Image.open(_text_png(text, 640, 360, tmp_path / "t.png")))
        return np.nonzero((image[..., 3] > 100).any(axis=1))[0]

    low, high = rows_with_text(with_picture), rows_with_text(drawn)
    assert high.min() < 40  # a drawn card: the title at the top
    assert low.min() > 360 / 2  # a picture: every word in the lower half, its middle is clear


def test_a_new_brand_font_rerenders_no_animatic_shot_but_new_colours_do():
    board = make_storyboard(1)
    request = ShotRequest.for_shot(board, board.shots[0])
    key = cache_key(AnimaticBackend(), request)
    assert cache_key(AnimaticBackend(), request.model_copy(update={"font": "cd" * 8})) == key
    assert cache_key(AnimaticBackend(), request.model_copy(update={"palette": ("#102030",)})) != key


def test_a_picture_held_still_is_not_reported_as_a_frozen_render(workspace):
    media_id = add_picture(workspace, screenshot(400, 300))
    board = make_storyboard(1)
    shot = board.shots[0].model_copy(
        update={"media": ShotMedia(id=media_id), "camera": Camera.static}
    )
    session_id = _session_with(workspace, board.model_copy(update={"shots": [shot]}))
    outcome = render_session(workspace, AnimaticBackend(), session_id=session_id, options=QUIET)
    assert outcome.rendered == 1 and outcome.checks == ()


@pytest.mark.parametrize("camera", [Camera.pan_right, Camera.tilt_up, Camera.static])
def test_pans_tilts_and_holds_end_on_the_focus_region(tmp_path, camera):
    request = _request(tmp_path, screenshot(800, 600), focus=BUTTON_REGION).model_copy(
        update={"camera": camera}
    )
    clip = _render(tmp_path, request)
    first, last = read_frame(clip.path, 0.0), read_frame(clip.path, 15 / 8)
    assert _near(last, BUTTON_RGB).mean() > 0.2  # framing the button at the end
    if camera is Camera.static:  # held on it from the start
        assert np.abs(first.astype(int) - last.astype(int)).mean() < 1
    else:  # arriving there from the far side
        assert _near(first, BUTTON_RGB).mean() < 0.1


def _frozen(clip, request) -> list[str]:
    stats = measure_clip(clip.path)
    return problems(stats, frames=request.frames, width=request.width, height=request.height)


@pytest.mark.parametrize("camera", [Camera.zoom_in, Camera.zoom_out])
def test_a_zoom_on_a_focus_as_tall_as_the_picture_still_zooms_toward_it(tmp_path, camera):
    """'zoom into the right half' of a 16:9 screenshot: framing the half whole needs no zoom,
    yet the shot must move in (at least MIN_ZOOM_MOVE, toward the right) and pass the check."""
    right_half = Region(x=0.5, y=0.0, width=0.5, height=1.0)
    start, end = camera_path(camera, Framing((1600, 900), (640, 360)), right_half)
    near = end if camera is Camera.zoom_in else start
    assert near.zoom >= MIN_ZOOM_MOVE and near.x > 0.5
    request = _request(tmp_path, screenshot(1600, 900), focus=right_half)
    request = request.model_copy(update={"camera": camera})
    assert _frozen(_render(tmp_path, request), request) == []


@pytest.mark.parametrize("camera", [Camera.pan_right, Camera.pan_left])
@pytest.mark.parametrize("size", [(300, 400), (800, 600)], ids=["portrait", "four-three"])
def test_a_pan_across_a_letterboxed_picture_glides_it_over_the_backdrop(tmp_path, camera, size):
    """A portrait photo (or a 4:3 screenshot) shown whole in a 16:9 frame has no room for a
    window to pan: the picture itself moves across its blurred backdrop, the way of the pan."""
    request = _request(tmp_path, photo(*size)).model_copy(update={"camera": camera})
    clip = _render(tmp_path, request)
    assert _frozen(clip, request) == []
    first, last = (read_frame(clip.path, t).astype(int).sum(axis=-1) for t in (0.0, 15 / 8))

    def middle(frame) -> float:  # the bright picture's centre, in frame widths
        columns = (frame > frame.max() * 0.6).sum(axis=0)
        return float((columns * np.arange(frame.shape[1])).sum() / columns.sum() / frame.shape[1])

    moved = middle(last) - middle(first)
    assert (moved < -0.05) if camera is Camera.pan_right else (moved > 0.05)


def _frames(tmp_path, picture, camera, size, *, seconds=2.0, **media):
    from reelchat.generation.media_shot import media_frames

    path = tmp_path / "picture.png"
    picture.save(path)
    return list(media_frames(ShotMedia(id="ab" * 8, **media), path, camera, size=size, fps=8,
                             frames=round(8 * seconds), highlight=DEFAULT_HIGHLIGHT))  # fmt: skip


def _whole_box(frame: np.ndarray) -> bool:
    """The highlight (amber) is drawn as a whole box: all four of its sides show."""
    amber = np.abs(frame.astype(int) - np.array(DEFAULT_HIGHLIGHT)).max(axis=-1) < 60
    ys, xs = np.nonzero(amber)
    if len(xs) == 0:
        return False
    width, height = xs.max() - xs.min() + 1, ys.max() - ys.min() + 1
    sides = [amber[ys.min()], amber[ys.max()], amber[:, xs.min()], amber[:, xs.max()]]
    spans = [width, width, height, height]
    return all(side.sum() > 0.6 * span for side, span in zip(sides, spans, strict=True))


CORNERS = {
    "top left": Region(x=0.0, y=0.0, width=0.3, height=0.25),
    "top right": Region(x=0.7, y=0.0, width=0.3, height=0.25),
    "bottom left": Region(x=0.0, y=0.75, width=0.3, height=0.25),
    "bottom right": Region(x=0.7, y=0.75, width=0.3, height=0.25),
}


@pytest.mark.parametrize("corner", CORNERS)
@pytest.mark.parametrize("size", [(160, 90), (90, 160), (120, 120)])
def test_a_highlight_at_a_corner_shows_its_whole_box_in_every_held_frame(tmp_path, corner, size):
    grey = Image.new("RGB", size, (70, 80, 90))  # the frame's own aspect: it fills the frame
    frames = _frames(tmp_path, grey, Camera.static, size, highlight=CORNERS[corner])
    assert all(_whole_box(frame) for frame in frames[8:])  # after it grew in and pulsed


@pytest.mark.parametrize("camera", [Camera.zoom_in, Camera.zoom_out, Camera.pan_left,
                                    Camera.pan_right, Camera.tilt_up, Camera.tilt_down,
                                    Camera.orbit])  # fmt: skip
@pytest.mark.parametrize("corner", ["top left", "bottom right"])
def test_a_highlight_without_a_focus_stays_in_frame_whatever_the_move(tmp_path, camera, corner):
    picture = screenshot(800, 450)
    frames = _frames(tmp_path, picture, camera, (160, 90), highlight=CORNERS[corner])
    assert all(_whole_box(frame) for frame in frames[8:])


def test_a_zoom_without_a_region_heads_for_the_detail_not_the_empty_middle(tmp_path):
    page = Image.new("RGB", (800, 450), "white")
    draw = ImageDraw.Draw(page)
    for row in range(6):  # lines of "text" in the top left corner only
        draw.rectangle((20, 20 + 14 * row, 150, 26 + 14 * row), fill="black")
    frames = _frames(tmp_path, page, Camera.zoom_in, (320, 180))
    dark = [int((frame.max(axis=-1) < 100).sum()) for frame in (frames[0], frames[-1])]
    # every line is still there at the end, magnified by the zoom (1.25 squared in area)
    assert dark[1] > 0.9 * dark[0] * MOVE_ZOOM**2


def test_a_picture_with_the_same_detail_everywhere_is_zoomed_in_the_middle():
    framing = Framing((800, 450), (320, 180))
    assert point_of_interest(Image.new("RGB", (800, 450), "white"), framing) == (0.5, 0.5)
