"""Chat-model faults: each kind is named in the reply with what to do, and nothing is lost."""

from __future__ import annotations

import socket

import pytest

from reelchat import store
from reelchat.agent import planner
from reelchat.agent.conversation import Conversation
from reelchat.config import Settings
from reelchat.generation.stitch import StitchOptions
from tests.conftest import make_storyboard
from tests.openai_server import ScriptedOpenAI, Step, raw, reply, status, tool_call

QUIET = StitchOptions(captions=False, narration=False)
PLAN = {
    "title": "Tides",
    "shots": [{"title": "Sea", "prompt": "the sea rising on a beach", "duration": 1}],
    "resolution": 360,
    "fps": 8,
}


@pytest.fixture
def server():
    scripted = ScriptedOpenAI()
    yield scripted
    scripted.close()


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

    monkeypatch.setattr(planner, "plan_request", broken)
    text, _ = _last_reply(chat, "make shot 1 longer")
    assert "offline planner failed with an internal error (KeyError" in text
    assert "language model" not in text
