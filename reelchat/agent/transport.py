"""Bounded HTTP for one model call: a total deadline, a size cap, and no blind retry locally.

The openai SDK's timeout is per read, so a server that sends one byte every two seconds is
never timed out, and a 10 MB answer is read whole. This transport (the httpx layer under the
SDK) checks a deadline for the whole call and a byte cap at every chunk it receives, and names
what happened: no answer at all, or an answer that never ended. A timeout from a server on this
machine is not retried (it is busy or stuck; asking again only doubles the wait), while a remote
endpoint keeps the SDK's retries. A server that answers a streaming request with one JSON
completion (some proxies ignore `stream`) is read as that completion, sent as one chunk.
"""

from __future__ import annotations

import ipaddress
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx2
import openai

LOCAL_HOSTS = {"localhost", "localhost.localdomain", "host.docker.internal"}


def is_local(url: str | None) -> bool:
    """True for an endpoint on this machine (loopback address or localhost)."""
    host = httpx2.URL(url or "").host if url else ""
    if host in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class ModelTimeout(openai.APITimeoutError):
    """The call ran past its deadline; `received` is how many bytes of the answer arrived."""

    def __init__(self, request: httpx2.Request, *, seconds: float, received: int) -> None:
        super().__init__(request=request)
        self.seconds, self.received = seconds, received
        self.message = (
            f"no answer within {seconds:g} s"
            if received == 0
            else f"an answer that never ended ({received:,} bytes in {seconds:g} s)"
        )


class ReplyTooLarge(openai.OpenAIError):
    """The answer grew past the byte cap; reading stopped there."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the answer passed {limit // 1_000_000} MB; reading stopped there")
        self.limit = limit


class UnreadableAnswer(openai.OpenAIError):
    """A 200 answer that is not a chat completion (an HTML error page, `{"choices": []}`)."""

    def __init__(self, body: bytes) -> None:
        start = body[:80].decode("utf-8", "replace")
        super().__init__(f"an answer that is not a chat completion (it began: {start!r})")


class _BoundedStream(httpx2.SyncByteStream):
    def __init__(self, inner: Any, request: httpx2.Request, call: _Call) -> None:
        self._inner, self._request, self._call = inner, request, call

    def __iter__(self) -> Iterator[bytes]:
        call = self._call
        for chunk in self._inner:
            call.received += len(chunk)
            if call.received > call.max_bytes:
                raise ReplyTooLarge(call.max_bytes)
            if time.monotonic() > call.deadline:
                raise ModelTimeout(self._request, seconds=call.seconds, received=call.received)
            yield chunk

    def close(self) -> None:
        self._inner.close()


class _Call:
    def __init__(self, seconds: float, max_bytes: int) -> None:
        self.seconds, self.max_bytes = seconds, max_bytes
        self.deadline = time.monotonic() + seconds
        self.received = 0


class BoundedTransport(httpx2.BaseTransport):
    """An httpx2 transport that bounds each request by `seconds` in all and `max_bytes`.

    `retry_timeouts=False` raises the timeout as an `openai.APITimeoutError` subclass, which
    the SDK passes on without retrying (it retries only httpx timeouts).
    """

    def __init__(self, *, seconds: float, max_bytes: int, retry_timeouts: bool) -> None:
        self._inner = httpx2.HTTPTransport()
        self.seconds, self.max_bytes, self.retry_timeouts = seconds, max_bytes, retry_timeouts

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        call = _Call(self.seconds, self.max_bytes)
        try:
            response = self._inner.handle_request(request)
        except httpx2.TimeoutException:
            if self.retry_timeouts:
                raise
            raise ModelTimeout(request, seconds=self.seconds, received=0) from None
        stream = _BoundedStream(response.stream, request, call)
        if _asked_to_stream(request) and _is_json(response):
            stream = _as_event_stream(stream)
            response.headers["content-type"] = "text/event-stream"
            if "content-length" in response.headers:
                del response.headers["content-length"]
        response.stream = stream
        return response

    def close(self) -> None:
        self._inner.close()


def _asked_to_stream(request: httpx2.Request) -> bool:
    if request.method != "POST" or not request.url.path.endswith("/chat/completions"):
        return False
    try:
        return bool(json.loads(request.content).get("stream"))
    except (ValueError, AttributeError):
        return False


def _is_json(response: httpx2.Response) -> bool:
    """A 200 answer that is not an event stream (it should be a whole completion)."""
    kind = response.headers.get("content-type", "")
    return response.status_code == 200 and not kind.startswith("text/event-stream")


class _as_event_stream(httpx2.SyncByteStream):  # noqa: N801 - reads as what it does
    """One JSON chat completion re-sent as a single server-sent event and `[DONE]`."""

    def __init__(self, inner: _BoundedStream) -> None:
        self._inner = inner

    def __iter__(self) -> Iterator[bytes]:
        body = b"".join(self._inner)
        try:
            completion = json.loads(body)
            chunk = {**completion, "object": "chat.completion.chunk"}
            chunk["choices"] = [_as_delta(choice) for choice in completion["choices"]]
        except (ValueError, KeyError, TypeError, AttributeError, RecursionError):
            chunk = {}
        if not chunk.get("choices"):
            raise UnreadableAnswer(body)
        yield b"data: " + json.dumps(chunk).encode() + b"\n\ndata: [DONE]\n\n"

    def close(self) -> None:
        self._inner.close()


def _as_delta(choice: dict[str, Any]) -> dict[str, Any]:
    message = dict(choice.get("message") or {})
    calls = message.get("tool_calls")
    if isinstance(calls, list):
        message["tool_calls"] = [
            {**call, "index": index} for index, call in enumerate(calls) if isinstance(call, dict)
        ]
    rest = {key: value for key, value in choice.items() if key != "message"}
    return {**rest, "delta": message}
