"""The agent graph: model -> tools -> model ... with LangGraph's prebuilt ToolNode.

Every turn is bounded (MAX_STEPS model calls). A model that fails (timeout, 429, 5xx), sends
malformed or oversized tool arguments, answers with a tool call written as text, or loops, gets
a clear message or a bounded chance to correct itself (then the offline planner takes the
turn); it never crashes the turn, and a change is only ever applied whole by a tool.
"""

from __future__ import annotations

import json
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    HumanMessage,
    ToolMessage,
)
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.constants import TAG_NOSTREAM
from langgraph.graph import START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.prebuilt import ToolNode, tools_condition
from langgraph.runtime import Runtime

from reelchat.agent import replies
from reelchat.agent.failures import describe_model_failure
from reelchat.agent.history import for_model
from reelchat.agent.prompts import system_message
from reelchat.agent.session import load_state
from reelchat.agent.state import AgentState
from reelchat.errors import ReelchatError
from reelchat.tools.context import ToolContext
from reelchat.tools.media import load_media
from reelchat.tools.names import RENDER_TOOL
from reelchat.tools.registry import agent_tools

MAX_STEPS = 8
MAX_FAILED_STEPS = 3
"""Steps with a failed tool call after which the offline planner takes over the turn."""
OFFLINE_FALLBACK = "reelchat_offline_fallback"
RECURSION_LIMIT = 2 * MAX_STEPS + 4


def _text_of(message: BaseMessage) -> str:
    """A message's text; content blocks (a list) are joined."""
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(
        block if isinstance(block, str) else str(block.get("text", ""))
        for block in content
        if isinstance(block, str) or (isinstance(block, dict) and block.get("type") == "text")
    )


def _cut_at_cap(message: AIMessage) -> bool:
    return message.response_metadata.get("finish_reason") == "length"


def _complete_calls(
    message: AIMessage, calls: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The calls whose streamed arguments were complete JSON, and the rest as invalid calls
    (LangChain's partial-JSON merge would read a cut-off call as a shorter complete one)."""
    raw = message.additional_kwargs.get(replies.RAW_ARGUMENTS)
    if not isinstance(raw, list) or len(raw) != len(calls):
        return calls, []
    complete, cut_off = [], []
    for call, text in zip(calls, raw, strict=True):
        try:
            json.loads(text or "{}")
        except (ValueError, RecursionError):
            cut_off.append(
                {"type": "invalid_tool_call", "name": call["name"], "id": call["id"],
                 "args": text, "error": "its arguments were not valid JSON (cut off or malformed)"}
            )  # fmt: skip
            continue
        complete.append(call)
    return complete, cut_off


def tidy(message: AIMessage, tool_names: set[str], max_tokens: int | None) -> AIMessage:
    """A model's answer as reelchat keeps it: thinking removed, tool calls written as text read
    as calls, every call with an id, oversized arguments refused, the text capped, and a reply
    cut at the token cap saying so."""
    text = replies.without_thinking(_text_of(message))
    calls = [{**call, "id": call.get("id") or replies.new_call_id()} for call in message.tool_calls]
    calls, cut_off = _complete_calls(message, calls)
    invalid = [
        {**call, "id": call.get("id") or replies.new_call_id()}
        for call in message.invalid_tool_calls
    ]
    invalid += cut_off
    if not calls and not invalid:
        calls, text = replies.tool_calls_in_text(text, tool_names)
    too_big = replies.MAX_TOOL_ARGS_CHARS
    oversized = [c for c in [*calls, *invalid] if replies.arguments_size(c.get("args")) > too_big]
    if oversized:
        calls = [c for c in calls if c not in oversized]
        invalid = [c for c in invalid if c not in oversized]
        invalid += [
            {
                "type": "invalid_tool_call",
                "name": c.get("name"),
                "id": c["id"],
                "args": "",
                "error": f"the arguments were {replies.arguments_size(c.get('args')):,} "
                f"characters; the limit is {too_big:,}",
            }
            for c in oversized
        ]
    if _cut_at_cap(message) and not calls:
        note = f"[reply cut at the REELCHAT_LLM_MAX_TOKENS cap of {max_tokens} tokens]"
        text = f"{text}\n\n{note}" if text else note
        invalid = [
            {**c, "error": f"{c.get('error') or 'unreadable'}; the answer was cut at the "
             f"REELCHAT_LLM_MAX_TOKENS cap of {max_tokens} tokens"}
            for c in invalid
        ]  # fmt: skip
    return AIMessage(
        content=replies.capped(text),
        tool_calls=calls,
        invalid_tool_calls=invalid,
        id=message.id,
        additional_kwargs={
            k: v for k, v in message.additional_kwargs.items() if k != replies.RAW_ARGUMENTS
        },
        response_metadata=message.response_metadata,
        usage_metadata=message.usage_metadata,
    )


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
    answers = [
        ToolMessage(
            content="error: the call could not be used "
            f"({(call.get('error') or 'its arguments were not valid JSON')[:300]}); "
            "call the tool again with valid, smaller JSON arguments",
            tool_call_id=call["id"] or "",
            name=call["name"] or "unknown",
            status="error",
        )
        for call in message.invalid_tool_calls
    ]
    answers += [
        ToolMessage(
            content="error: not run, because another call in the same message was malformed; "
            "send it again",
            tool_call_id=call["id"],
            name=call["name"],
            status="error",
        )
        for call in message.tool_calls
    ]
    return answers


MAX_TOOL_ERROR_CHARS = 2_000


def _tool_error(error: Exception) -> str:
    """What the model reads when a tool fails: the reason, so it can correct itself (capped:
    some errors echo the call's whole arguments)."""
    text = (
        f"error: {error}"
        if isinstance(error, ReelchatError)
        else (f"error: {type(error).__name__}: {error}")
    )
    if len(text) > MAX_TOOL_ERROR_CHARS:
        text = text[:MAX_TOOL_ERROR_CHARS] + f"… [{len(text):,} characters, cut]"
    return text


def _route(state: AgentState) -> str:
    if isinstance(state["messages"][-1], ToolMessage):
        return "agent"  # malformed calls were answered with errors: let the model retry
    return tools_condition(state)


def _this_turn(messages: list[BaseMessage]) -> int:
    """Index of the first message after the person's last one."""
    for index in range(len(messages) - 1, -1, -1):
        if isinstance(messages[index], HumanMessage):
            return index + 1
    return 0


def _failed_steps(turn: list[BaseMessage]) -> tuple[int, str]:
    """How many of the model's steps in this turn had a failed tool call, and the last error."""
    failed, last, step_failed = 0, "", False
    for message in turn:
        if isinstance(message, AIMessage):
            step_failed = False
        elif isinstance(message, ToolMessage) and message.status == "error" and not step_failed:
            step_failed, failed, last = True, failed + 1, _text_of(message)
    return failed, last


def _failed_reason(tries: int, error: str) -> str:
    last = error.removeprefix("error: ").splitlines()[0][:200] if error else "no usable call"
    return f"The language model could not make a working tool call in {tries} tries (last: {last})"


def _never_ended(error: BaseException) -> bool:
    """True when the model answered but never finished (a small model rambling)."""
    from reelchat.agent.transport import ModelTimeout

    for _ in range(5):
        if isinstance(error, ModelTimeout):
            return error.received > 0
        if (error := error.__cause__ or error.__context__) is None:  # type: ignore[assignment]
            return False
    return False


def build_graph(
    model: BaseChatModel, *, checkpointer: BaseCheckpointSaver | None = None
) -> CompiledStateGraph:
    """The agent graph for `model`. When `model` is an endpoint that fails to make a working tool
    call in MAX_FAILED_STEPS steps of one turn, or starts an answer it never finishes within
    its deadline, the offline planner takes the rest of the turn and its reply says so."""
    from reelchat.agent.planner import OfflinePlanner

    tools = agent_tools()
    tool_names = {tool.name for tool in tools}
    bound = model.bind_tools(tools)
    offline = None if isinstance(model, OfflinePlanner) else OfflinePlanner().bind_tools(tools)
    max_tokens = getattr(model, "max_tokens", None)

    def offline_step(history: list[BaseMessage], note: str, steps: int) -> dict[str, Any]:
        """One step of the offline planner in a turn it took over; its reply starts with
        `note` (why it took over), kept on each of its messages until then."""
        assert offline is not None
        reply = offline.invoke(history, config={"tags": [TAG_NOSTREAM]})  # shown whole, with note
        reply.response_metadata = {**reply.response_metadata, OFFLINE_FALLBACK: note}
        if not reply.tool_calls:
            reply.content = f"{note}\n\n{_text_of(reply)}".strip()
        return {"messages": [reply], "steps": steps + 1}

    def hand_over(
        messages: list[BaseMessage], start: int, reason: str, steps: int, advice: str = ""
    ) -> dict[str, Any]:
        """The offline planner takes the turn from its start, saying `reason`; but a turn in
        which a tool already did something is stopped instead (the planner would repeat it)."""
        if any(isinstance(m, ToolMessage) and m.status != "error" for m in messages[start:]):
            stop = (
                f"{reason}, so I stopped; what it completed before is saved. Send the message "
                f"again, or unset REELCHAT_LLM_BASE_URL to use the offline planner. {advice}"
            ).strip()
            return {"messages": [AIMessage(content=stop)], "steps": steps + 1}
        note = f"{reason}, so the offline planner handled this turn. {advice}".strip()
        return offline_step(list(messages[:start]), note, steps)

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
        workspace, session_id = runtime.context.workspace, runtime.context.session_id
        system = system_message(
            load_state(workspace, session_id), load_media(workspace, session_id)
        )
        messages = state["messages"]
        start = _this_turn(messages)
        turn = messages[start:]
        handover = next(
            (i for i, m in enumerate(turn) if m.response_metadata.get(OFFLINE_FALLBACK)), None
        )
        if offline is not None and handover is not None:
            note = str(turn[handover].response_metadata[OFFLINE_FALLBACK])
            return offline_step([system, *messages[:start], *turn[handover:]], note, steps)
        failed, error = _failed_steps(turn)
        if offline is not None and failed >= MAX_FAILED_STEPS:
            return hand_over([system, *messages], start + 1, _failed_reason(failed, error), steps)
        try:
            reply = bound.invoke([system, *for_model(messages)])
        except Exception as failure:  # noqa: BLE001 - any model failure becomes a clear reply
            if offline is not None and _never_ended(failure):
                reason = describe_model_failure(failure, model).split(". ")[0]
                advice = (
                    "A small model may ramble: lower REELCHAT_LLM_MAX_TOKENS or raise "
                    "REELCHAT_LLM_TIMEOUT."
                )
                return hand_over([system, *messages], start + 1, reason, steps, advice)
            reason_message = AIMessage(content=describe_model_failure(failure, model))
            return {"messages": [reason_message], "steps": steps + 1}
        if not isinstance(reply, AIMessage):
            reply = AIMessage(content=str(reply.content))
        if offline is not None:  # an endpoint's answer; the offline planner's is reelchat's own
            reply = tidy(reply, tool_names, max_tokens)
        reply = _render_alone(reply)
        return {"messages": [reply, *_malformed_call_replies(reply)], "steps": steps + 1}

    graph = StateGraph(AgentState, context_schema=ToolContext)
    graph.add_node("agent", agent)
    graph.add_node("tools", ToolNode(tools, handle_tool_errors=_tool_error))
    graph.add_edge(START, "agent")
    graph.add_conditional_edges("agent", _route, ["tools", "agent", "__end__"])
    graph.add_edge("tools", "agent")
    return graph.compile(checkpointer=checkpointer)
