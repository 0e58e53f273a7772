"""ChatOpenAI as reelchat uses it: streamed, capped, bounded in time, raw tool arguments kept.

Imported only when an endpoint is configured (langchain-openai is not needed offline).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
from langchain_core.messages import AIMessageChunk
from langchain_core.outputs import ChatGenerationChunk
from langchain_openai import ChatOpenAI

from reelchat.agent.replies import RAW_ARGUMENTS
from reelchat.agent.transport import BoundedTransport, is_local
from reelchat.config import Settings

MAX_RESPONSE_BYTES = 4_000_000
"""Most bytes read from one model answer. A full storyboard at the default token cap streams
as about 1 MB of server-sent events (each token is a ~250-byte JSON chunk)."""


OPENAI_API = "https://api.openai.com/v1"


class StreamedChatOpenAI(ChatOpenAI):
    """ChatOpenAI that also reports each tool call's raw argument text.

    LangChain merges streamed tool-call arguments with a forgiving partial-JSON parser, so an
    answer cut off mid-call (`{"shots": [` at the token cap) would read as a complete call with
    fewer shots. The raw text lets the graph refuse such a call instead.
    """

    def _get_request_payload(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        """OpenAI's own API reads `max_completion_tokens`; llama.cpp, Ollama and most other
        OpenAI-compatible servers read only `max_tokens` and ignore the other, so a small
        model would ramble to the end of its context."""
        payload = super()._get_request_payload(*args, **kwargs)
        host = httpx2.URL(self.openai_api_base or OPENAI_API).host
        if host != httpx2.URL(OPENAI_API).host and "max_completion_tokens" in payload:
            payload["max_tokens"] = payload.pop("max_completion_tokens")
        return payload

    def _stream(self, *args: Any, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        raw: dict[int, str] = {}
        for chunk in super()._stream(*args, **kwargs):
            for piece in getattr(chunk.message, "tool_call_chunks", None) or []:
                index = piece.get("index") or 0
                raw[index] = raw.get(index, "") + (piece.get("args") or "")
            yield chunk
        if raw:
            arguments = [raw[index] for index in sorted(raw)]
            message = AIMessageChunk(content="", additional_kwargs={RAW_ARGUMENTS: arguments})
            yield ChatGenerationChunk(message=message)


def endpoint_model(settings: Settings) -> StreamedChatOpenAI:
    """The endpoint's chat model. Its answer streams (so a person sees the model working), is
    capped at `settings.llm_max_tokens` tokens, and each call has a total deadline of
    `settings.llm_timeout` seconds and a MAX_RESPONSE_BYTES cap (`reelchat.agent.transport`).
    A timeout from a server on this machine is not retried (it is busy or stuck); 429 and 5xx
    answers keep `settings.llm_max_retries` retries."""
    transport = BoundedTransport(
        seconds=settings.llm_timeout,
        max_bytes=MAX_RESPONSE_BYTES,
        retry_timeouts=not is_local(settings.llm_base_url),
    )
    return StreamedChatOpenAI(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        api_key=settings.llm_api_key or "not-needed",  # local servers (vLLM, Ollama) want none
        timeout=settings.llm_timeout,
        max_retries=settings.llm_max_retries,
        max_tokens=settings.llm_max_tokens,
        temperature=0.3,
        streaming=True,
        http_client=httpx2.Client(transport=transport, timeout=settings.llm_timeout),
    )
