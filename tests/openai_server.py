"""A local server that speaks OpenAI's chat-completions protocol and replays scripted replies.

It listens on 127.0.0.1 only, answers each request with the next scripted step (a reply, an
HTTP status, or a delay longer than the client's timeout) and records what it was sent.
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


def tool_call(name: str, arguments: dict[str, Any] | str) -> dict[str, Any]:
    """One tool call; a string is sent as the raw arguments (so it can be malformed JSON)."""
    raw = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return {"id": f"call_{uuid.uuid4().hex[:10]}", "type": "function",
            "function": {"name": name, "arguments": raw}}  # fmt: skip


def completion(content: str = "", calls: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if calls:
        message["tool_calls"] = calls
    return {
        "id": f"chatcmpl-{uuid.uuid4().hex[:10]}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "scripted",
        "choices": [{"index": 0, "message": message,
                     "finish_reason": "tool_calls" if calls else "stop"}],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }  # fmt: skip


@dataclass
class Step:
    body: dict[str, Any] | bytes | None = None
    """A JSON body, or raw bytes sent as they are (a broken endpoint)."""
    status: int = 200
    delay: float = 0.0


def reply(content: str = "", calls: list[dict[str, Any]] | None = None) -> Step:
    return Step(body=completion(content, calls))


def status(code: int) -> Step:
    return Step(
        body={"error": {"message": f"scripted {code}", "type": "server_error"}}, status=code
    )


def raw(body: bytes) -> Step:
    """A 200 answer whose body is not a chat completion."""
    return Step(body=body)


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
                if self.path.endswith("/moderations"):
                    owner.moderations.append(body)
                    text = json.dumps(body.get("input", ""))
                    step = Step(body=moderation(text, owner.flagged_words))
                else:
                    owner.requests.append(body)
                    step = owner.steps.popleft() if owner.steps else status(500)
                time.sleep(step.delay)
                payload = step.body
                if not isinstance(payload, bytes):
                    payload = json.dumps(payload).encode()
                try:
                    self.send_response(step.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    if step.status == 429:
                        self.send_header("Retry-After", "0")
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout): that is the point of a stall

            def log_message(self, *_args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def script(self, *steps: Step) -> None:
        self.steps.extend(steps)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
