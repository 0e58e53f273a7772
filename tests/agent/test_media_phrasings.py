"""Picture and brand requests as people type them (polite wrappers, slips, a verb said once
for two changes, "the last two screenshots"): every part is read, none dropped or misread."""

from __future__ import annotations

import pytest

from reelchat.agent.parse.reading import read_message
from reelchat.agent.parse.typos import respelt
from reelchat.storyboard.models import Corner, Logo, ShotMedia
from tests.agent.test_media_chat import (
    DEMO,
    EXPORT,
    HOME,
    LOGO,
    MEDIA,
    MEI,
    _branded,
    _operations,
    _state,
)

SHOWN = _state()


def _pictures(said: str) -> list[tuple[int, str | None]]:
    return [
        (op["shot"], op.get("media", {}).get("id"))
        for op in _operations(said, SHOWN)
        if op["op"] == "set_shot_media"
    ]


@pytest.mark.parametrize(
    ("said", "pictures"),
    [
        ("put the secnd screenshot in shot 4", [(4, EXPORT)]),
        ("use the Secnod picture in shot 5", [(5, EXPORT)]),
        ("put home.png in the thrid shot", [(3, HOME)]),
        ("swap the pitcures of the first and sceond shot", []),  # neither has a picture
        ("put the fisrt screenshoot in the fouth shot", [(4, HOME)]),
    ],
)
def test_slips_in_picture_and_shot_words_are_read_as_meant(said, pictures):
    assert _pictures(said) == pictures


def test_a_slip_inside_a_caption_is_kept_as_written():
    (op,) = _operations("change the caption of shot 2 to the sceond screenshoot", SHOWN)
    assert op["changes"]["caption"] == "the sceond screenshoot"
    assert respelt("set the narration of shot 1 to Pictre this") == (
        "set the narration of shot 1 to Pictre this"
    )


def test_real_words_are_never_respelt():
    assert respelt("make the fist shot longer") == "make the fist shot longer"
    assert respelt("pan back and forth in shot 2") == "pan back and forth in shot 2"


@pytest.mark.parametrize(
    ("said", "pictures"),
    [
        ("use home.png in shot 4 and export.png in shot 5", [(4, HOME), (5, EXPORT)]),
        ("put home.png in the third shot and export.png in the fourth", [(3, HOME), (4, EXPORT)]),
        ("show Mei's photo in shot 4, and home.png in shot 5", [(4, MEI), (5, HOME)]),
        (
            "use the first screenshot in the opening shot and the second one in the closing shot",
            [(1, HOME), (6, EXPORT)],
        ),
        (
            "could you please put export.png in both the intro and the outro",
            [(1, EXPORT), (6, EXPORT)],
        ),
    ],
)
def test_a_verb_said_once_covers_each_picture_after_it(said, pictures):
    assert _pictures(said) == pictures


@pytest.mark.parametrize(
    ("said", "pictures"),
    [
        ("use the last two screenshots in shots 4 and 5", [(4, EXPORT), (5, MEI)]),
        ("put the first two pictures in the last two shots", [(5, HOME), (6, EXPORT)]),
        (
            "could you use the screenshots in the last three shots",
            [(4, HOME), (5, EXPORT), (6, MEI)],
        ),
    ],
)
def test_the_first_or_last_few_pictures_go_in_the_shots_named(said, pictures):
    assert _pictures(said) == pictures


def test_more_pictures_asked_for_than_the_session_has_is_said():
    reading = read_message("use the last five screenshots in shots 1 to 5", SHOWN, None, MEDIA)
    assert not reading.calls
    assert "there are only 3 pictures" in " ".join(reading.problems)


@pytest.mark.parametrize(
    ("said", "pictures"),
    [
        ("i'd like the photo of Mei in the last shot please", [(6, MEI)]),
        ("I want Mei's photo in shot 4", [(4, MEI)]),
        ("we'd love to see home.png in shot 3", [(3, HOME)]),
    ],
)
def test_wishes_are_requests(said, pictures):
    assert _pictures(said) == pictures


@pytest.mark.parametrize(
    ("said", "corner", "size"),
    [
        ("put the logo in the bottom left and make it smaller", "bottom_left", 0.084),
        ("put our logo in the top right corner and make it a bit smaller", "top_right", 0.102),
    ],
)
def test_placing_the_logo_then_resizing_it_does_both(said, corner, size):
    (op,) = _operations(said, SHOWN)
    assert op["logo"]["media"] == LOGO
    assert (op["logo"]["corner"], op["logo"]["size"]) == (corner, pytest.approx(size))


@pytest.mark.parametrize(
    ("said", "pictures"),
    [
        (
            "show home.png, export.png and mei-photo.jpg in shots 1 to 3",
            [(1, HOME), (2, EXPORT), (3, MEI)],
        ),
        ("use home.png and export.png in shots 4 and 5", [(4, HOME), (5, EXPORT)]),
        ("put home.png and export.png in the first and last shots", [(1, HOME), (6, EXPORT)]),
    ],
)
def test_several_files_named_go_one_per_shot_in_the_order_said(said, pictures):
    assert _pictures(said) == pictures


def test_more_files_than_shots_is_said_not_half_done():
    reading = read_message("use home.png and export.png in shot 4", SHOWN, None, MEDIA)
    assert not reading.calls
    assert '2 pictures ("home.png", "export.png") were named for 1 shot;' in reading.problems[0]


def test_one_screenshot_from_the_uploads_is_asked_about_not_the_first_taken():
    reading = read_message(
        "hey, can you put the screenshot from the uploads in shot 2", SHOWN, None, MEDIA
    )
    assert not reading.calls
    assert "say which by its file name" in reading.problems[0]


@pytest.mark.parametrize(
    ("said", "regions"),
    [
        (
            "zoom into the top left of shot 1 and the bottom right of shot 2",
            {1: {"x": 0.0, "y": 0.0}, 2: {"x": 0.5, "y": 0.5}},
        ),
        (
            "highlight the top right of shot 1 and the bottom left of shot 2",
            {1: {"x": 0.5, "y": 0.0}, 2: {"x": 0.0, "y": 0.5}},
        ),
    ],
)
def test_a_region_for_each_shot_is_applied_to_each(said, regions):
    state = _state({1: ShotMedia(id=HOME), 2: ShotMedia(id=EXPORT)})
    pictures = {
        op["shot"]: op["media"] for op in _operations(said, state) if op["op"] == "set_shot_media"
    }
    field = "focus" if said.startswith("zoom") else "highlight"
    assert {shot: {k: pictures[shot][field][k] for k in "xy"} for shot in pictures} == regions


def test_all_the_pictures_except_one_keeps_that_one():
    state = _state({1: ShotMedia(id=HOME), 2: ShotMedia(id=EXPORT), 3: ShotMedia(id=MEI)})
    assert _operations("remove all the pictures except the one in shot 1", state) == [
        {"op": "set_shot_media", "shot": 2},
        {"op": "set_shot_media", "shot": 3},
    ]


def test_moving_the_logo_in_the_same_breath_as_sizing_it():
    (op,) = _operations("make the logo 10% of the width and put it bottom left", SHOWN)
    assert (op["logo"]["corner"], op["logo"]["size"]) == ("bottom_left", 0.1)


@pytest.mark.parametrize(
    ("said", "pictures"),
    [
        ("please give shots 4 and 5 the first and second screenshots", [(4, HOME), (5, EXPORT)]),
        ("use the second and third pictures in the first two shots", [(1, EXPORT), (2, MEI)]),
        (
            "put the first, second and last photos in shots 4 to 6",
            [(4, HOME), (5, EXPORT), (6, MEI)],
        ),
    ],
)
def test_pictures_named_by_their_places_go_one_per_shot(said, pictures):
    assert _pictures(said) == pictures


def test_a_picture_place_the_session_lacks_is_said():
    reading = read_message(
        "use the first and fifth screenshots in shots 4 and 5", SHOWN, None, MEDIA
    )
    assert not reading.calls
    assert "there are 3 uploaded pictures, so there is no fifth one" in reading.problems[0]


@pytest.mark.parametrize(
    ("said", "durations"),
    [
        ("make shot 2 five seconds", {2: 5.0}),
        ("make shots 2, 3 and 4 five seconds each", {2: 5.0, 3: 5.0, 4: 5.0}),
    ],
)
def test_lengths_in_words_are_lengths(said, durations):
    ops = _operations(said, SHOWN)
    assert {op["shot"]: op["changes"]["duration"] for op in ops} == durations


def test_number_words_in_words_to_be_said_stay_words():
    (op,) = _operations("make shot 2 say one second at a time", SHOWN)
    assert op["changes"]["narration"] == "one second at a time"


PICTURED = _state({1: ShotMedia(id=HOME), 2: ShotMedia(id=EXPORT), 4: ShotMedia(id=HOME)})


@pytest.mark.parametrize(
    ("said", "pictures"),
    [
        ("swap home.png and export.png", [(1, EXPORT), (2, HOME), (4, EXPORT)]),
        ("swap home.png and export.png in shots 1 and 2", [(1, EXPORT), (2, HOME)]),
        ("swap home.png for export.png everywhere", [(1, EXPORT), (4, EXPORT)]),
        ("replace home.png with mei-photo.jpg", [(1, MEI), (4, MEI)]),
        ("use export.png instead of home.png in the first shot", [(1, EXPORT)]),
        ("i want the demo clip in shot 4 instead of home.png", [(4, DEMO)]),
        ("remove home.png from everywhere", [(1, None), (4, None)]),
    ],
)
def test_pictures_named_by_file_are_swapped_replaced_or_removed_where_shown(said, pictures):
    ops = _operations(said, PICTURED)
    assert [(op["shot"], op.get("media", {}).get("id")) for op in ops] == pictures


def test_the_other_one_named_by_a_word_after_a_verb_said_once():
    said = "could you pls put the export screenshot in shot 5 and the home one in the 6th"
    assert _pictures(said) == [(5, EXPORT), (6, HOME)]


def test_the_first_said_after_the_last_shot_is_the_first_shot():
    said = "could you make the last shot show Mei's photo and the first show export.png"
    assert _pictures(said) == [(6, MEI), (1, EXPORT)]


@pytest.mark.parametrize(
    ("said", "picture"),
    [
        ("show the screenshot of the export page in shot 2", EXPORT),
        ("use the home screen screenshot in shot 4", HOME),
    ],
)
def test_a_word_of_a_file_name_tells_several_screenshots_apart(said, picture):
    assert _pictures(said)[0][1] == picture


def test_resizing_then_moving_the_logo_does_both():
    state = _branded(logo=Logo(media=LOGO, corner=Corner("bottom_right"), size=0.2))
    said = "could you please make our logo a little smaller and move it to the top left corner"
    (op,) = _operations(said, state)
    assert (op["logo"]["corner"], op["logo"]["size"]) == ("top_left", pytest.approx(0.17))


@pytest.mark.parametrize(
    ("said", "field", "words"),
    [
        ('set the caption of shot 2 to "pls call us, thx"', "caption", "pls call us, thx"),
        ("shot 2 caption: wat a day, pls come", "caption", "wat a day, pls come"),
        ('make shot 2 say "whats new"', "narration", "whats new"),
    ],
)
def test_chat_spellings_are_read_in_requests_but_kept_in_the_words_to_be_said(said, field, words):
    [call] = read_message(said, _state(), None, MEDIA).calls
    [operation] = call.args.operations
    assert getattr(operation.changes, field) == words
