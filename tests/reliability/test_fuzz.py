"""Property tests (hypothesis): whatever comes in, the storyboard model, the edit operations and
the offline planner give a valid result or a clear reelchat error; no other exception escapes."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import AIMessage, HumanMessage
from pydantic import ValidationError

from reelchat.agent.planner import OfflinePlanner
from reelchat.agent.prompts import system_message
from reelchat.agent.session import SessionState
from reelchat.errors import StoryboardInvalid
from reelchat.storyboard import edits
from reelchat.storyboard.models import Storyboard
from reelchat.storyboard.validation import parse_storyboard
from reelchat.tools.registry import ACTIONS, agent_tools
from tests.conftest import make_storyboard

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
BOARD = make_storyboard(3)
BASE = json.loads(BOARD.to_json())

scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=60)
)  # fmt: skip
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
shot_fields = st.sampled_from(sorted(BASE["shots"][0]) + ["colour", "path", ""])
board_fields = st.sampled_from(sorted(BASE) + ["shots_", "owner"])


def _valid(board: Storyboard) -> None:
    """A result is only acceptable if it passes the model's own validation again."""
    assert Storyboard.model_validate_json(board.model_dump_json()) == board


@FUZZ
@given(data=json_values)
def test_any_json_value_is_a_storyboard_or_a_clear_error(data: Any):
    try:
        _valid(parse_storyboard(data))
    except StoryboardInvalid as error:
        assert str(error) and "\n" not in str(error)


@FUZZ
@given(field=board_fields, value=json_values, shot=st.integers(0, 2), shot_field=shot_fields,
       shot_value=json_values)  # fmt: skip
def test_a_storyboard_with_any_field_changed_is_valid_or_a_clear_error(
    field, value, shot, shot_field, shot_value
):
    data = json.loads(json.dumps(BASE))
    data[field] = value
    shots = data.get("shots")
    if isinstance(shots, list) and len(shots) > shot and isinstance(shots[shot], dict):
        data["shots"][shot][shot_field] = shot_value
    try:
        _valid(parse_storyboard(data))
    except StoryboardInvalid as error:
        assert str(error) and "\n" not in str(error)


@FUZZ
@given(text=st.text(max_size=400))
def test_any_json_text_is_a_storyboard_or_a_clear_error(text: str):
    try:
        _valid(parse_storyboard(text))
    except StoryboardInvalid as error:
        assert str(error)


positions = st.integers(-3, 30)
operations = st.one_of(
    st.tuples(st.just("update_shot"), positions,
              st.dictionaries(shot_fields, json_values, max_size=3)),
    st.tuples(st.just("insert_shot"), positions,
              st.dictionaries(shot_fields, json_values, max_size=4)),
    st.tuples(st.just("delete_shot"), positions),
    st.tuples(st.just("move_shot"), positions, positions),
    st.tuples(st.just("swap_shots"), positions, positions),
    st.tuples(st.just("restyle_all"), st.text(max_size=300)),
    st.tuples(st.just("update_storyboard"),
              st.dictionaries(st.sampled_from(["fps", "aspect", "resolution", "style", "size"]),
                              json_values, max_size=2)),
)  # fmt: skip


def _apply(board: Storyboard, operation: tuple) -> edits.EditResult:
    name, *args = operation
    function = getattr(edits, name)
    if name == "update_shot":
        return function(board, args[0], **args[1])
    if name == "update_storyboard":
        return function(board, **args[0])
    return function(board, *args)


@FUZZ
@given(sequence=st.lists(operations, min_size=1, max_size=6))
def test_any_sequence_of_edits_keeps_a_valid_storyboard_and_never_touches_its_input(sequence):
    board = BOARD
    for operation in sequence:
        before = board.model_dump_json()
        try:
            result = _apply(board, operation)
        except StoryboardInvalid as error:
            assert str(error)
            continue
        finally:
            assert board.model_dump_json() == before  # edits are pure
        _valid(result.storyboard)
        ids = {shot.id for shot in result.storyboard.shots}
        assert result.rerender <= ids
        board = result.storyboard


PLANNER = OfflinePlanner().bind_tools(agent_tools())
CONTEXT = system_message(SessionState(version=1, storyboard=BOARD))
words = st.sampled_from(
    [
        "shot",
        "1",
        "2",
        "3",
        "99",
        "-5",
        "0",
        "last",
        "first",
        "longer",
        "shorter",
        "slower",
        "seconds",
        "s",
        "fps",
        "1000",
        "swap",
        "move",
        "to",
        "end",
        "delete",
        "remove",
        "add",
        "a",
        "of",
        "caption",
        "change",
        "undo",
        "restore",
        "version",
        "vertical",
        "square",
        "watercolor",
        "warmer",
        "colours",
        "regenerate",
        "crossfade",
        "and",
        "then",
        ",",
        ".",
        "make",
        "it",
        "zoom",
        "out",
        "the",
    ]
)
requests = st.lists(words, max_size=14).map(" ".join) | st.text(max_size=200)


@FUZZ
@given(text=requests, with_board=st.booleans())
def test_the_offline_planner_answers_any_message_with_valid_tool_calls_or_words(text, with_board):
    context = CONTEXT if with_board else system_message(None)
    reply = PLANNER.invoke([context, HumanMessage(text)])
    assert isinstance(reply, AIMessage)
    if not reply.tool_calls:
        assert str(reply.content).strip()  # a question or what it did not understand
    for call in reply.tool_calls:
        schema = ACTIONS[call["name"]][0]
        try:
            schema.model_validate(call["args"])
        except ValidationError as error:  # the tool would answer this; it must not be a crash
            raise AssertionError(f"planner sent invalid {call['name']} args: {error}") from None
