"""The offline planner: a LangChain chat model that plans and edits videos with no LLM at all.

It reads the conversation like any chat model (the system context with the current storyboard,
the person's last message, the tool results of this turn) and answers the way an LLM would:
with tool calls, one step at a time, then a short reply. The graph cannot tell it from
ChatOpenAI. Steps still to take in a turn travel in the AI message's `additional_kwargs`, so a
turn resumed from a checkpoint goes on where it stopped.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool

from reelchat.agent.confirm import confirmed_render
from reelchat.agent.parse.reading import read_message
from reelchat.agent.session import MEDIA_KEY, STATE_KEY, SessionState
from reelchat.tools.actions import summary_line
from reelchat.tools.media import SessionMedia
from reelchat.tools.names import RENDER_AFTER

PENDING = "reelchat_pending"
NOTES = "reelchat_notes"
FOCUS = "reelchat_focus"
"""The shot last talked about, kept on the planner's messages so "it" works in the next turn."""


def session_state(messages: Sequence[BaseMessage]) -> SessionState | None:
    """The session state the graph attached to the system message (None: no storyboard)."""
    for message in messages:
        if isinstance(message, SystemMessage) and message.additional_kwargs.get(STATE_KEY):
            return SessionState.model_validate(message.additional_kwargs[STATE_KEY])
    return None


def session_media(messages: Sequence[BaseMessage]) -> SessionMedia:
    """The session's media list and brand kit the graph attached to the system message."""
    for message in messages:
        if isinstance(message, SystemMessage) and message.additional_kwargs.get(MEDIA_KEY):
            return SessionMedia.model_validate(message.additional_kwargs[MEDIA_KEY])
    return SessionMedia()


def _focus(messages: Sequence[BaseMessage]) -> int | None:
    for message in reversed(messages):
        if isinstance(message, AIMessage) and FOCUS in message.additional_kwargs:
            return message.additional_kwargs[FOCUS]
    return None


def _this_turn(messages: Sequence[BaseMessage]) -> tuple[str, list[BaseMessage]]:
    """The person's last message and everything after it."""
    for index in range(len(messages) - 1, -1, -1):
        if isinstance(messages[index], HumanMessage):
            return str(messages[index].content), list(messages[index + 1 :])
    return "", list(messages)


def _call(name: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"name": name, "args": args, "id": f"call_{uuid.uuid4().hex[:12]}", "type": "tool_call"}


def _step(calls: list[list[Any]], notes: list[str], focus: int | None) -> AIMessage:
    name, args = calls[0]
    return AIMessage(
        content="",
        tool_calls=[_call(name, args)],
        additional_kwargs={PENDING: calls[1:], NOTES: notes, FOCUS: focus},
    )


def _reply(turn: list[BaseMessage], notes: list[str], focus: int | None) -> AIMessage:
    results = [m for m in turn if isinstance(m, ToolMessage)]
    lines = [summary_line(str(m.content)) for m in results if m.status != "error"]
    failed = [m for m in results if m.status == "error"]
    if failed:
        detail = str(failed[-1].content).strip()
        lines.append(f"I could not do that: {detail}")
    lines.extend(notes)
    return AIMessage(
        content="\n".join(line for line in lines if line) or "Done.",
        additional_kwargs={FOCUS: focus},
    )


def plan_next(messages: Sequence[BaseMessage]) -> AIMessage:
    """The planner's next message for a conversation: a tool call or a reply."""
    text, turn = _this_turn(messages)
    if not turn:
        confirmed = confirmed_render(text, messages)
        if confirmed is not None:
            return _step([["render", confirmed]], [], _focus(messages[:-1]))
        reading = read_message(
            text, session_state(messages), _focus(messages[:-1]), session_media(messages)
        )
        notes = reading.notes()
        if not reading.calls:
            return AIMessage(content="\n".join(notes), additional_kwargs={FOCUS: reading.focus})
        calls = [[c.name, c.args.model_dump(mode="json", exclude_none=True)] for c in reading.calls]
        if any(name in RENDER_AFTER for name, _ in calls) and calls[-1][0] != "render":
            calls.append(["render", {}])
        return _step(calls, notes, reading.focus)
    steps = [i for i, m in enumerate(turn) if isinstance(m, AIMessage) and m.tool_calls]
    last_step = turn[steps[-1]] if steps else AIMessage(content="")
    pending = list(last_step.additional_kwargs.get(PENDING, []))
    notes = list(last_step.additional_kwargs.get(NOTES, []))
    focus = last_step.additional_kwargs.get(FOCUS)
    after = turn[steps[-1] + 1 :] if steps else []
    errors = [m for m in after if isinstance(m, ToolMessage) and m.status == "error"]
    if pending and not errors:
        return _step(pending, notes, focus)
    return _reply(turn, notes, focus)


def _without_tools(message: AIMessage) -> str:
    """What the planner says when the tools it would call are not bound (a plain chat)."""
    notes = [line for line in message.additional_kwargs.get(NOTES, []) if line]
    names = ", ".join(call["name"] for call in message.tool_calls)
    return "\n".join([f"I would call {names}, but those tools are not available here.", *notes])


class OfflinePlanner(BaseChatModel):
    """Plans with the use-case templates and understands common edits; needs no key or network."""

    model_name: str = "reelchat-offline-planner"

    @property
    def _llm_type(self) -> str:
        return "reelchat-offline-planner"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_name": self.model_name}

    def bind_tools(
        self, tools: Sequence[dict[str, Any] | type | BaseTool], **kwargs: Any
    ) -> Runnable[LanguageModelInput, AIMessage]:
        return self.bind(tools=[convert_to_openai_tool(tool) for tool in tools], **kwargs)

    def _answer(self, messages: list[BaseMessage], tools: list[dict[str, Any]] | None) -> AIMessage:
        message = plan_next(messages)
        if tools is not None and message.tool_calls:
            offered = {tool["function"]["name"] for tool in tools}
            if not {call["name"] for call in message.tool_calls} <= offered:
                message = AIMessage(content=_without_tools(message))
        message.response_metadata = {"model_name": self.model_name, "finish_reason": "stop"}
        return message

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        message = self._answer(messages, kwargs.get("tools"))
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        message = self._answer(messages, kwargs.get("tools"))
        words = str(message.content).split(" ")
        for index, word in enumerate(words):
            piece = word if index == len(words) - 1 else word + " "
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                additional_kwargs=message.additional_kwargs,
                response_metadata=message.response_metadata,
                tool_call_chunks=[
                    {
                        "name": call["name"],
                        "args": json.dumps(call["args"]),
                        "id": call["id"],
                        "index": index,
                    }
                    for index, call in enumerate(message.tool_calls)
                ],  # fmt: skip
            )
        )
