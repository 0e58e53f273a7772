"""Chat-model faults: each kind is named in the reply with what to do, and nothing is lost."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from reelchat import store
from reelchat.agent import planner
from reelchat.agent.conversation import Conversation
from reelchat.agent.replies import MAX_REPLY_CHARS, MAX_TOOL_ARGS_CHARS, tool_calls_in_text
from reelchat.config import Settings
from reelchat.generation.stitch import StitchOptions
from tests.conftest import make_storyboard
from tests.openai_server import ONE_SHOT_PLAN as PLAN
from tests.openai_server import Step, drip, raw, reply, stall, status, tool_call

QUIET = StitchOptions(captions=False, narration=False)


def _chat(workspace, base_url: str) -> Conversation:
    settings = Settings(
        workspace=workspace.root, llm_base_url=base_url, llm_api_key="k",
        llm_model="scripted", llm_timeout=1.5, llm_max_retries=0,
    )  # fmt: skip
    return Conversation(workspace, settings=settings, stitch=QUIET)


def _planned(workspace, server) -> Conversation:
    chat = _chat(workspace, server.base_url)
    server.script(reply(calls=[tool_call("plan_storyboard", PLAN)]), reply("Planned."))
    list(chat.send("plan a tides video"))
    return chat


def _last_reply(chat, text: str) -> tuple[str, list]:
    before = store.list_versions(chat.workspace.engine, session_id=chat.session_id)
    events = list(chat.send(text))
    after = store.list_versions(chat.workspace.engine, session_id=chat.session_id)
    assert after == before  # nothing half-applied
    messages = store.list_messages(chat.workspace.engine, session_id=chat.session_id)
    assert messages[-1].content == events[-1].text  # the reason is kept in the history
    return events[-1].text, events


@pytest.mark.parametrize(
    ("step", "expected", "advice"),
    [
        (status(429), "rate limiting (HTTP 429", "Wait a minute"),
        (status(503), "server failed (HTTP 503", "again in a moment"),
        (status(401), "refused the API key (HTTP 401", "OPENAI_API_KEY"),
        (status(404), "HTTP 404 (not found) for http://127.0.0.1", "REELCHAT_LLM_BASE_URL"),
        (
            Step(body={"error": {"message": "model 'x' not found"}}, status=404),
            "does not know the model (HTTP 404",
            "REELCHAT_LLM_MODEL",
        ),
        (status(400), "rejected the request (HTTP 400", "another model"),
        (raw(b"<html>bad gateway</html>"), "(it began: '<html>bad gateway", "OpenAI-compatible"),
        (raw(b'{"choices": []}'), "not a chat completion", "OpenAI-compatible"),
    ],
)
def test_each_endpoint_fault_is_named_with_what_to_do(workspace, server, step, expected, advice):
    chat = _planned(workspace, server)
    server.script(step)
    text, _ = _last_reply(chat, "make shot 1 longer")
    assert expected in text and advice in text
    assert "as they were" in text


def test_an_endpoint_that_is_not_running_is_named(workspace):
    with socket.socket() as probe:  # a port with nothing listening on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    chat = _chat(workspace, f"http://127.0.0.1:{port}/v1")
    text, _ = _last_reply(chat, "hello")
    assert "could not be reached" in text and "OPENAI_BASE_URL" in text


def test_a_bug_in_the_offline_planner_is_reported_as_an_internal_error(workspace, monkeypatch):
    chat = Conversation(workspace, stitch=QUIET)
    store.add_version(workspace.engine, session_id=chat.session_id, storyboard=make_storyboard(2))

    def broken(*_args, **_kwargs):
        raise KeyError("shots")

    monkeypatch.setattr(planner, "read_message", broken)
    text, _ = _last_reply(chat, "make shot 1 longer")
    assert "offline planner failed with an internal error (KeyError" in text
    assert "language model" not in text


# --- everything bounded (issue 17: reliability cases 12, 13, 14, 15 and 16) ---


def _reply_and_checkpoint(workspace, chat, text):
    events = list(chat.send(text))
    stored = store.list_messages(workspace.engine, session_id=chat.session_id)[-1].content
    assert stored == events[-1].text
    return events, stored


def test_a_model_sending_one_byte_at_a_time_meets_the_total_deadline(workspace, server):
    chat = _planned(workspace, server)
    server.script(drip("hello " * 50, every=0.5))  # each read succeeds; the whole takes 150 s
    started = time.monotonic()
    _, text = _reply_and_checkpoint(workspace, chat, "make shot 1 longer")
    assert time.monotonic() - started < 30
    assert "did not finish within 1.5 s" in text and "bytes arrived" in text


@pytest.mark.parametrize("repeats", [20_000, 100_000])
def test_repeated_fences_are_read_in_linear_time_and_the_reply_is_capped(
    workspace, server, repeats
):
    server.script(reply("```{" * repeats))  # 1 MB of this took 101 s with the old regex
    chat = _chat(workspace, server.base_url)
    started = time.monotonic()
    _, text = _reply_and_checkpoint(workspace, chat, "hello")
    assert time.monotonic() - started < 20
    assert len(text) < MAX_REPLY_CHARS + 200 and "[reply cut: the model wrote" in text


def test_the_text_tool_call_reader_has_a_size_cap():
    names = {"plan_storyboard"}
    call = json.dumps({"name": "plan_storyboard", "arguments": PLAN})
    assert tool_calls_in_text(f"<tool_call>{call}</tool_call>", names)[0]
    padded = f"<tool_call>{call}</tool_call>" + " " * (MAX_TOOL_ARGS_CHARS + 20_000)
    assert tool_calls_in_text(padded, names) == ([], padded)  # too long to read as calls


@pytest.mark.parametrize(
    ("size", "expected"),
    [(2_000_000, "[reply cut: the model wrote 2,000,000 characters"), (10_000_000, "passed 4 MB")],
)
def test_a_huge_reply_is_capped_and_says_so(workspace, server, size, expected):
    server.script(reply("A" * size))
    chat = _chat(workspace, server.base_url)
    _, text = _reply_and_checkpoint(workspace, chat, "hello")
    assert expected in text and len(text) < MAX_REPLY_CHARS + 500
    assert (workspace.root / "checkpoints.db").stat().st_size < 2_000_000


@pytest.mark.parametrize(
    ("title_chars", "expected"),
    [(300_000, "the limit is 100,000"), (5_000_000, "passed 4 MB")],
)
def test_huge_tool_arguments_are_refused_and_not_kept(workspace, server, title_chars, expected):
    huge = tool_call("plan_storyboard", {**PLAN, "title": "T" * title_chars})
    server.script(*[reply(calls=[huge]) for _ in range(3)])
    chat = _chat(workspace, server.base_url)
    events, text = _reply_and_checkpoint(workspace, chat, "plan a tides video")
    said = " ".join(e.text for e in events)
    assert expected in said and "T" * 1_000 not in said
    assert (workspace.root / "checkpoints.db").stat().st_size < 5_000_000
    # three refused calls: the offline planner took the turn and said so in one sentence
    if title_chars < 4_000_000:
        assert text.startswith("The language model could not make a working tool call in 3")


def test_two_ctrl_c_during_a_model_call_end_the_process_at_once(workspace, server, tmp_path):
    server.script(stall(60))
    env = {**os.environ, "REELCHAT_WORKSPACE": str(workspace.root),
           "REELCHAT_LLM_BASE_URL": server.base_url, "REELCHAT_LLM_API_KEY": "k",
           "REELCHAT_LLM_TIMEOUT": "60", "PYTHONUNBUFFERED": "1"}  # fmt: skip
    chat = subprocess.Popen(
        [sys.executable, "-c", "from reelchat.cli import app; app()", "chat", "--no-narration"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
    )  # fmt: skip
    try:
        chat.stdin.write(b"a 4 second explainer on glaciers, 1 shot\n")
        chat.stdin.flush()
        deadline = time.monotonic() + 60
        while not server.requests and time.monotonic() < deadline:
            time.sleep(0.1)
        assert server.requests, "the chat never called the model"
        chat.send_signal(signal.SIGINT)
        time.sleep(0.5)
        chat.send_signal(signal.SIGINT)
        pressed = time.monotonic()
        chat.wait(timeout=10)  # before: ended only when the model call did (61 s)
        assert time.monotonic() - pressed < 5
        assert chat.returncode == 130
    finally:
        if chat.poll() is None:
            chat.kill()
            chat.wait()
