"""The agent through the real ChatOpenAI client against a scripted server on 127.0.0.1."""

import json
import time

import pytest
from langchain_core.messages import AIMessage, HumanMessage
from typer.testing import CliRunner

from reelchat import store
from reelchat.agent.conversation import Conversation
from reelchat.agent.graph import MAX_STEPS
from reelchat.agent.transport import is_local
from reelchat.cli import app
from reelchat.config import Settings
from reelchat.generation.stitch import StitchOptions
from tests.agent.conftest import send_turn
from tests.openai_server import (
    cut,
    drip,
    reply,
    stall,
    status,
    streamed,
    tool_call,
)

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



def _versions(chat):
    return store.list_versions(chat.workspace.engine, session_id=chat.session_id)


def test_plan_render_and_answer_through_chat_completions(chat, server):
    server.script(
        reply(calls=[tool_call("plan_storyboard", PLAN)]),
        reply(calls=[tool_call("render", {})]),
        reply("Here is your lighthouse video."),
    )
    events = send_turn(chat, "a short video about a lighthouse")
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
    events = send_turn(chat, "a lighthouse video")
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
    send_turn(chat, "plan a lighthouse video")
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
    events = send_turn(chat, "make shot 1 longer and delete shot 7")
    error = next(e for e in events if e.kind == "tool_result")
    assert error.data["error"] and "no shot 7" in error.text and "nothing was changed" in error.text
    assert _versions(chat) == before


@pytest.mark.parametrize("code", [429, 500])
def test_rate_limits_and_server_errors_are_retried(chat, server, code):
    server.script(status(code), reply("Hello! What should the video be about?"))
    events = send_turn(chat, "hi")
    assert events[-1].text == "Hello! What should the video be about?"
    assert len(server.requests) == 2


def test_a_model_that_keeps_failing_gives_a_clear_reply_and_keeps_the_session(chat, server):
    server.script(reply(calls=[tool_call("plan_storyboard", PLAN)]), reply("Planned."))
    send_turn(chat, "plan a lighthouse video")
    before = _versions(chat)
    server.script(status(500), status(500))
    events = send_turn(chat, "make it longer")
    assert "server failed (HTTP 500: scripted 500)" in events[-1].text
    assert "as they were" in events[-1].text
    assert _versions(chat) == before


def test_a_tool_call_written_as_json_text_is_used(chat, server):
    text = "```json\n" + json.dumps({"name": "plan_storyboard", "arguments": PLAN}) + "\n```"
    server.script(reply(text), reply("Planned it."))
    events = send_turn(chat, "plan a lighthouse video")
    assert [e.text for e in events if e.kind == "tool_call"] == ["plan_storyboard"]
    assert len(_versions(chat)) == 1


def test_an_unknown_tool_is_reported_to_the_model(chat, server):
    server.script(reply(calls=[tool_call("delete_all_files", {"path": "/"})]), reply("I can't."))
    events = send_turn(chat, "delete everything")
    result = next(e for e in events if e.kind == "tool_result")
    assert result.data["error"] and "delete_all_files" in result.text
    assert _versions(chat) == []


def test_a_looping_model_is_stopped(chat, server):
    server.script(reply(calls=[tool_call("plan_storyboard", PLAN)]), reply("Planned."))
    send_turn(chat, "plan a lighthouse video")
    server.requests.clear()
    server.script(*[reply(calls=[tool_call("describe_storyboard", {})]) for _ in range(20)])
    events = send_turn(chat, "plan something")
    assert f"stopped after {MAX_STEPS} steps" in events[-1].text
    assert len(server.requests) == MAX_STEPS


def test_render_waits_for_edits_sent_in_the_same_message(chat, server):
    server.script(reply(calls=[tool_call("plan_storyboard", PLAN)]), reply("Planned."))
    send_turn(chat, "plan a lighthouse video")
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
    events = send_turn(chat, "neon style please")
    assert [e.text for e in events if e.kind == "tool_call"] == ["edit_storyboard", "render"]
    video = store.list_videos(chat.workspace.engine, session_id=chat.session_id)[-1]
    assert video.version_number == 2


def test_several_renders_in_one_message_become_one(chat, server):
    server.script(reply(calls=[tool_call("plan_storyboard", PLAN)]), reply("Planned."))
    send_turn(chat, "plan a lighthouse video")
    server.script(
        reply(calls=[tool_call("render", {"shots": [1]}), tool_call("render", {"shots": [2]})]),
        reply("Previews ready."),
    )
    events = send_turn(chat, "preview both shots")
    calls = [e for e in events if e.kind == "tool_call"]
    assert [(c.text, c.data["args"]) for c in calls] == [("render", {"shots": [1, 2]})]


# --- servers as they are (the bughunt cases 12, 13, 14 and 16) ---


def _video_made(chat) -> bool:
    return bool(store.list_videos(chat.workspace.engine, session_id=chat.session_id))


@pytest.mark.parametrize(
    "written",
    [
        "<tool_call>\n{call}\n</tool_call>",  # Hermes/Qwen templates on a server without a parser
        "I will plan it now.\n```json\n{call}\n```",
        "{call}",
        '<tool_call>{{"function": {call}}}</tool_call>',
    ],
)
def test_tool_calls_written_as_text_are_used(chat, server, written):
    call = json.dumps({"name": "plan_storyboard", "arguments": PLAN})
    server.script(
        reply(written.format(call=call)), reply(calls=[tool_call("render", {})]), reply("Ready.")
    )
    events = send_turn(chat, "a short video about a lighthouse")
    assert [e.text for e in events if e.kind == "tool_call"] == ["plan_storyboard", "render"]
    assert events[-1].text == "Ready." and _video_made(chat)
    assert "<tool_call>" not in json.dumps(server.requests[-1]["messages"])


def test_tool_calls_without_ids_get_ids(chat, server):
    server.script(
        reply(calls=[tool_call("plan_storyboard", PLAN, with_id=False)]),
        reply(calls=[tool_call("render", {}, with_id=False)]),
        reply("Your lighthouse video is ready."),
    )
    events = send_turn(chat, "a short video about a lighthouse")
    assert events[-1].text == "Your lighthouse video is ready." and _video_made(chat)
    sent = server.requests[1]["messages"]
    call_id = sent[-2]["tool_calls"][0]["id"]
    assert call_id and sent[-1]["tool_call_id"] == call_id  # the result answers that call


def test_thinking_never_reaches_the_stored_or_shown_reply(chat, server):
    server.script(
        reply("<think>\nThe user wants a lighthouse. I should plan it.\n</think>\n",
              calls=[tool_call("plan_storyboard", PLAN)]),
        reply("<think>\nPlanned. Now tell the user.\n</think>\n\nThe plan is ready."),
    )  # fmt: skip
    events = send_turn(chat, "a short video about a lighthouse")
    assert events[-1].text == "The plan is ready."
    shown = " ".join(e.text for e in events)
    stored = [
        m.content for m in store.list_messages(chat.workspace.engine, session_id=chat.session_id)
    ]
    assert "think" not in shown and "should plan" not in shown
    assert stored[-1] == "The plan is ready."
    assert "Now tell" not in json.dumps(server.requests[-1]["messages"])  # not sent back either


def test_a_streamed_reply_arrives_piece_by_piece_without_its_thinking(chat, server):
    server.script(
        streamed("<think>", "the person ", "says hi", "</think>", "Hello", "! What ", "should",
                 " the video be about?", every=0.1)
    )  # fmt: skip
    arrived = []
    for event in chat.send("hi"):
        arrived.append((time.monotonic(), event))
    tokens = [(at, e.text) for at, e in arrived if e.kind == "token"]
    assert "".join(text for _, text in tokens) == "Hello! What should the video be about?"
    assert len(tokens) >= 3 and tokens[-1][0] - tokens[0][0] > 0.25  # shown as they came
    final = arrived[-1][1]
    assert final.text == "Hello! What should the video be about?"
    assert final.data["streamed"] == final.text


def test_a_base_url_without_v1_names_the_url_and_suggests_v1(workspace, server):
    settings = Settings(
        workspace=workspace.root, llm_base_url=server.root_url, llm_api_key="k", llm_model="m"
    )
    chat = Conversation(workspace, settings=settings, stitch=StitchOptions(captions=False))
    text = send_turn(chat, "hello")[-1].text
    assert f"HTTP 404 (not found) for {server.root_url}/chat/completions" in text
    assert f"REELCHAT_LLM_BASE_URL={server.root_url}/v1" in text
    assert "does not know the model" not in text


def test_output_is_capped_and_a_reply_cut_at_the_cap_says_so(chat, server):
    server.script(cut("The tides rise and fall because"))
    text = send_turn(chat, "explain tides")[-1].text
    assert server.requests[0]["max_tokens"] == Settings().llm_max_tokens
    assert text.startswith("The tides rise and fall because")
    assert "cut at the REELCHAT_LLM_MAX_TOKENS cap of 4096 tokens" in text


def test_a_tool_call_cut_at_the_cap_is_not_applied_as_a_shorter_one(chat, server):
    whole = json.dumps(PLAN)
    server.script(
        cut(calls=[tool_call("plan_storyboard", whole[: whole.index("Ship")])]),
        reply("Sorry, my plan was cut off."),
    )
    events = send_turn(chat, "a lighthouse video")
    result = next(e for e in events if e.kind == "tool_result")
    assert result.data["error"] and "REELCHAT_LLM_MAX_TOKENS" in result.text
    assert _versions(chat) == []  # not a one-shot storyboard from the cut-off arguments


def test_a_timeout_on_a_local_server_is_not_retried_and_says_no_answer_came(chat, server):
    server.script(stall(3.0), reply("late"))
    text = send_turn(chat, "hello?")[-1].text
    assert len(server.requests) == 1  # llm_max_retries=1, but a local timeout is not retried
    assert "sent no answer at all within 1.5 s" in text and "REELCHAT_LLM_TIMEOUT" in text


def test_an_answer_that_never_ends_is_named_and_the_offline_planner_takes_the_turn(chat, server):
    server.script(reply(calls=[tool_call("plan_storyboard", PLAN)]), reply("Planned."))
    send_turn(chat, "plan a lighthouse video")
    server.script(drip("hello " * 100, every=0.2))
    started = time.monotonic()
    text = send_turn(chat, "make shot 1 longer")[-1].text
    assert time.monotonic() - started < 30  # the whole body would take two minutes
    assert text.startswith("The language model started answering but did not finish within 1.5 s")
    assert "so the offline planner handled this turn" in text and "REELCHAT_LLM_MAX_TOKENS" in text
    assert len(_versions(chat)) == 2  # the edit was made


def test_local_endpoints_are_told_apart_from_remote_ones():
    for url in ("http://127.0.0.1:8080/v1", "http://localhost:11434", "http://[::1]:8000/v1"):
        assert is_local(url), url
    for url in ("https://api.openai.com/v1", "http://10.0.0.5:8000/v1", None):
        assert not is_local(url), url


def test_a_model_that_cannot_make_a_valid_call_hands_the_turn_to_the_offline_planner(chat, server):
    server.script(reply(calls=[tool_call("plan_storyboard", PLAN)]), reply("Planned."))
    send_turn(chat, "plan a lighthouse video")
    server.script(
        *[reply(calls=[tool_call("edit_storyboard", '{"operations": [')]) for _ in range(3)]
    )
    events = send_turn(chat, "make shot 1 longer")
    reply_text = events[-1].text
    first_sentence = reply_text.split("\n")[0]
    assert first_sentence.startswith("The language model could not make a working tool call in 3")
    assert first_sentence.endswith("so the offline planner handled this turn.")
    assert len(server.requests) == 2 + 3  # no fourth try
    versions = _versions(chat)
    assert len(versions) == 2 and versions[-1].storyboard.shots[0].duration > 1


def _break_last_turn(chat, args, call_id):
    """Leave the session's thread as a crash did: a model step whose tool call is unusable
    (an older release stored calls without ids; a broken endpoint, arguments that are no
    object), still waiting for its tools."""
    call = {"name": "plan_storyboard", "args": args, "id": call_id, "type": "tool_call"}
    step = AIMessage.model_construct(
        content="", tool_calls=[call], invalid_tool_calls=[], additional_kwargs={},
        response_metadata={}, type="ai", id="broken-step",
    )  # fmt: skip
    values = {"messages": [HumanMessage("a lighthouse video", id="asked"), step], "steps": 1}
    chat.graph.update_state(chat._config, values, as_node="agent")
    assert chat.interrupted


@pytest.mark.parametrize(
    ("args", "call_id", "shown"),
    [
        (PLAN, None, "Planned the lighthouse."),  # the call gets an id and the turn finishes
        ("not an object", "call_1", "The last turn could not be finished"),
        (None, "call_2", "The last turn could not be finished"),
    ],
)
def test_a_session_with_a_broken_last_turn_reopens(chat, server, monkeypatch, args, call_id, shown):
    _break_last_turn(chat, args, call_id)
    finished = ["Planned the lighthouse."] if shown.startswith("Planned") else []
    server.script(*[reply(text) for text in [*finished, "Hello again."]])
    monkeypatch.setenv("REELCHAT_WORKSPACE", str(chat.workspace.root))
    monkeypatch.setenv("REELCHAT_LLM_BASE_URL", server.base_url)
    monkeypatch.setenv("REELCHAT_LLM_API_KEY", "k")
    result = CliRunner().invoke(
        app, ["chat", "--session", chat.session_id, "--no-captions", "--no-narration"],
        input="hello\nquit\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output and shown in result.output
    assert "Hello again." in result.output  # the next message is a normal turn
    assert not chat.interrupted
    replies = [
        m.content
        for m in store.list_messages(chat.workspace.engine, session_id=chat.session_id)
        if m.role == "assistant"
    ]
    assert replies[-2].startswith(shown) and replies[-1] == "Hello again."


def test_render_progress_events_change_when_progress_does(chat, server):
    plan = {**PLAN, "fps": 24, "shots": [{**shot, "duration": 3} for shot in PLAN["shots"]]}
    server.script(
        reply(calls=[tool_call("plan_storyboard", plan)]),
        reply(calls=[tool_call("render", {})]),
        reply("Ready."),
    )
    events = [e for e in send_turn(chat, "a lighthouse video") if e.kind == "render"]
    shown = [(e.data["kind"], e.text) for e in events]
    assert all(a != b for a, b in zip(shown, shown[1:], strict=False))  # never the same line
    frames = 2 * 3 * 24  # before: an event per frame
    assert len(events) <= 2 * 12 + 10 < frames
    assert ("shot", "shot 1/2 running 50%") in shown and events[-1].data["kind"] == "done"


def test_a_turn_that_already_changed_something_is_stopped_not_handed_over(chat, server):
    server.script(reply(calls=[tool_call("plan_storyboard", PLAN)]), reply("Planned."))
    send_turn(chat, "plan a lighthouse video")
    restyle = {"operations": [{"op": "restyle_all", "style": "neon"}]}
    server.script(
        reply(calls=[tool_call("edit_storyboard", restyle)]),
        *[reply(calls=[tool_call("edit_storyboard", '{"operations": [')]) for _ in range(3)],
    )
    text = send_turn(chat, "neon style, and add a shot about the keeper")[-1].text
    assert text.startswith("The language model could not make a working tool call in 3 tries")
    assert "so I stopped; what it completed before is saved" in text
    assert "REELCHAT_LLM_BASE_URL" in text
    versions = _versions(chat)
    assert len(versions) == 2 and versions[-1].storyboard.style == "neon"  # applied once
