"""A local server that speaks OpenAI's chat-completions protocol and replays scripted replies.

It listens on 127.0.0.1 only, answers each request with the next scripted step (a reply, an
HTTP status, a delay longer than the client's timeout, server-sent events arriving over time, or
a body dripped byte by byte) and records what it was sent. Like Ollama, it serves the API under
/v1 only: any other path gets a plain-text 404.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


def tool_call(
    name: str, arguments: dict[str, Any] | str, *, with_id: bool = True
) -> dict[str, Any]:
    """One tool call; a string is sent as the raw arguments (so it can be malformed JSON).
    `with_id=False` leaves out the id, as some llama.cpp builds do."""
    raw = arguments if isinstance(arguments, str) else json.dumps(arguments)
    call: dict[str, Any] = {"type": "function", "function": {"name": name, "arguments": raw}}
    if with_id:
        call["id"] = f"call_{uuid.uuid4().hex[:10]}"
    return call


def completion(
    content: str = "", calls: list[dict[str, Any]] | None = None, finish: str | None = None
) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if calls:
        message["tool_calls"] = calls
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:10]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "scripted",
        "choices": [{"index": 0, "message": message,
                     "finish_reason": finish or ("tool_calls" if calls else "stop")}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }  # fmt: skip


@dataclass
class Step:
    body: dict[str, Any] | bytes | None = None
    """A JSON body, or raw bytes sent as they are (a broken endpoint)."""
    status: int = 200
    delay: float = 0.0
    events: list[dict[str, Any]] | None = None
    """Server-sent chat.completion.chunk events, sent `event_delay` seconds apart."""
    event_delay: float = 0.0
    byte_delay: float = 0.0
    """Seconds between bytes of the body, after the headers went out at once."""


def reply(content: str = "", calls: list[dict[str, Any]] | None = None) -> Step:
    return Step(body=completion(content, calls))


def status(code: int) -> Step:
    return Step(
        body={"error": {"message": f"scripted {code}", "type": "server_error"}}, status=code
    )


def raw(body: bytes) -> Step:
    """A 200 answer whose body is not a chat completion."""
    return Step(body=body)


def cut(content: str = "", calls: list[dict[str, Any]] | None = None) -> Step:
    """A reply stopped at the client's max_tokens (finish_reason "length")."""
    return Step(body=completion(content, calls, finish="length"))


def streamed(*pieces: str, every: float = 0.0, finish: str = "stop") -> Step:
    """A reply streamed as server-sent events, one content piece per event, `every` s apart."""
    base = {"id": f"chatcmpl-{uuid.uuid4().hex[:10]}", "object": "chat.completion.chunk",
            "created": int(time.time()), "model": "scripted"}  # fmt: skip
    events = [
        {**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": piece},
                              "finish_reason": None}]}
        for piece in pieces
    ]  # fmt: skip
    events.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
    return Step(events=events, event_delay=every)


def drip(content: str, every: float) -> Step:
    """A whole completion sent one byte every `every` seconds (a read timeout never fires)."""
    return Step(body=completion(content), byte_delay=every)


def stall(seconds: float) -> Step:
    return Step(body=completion("too late"), delay=seconds)


def moderation(text: str, flagged_words: set[str]) -> dict[str, Any]:
    """A /v1/moderations answer: flagged as 'violence' when the text has a flagged word."""
    hit = any(word in text.lower() for word in flagged_words)
    return {
        "id": f"modr-{uuid.uuid4().hex[:10]}",
        "model": "scripted-moderation",
        "results": [{"flagged": hit, "categories": {"violence": hit, "harassment": False},
                     "category_scores": {"violence": 0.99 if hit else 0.01, "harassment": 0.0}}],
    }  # fmt: skip


@dataclass
class ScriptedOpenAI:
    steps: deque[Step] = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    flagged_words: set[str] = field(default_factory=set)
    """What /v1/moderations flags; its requests go to `moderations`, not `requests`."""
    moderations: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                if not self.path.startswith("/v1/"):  # like Ollama's router at its root
                    self._send(404, b"404 page not found", "text/plain")
                    return
                if self.path.endswith("/moderations"):
                    owner.moderations.append(body)
                    text = json.dumps(body.get("input", ""))
                    step = Step(body=moderation(text, owner.flagged_words))
                else:
                    owner.requests.append(body)
                    step = owner.steps.popleft() if owner.steps else status(500)
                time.sleep(step.delay)
                try:
                    if step.events is not None and body.get("stream"):
                        self._send_events(step)
                        return
                    payload = step.body
                    if not isinstance(payload, bytes):
                        payload = json.dumps(payload).encode()
                    self._send(step.status, payload, "application/json", step.byte_delay)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout): that is the point of a stall

            def _send(self, code: int, payload: bytes, kind: str, byte_delay: float = 0.0) -> None:
                self.send_response(code)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                if code == 429:
                    self.send_header("Retry-After", "0")
                self.end_headers()
                if not byte_delay:
                    self.wfile.write(payload)
                    return
                for byte in payload:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(byte_delay)

            def _send_events(self, step: Step) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for event in step.events or []:
                    self.wfile.write(b"data: " + json.dumps(event).encode() + b"\n\n")
                    self.wfile.flush()
                    time.sleep(step.event_delay)
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def root_url(self) -> str:
        """The server without /v1 (where Ollama's root is)."""
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def base_url(self) -> str:
        return self.root_url + "/v1"

    def script(self, *steps: Step) -> None:
        self.steps.extend(steps)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


ONE_SHOT_PLAN = {
    "title": "Tides",
    "shots": [{"title": "Sea", "prompt": "the sea rising on a beach", "duration": 1}],
    "resolution": 360,
    "fps": 8,
}
"""plan_storyboard arguments for the smallest video: one 1 s shot at 360p, 8 fps."""
