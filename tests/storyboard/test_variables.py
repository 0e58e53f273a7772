import pytest

from reelchat.agent.parse.phrasings import propose_variables
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


def test_a_template_fills_every_text_field_so_nobody_gets_the_first_persons_details():
    board = make_storyboard(2)
    board = board.model_copy(
        update={
            "script": board.script.model_copy(
                update={
                    "title": "Welcome, Mei Chen",
                    "audience": "Mei Chen who joins the Design team",
                    "logline": "A 30-second welcome for Mei Chen, joining the Design team.",
                    "text": "Welcome to the Design team, Mei Chen!",
                }
            ),
            "style": "portrait of Mei Chen, pastel",
            "shots": [
                board.shots[0].model_copy(update={"caption": "Hi Mei Chen", "style": "Mei Chen"}),
                board.shots[1].model_copy(update={"title": "Meet the Design team"}),
            ],
        }
    )
    template = templatise(board, {"Mei Chen": "name", "Design team": "team"})
    ana = personalise(template, {"name": "Ana Souza", "team": "Support"})
    dumped = ana.model_dump_json()
    assert "Mei" not in dumped and "Design" not in dumped
    assert ana.script.audience == "Ana Souza who joins the Support team"
    assert ana.script.logline == "A 30-second welcome for Ana Souza, joining the Support team."
    assert ana.script.text == "Welcome to the Support team, Ana Souza!"
    assert ana.shots[0].caption == "Hi Ana Souza" and ana.shots[1].title == "Meet the Support team"
    assert personal_shots(template) == [1, 2]  # the storyboard's style names the person


@pytest.mark.parametrize(
    ("said", "value", "expected"),
    [
        ("Welcome to the Design team!", "Support", "Welcome to the Support team!"),
        ("Welcome to the Design team!", "Support team", "Welcome to the Support team!"),
        ("You join the Finance department.", "Legal", "You join the Legal department."),
        ("See you at the London office.", "Lisbon", "See you at the Lisbon office."),
        ("The Growth group says hi.", "Data", "The Data group says hi."),
    ],
)
def test_a_group_variable_replaces_only_the_groups_name_and_keeps_its_noun(said, value, expected):
    board = make_storyboard(1)
    board = board.model_copy(
        update={"shots": [board.shots[0].model_copy(update={"narration": said})]}
    )
    proposed = propose_variables(board)
    assert len(proposed) == 1
    template = templatise(board, proposed)
    (name,) = variables_in(template)
    assert personalise(template, {name: value}).shots[0].narration == expected


def test_a_word_inside_a_longer_word_is_not_a_variable():
    board = make_storyboard(1)
    board = board.model_copy(update={"shots": [board.shots[0].model_copy(
        update={"narration": "Design team: designers design."})]})  # fmt: skip
    template = templatise(board, {"Design team": "team"})
    assert template.shots[0].narration == "{team} team: designers design."
