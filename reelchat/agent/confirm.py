"""A person's 'yes' to a render that asked first (REELCHAT_CONFIRM_OVER), for the offline
planner: the render runs again with the same arguments, confirmed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import regex
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from reelchat.tools.actions import ASKED

_YES = regex.compile(
    r"^\s*(yes|yeah|yep|ok|okay|sure|go ahead|do it|please do|render it)\b", regex.IGNORECASE
)


def confirmed_render(text: str, messages: Sequence[BaseMessage]) -> dict[str, Any] | None:
    """The render arguments to run with `confirmed` when `text` says yes right after the
    render tool asked; None otherwise (the message is read as usual)."""
    if not _YES.match(text):
        return None
    earlier = list(messages)
    while earlier and isinstance(earlier[-1], HumanMessage):
        earlier.pop()  # the 'yes' itself
    asked = next((m for m in reversed(earlier) if isinstance(m, ToolMessage)), None)
    if asked is None or asked.name != "render" or not str(asked.content).startswith(ASKED):
        return None
    for message in reversed(earlier):
        if isinstance(message, AIMessage):
            for call in message.tool_calls:
                if call["id"] == asked.tool_call_id:
                    return {**call["args"], "confirmed": True}
    return {"confirmed": True}
