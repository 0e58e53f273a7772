import pytest

from reelchat.errors import StoryboardInvalid
from reelchat.storyboard import edits
from tests.conftest import make_storyboard


@pytest.fixture
def board():
    return make_storyboard(4)


def ids(board):
    return [shot.id for shot in board.shots]


@pytest.mark.parametrize(
    ("changes", "rerenders"),
    [
        ({"duration": 6}, True),
        ({"prompt": "a storm over the lighthouse"}, True),
        ({"negative_prompt": "people"}, True),
        ({"camera": "orbit"}, True),
        ({"seed": 999}, True),
        ({"style": "watercolor"}, True),
        ({"title": "New title"}, True),
        ({"transition": "crossfade"}, False),
        ({"narration": "New words."}, False),
        ({"caption": "New caption"}, False),
    ],
)
def test_update_shot_marks_only_pixel_changes_for_rerender(board, changes, rerenders):
    result = edits.update_shot(board, 2, **changes)
    shot = result.storyboard.shots[1]
    for name, value in changes.items():
        assert getattr(shot, name) == value
    assert result.rerender == ({board.shots[1].id} if rerenders else set())
    assert result.storyboard.shots[0] == board.shots[0]


def test_edits_never_touch_the_input(board):
    before = board.to_json()
    edits.update_shot(board, 1, duration=9)
    edits.delete_shot(board, 1)
    edits.move_shot(board, 1, 4)
    edits.restyle_all(board, "noir")
    assert board.to_json() == before


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda b: edits.update_shot(b, 2, duration=25), "shot 2 duration"),
        (lambda b: edits.update_shot(b, 9, duration=5), "there is no shot 9"),
        (lambda b: edits.update_shot(b, 2, id="abcdabcd"), "no editable field id"),
        (lambda b: edits.update_shot(b, 2, volume=3), "no editable field volume"),
        (lambda b: edits.insert_shot(b, 7, {"title": "x", "prompt": "y"}), "position 1 to 5"),
        (lambda b: edits.insert_shot(b, 2, {"title": "x"}), "prompt"),
        (lambda b: edits.delete_shot(make_storyboard(1), 1), "at least one shot"),
        (lambda b: edits.move_shot(b, 0, 2), "there is no shot 0"),
        (lambda b: edits.update_storyboard(b, fps=100), "fps"),
        (lambda b: edits.update_storyboard(b, title="x"), "no editable setting title"),
    ],
)
def test_invalid_edits_raise_a_clear_error(board, call, message):
    with pytest.raises(StoryboardInvalid, match=message):
        call(board)


def test_insert_renders_only_the_new_shot(board):
    result = edits.insert_shot(board, 2, {"title": "Inserted", "prompt": "a gull", "duration": 2})
    assert len(result.storyboard.shots) == 5
    assert result.storyboard.shots[1].title == "Inserted"
    assert result.rerender == {result.storyboard.shots[1].id}


def test_insert_at_end_appends(board):
    result = edits.insert_shot(board, 5, {"title": "Last", "prompt": "sunset"})
    assert result.storyboard.shots[-1].title == "Last"


def test_delete_renders_nothing(board):
    result = edits.delete_shot(board, 3)
    assert ids(result.storyboard) == [ids(board)[i] for i in (0, 1, 3)]
    assert result.rerender == set()


def test_move_and_swap_reorder_without_rerender(board):
    moved = edits.move_shot(board, 1, 4)
    assert ids(moved.storyboard) == [ids(board)[i] for i in (1, 2, 3, 0)]
    swapped = edits.swap_shots(board, 3, 4)
    assert ids(swapped.storyboard) == [ids(board)[i] for i in (0, 1, 3, 2)]
    assert moved.rerender == swapped.rerender == set()


def test_restyle_all_rerenders_every_shot_and_clears_shot_styles(board):
    styled = edits.update_shot(board, 2, style="pencil sketch").storyboard
    result = edits.restyle_all(styled, "warm watercolour")
    assert result.rerender == set(ids(board))
    assert all(shot.style == "" for shot in result.storyboard.shots)
    assert result.storyboard.style == "warm watercolour"


def test_storyboard_style_skips_shots_with_their_own_style(board):
    styled = edits.update_shot(board, 2, style="pencil sketch").storyboard
    result = edits.update_storyboard(styled, style="neon")
    assert result.rerender == set(ids(board)) - {board.shots[1].id}


def test_size_and_fps_changes_rerender_everything(board):
    assert edits.update_storyboard(board, aspect="9:16").rerender == set(ids(board))
    assert edits.update_storyboard(board, fps=24).rerender == set(ids(board))


def test_script_change_renders_nothing(board):
    script = board.script.model_copy(update={"title": "Renamed"})
    result = edits.update_storyboard(board, script=script)
    assert result.storyboard.title == "Renamed"
    assert result.rerender == set()


def test_fit_duration_scales_every_shot_to_the_total():
    board = make_storyboard(4, duration=5.0)
    result = edits.fit_duration(board, 10)
    assert [shot.duration for shot in result.storyboard.shots] == [2.5] * 4
    assert result.storyboard.runtime == 10
    assert result.summary == "whole video: 20 s -> 10 s"
    assert board.shots[0].duration == 5.0  # pure


def test_fit_duration_outside_what_the_shots_can_last_is_explained():
    with pytest.raises(StoryboardInvalid, match="4 shots can last 4 to 80 s in all, not 2 s"):
        edits.fit_duration(make_storyboard(4), 2)


def test_an_update_that_asks_for_what_the_shot_already_has_says_so():
    board = make_storyboard(2)
    result = edits.update_shot(board, 1, camera=board.shots[0].camera)
    assert result.summary == "shot 1: camera already as asked"
    assert result.rerender == set()
