"""What of a model's text reaches the person and the tools.

Local servers answer in their own ways: a reasoning model prefixes `<think>…</think>`, a server
started without a tool parser writes the tool call as text (`<tool_call>{…}</tool_call>` from
Hermes/Qwen templates, a fenced JSON block, or bare JSON), and a runaway model writes megabytes.
Everything here runs in time linear in the text (plain `str.find` scans and one JSON decode
per candidate, no backtracking regex) and refuses text over its caps.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

MAX_REPLY_CHARS = 8_000
"""Most characters of a reply stored and shown; the rest is cut with a note saying so."""
MAX_TOOL_ARGS_CHARS = 100_000
"""Most characters of one tool call's arguments (a 24-shot storyboard with narration is ~50 k)."""
RAW_ARGUMENTS = "reelchat_raw_arguments"
"""additional_kwargs key set by `reelchat.agent.endpoint`: tool arguments exactly as streamed."""
MAX_CANDIDATES = 16
"""Most text blocks tried as a tool call in one reply."""

THINK_OPEN, THINK_CLOSE = "<think>", "</think>"
CALL_OPEN, CALL_CLOSE = "<tool_call>", "</tool_call>"
FENCE = "```"


def without_thinking(text: str) -> str:
    """`text` without `<think>…</think>` blocks. An unclosed block hides the rest of the text,
    and a `</think>` with no opening (templates that put `<think>` in the prompt) hides what
    came before it."""
    head = text.find(THINK_CLOSE)
    if head != -1 and text.find(THINK_OPEN, 0, head) == -1:
        text = text[head + len(THINK_CLOSE) :]
    parts: list[str] = []
    position = 0
    while (start := text.find(THINK_OPEN, position)) != -1:
        parts.append(text[position:start])
        end = text.find(THINK_CLOSE, start)
        if end == -1:
            position = len(text)
            break
        position = end + len(THINK_CLOSE)
    parts.append(text[position:])
    return "".join(parts).strip()


def visible(text: str) -> str:
    """The part of a reply still being written that a person should see: no thinking, and
    nothing from a tool call written as text onwards."""
    text = without_thinking(text)
    cut = text.find(CALL_OPEN)
    return text if cut == -1 else text[:cut].rstrip()


def capped(text: str) -> str:
    """`text` cut at MAX_REPLY_CHARS, saying so."""
    if len(text) <= MAX_REPLY_CHARS:
        return text
    return (
        text[:MAX_REPLY_CHARS].rstrip()
        + f"\n\n[reply cut: the model wrote {len(text):,} characters; "
        f"reelchat keeps the first {MAX_REPLY_CHARS:,}]"
    )


def _blocks(text: str, opening: str, closing: str) -> list[tuple[int, int]]:
    """(start, end) of the inside of each `opening…closing` block, left to right, at most
    MAX_CANDIDATES; an unclosed last block runs to the end."""
    found: list[tuple[int, int]] = []
    position = 0
    while len(found) < MAX_CANDIDATES and (start := text.find(opening, position)) != -1:
        inside = start + len(opening)
        end = text.find(closing, inside)
        found.append((inside, len(text) if end == -1 else end))
        position = len(text) if end == -1 else end + len(closing)
    return found


def _decode(text: str) -> Any:
    """The first JSON object in `text` (from its first '{'), or None."""
    start = text.find("{")
    if start == -1:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(text, start)
    except (ValueError, RecursionError):
        return None
    return value


def _as_call(data: Any, tool_names: set[str]) -> dict[str, Any] | None:
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("function"), dict):  # OpenAI's own shape, written as text
        data = data["function"]
    name = data.get("name") or data.get("tool")
    args = data.get("arguments", data.get("args", data.get("parameters", {})))
    if isinstance(args, str):
        try:
            args = json.loads(args)
        except (ValueError, RecursionError):
            return None
    if not isinstance(name, str) or name not in tool_names or not isinstance(args, dict):
        return None
    return {"name": name, "args": args, "id": new_call_id(), "type": "tool_call"}


def tool_calls_in_text(text: str, tool_names: set[str]) -> tuple[list[dict[str, Any]], str]:
    """Tool calls written as text, and the text left around them.

    Reads `<tool_call>` blocks, else fenced blocks, else the whole text as bare JSON; a block
    that is not a call to one of `tool_names` is left as text. Text longer than
    MAX_TOOL_ARGS_CHARS plus a margin is not read as calls at all. Linear in len(text).
    """
    if len(text) > MAX_TOOL_ARGS_CHARS + 10_000:
        return [], text
    for opening, closing in ((CALL_OPEN, CALL_CLOSE), (FENCE, FENCE)):
        calls: list[dict[str, Any]] = []
        kept: list[str] = []
        position = 0
        for start, end in _blocks(text, opening, closing):
            call = _as_call(_decode(text[start:end]), tool_names)
            if call is None:
                continue
            calls.append(call)
            kept.append(text[position : start - len(opening)])
            position = min(len(text), end + len(closing))
        if calls:
            kept.append(text[position:])
            return calls, "".join(kept).strip()
    if text.lstrip().startswith("{"):
        call = _as_call(_decode(text), tool_names)
        if call is not None:
            return [call], ""
    return [], text


def new_call_id() -> str:
    """A tool-call id like OpenAI's, for calls that arrived without one."""
    return f"call_{uuid.uuid4().hex[:12]}"


def arguments_size(args: Any) -> int:
    """Characters of a tool call's arguments as JSON (a raw string counts as it is)."""
    if args is None:
        return 0
    return len(args) if isinstance(args, str) else len(json.dumps(args, default=str))
