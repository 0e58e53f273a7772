import json
import math

import pytest

from reelchat.errors import StoryboardInvalid
from reelchat.storyboard.models import Storyboard, storyboard_json_schema
from reelchat.storyboard.validation import parse_storyboard
from tests.conftest import make_storyboard


def _data(**overrides):
    data = json.loads(make_storyboard().to_json())
    data.update(overrides)
    return data


def _with_shot(**fields):
    data = _data()
    data["shots"][1].update(fields)
    return data


def test_round_trips_through_json():
    board = make_storyboard(transitions=["crossfade", "cut", "fade_to_black", "cut"])
    assert Storyboard.from_json(board.to_json()) == board


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_data(shots=[]), "shots: List should have at least 1 item"),
        (
            _data(shots=[dict(_data()["shots"][0], id=f"shot{i:04d}") for i in range(25)]),
            "at most 24",
        ),
        (_with_shot(duration=0.5), "shot 2 duration"),
        (_with_shot(duration=21), "shot 2 duration"),
        (_with_shot(duration=-3), "shot 2 duration"),
        (_with_shot(prompt="x" * 1001), "shot 2 prompt"),
        (_with_shot(prompt="   "), "shot 2 prompt"),
        (_with_shot(camera="dolly_zoom"), "shot 2 camera"),
        (_with_shot(transition="wipe"), "shot 2 transition"),
        (_with_shot(seed=-1), "shot 2 seed"),
        (_with_shot(caption="c" * 121), "shot 2 caption"),
        (_with_shot(colour="red"), "shot 2 colour: Extra inputs are not permitted"),
        (_data(fps=7), "fps"),
        (_data(fps=61), "fps"),
        (_data(aspect="3:2"), "aspect"),
        (_data(fps=25.5), "fps"),
        (_data(resolution=500), "resolution must be one of"),
        (
            _data(
                shots=[dict(_data()["shots"][0], id=f"shot{i:04d}", duration=20) for i in range(16)]
            ),
            "at most 300 s",
        ),
    ],
)
def test_bounds_are_enforced_with_a_readable_message(data, message):
    with pytest.raises(StoryboardInvalid) as caught:
        parse_storyboard(data)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_nan_and_infinite_durations_are_rejected(bad):
    with pytest.raises(StoryboardInvalid, match="shot 2 duration"):
        parse_storyboard(_with_shot(duration=bad))


def test_duplicate_shot_ids_are_rejected():
    data = _data()
    data["shots"][1]["id"] = data["shots"][0]["id"]
    with pytest.raises(StoryboardInvalid, match="share an id"):
        parse_storyboard(data)


def test_invalid_json_text_is_a_clear_error():
    with pytest.raises(StoryboardInvalid, match="invalid storyboard: .*JSON"):
        parse_storyboard('{"script": ')


@pytest.mark.parametrize(
    ("aspect", "resolution", "size"),
    [
        ("16:9", 480, (854, 480)),
        ("9:16", 480, (480, 854)),
        ("1:1", 720, (720, 720)),
        ("16:9", 1080, (1920, 1080)),
        ("16:9", 360, (640, 360)),
        ("4:5", 480, (480, 600)),
        ("4:3", 360, (480, 360)),
        ("4:5", 1080, (1080, 1350)),
    ],
)
def test_frame_size_follows_aspect_and_is_even(aspect, resolution, size):
    board = make_storyboard(aspect=aspect, resolution=resolution)
    assert board.size == size
    assert all(side % 2 == 0 for side in board.size)


def test_runtime_subtracts_crossfade_overlaps_only():
    cuts = make_storyboard(3, duration=2.0)
    fades = make_storyboard(3, duration=2.0, transitions=["crossfade", "fade_to_black", "cut"])
    assert cuts.runtime == pytest.approx(6.0)
    assert fades.runtime == pytest.approx(6.0 - 0.5)


def test_frame_count_matches_duration_at_fps():
    board = make_storyboard(2, duration=2.5, fps=24)
    assert board.frame_count(board.shots[0]) == 60


def test_json_schema_describes_shots_for_structured_output():
    schema = storyboard_json_schema()
    shot = schema["$defs"]["Shot"]
    assert shot["properties"]["duration"]["maximum"] == 20
    assert set(shot["properties"]["camera"]["$ref"].split("/")[-1:]) == {"Camera"}
    assert schema["properties"]["shots"]["maxItems"] == 24
