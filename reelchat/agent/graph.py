"""The agent graph: model -> tools -> model ... with LangGraph's prebuilt ToolNode.

Every turn is bounded (MAX_STEPS model calls). A model that fails (timeout, 429, 5xx), sends
malformed tool arguments, answers with a tool call written as JSON text, or loops, gets a
clear message or a bounded chance to correct itself; it never crashes the turn, and a change
is only ever applied whole by a tool.
"""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, SystemMessage, ToolMessage
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.prebuilt import ToolNode, tools_condition
from langgraph.runtime import Runtime

from reelchat import store
from reelchat.agent.failures import describe_model_failure
from reelchat.agent.history import for_model
from reelchat.agent.prompts import SYSTEM_PROMPT, context_block
from reelchat.agent.state import AgentState
from reelchat.errors import NotFound, ReelchatError
from reelchat.tools import actions
from reelchat.tools.context import ToolContext
from reelchat.tools.names import RENDER_TOOL
from reelchat.tools.registry import agent_tools

MAX_STEPS = 8
RECURSION_LIMIT = 2 * MAX_STEPS + 4


def _session_context(context: ToolContext) -> str:
    try:
        version = store.get_version(context.workspace.engine, session_id=context.session_id)
    except NotFound:
        return context_block(None, None, "")
    board = version.storyboard
    return context_block(board, version.number, actions.describe(board, version.number))


_JSON_BLOCK = re.compile(r"```(?:json)?\s*(\{.*\})\s*```|^\s*(\{.*\})\s*$", re.DOTALL)


def _tool_call_from_text(message: AIMessage, tool_names: set[str]) -> AIMessage:
    """A weak model may write the tool call as JSON text; read it as the call it meant."""
    if message.tool_calls or message.invalid_tool_calls or not isinstance(message.content, str):
        return message
    match = _JSON_BLOCK.search(message.content)
    if not match:
        return message
    try:
        data = json.loads(match[1] or match[2])
    except json.JSONDecodeError:
        return message
    name = data.get("name") or data.get("tool") if isinstance(data, dict) else None
    args = data.get("arguments", data.get("args", data.get("parameters"))) if name else None
    if isinstance(args, str):
        try:
            args = json.loads(args)
        except json.JSONDecodeError:
            return message
    if name not in tool_names or not isinstance(args, dict):
        return message
    call = {"name": name, "args": args, "id": f"call_{uuid.uuid4().hex[:12]}", "type": "tool_call"}
    return AIMessage(content="", tool_calls=[call], response_metadata=message.response_metadata)


def _render_alone(message: AIMessage) -> AIMessage:
    """Tools in one message run in parallel, so a render sent with edits would not see them:
    it is dropped (the model sees only the edits' results and asks for the render next), and
    several renders become one render of all the shots they named."""
    calls = message.tool_calls
    renders = [call for call in calls if call["name"] == RENDER_TOOL]
    if len(calls) < 2 or not renders:
        return message
    if len(renders) < len(calls):
        kept = [call for call in calls if call["name"] != RENDER_TOOL]
        return message.model_copy(update={"tool_calls": kept})
    named = [call["args"].get("shots") for call in renders]
    shots = None if any(not n for n in named) else sorted({s for n in named for s in n})
    merged = {**renders[0], "args": {"shots": shots} if shots else {}}
    return message.model_copy(update={"tool_calls": [merged]})


def _malformed_call_replies(message: AIMessage) -> list[ToolMessage]:
    """Error results for a message with malformed tool arguments: nothing in it is run."""
    if not message.invalid_tool_calls:
        return []
    replies = [
        ToolMessage(
            content="error: the arguments were not valid JSON "
            f"({call.get('error') or 'unreadable'}); call the tool again with valid JSON arguments",
            tool_call_id=call["id"] or "",
            name=call["name"] or "unknown",
            status="error",
        )
        for call in message.invalid_tool_calls
    ]
    replies += [
        ToolMessage(
            content="error: not run, because another call in the same message was malformed; "
            "send it again",
            tool_call_id=call["id"],
            name=call["name"],
            status="error",
        )
        for call in message.tool_calls
    ]
    return replies


def _tool_error(error: Exception) -> str:
    """What the model reads when a tool fails: the reason, so it can correct itself."""
    if isinstance(error, ReelchatError):
        return f"error: {error}"
    return f"error: {type(error).__name__}: {error}"


def _route(state: AgentState) -> str:
    if isinstance(state["messages"][-1], ToolMessage):
        return "agent"  # malformed calls were answered with errors: let the model retry
    return tools_condition(state)


def build_graph(
    model: BaseChatModel, *, checkpointer: BaseCheckpointSaver | None = None
) -> CompiledStateGraph:
    tools = agent_tools()
    tool_names = {tool.name for tool in tools}
    bound = model.bind_tools(tools)

    def agent(state: AgentState, runtime: Runtime[ToolContext]) -> dict[str, Any]:
        steps = state.get("steps", 0)
        if steps >= MAX_STEPS:
            return {
                "messages": [
                    AIMessage(
                        content=f"I stopped after {MAX_STEPS} steps without finishing. Every "
                        "change that was completed is saved; tell me what to do next."
                    )
                ]
            }
        system = SystemMessage(SYSTEM_PROMPT + "\n" + _session_context(runtime.context))
        history: list[BaseMessage] = [system, *for_model(state["messages"])]
        try:
            reply = bound.invoke(history)
        except Exception as error:  # noqa: BLE001 - any model failure becomes a clear reply
            failure = AIMessage(content=describe_model_failure(error, model))
            return {"messages": [failure], "steps": steps + 1}
        if not isinstance(reply, AIMessage):
            reply = AIMessage(content=str(reply.content))
        reply = _render_alone(_tool_call_from_text(reply, tool_names))
        return {"messages": [reply, *_malformed_call_replies(reply)], "steps": steps + 1}

    graph = StateGraph(AgentState, context_schema=ToolContext)
    graph.add_node("agent", agent)
    graph.add_node("tools", ToolNode(tools, handle_tool_errors=_tool_error))
    graph.add_edge(START, "agent")
    graph.add_conditional_edges("agent", _route, ["tools", "agent", "__end__"])
    graph.add_edge("tools", "agent")
    return graph.compile(checkpointer=checkpointer)
