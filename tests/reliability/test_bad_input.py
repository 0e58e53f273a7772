"""The bad-input table of docs/reliability.md: each odd input gets a clear error or a safe
clamp, and leaves the store and the files as they were."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from reelchat import store
from reelchat.agent.conversation import Conversation
from reelchat.agent.parse.request import plan_new_video
from reelchat.cli import app
from reelchat.errors import NotFound, StoryboardInvalid
from reelchat.generation.media import probe
from reelchat.generation.stitch import StitchOptions
from reelchat.storyboard.models import MAX_SHOTS, MAX_TOTAL_SECONDS
from reelchat.storyboard.validation import parse_storyboard
from reelchat.tools.registry import run_action
from tests.conftest import make_storyboard, store_counts

QUIET = StitchOptions(captions=False, narration=False)
PATHLIKE = "../../etc/passwd"
SQLLIKE = "x'); DROP TABLE session; --"


def _files(workspace) -> list[Path]:
    return sorted(p for p in workspace.root.rglob("*") if p.is_file() and "-wal" not in p.name
                  and "-shm" not in p.name and not p.name.endswith(".db"))  # fmt: skip


@pytest.fixture
def chat(workspace):
    """A session with a small storyboard (not rendered: the cases here must render nothing)."""
    conversation = Conversation(workspace, stitch=QUIET)
    store.add_version(
        workspace.engine, session_id=conversation.session_id, storyboard=make_storyboard(2)
    )
    return conversation


def _unchanged_turn(chat, text: str) -> str:
    """Send `text`; the storyboard, jobs, clips, videos and files must stay as they were."""
    workspace = chat.workspace
    before, files = store_counts(workspace), _files(workspace)
    reply = [e.text for e in chat.send(text) if e.kind == "reply"][-1]
    after = store_counts(workspace)
    assert after["Message"] == before["Message"] + 2  # the exchange itself is kept
    assert {k: v for k, v in after.items() if k != "Message"} == {
        k: v for k, v in before.items() if k != "Message"
    }
    assert _files(workspace) == files
    return reply


# --- chat messages --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("shot 1 -5 seconds", "1 to 20 s, not -5 s"),
        ("shot 1 1e9 seconds", "1 to 20 s, not 1e+09 s"),
        ("make shot 1 nan seconds", "I did not understand"),
        ("set it to 1000 fps", "8 to 60 fps, not 1000"),
        ("delete shot 99", "there is no shot 99"),
        ("\x00\x07\x1b[2J", "I did not understand"),
    ],
)
def test_impossible_or_garbled_edits_are_explained_and_change_nothing(chat, text, expected):
    assert expected in _unchanged_turn(chat, text)


def test_control_characters_and_right_to_left_text_are_kept_as_text(chat):
    text = "\x1b[31m make shot 1 longer \u202eevil\u202c שלום"
    list(chat.send(text))
    messages = store.list_messages(chat.workspace.engine, session_id=chat.session_id)
    assert messages[-2].content == text.strip()
    board = store.get_version(chat.workspace.engine, session_id=chat.session_id).storyboard
    assert board.shots[0].duration == 3  # the edit it contained was applied (1 s + 2 s)


def test_emoji_and_right_to_left_captions_render(workspace):
    conversation = Conversation(workspace, stitch=StitchOptions(captions=True, narration=False))
    list(conversation.send("a 4 second explainer about tides, 2 shots, 360p, 8 fps"))
    list(conversation.send("change the caption of shot 1 to 🎉🚀 héllo עברית مرحبا"))
    board = store.get_version(workspace.engine, session_id=conversation.session_id).storyboard
    assert board.shots[0].caption == "🎉🚀 héllo עברית مرحبا"
    video = store.list_videos(workspace.engine, session_id=conversation.session_id)[-1]
    assert video.version_number == 2
    assert probe(workspace.resolve(conversation.session_id, video.path)).frames > 0


def test_asking_for_1000_shots_or_2_hours_is_clamped_and_said(workspace):
    """Planned through the offline planner's parser and the real tool (not rendered: a
    5-minute video takes minutes on a CPU; rendering is covered elsewhere)."""
    conversation = Conversation(workspace, stitch=QUIET)
    plan = plan_new_video("a 2 hour video about tides with 1000 shots, 360p, 8 fps")
    run_action(conversation.context, "plan_storyboard", plan.args.model_dump(mode="json"))
    board = store.get_version(workspace.engine, session_id=conversation.session_id).storyboard
    assert (
        len(board.shots) == MAX_SHOTS
        and 0.9 * MAX_TOTAL_SECONDS < board.runtime <= MAX_TOTAL_SECONDS
    )
    assert "hour" not in board.title
    notes = " ".join(plan.notes)  # the planner's reply ends with these
    assert "at most 5 minutes" in notes and "at most 24 shots, not 1000" in notes


# --- storyboard JSON ------------------------------------------------------------------------


def _board(**changes):
    data = json.loads(make_storyboard(2).to_json())
    data.update(changes)
    return data


def _shot(**changes):
    data = _board()
    data["shots"][1].update(changes)
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_shot(duration="five"), "shot 2 duration"),
        (_shot(duration=None), "shot 2 duration"),
        (_shot(duration=1e300), "shot 2 duration"),
        (_shot(seed=2**63), "shot 2 seed"),
        (_shot(prompt=["a", "list"]), "shot 2 prompt"),
        (_shot(id=PATHLIKE), "shot 2 id"),
        (_board(shots={"1": "not a list"}), "shots"),
        (_board(fps="fast"), "fps"),
        (_board(fps=-24), "fps"),
        (_board(resolution=100_000), "resolution must be one of"),
        (_board(colour_grade="teal"), "colour_grade: Extra inputs are not permitted"),
        ([1, 2, 3], "storyboard"),
        (None, "storyboard"),
        ("{" * 10_000, "invalid storyboard"),
    ],
)
def test_storyboard_json_with_wrong_types_or_unknown_fields_is_one_clear_line(data, message):
    with pytest.raises(StoryboardInvalid) as caught:
        parse_storyboard(data)
    assert message in str(caught.value) and "\n" not in str(caught.value)


# --- tool arguments, as a model might send them ---------------------------------------------


@pytest.mark.parametrize(
    ("name", "arguments"),
    [
        ("edit_storyboard", {"operations": [{"op": "update_shot", "shot": 1,
                                             "changes": {"duration": math.nan}}]}),
        ("edit_storyboard", {"operations": [{"op": "update_shot", "shot": 1,
                                             "changes": {"duration": -1}}]}),
        ("edit_storyboard", {"operations": [{"op": "update_shot", "shot": 1,
                                             "changes": {"path": PATHLIKE}}]}),
        ("edit_storyboard", {"operations": [{"op": "insert_shot", "position": 1000,
                                             "shot": {"title": "x", "prompt": "y"}}]}),
        ("edit_storyboard", {"operations": [{"op": "rm -rf /"}]}),
        ("edit_storyboard", {"operations": []}),
        ("restore_version", {"version": -1}),
        ("render", {"shots": [0, 999]}),
        ("plan_storyboard", {"title": "x", "shots": [{"title": "a", "prompt": "b"}] * 25}),
    ],
)  # fmt: skip
def test_invalid_tool_arguments_are_refused_and_change_nothing(chat, name, arguments):
    before, files = store_counts(chat.workspace), _files(chat.workspace)
    with pytest.raises((ValidationError, StoryboardInvalid, NotFound)):
        run_action(chat.context, name, arguments)
    assert store_counts(chat.workspace) == before and _files(chat.workspace) == files


# --- session ids, paths and SQL -------------------------------------------------------------


@pytest.mark.parametrize("session_id", [PATHLIKE, SQLLIKE, "deadbeef0000", "", "%"])
def test_a_session_id_that_does_not_exist_is_not_found(workspace, session_id):
    with pytest.raises(NotFound, match="no session"):
        Conversation(workspace, session_id=session_id)


@pytest.mark.parametrize("session_id", [PATHLIKE, SQLLIKE, "", "%", "abc/../../def0"])
def test_a_session_id_that_is_not_an_id_never_becomes_a_folder(workspace, session_id):
    with pytest.raises(ValueError, match="not a session id"):
        workspace.session_dir(session_id)


@pytest.mark.parametrize(
    "args",
    [
        ["sessions", "show", PATHLIKE],
        ["sessions", "delete", SQLLIKE, "--yes"],
        ["render", "--session", PATHLIKE],
        ["storyboard", "show", PATHLIKE],
        ["storyboard", "restore", SQLLIKE, "1"],
        ["cancel", PATHLIKE],
    ],
)
def test_cli_commands_given_path_or_sql_ids_say_not_found_and_change_nothing(
    workspace, monkeypatch, args
):
    monkeypatch.setenv("REELCHAT_WORKSPACE", str(workspace.root))
    session = store.create_session(workspace.engine, title="kept")
    before, files = store_counts(workspace), _files(workspace)
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: no "), result.stderr
    assert store_counts(workspace) == before and _files(workspace) == files
    assert store.get_session(workspace.engine, session_id=session.id).title == "kept"


def test_path_like_text_in_every_field_never_reaches_the_filesystem(workspace):
    board = make_storyboard(2)
    shots = [shot.model_copy(update={"title": PATHLIKE, "prompt": PATHLIKE + " /dev/sda",
                                     "negative_prompt": PATHLIKE, "narration": PATHLIKE,
                                     "caption": PATHLIKE, "style": "$(rm -rf ~)"})
             for shot in board.shots]  # fmt: skip
    board = parse_storyboard(
        {**json.loads(board.to_json()), "shots": [json.loads(s.model_dump_json()) for s in shots],
         "script": {"title": PATHLIKE, "audience": PATHLIKE}, "style": PATHLIKE}
    )  # fmt: skip
    conversation = Conversation(workspace, stitch=StitchOptions(captions=True, narration=False))
    store.add_version(workspace.engine, session_id=conversation.session_id, storyboard=board)
    conversation.render()
    folder = workspace.session_dir(conversation.session_id)
    for path in workspace.root.rglob("*"):
        assert path.resolve().is_relative_to(workspace.root.resolve())
        assert "passwd" not in path.name and "rm -rf" not in path.name
    assert len(list(folder.glob("videos/*.mp4"))) == 1
    saved = store.get_version(workspace.engine, session_id=conversation.session_id).storyboard
    assert saved.title == PATHLIKE and saved.shots[0].style == "$(rm -rf ~)"


def test_sql_like_text_in_every_field_is_stored_as_text(workspace):
    engine = workspace.engine
    session = store.create_session(engine, title=SQLLIKE)
    store.create_session(engine, title="another")
    board = parse_storyboard(
        {**json.loads(make_storyboard(1).to_json()), "style": SQLLIKE,
         "script": {"title": SQLLIKE, "audience": SQLLIKE, "text": SQLLIKE}}
    )  # fmt: skip
    store.add_version(engine, session_id=session.id, storyboard=board, note=SQLLIKE)
    store.add_message(engine, session_id=session.id, role="user", content=SQLLIKE)
    store.rename_session(engine, session_id=session.id, title=SQLLIKE + " 2")
    assert store.get_version(engine, session_id=session.id).storyboard.style == SQLLIKE
    assert store.list_messages(engine, session_id=session.id)[0].content == SQLLIKE
    assert [s.title for s in store.list_sessions(engine, search="DROP TABLE")] == [SQLLIKE + " 2"]
    assert store.list_sessions(engine, search="%") == []  # a wildcard is text, not a pattern
    assert store.list_sessions(engine, search="_") == []
    assert len(store.list_sessions(engine)) == 2
