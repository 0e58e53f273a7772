"""A product demo made offline from four real screenshots, as a person makes it in chat."""

import numpy as np
import pytest
from PIL import Image

from reelchat import Studio
from reelchat.generation.media import probe, read_frame
from reelchat.generation.stitch import StitchOptions
from tests.screenshots import app_screenshots

pytestmark = pytest.mark.e2e

EXPORT_GREEN = np.array([0x1F, 0x9D, 0x6B])
"""The export button's colour in the screenshots."""


def _green_share(frame: np.ndarray) -> float:
    """Fraction of a frame's pixels that are the export button's green."""
    return float((np.abs(frame.astype(int) - EXPORT_GREEN).max(axis=2) < 40).mean())


def _likeness(frame: np.ndarray, picture: Image.Image) -> float:
    """Mean absolute difference (0-255) between a frame and a picture squeezed to its size."""
    height, width = frame.shape[:2]
    squeezed = np.asarray(picture.convert("RGB").resize((width, height)), dtype=int)
    return float(np.abs(frame.astype(int) - squeezed).mean())


def test_a_demo_from_four_screenshots_shows_them_in_order_and_zooms_to_the_button(tmp_path):
    screens = app_screenshots(tmp_path / "shots")
    studio = Studio(tmp_path / "ws", stitch=StitchOptions(narration=False, captions=False))
    session = studio.new_session()
    added = [session.add_media(path) for path, _ in screens]

    reply = session.ask("a 12 second demo of our app's new export button, 360p")
    board = session.storyboard
    assert [shot.media.id if shot.media else None for shot in board.shots] == [
        item.id for item in added
    ], reply
    reply = session.ask("zoom into the export button (top right) in shot 1")
    board = session.storyboard
    focus = board.shots[0].media.focus
    assert focus is not None and focus.x >= 0.5 and focus.y == 0.0, reply
    assert "Shots to render again: 1." in reply and "3 reused" in reply

    video = session.video_path
    info = probe(video)
    assert (info.width, info.height) == board.size
    assert abs(info.duration - board.runtime) < 2 / board.fps
    starts = board.shot_starts()
    pictures = [Image.open(path) for path, _ in screens]
    for number, start in enumerate(starts):
        middle = read_frame(video, start + board.shots[number].duration / 2)
        distances = [_likeness(middle, picture) for picture in pictures]
        # each shot looks most like its own screenshot (screens 1 and 4 differ only in a toast)
        assert distances[number] <= min(distances) + 1.0, (number, distances)
    # shot 1 moves in on the top right corner: the button fills more of the frame at its end
    first = read_frame(video, 0.05)
    last = read_frame(video, starts[1] - 2 / board.fps)
    assert _green_share(last) > 4 * _green_share(first) > 0
    assert _green_share(last[:, board.size[0] // 2 :]) > _green_share(last[:, : board.size[0] // 2])
