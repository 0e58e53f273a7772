"""Everything bounded (issue 17, the parts outside the model call): huge numbers are clear
refusals, the checkpoint store stays bounded, an abandoned turn never blocks exit."""

from __future__ import annotations

import sys

import pytest
from typer.testing import CliRunner

from reelchat import store
from reelchat.cli import app
from reelchat.errors import NotFound
from tests.conftest import make_storyboard

runner = CliRunner()


@pytest.fixture
def session_id(workspace):
    row = store.create_session(workspace.engine, title="t")
    store.add_version(workspace.engine, session_id=row.id, storyboard=make_storyboard(1))
    return row.id


def test_huge_version_numbers_are_clear_refusals(workspace, session_id, monkeypatch):
    monkeypatch.setenv("REELCHAT_WORKSPACE", str(workspace.root))
    huge = "99999999999999999999"
    for command in (
        ("storyboard", "restore", session_id, huge),
        ("storyboard", "show", session_id, "--version", huge),
        ("storyboard", "export", session_id, "--version", huge),
    ):
        result = runner.invoke(app, list(command))
        assert result.exit_code == 1, result.output
        assert result.stderr.startswith("error:") and "no storyboard version" in result.stderr
        assert "Traceback" not in result.output
    digits = 10 ** (sys.get_int_max_str_digits() + 700)  # 5,000 digits: str() itself refuses
    for number in (digits, 2**63, 0, -1):
        with pytest.raises(NotFound, match="no storyboard version"):
            store.get_version(workspace.engine, session_id=session_id, number=number)
    with pytest.raises(NotFound):
        store.restore_version(workspace.engine, session_id=session_id, number=digits)
    assert len(store.list_versions(workspace.engine, session_id=session_id)) == 1


ABANDON = """
import sys
from reelchat import Studio
session = Studio(sys.argv[1]).new_session()
events = session.send("a 10 second explainer on tides, 2 shots")
print(next(events).kind, flush=True)
"""


def _run(command, env=None, timeout=90, stdin=None):
    import os
    import subprocess

    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, input=stdin,
                          env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})})  # fmt: skip


def test_an_abandoned_send_generator_never_blocks_process_exit(tmp_path):
    for _ in range(2):  # it hung most runs before
        result = _run([sys.executable, "-c", ABANDON, str(tmp_path / "ws")], timeout=60)
        assert result.returncode == 0, result.stderr[-2000:]
        assert result.stdout.strip() == "tool_call"


def test_a_hostile_tool_name_is_printed_as_typed_and_the_process_exits(tmp_path):
    from tests.openai_server import ScriptedOpenAI, reply, tool_call

    server = ScriptedOpenAI()
    try:
        server.script(reply(calls=[tool_call("x[/]\x1b[2J", {})]), reply("nothing to do"))
        env = {"REELCHAT_WORKSPACE": str(tmp_path / "ws"), "OPENAI_BASE_URL": server.base_url,
               "OPENAI_API_KEY": "sk-test", "REELCHAT_LLM_MAX_RETRIES": "0"}  # fmt: skip
        result = _run([sys.executable, "-m", "reelchat.cli", "chat"], env, stdin="hi\nquit\n")
    finally:
        server.close()
    assert result.returncode == 0, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert "\x1b[2J" not in result.stdout + result.stderr and "x[/]" in result.stderr


def _checkpoint_bytes(workspace, thread_id):
    connection = workspace.checkpointer.conn
    row = connection.execute(
        "SELECT COUNT(*), COALESCE(SUM(LENGTH(checkpoint)), 0) FROM checkpoints "
        "WHERE thread_id = ?", (thread_id,)
    ).fetchone()  # fmt: skip
    return row[0], row[1]


def test_checkpoint_store_stays_bounded_over_many_turns(workspace, monkeypatch):
    from reelchat.agent import history
    from reelchat.agent.conversation import Conversation
    from reelchat.config import Settings

    monkeypatch.setattr(history, "KEEP_MESSAGES", 6)  # the same rule, reached in a few turns
    chat = Conversation(workspace, settings=Settings(workspace=workspace.root))
    sizes = []
    for turn in range(1, 25):
        list(chat.send(f"blorp number {turn} zzz"))
        count, size = _checkpoint_bytes(workspace, chat.session_id)
        assert count == 1  # one checkpoint kept per finished thread
        sizes.append(size)
        state = chat.graph.get_state({"configurable": {"thread_id": chat.session_id}})
        assert len(state.values["messages"]) <= 2 * history.KEEP_MESSAGES
    assert max(sizes[12:]) <= 1.1 * max(sizes[:6])  # more turns, the same bytes
    everything = store.list_messages(workspace.engine, session_id=chat.session_id)
    assert len(everything) == 2 * 24  # the chat itself is all kept


def test_the_model_is_sent_a_trimmed_history_with_the_storyboard_in_the_system_prompt(
    workspace,
):
    from reelchat.agent import history
    from reelchat.agent.conversation import Conversation
    from reelchat.config import Settings
    from tests.openai_server import ScriptedOpenAI, reply

    server = ScriptedOpenAI()
    try:
        settings = Settings(workspace=workspace.root, llm_base_url=server.base_url,
                            llm_api_key="sk-test", llm_max_retries=0)  # fmt: skip
        chat = Conversation(workspace, settings=settings)
        store.add_version(workspace.engine, session_id=chat.session_id,
                          storyboard=make_storyboard(2))  # fmt: skip
        turns = 12
        server.script(*[reply(f"noted {n}") for n in range(turns)])
        for n in range(turns):
            list(chat.send(f"note {n}: " + "lorem ipsum " * 1500))  # ~18,000 characters each
    finally:
        server.close()
    last = server.requests[-1]["messages"]
    assert last[0]["role"] == "system" and "Shot 1" in last[0]["content"]
    assert last[-1]["role"] == "user" and last[-1]["content"].startswith(f"note {turns - 1}:")
    assert last[1]["role"] == "user"  # the history starts on a person's message
    sent = sum(len(m.get("content") or "") for m in last[1:])
    assert sent <= 4 * history.MODEL_TOKENS + 200 and len(last) < 2 * turns
