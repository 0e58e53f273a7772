"""The stages after the model: frames at the model's rate become the storyboard's fps."""

import numpy as np
import pytest
from PIL import Image, ImageFilter

from reelchat.generation.stages import judder, minterpolate, repeat, to_fps


def _moving_bar(count: int, step: int = 3) -> list[np.ndarray]:
    """A white bar crossing a dark 128x72 frame at a constant `step` pixels per frame."""
    frames = []
    for index in range(count):
        frame = np.full((72, 128, 3), 20, np.uint8)
        left = 8 + index * step
        frame[:, left : left + 12] = 235
        frames.append(frame)
    return frames


def _pan(count: int, step: int) -> list[np.ndarray]:
    """A 128x72 window panning `step` pixels per frame over a smooth random texture."""
    rng = np.random.default_rng(0)
    texture = Image.fromarray(rng.integers(0, 255, (72, 128 + count * step, 3), np.uint8))
    big = np.asarray(texture.filter(ImageFilter.GaussianBlur(2)))
    return [big[:, index * step : index * step + 128] for index in range(count)]


@pytest.mark.parametrize("step", [2, 3, 4])
def test_interpolated_motion_is_more_even_than_repeated_frames(step):
    clip = _pan(32, step)  # 2 s at 16 fps
    repeated = to_fps(clip, 16, 24, 48, "repeat")
    interpolated = to_fps(clip, 16, 24, 48, "minterpolate")
    assert len(repeated) == len(interpolated) == 48
    assert judder(clip) < 0.05  # a steady pan
    assert judder(repeated) > 0.7  # every third step shows no motion at all
    assert judder(interpolated) < 0.7 * judder(repeated)


def test_a_clip_shorter_than_the_shot_is_spread_over_it():
    clip = _moving_bar(9)  # 9 frames at 8 fps: 1.1 s for a 2 s shot at 12 fps
    frames = minterpolate(clip, 8, 12, 24)
    assert len(frames) == 24
    bar = [int(np.argmax(frame[36, :, 0] > 128)) for frame in frames]
    assert bar[0] == 8 and bar[-1] >= 8 + 6 * 3  # from the first position to (near) the last
    assert 8 + 2 * 3 <= bar[12] <= 8 + 6 * 3  # half-way through the shot: mid-way, not frozen
    assert all(b <= a + 1 for a, b in zip(bar[1:], bar[:-1], strict=False))  # never backwards


def test_repeat_picks_evenly_and_keeps_the_count():
    frames = [np.full((1, 1, 3), value, np.uint8) for value in (1, 2)]
    assert [int(frame[0, 0, 0]) for frame in repeat(frames, 4)] == [1, 1, 2, 2]
