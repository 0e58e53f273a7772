"""The offline planner behaves like any LangChain chat model."""

import asyncio

from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from reelchat.agent.planner import OfflinePlanner
from reelchat.agent.prompts import system_message
from reelchat.agent.session import SessionState
from reelchat.tools.registry import agent_tools
from tests.conftest import make_storyboard

NO_BOARD = system_message(None)
WITH_BOARD = system_message(SessionState(version=1, storyboard=make_storyboard(1)))
REQUEST = HumanMessage("a 10 second explainer on rainbows, 2 shots")


def _model():
    return OfflinePlanner().bind_tools(agent_tools())


def test_invoke_answers_a_request_with_a_tool_call():
    message = _model().invoke([NO_BOARD, REQUEST])
    assert isinstance(message, AIMessage)
    (call,) = message.tool_calls
    assert call["name"] == "plan_storyboard" and len(call["args"]["shots"]) == 2
    assert message.response_metadata["model_name"] == "reelchat-offline-planner"


def test_async_batch_and_stream_agree_with_invoke():
    model = _model()
    conversation = [WITH_BOARD, HumanMessage("blorp")]
    sync = model.invoke(conversation)
    (async_reply,) = asyncio.run(model.abatch([conversation]))
    chunks = list(model.stream(conversation))
    assert len(chunks) > 3
    streamed = chunks[0]
    for chunk in chunks[1:]:
        streamed += chunk
    assert sync.content == async_reply.content == streamed.content
    assert 'did not understand "blorp"' in sync.content


def test_streamed_tool_calls_are_whole():
    chunks = list(_model().stream([NO_BOARD, REQUEST]))
    merged = chunks[0]
    for chunk in chunks[1:]:
        merged += chunk
    assert merged.tool_calls[0]["name"] == "plan_storyboard"
    assert len(merged.tool_calls[0]["args"]["shots"]) == 2


def test_after_a_change_it_renders_then_replies():
    model = _model()
    first = model.invoke([NO_BOARD, REQUEST])
    result = ToolMessage(
        "Saved a new plan.\nStoryboard ...", tool_call_id=first.tool_calls[0]["id"]
    )
    second = model.invoke([NO_BOARD, REQUEST, first, result])
    assert second.tool_calls[0]["name"] == "render"
    rendered = ToolMessage("Video ready: videos/x.mp4", tool_call_id=second.tool_calls[0]["id"])
    final = model.invoke([NO_BOARD, REQUEST, first, result, second, rendered])
    assert not final.tool_calls
    assert "Saved a new plan." in final.content and "Video ready" in final.content


def test_a_failed_tool_ends_the_turn_with_the_reason():
    model = _model()
    first = model.invoke([NO_BOARD, REQUEST])
    failed = ToolMessage(
        "error: shot 2 duration too long", tool_call_id=first.tool_calls[0]["id"], status="error"
    )
    final = model.invoke([NO_BOARD, REQUEST, first, failed])
    assert not final.tool_calls and "could not do that: error: shot 2" in final.content
