"""The agent through the real ChatOpenAI client against a scripted server on 127.0.0.1."""

import json

import pytest

from reelchat import store
from reelchat.agent.conversation import Conversation
from reelchat.agent.graph import MAX_STEPS
from reelchat.config import Settings
from reelchat.generation.stitch import StitchOptions
from tests.openai_server import ScriptedOpenAI, reply, stall, status, tool_call

PLAN = {
    "title": "Lighthouse",
    "audience": "sailors",
    "logline": "A lighthouse keeps ships safe.",
    "shots": [
        {"title": "Night sea", "prompt": "a lighthouse beam over a dark sea", "duration": 1},
        {"title": "Ship", "prompt": "a small ship passing the rocks safely", "duration": 1},
    ],
    "resolution": 360,
    "fps": 8,
    "style": "moody oil painting",
}


@pytest.fixture
def server():
    scripted = ScriptedOpenAI()
    yield scripted
    scripted.close()


@pytest.fixture
def chat(workspace, server):
    settings = Settings(
        workspace=workspace.root,
        llm_base_url=server.base_url,
        llm_api_key="test-key",
        llm_model="scripted-model",
        llm_timeout=1.5,
        llm_max_retries=1,
    )
    return Conversation(
        workspace, settings=settings, stitch=StitchOptions(captions=False, narration=False)
    )


def _turn(chat, text):
    events = list(chat.send(text))
    assert events[-1].kind == "reply"
    return events


def _versions(chat):
    return store.list_versions(chat.workspace.engine, session_id=chat.session_id)


def test_plan_render_and_answer_through_chat_completions(chat, server):
    server.script(
        reply(calls=[tool_call("plan_storyboard", PLAN)]),
        reply(calls=[tool_call("render", {})]),
        reply("Here is your lighthouse video."),
    )
    events = _turn(chat, "a short video about a lighthouse")
    assert events[-1].text == "Here is your lighthouse video."
    assert [e.text for e in events if e.kind == "tool_call"] == ["plan_storyboard", "render"]
    assert any(e.kind == "render" for e in events)
    first = server.requests[0]
    assert first["model"] == "scripted-model"
    assert {tool["function"]["name"] for tool in first["tools"]} >= {
        "plan_storyboard", "edit_storyboard", "render", "restore_version", "write_script",
        "describe_storyboard",
    }  # fmt: skip
    assert first["messages"][0]["role"] == "system"
    assert "no storyboard yet" in first["messages"][0]["content"]
    # the tool's result went back to the model as a tool message
    assert server.requests[1]["messages"][-1]["role"] == "tool"
    assert "Saved a new plan" in server.requests[1]["messages"][-1]["content"]
    board = store.get_version(chat.workspace.engine, session_id=chat.session_id).storyboard
    assert board.style == "moody oil painting" and len(board.shots) == 2
    assert len(store.list_videos(chat.workspace.engine, session_id=chat.session_id)) == 1
    messages = store.list_messages(chat.workspace.engine, session_id=chat.session_id)
    assert [(m.role, m.content) for m in messages][-1] == ("assistant", events[-1].text)


def test_malformed_arguments_come_back_as_an_error_the_model_corrects(chat, server):
    server.script(
        reply(calls=[tool_call("plan_storyboard", '{"title": "Lighthouse", "shots": [')]),
        reply(calls=[tool_call("plan_storyboard", {**PLAN, "shots": [{"title": "x"}]})]),
        reply(calls=[tool_call("plan_storyboard", PLAN)]),
        reply("Planned."),
    )
    events = _turn(chat, "a lighthouse video")
    results = [e for e in events if e.kind == "tool_result"]
    assert results[0].data["error"] and "not valid JSON" in results[0].text
    assert results[1].data["error"] and "prompt" in results[1].text
    assert not results[2].data["error"]
    assert len(_versions(chat)) == 1  # only the valid plan was saved
    second_request = server.requests[1]["messages"]
    assert (
        second_request[-1]["role"] == "tool" and "not valid JSON" in second_request[-1]["content"]
    )


def test_an_invalid_edit_changes_nothing(chat, server):
    server.script(reply(calls=[tool_call("plan_storyboard", PLAN)]), reply("Planned."))
    _turn(chat, "plan a lighthouse video")
    before = _versions(chat)
    server.script(
        reply(
            calls=[
                tool_call(
                    "edit_storyboard",
                    {
                        "operations": [
                            {"op": "update_shot", "shot": 1, "changes": {"duration": 4}},
                            {"op": "delete_shot", "shot": 7},
                        ]
                    },
                )
            ]
        ),  # fmt: skip
        reply("Sorry, there is no shot 7."),
    )
    events = _turn(chat, "make shot 1 longer and delete shot 7")
    error = next(e for e in events if e.kind == "tool_result")
    assert error.data["error"] and "no shot 7" in error.text and "nothing was changed" in error.text
    assert _versions(chat) == before


@pytest.mark.parametrize("code", [429, 500])
def test_rate_limits_and_server_errors_are_retried(chat, server, code):
    server.script(status(code), reply("Hello! What should the video be about?"))
    events = _turn(chat, "hi")
    assert events[-1].text == "Hello! What should the video be about?"
    assert len(server.requests) == 2


def test_a_model_that_keeps_failing_gives_a_clear_reply_and_keeps_the_session(chat, server):
    server.script(reply(calls=[tool_call("plan_storyboard", PLAN)]), reply("Planned."))
    _turn(chat, "plan a lighthouse video")
    before = _versions(chat)
    server.script(status(500), status(500))
    events = _turn(chat, "make it longer")
    assert "server failed (HTTP 500: scripted 500)" in events[-1].text
    assert "as they were" in events[-1].text
    assert _versions(chat) == before


def test_a_timeout_gives_a_clear_reply(chat, server):
    server.script(stall(3.0), stall(3.0))
    events = _turn(chat, "hello?")
    assert "did not answer in time" in events[-1].text
    assert "REELCHAT_LLM_TIMEOUT" in events[-1].text


def test_a_tool_call_written_as_json_text_is_used(chat, server):
    text = "```json\n" + json.dumps({"name": "plan_storyboard", "arguments": PLAN}) + "\n```"
    server.script(reply(text), reply("Planned it."))
    events = _turn(chat, "plan a lighthouse video")
    assert [e.text for e in events if e.kind == "tool_call"] == ["plan_storyboard"]
    assert len(_versions(chat)) == 1


def test_an_unknown_tool_is_reported_to_the_model(chat, server):
    server.script(reply(calls=[tool_call("delete_all_files", {"path": "/"})]), reply("I can't."))
    events = _turn(chat, "delete everything")
    result = next(e for e in events if e.kind == "tool_result")
    assert result.data["error"] and "delete_all_files" in result.text
    assert _versions(chat) == []


def test_a_looping_model_is_stopped(chat, server):
    server.script(reply(calls=[tool_call("plan_storyboard", PLAN)]), reply("Planned."))
    _turn(chat, "plan a lighthouse video")
    server.requests.clear()
    server.script(*[reply(calls=[tool_call("describe_storyboard", {})]) for _ in range(20)])
    events = _turn(chat, "plan something")
    assert f"stopped after {MAX_STEPS} steps" in events[-1].text
    assert len(server.requests) == MAX_STEPS


def test_render_waits_for_edits_sent_in_the_same_message(chat, server):
    server.script(reply(calls=[tool_call("plan_storyboard", PLAN)]), reply("Planned."))
    _turn(chat, "plan a lighthouse video")
    server.script(
        reply(
            calls=[
                tool_call(
                    "edit_storyboard", {"operations": [{"op": "restyle_all", "style": "neon"}]}
                ),
                tool_call("render", {}),
            ]
        ),  # fmt: skip
        reply(calls=[tool_call("render", {})]),
        reply("Done in neon."),
    )
    events = _turn(chat, "neon style please")
    assert [e.text for e in events if e.kind == "tool_call"] == ["edit_storyboard", "render"]
    video = store.list_videos(chat.workspace.engine, session_id=chat.session_id)[-1]
    assert video.version_number == 2


def test_several_renders_in_one_message_become_one(chat, server):
    server.script(reply(calls=[tool_call("plan_storyboard", PLAN)]), reply("Planned."))
    _turn(chat, "plan a lighthouse video")
    server.script(
        reply(calls=[tool_call("render", {"shots": [1]}), tool_call("render", {"shots": [2]})]),
        reply("Previews ready."),
    )
    events = _turn(chat, "preview both shots")
    calls = [e for e in events if e.kind == "tool_call"]
    assert [(c.text, c.data["args"]) for c in calls] == [("render", {"shots": [1, 2]})]
