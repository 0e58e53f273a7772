"""A person's storyboard survives any sequence of messages (hypothesis).

The offline planner and the real tools run each turn as the graph would, on a real workspace;
only rendering is left out (it never changes a storyboard and is covered elsewhere)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.messages import BaseMessage, HumanMessage, ToolMessage
from pydantic import ValidationError

from reelchat import store
from reelchat.agent.conversation import Conversation
from reelchat.agent.planner import plan_next
from reelchat.agent.prompts import system_message
from reelchat.agent.session import load_state
from reelchat.errors import ReelchatError
from reelchat.tools.registry import run_action
from reelchat.workspace import Workspace
from tests.agent.phrasebook import rows
from tests.conftest import make_storyboard

MESSAGES = [said for said, _ in rows()] + [
    "make it longer", "and give it a pan right", "blorp", "", "shot", "remove every shot",
    "undo 5 times", "redo twice", "make it 2 hours long", "square, 30 fps and 720p",
]  # fmt: skip


def turn(chat: Conversation, history: list[BaseMessage], text: str) -> str:
    """One turn: the planner's tool calls run on the real tools until it replies."""
    messages = [*history, HumanMessage(text)]
    for _ in range(10):
        state = load_state(chat.workspace, chat.session_id)
        reply = plan_next([system_message(state), *messages])
        messages.append(reply)
        if not reply.tool_calls:
            break
        for call in reply.tool_calls:
            status = "success"
            if call["name"] == "render":
                content = "Video ready: not rendered in this test"
            else:
                try:
                    content = run_action(chat.context, call["name"], call["args"])
                except (ReelchatError, ValidationError) as error:
                    content, status = f"error: {error}", "error"
            messages.append(
                ToolMessage(content, tool_call_id=call["id"], name=call["name"], status=status)
            )
    history[:] = messages
    return str(reply.content)


def _current(chat):
    row = store.get_version(chat.workspace.engine, session_id=chat.session_id)
    return row.number, row.storyboard


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sequence=st.lists(st.sampled_from(MESSAGES), min_size=1, max_size=5))
def test_after_any_message_the_storyboard_is_the_same_or_the_change_is_named_and_undoable(
    tmp_path_factory, sequence
):
    root = tmp_path_factory.mktemp("ws")
    workspace = Workspace(root=root, database=root / "reelchat.db")
    chat = Conversation(workspace)
    original = make_storyboard(6, duration=5.0)
    store.add_version(workspace.engine, session_id=chat.session_id, storyboard=original)
    history: list[BaseMessage] = []
    for text in sequence:
        number, before = _current(chat)
        reply = turn(chat, history, text)
        assert reply.strip(), text
        after_number, after = _current(chat)
        if after != before:
            assert f"version {after_number}" in reply, (text, reply)
            kept = store.get_version(workspace.engine, session_id=chat.session_id, number=number)
            assert kept.storyboard == before
    if _current(chat)[1] != original:
        run_action(chat.context, "restore_version", {"version": 1})
        assert _current(chat)[1] == original
