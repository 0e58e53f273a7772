import pytest

from reelchat.errors import StoryboardInvalid
from reelchat.storyboard.variables import (
    personal_shots,
    personalise,
    templatise,
    variables_in,
)
from tests.conftest import make_storyboard


def _template():
    board = make_storyboard(3)
    return templatise(
        board.model_copy(
            update={
                "shots": [
                    board.shots[0].model_copy(update={"narration": "Hi Ana, welcome to Sales."}),
                    board.shots[1].model_copy(update={"prompt": "Ana waving at the camera"}),
                    board.shots[2],
                ]
            }
        ),  # fmt: skip
        {"Ana": "name", "Sales": "team"},
    )


def test_templatise_finds_the_words_and_knows_which_shots_change_pixels():
    template = _template()
    assert variables_in(template) == {"name", "team"}
    assert template.shots[0].narration == "Hi {name}, welcome to {team}."
    assert personal_shots(template) == [2]  # narration alone does not change pixels


def test_personalise_fills_every_field():
    board = personalise(_template(), {"name": "Priya", "team": "Design", "extra": "ignored"})
    assert board.shots[0].narration == "Hi Priya, welcome to Design."
    assert board.shots[1].prompt == "Priya waving at the camera"
    assert variables_in(board) == set()


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"name": "Priya"}, "missing value for {team}"),
        ({"name": "  ", "team": "x"}, "no value for {name}"),
        ({"name": "x" * 81, "team": "x"}, "longer than 80"),
        ({"name": "{team}", "team": "x"}, "contains a placeholder"),
    ],
)
def test_bad_values_are_named(values, message):
    with pytest.raises(StoryboardInvalid, match=message):
        personalise(_template(), values)


def test_only_plain_placeholders_are_variables():
    board = make_storyboard(1)
    odd = board.model_copy(update={"shots": [board.shots[0].model_copy(
        update={"prompt": "a {name.__class__} and {0} and {{name}}"})]})  # fmt: skip
    assert variables_in(odd) == {"name"}
    filled = personalise(odd, {"name": "Sam"})
    assert filled.shots[0].prompt == "a {name.__class__} and {0} and {Sam}"


def test_bad_variable_names_are_refused():
    with pytest.raises(StoryboardInvalid, match="cannot make"):
        templatise(make_storyboard(1), {"Ana": "first name"})
