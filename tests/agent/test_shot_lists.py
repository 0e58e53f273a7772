"""Several shots named in one clause (ordinals, number words, "the first two", titles) are read
by the one shot resolver everywhere: picture swaps and removals as well as shot edits. A clause
naming a shot that cannot be resolved is refused whole, never done on the others."""

from __future__ import annotations

import pytest

from reelchat.agent.parse.clauses import clauses
from reelchat.agent.parse.reading import read_message
from reelchat.storyboard.models import ShotMedia
from reelchat.tools.apply import apply_all
from tests.agent.test_media_chat import EXPORT, HOME, MEDIA, MEI, _operations, _state


def _pictured():
    """Shots 1 to 3 show home.png, export.png and mei-photo.jpg; shot 6 shows home.png too."""
    return _state(
        {1: ShotMedia(id=HOME), 2: ShotMedia(id=EXPORT), 3: ShotMedia(id=MEI), 6: ShotMedia(id=MEI)}
    )


def _swapped(first: int, second: int) -> list[dict]:
    state = _pictured()
    pictures = {n: shot.media for n, shot in enumerate(state.storyboard.shots, 1)}

    def media(n: int) -> dict:
        return (
            {"media": pictures[n].model_dump(mode="json", exclude_none=True)} if pictures[n] else {}
        )

    return [
        {"op": "set_shot_media", "shot": first, **media(second)},
        {"op": "set_shot_media", "shot": second, **media(first)},
    ]


@pytest.mark.parametrize(
    ("said", "first", "second"),
    [
        ("exchange the images of the first and second shot", 1, 2),
        ("swap the pictures in shots one and two", 1, 2),
        ("swap the pictures of the first two shots", 1, 2),
        ("switch the screenshots in the 2nd and 3rd shots", 2, 3),
        ("trade the photos of the first and the third shot", 1, 3),
        ("swap the pictures in the opening and closing shots", 1, 6),
        ("swap the pictures of the first and last shot", 1, 6),
        ("could you please switch the images in shots two and three", 2, 3),
        ("swap the pictures of shot 2 and the role shot", 2, 3),
        ("swap the last two shots' pictures", 5, 6),
    ],
)
def test_two_shots_named_any_way_swap_their_pictures(said, first, second):
    assert _operations(said, _pictured()) == _swapped(first, second)


@pytest.mark.parametrize(
    ("said", "shots"),
    [
        ("remove the pictures from the first and second shot", [1, 2]),
        ("take the photos out of the 2nd and 3rd shots", [2, 3]),
        ("no pictures in the first two shots", [1, 2]),
        ("remove the screenshots from shots one and three", [1, 3]),
    ],
)
def test_pictures_taken_out_of_every_shot_named(said, shots):
    assert _operations(said, _pictured()) == [
        {"op": "set_shot_media", "shot": shot} for shot in shots
    ]


def test_a_picture_used_in_shots_named_by_ordinals_goes_in_each():
    assert _operations("use home.png in the fourth and fifth shots", _pictured()) == [
        {"op": "set_shot_media", "shot": 4, "media": {"id": HOME}},
        {"op": "set_shot_media", "shot": 5, "media": {"id": HOME}},
    ]


@pytest.mark.parametrize(
    ("said", "shots"),
    [
        ("make the first and second shot longer", [1, 2]),
        ("make shots 2 and 3 longer", [2, 3]),
        ("make shot 2 and shot 3 longer", [2, 3]),
        ("make the 2nd and 3rd shots longer", [2, 3]),
        ("make the last two longer", [5, 6]),
        ("make the first, third and fifth shots longer", [1, 3, 5]),
    ],
)
def test_shot_edits_read_the_same_lists(said, shots):
    ops = _operations(said, _pictured())
    assert [(op["op"], op["shot"]) for op in ops] == [("update_shot", n) for n in shots]


@pytest.mark.parametrize(
    ("said", "first", "second"),
    [("swap the last two", 5, 6), ("swap the first and second shot", 1, 2),
     ("swap shots one and two", 1, 2), ("switch the first and the last shot", 1, 6)],
)  # fmt: skip
def test_shots_swapped_by_ordinals(said, first, second):
    assert _operations(said, _pictured()) == [
        {"op": "swap_shots", "first": first, "second": second}
    ]


def test_deleting_the_first_and_second_shots_deletes_both():
    ops = _operations("delete the first and second shots", _pictured())
    assert sorted(op["shot"] for op in ops) == [1, 2]


@pytest.mark.parametrize(
    ("said", "says"),
    [
        ("swap the pictures in the first and twelfth shot", "there is no shot 12"),
        ("remove the pictures from shot 2 and the bonus shot", 'which shot "the bonus shot" is'),
        ("make shot 2 and the drone shot longer", 'which shot "the drone shot" is'),
        ("swap the pictures in shots 1, 2 and 3", "say the two shots"),
    ],
)
def test_a_shot_that_cannot_be_resolved_is_said_and_nothing_is_done(said, says):
    reading = read_message(said, _pictured(), None, MEDIA)
    assert not reading.calls
    assert says in " ".join(reading.problems)


@pytest.mark.parametrize(
    "said",
    [
        "make shot 2 longer and shot 3 shorter",
        "make the intro shorter and the ending longer",
        "move shot 1 to the end and shot 2 to the start",
    ],
)
def test_an_and_between_two_changes_still_splits_them(said):
    assert len(clauses(said)) == 2


@pytest.mark.parametrize(
    ("said", "shots"),
    [
        ("make all but the last shot longer", [1, 2, 3, 4, 5]),
        ("make every shot except the first longer", [2, 3, 4, 5, 6]),
        ("make every shot but the first two longer", [3, 4, 5, 6]),
        ("make all shots apart from shot 3 longer", [1, 2, 4, 5, 6]),
        ("make all but the intro longer", [2, 3, 4, 5, 6]),
    ],
)
def test_all_but_leaves_out_the_shots_named(said, shots):
    ops = _operations(said, _pictured())
    assert [op["shot"] for op in ops] == shots


@pytest.mark.parametrize(
    ("said", "shots"),
    [
        ("remove the pictures from all but the last shot", [1, 2, 3]),
        ("take the screenshots out of every shot except the first", [2, 3, 6]),
    ],
)
def test_pictures_taken_out_of_all_but_some_shots(said, shots):
    assert _operations(said, _pictured()) == [
        {"op": "set_shot_media", "shot": shot} for shot in shots
    ]


def test_shots_named_by_their_titles_are_all_read():
    assert _operations("show Mei's photo in the team shot and the role shot", _pictured()) == [
        {"op": "set_shot_media", "shot": 2, "media": {"id": MEI}},
        {"op": "set_shot_media", "shot": 3, "media": {"id": MEI}},
    ]
    assert _operations("swap the pictures of the role shot and the team shot", _pictured()) == [
        {"op": "set_shot_media", "shot": 3, "media": {"id": EXPORT}},
        {"op": "set_shot_media", "shot": 2, "media": {"id": MEI}},
    ]


def test_a_title_that_fits_no_shot_refuses_the_whole_list():
    reading = read_message(
        "remove the pictures from the team shot and the drone shot", _pictured(), None, MEDIA
    )
    assert not reading.calls
    assert 'which shot "the drone shot" is' in " ".join(reading.problems)


def _changed(said: str) -> list[tuple[int, dict]]:
    return [
        (op["shot"], {k: v for k, v in op.get("changes", {}).items() if k != "duration"})
        for op in _operations(said, _pictured())
        if op["op"] == "update_shot"
    ]


@pytest.mark.parametrize(
    ("said", "camera"),
    [
        ("make shots 2 and 3 slower and give them a zoom out", "zoom_out"),
        ("make the first two shots longer, then pan left on both of them", "pan_left"),
    ],
)
def test_them_after_several_shots_means_all_of_them(said, camera):
    moved = [shot for shot, changes in _changed(said) if changes.get("camera") == camera]
    assert len(moved) == 2 and moved == sorted(moved)


def test_a_style_for_them_is_for_those_shots_not_the_whole_video():
    ops = _operations("make the first two shots longer and make them black and white", _pictured())
    styled = [op["shot"] for op in ops if op.get("changes", {}).get("style")]
    assert styled == [1, 2] and not any(op["op"] == "restyle_all" for op in ops)


def test_highlight_it_after_zooming_into_two_shots_highlights_both():
    ops = _operations("zoom in on the bottom half of shots 2 and 3 and highlight it", _pictured())
    highlighted = {op["shot"] for op in ops if op.get("media", {}).get("highlight")}
    assert highlighted == {2, 3}


def test_it_after_one_shot_is_still_that_shot():
    ops = _operations("make shot 2 longer and make it black and white", _pictured())
    assert {op["shot"] for op in ops} == {2}


@pytest.mark.parametrize(
    "said", ["the welcome shot, make it longer", "make the welcome shot longer, then zoom out"]
)
def test_the_welcome_shot_is_a_shot_not_a_request_to_welcome_someone(said):
    ops = _operations(said, _pictured())
    assert ops and {op["shot"] for op in ops} == {1}


def _order_after(said: str) -> list[str]:
    state = _pictured()
    reading = read_message(said, state, None, MEDIA)
    assert not reading.problems, reading.problems
    board, _ = apply_all(state.storyboard, list(reading.calls[0].args.operations))
    titles = [shot.title for shot in state.storyboard.shots]
    return [titles.index(shot.title) + 1 for shot in board.shots]


@pytest.mark.parametrize(
    ("said", "order"),
    [
        ("move the second and third shots to the end", [1, 4, 5, 6, 2, 3]),
        ("move shots 4 and 5 to the start", [4, 5, 1, 2, 3, 6]),
        ("move the last two shots after shot 1", [1, 5, 6, 2, 3, 4]),
        ("move shots 1 and 6 after shot 3", [2, 3, 1, 6, 4, 5]),
    ],
)
def test_several_shots_moved_together_all_move(said, order):
    assert _order_after(said) == order


def test_a_camera_move_for_several_shots_says_nothing_about_finding_things():
    reading = read_message("give the first two shots a slow zoom in", _pictured(), None, MEDIA)
    assert not reading.problems and not reading.answers
    assert [op.shot for op in reading.calls[0].args.operations] == [1, 2]


@pytest.mark.parametrize(
    ("said", "shot"),
    [("make the second longer", 2), ("make the third a bit longer", 3)],
)
def test_a_bare_ordinal_is_a_shot(said, shot):
    (op,) = _operations(said, _pictured())
    assert op["shot"] == shot


@pytest.mark.parametrize(
    ("said", "shots"),
    [
        ("make the first and third longer", [1, 3]),
        ("make the first, the third and the fifth longer", [1, 3, 5]),
        ("make the first and the one before last longer", [1, 5]),
        ("make the second to last shot longer", [5]),
    ],
)
def test_places_listed_without_a_noun_are_all_read(said, shots):
    assert [op["shot"] for op in _operations(said, _pictured())] == shots


@pytest.mark.parametrize(
    "said",
    [
        "swap the pictures of the first and the penultimate shot",
        "swap the pictures of the first and second to last shots",
    ],
)
def test_the_one_before_last_in_a_list_of_shots(said):
    assert _operations(said, _pictured()) == _swapped(1, 5)


def test_a_picture_put_in_the_fourth_goes_in_shot_4():
    assert _operations("put export.png in the fourth", _pictured()) == [
        {"op": "set_shot_media", "shot": 4, "media": {"id": EXPORT}}
    ]


@pytest.mark.parametrize(
    ("said", "shots"),
    [
        ("remove the pictures from shot 2 and the 3rd", [2, 3]),
        ("remove the pictures from the welcome shot and the third", [1, 3]),
    ],
)
def test_a_place_listed_with_a_shot_is_a_shot_too(said, shots):
    assert _operations(said, _pictured()) == [
        {"op": "set_shot_media", "shot": shot} for shot in shots
    ]


def test_a_list_mixing_numbers_and_titles_is_read_whole():
    ops = _operations("make shot 1, the team shot and the role shot longer", _pictured())
    assert [op["shot"] for op in ops] == [1, 2, 3]


def test_all_good_but_is_no_exception_list():
    assert _operations("all good but make shot 2 longer", _pictured())[0]["shot"] == 2
    assert len(_operations("all good but make shot 2 longer", _pictured())) == 1


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("shots 2 and 3 should be swapped", [{"op": "swap_shots", "first": 2, "second": 3}]),
        ("hmm, the images in shots 2 and 3 should be swapped", _swapped(2, 3)),
    ],
)
def test_swapped_said_afterwards_swaps(said, expected):
    assert _operations(said, _pictured()) == expected


def test_both_shots_after_two_were_named_means_those_two():
    ops = _operations("make shots 4 and 5 longer and put home.png in both shots", _pictured())
    assert [(op["op"], op["shot"]) for op in ops][2:] == [
        ("set_shot_media", 4), ("set_shot_media", 5),
    ]  # fmt: skip


@pytest.mark.parametrize("said", ["put home.png in both shots", "make them longer"])
def test_them_with_no_shots_named_before_is_asked_about_not_the_whole_video(said):
    reading = read_message(said, _pictured(), None, MEDIA)
    assert not reading.calls
    assert "name them" in reading.problems[0]


def test_a_format_for_one_shot_says_the_whole_video_changes():
    reading = read_message("make the 1st shot vertical", _pictured(), None, MEDIA)
    ops = [op.model_dump(mode="json", exclude_none=True) for op in reading.calls[0].args.operations]
    assert ops == [{"op": "update_settings", "aspect": "9:16"}]
    assert "the whole video changes, not only shot 1" in " ".join(reading.notes())
