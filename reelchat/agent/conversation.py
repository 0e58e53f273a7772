"""One chat session with the agent: send a message, stream progress, get the reply.

The graph's thread is the session id and its checkpoints live in their own SQLite file in the
workspace, so a conversation resumes after a restart, even from the middle of a render. The
person's messages and the agent's replies are also written to the app database, which is what
the CLI and UI show.
"""

from __future__ import annotations

import contextlib
import dataclasses
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    ToolMessage,
)
from pydantic import ValidationError

from reelchat import store
from reelchat.agent import history, streams
from reelchat.agent.failures import KEPT
from reelchat.agent.graph import RECURSION_LIMIT, build_graph
from reelchat.agent.model import chat_model
from reelchat.agent.replies import MAX_REPLY_CHARS, new_call_id, visible
from reelchat.config import Settings
from reelchat.content_filter import ContentFilter
from reelchat.errors import JobBusy, ReelchatError, StoryboardInvalid, first_line
from reelchat.generation.backend import VideoBackend
from reelchat.generation.executors import as_executor, get_executor
from reelchat.generation.runner import RenderEvent
from reelchat.generation.shot_check import CheckLimits
from reelchat.generation.stitch import StitchOptions
from reelchat.storyboard.validation import describe
from reelchat.tools.actions import summary_line
from reelchat.tools.context import ToolContext
from reelchat.tools.registry import run_action
from reelchat.workspace import Workspace

MAX_MESSAGE_CHARS = 20_000
TURN_WAIT_SECONDS = 120.0
"""How long a message waits for another process's turn on the same session to end."""
TURN_POLL_SECONDS = 0.2
NEW_SESSION_TITLE = "New video"


@dataclass(frozen=True)
class AgentEvent:
    """What a turn shows as it goes."""

    kind: str
    """'token' (more of the model's text as it arrives), 'tool_call' (the agent starts a tool),
    'tool_result', 'render' (progress) or 'reply' (last; its data's 'streamed' is the part of
    the reply already sent as tokens)."""
    text: str = ""
    data: dict[str, Any] = field(default_factory=dict)


class Conversation:
    """A session's chat with the agent. Create one per session and call `send` per message."""

    def __init__(
        self,
        workspace: Workspace,
        *,
        session_id: str | None = None,
        settings: Settings | None = None,
        model: BaseChatModel | None = None,
        backend: VideoBackend | None = None,
        stitch: StitchOptions | None = None,
    ) -> None:
        settings = settings or Settings()
        content = ContentFilter.from_settings(settings)
        self.workspace = workspace
        if session_id is None:
            session_id = store.create_session(workspace.engine, title=NEW_SESSION_TITLE).id
        else:
            store.get_session(workspace.engine, session_id=session_id)
        self.session_id = session_id
        self.context = ToolContext(
            workspace=workspace,
            session_id=session_id,
            executor=as_executor(backend) if backend else get_executor(settings),
            stitch=stitch or StitchOptions(),
            content=content,
            confirm_over=settings.confirm_over,
            check_limits=CheckLimits.from_settings(settings),
        )
        self.model = model or chat_model(settings)
        self.graph = build_graph(self.model, checkpointer=workspace.checkpointer)
        self._owner = store.runner_id()
        self._released = float("-inf")
        self._config = {
            "configurable": {"thread_id": session_id},
            "recursion_limit": RECURSION_LIMIT,
        }

    @property
    def interrupted(self) -> bool:
        """True when the last turn stopped part-way (the process died mid-step)."""
        return bool(self.graph.get_state(self._config).next)

    def _last_step(self) -> tuple[list[BaseMessage], AIMessage | None]:
        """The thread's messages, and its last model message if tools still wait to answer it."""
        messages = list(self.graph.get_state(self._config).values.get("messages", []))
        last = messages[-1] if messages else None
        if isinstance(last, AIMessage) and (last.tool_calls or last.invalid_tool_calls):
            return messages, last
        return messages, None

    def send(self, text: str) -> Iterator[AgentEvent]:
        """Run one turn for the person's message, yielding progress and, last, the reply."""
        text = text.strip()
        if not text:
            raise ReelchatError("the message is empty; say what you would like to make or change")
        if len(text) > MAX_MESSAGE_CHARS:
            raise ReelchatError(
                f"the message is {len(text):,} characters; keep it under {MAX_MESSAGE_CHARS:,}"
            )
        self.context.content.check(text, what="your message")
        with self._turn(wait=TURN_WAIT_SECONDS):
            yield from self._finish_interrupted()  # a turn cut off mid-step ends first
            store.add_message(
                self.workspace.engine, session_id=self.session_id, role="user", content=text
            )
            yield from self._run({"messages": [HumanMessage(content=text)], "steps": 0})

    def resume(self) -> Iterator[AgentEvent]:
        """Finish a turn that was cut off (for example mid-render), from its checkpoint.

        One process finishes it; another gets JobBusy at once. Otherwise never raises: a last
        step that cannot be finished (a tool call saved without an id by an older release, a
        tool that fails on replay) is closed with a reply saying so, so the session always
        opens and the next message starts a clean turn.
        """
        try:
            if not self.interrupted:
                return
        except Exception as error:  # noqa: BLE001 - a broken turn must not lock the session
            yield from self._close_broken_turn(error)
            return
        with self._turn(wait=0.0):
            yield from self._finish_interrupted()

    def _finish_interrupted(self) -> Iterator[AgentEvent]:
        try:
            if not self.interrupted:
                return
            self._give_calls_ids()
        except Exception as error:  # noqa: BLE001 - a broken turn must not lock the session
            yield from self._close_broken_turn(error)
            return
        try:
            yield from self._run(None)
        except Exception as error:  # noqa: BLE001 - see above
            yield from self._close_broken_turn(error)

    def _give_calls_ids(self) -> None:
        """Tool calls saved without an id get one (some llama.cpp builds send none)."""
        _, last = self._last_step()
        if last is None or all(call.get("id") for call in last.tool_calls):
            return
        calls = [{**call, "id": call.get("id") or new_call_id()} for call in last.tool_calls]
        fixed = last.model_copy(update={"tool_calls": calls})
        self.graph.update_state(self._config, {"messages": [fixed]}, as_node="agent")

    def _close_broken_turn(self, error: BaseException) -> Iterator[AgentEvent]:
        """End the thread's unfinished turn: unanswered calls are marked not run, and a reply
        says what happened. Errors here are reported in the reply, never raised."""
        reply = (
            f"The last turn could not be finished ({type(error).__name__}: "
            f"{first_line(error)[:300]}). {KEPT}"
        )
        try:
            messages, last = self._last_step()
            closing: list[BaseMessage] = []
            if last is not None:
                answered = {m.tool_call_id for m in messages if isinstance(m, ToolMessage)}
                calls = [
                    {**c, "id": c.get("id") or new_call_id(),
                     "args": c["args"] if isinstance(c.get("args"), dict) else {}}
                    for c in last.tool_calls
                ]  # fmt: skip
                closing.append(last.model_copy(update={"tool_calls": calls}))
                closing += [
                    ToolMessage(
                        content="error: not run, because the turn was interrupted",
                        tool_call_id=call["id"],
                        name=call["name"],
                        status="error",
                    )
                    for call in calls
                    if call["id"] not in answered
                ]
            closing.append(AIMessage(content=reply))
            self.graph.update_state(self._config, {"messages": closing}, as_node="agent")
        except Exception as repair_error:  # noqa: BLE001 - say so; the next message starts anew
            reply += (
                f" Closing it also failed ({type(repair_error).__name__}); your next message "
                "starts a new turn."
            )
        store.add_message(
            self.workspace.engine, session_id=self.session_id, role="assistant", content=reply
        )
        yield AgentEvent("reply", reply)

    @contextlib.contextmanager
    def _turn(self, *, wait: float) -> Iterator[None]:
        """Hold the session's turn claim (store.claim_turn) while a turn runs, so one process
        at a time runs a turn on the session's graph thread; waits up to `wait` seconds for
        another process's turn to end, then JobBusy. A dead holder's claim is taken over."""
        engine = self.workspace.engine
        deadline = time.monotonic() + wait
        if time.monotonic() - self._released < 2 * TURN_POLL_SECONDS:
            time.sleep(2 * TURN_POLL_SECONDS)  # let a process that waits take its turn first
        while not store.claim_turn(
            engine, session_id=self.session_id, checkpoint_id="", owner=self._owner
        ):
            if time.monotonic() >= deadline:
                raise JobBusy(
                    "another process is in the middle of a turn on this session; wait for it "
                    "to finish, then send your message again (nothing was changed)"
                )
            time.sleep(TURN_POLL_SECONDS)
        try:
            yield
        finally:
            store.release_turn(engine, session_id=self.session_id, owner=self._owner)
            self._released = time.monotonic()

    def _run(self, graph_input: dict[str, Any] | None) -> Iterator[AgentEvent]:
        reply, reply_id = "", None
        tokens = _Tokens()
        last_step: tuple[object, ...] = ()
        stream = streams.track(  # closed at exit if the caller abandons the turn
            self.graph.stream(
                graph_input,
                self._config,
                context=self.context,
                stream_mode=["updates", "custom", "messages"],
            )
        )
        for mode, chunk in stream:
            if mode == "messages":
                text = tokens.add(*chunk)
                if text:
                    yield AgentEvent("token", text)
                continue
            if mode == "custom" and "render" in chunk:
                event = RenderEvent(**chunk["render"])
                if (step := _progress_step(event)) != last_step:
                    last_step = step
                    yield AgentEvent("render", _progress_text(event), dataclasses.asdict(event))
                continue
            if mode != "updates":
                continue
            for update in chunk.values():
                for message in (update or {}).get("messages", []):
                    if isinstance(message, AIMessage) and message.tool_calls:
                        for call in message.tool_calls:
                            yield AgentEvent("tool_call", call["name"], {"args": call["args"]})
                    elif isinstance(message, ToolMessage):
                        yield AgentEvent(
                            "tool_result",
                            str(message.content),
                            {"name": message.name, "error": message.status == "error"},
                        )
                        if message.name == "plan_storyboard" and message.status != "error":
                            self._title_from_storyboard()
                    elif isinstance(message, AIMessage):
                        reply, reply_id = str(message.content), message.id
        history.bound(self.graph, self.workspace.checkpointer, self.session_id)
        reply = reply or "Done."
        store.add_message(
            self.workspace.engine, session_id=self.session_id, role="assistant", content=reply
        )
        yield AgentEvent("reply", reply, {"streamed": tokens.shown(reply_id)})

    def apply(self, request: str, calls: list[tuple[str, dict[str, Any]]]) -> str:
        """Run tool calls directly, as the UI's board buttons do, and record them in the chat
        like a turn (`request` as the person's message, the results as the reply).

        The first call that fails raises its error and nothing is recorded for it; each call
        is applied whole or not at all, so the session stays as it was.
        """
        lines: list[str] = []
        for number, (name, arguments) in enumerate(calls):
            try:
                result = run_action(self.context, name, arguments)
            except ValidationError as error:
                raise StoryboardInvalid(describe(error)) from None
            except ReelchatError as error:
                if number == 0:
                    raise
                lines.append(f"stopped: {error}")
                break
            lines.append(summary_line(result))
        engine = self.workspace.engine
        store.add_message(engine, session_id=self.session_id, role="user", content=request)
        reply = "\n".join(lines)
        store.add_message(engine, session_id=self.session_id, role="assistant", content=reply)
        return reply

    def render(self) -> str:
        """Render the current storyboard (only what changed) and post the result in the chat."""
        reply = summary_line(run_action(self.context, "render", {}))
        store.add_message(
            self.workspace.engine, session_id=self.session_id, role="assistant", content=reply
        )
        return reply

    def _title_from_storyboard(self) -> None:
        engine = self.workspace.engine
        if store.get_session(engine, session_id=self.session_id).title == NEW_SESSION_TITLE:
            title = store.get_version(engine, session_id=self.session_id).storyboard.title
            store.rename_session(engine, session_id=self.session_id, title=title)


PROGRESS_STEPS = 10
"""A shot's progress is reported in steps of 1/PROGRESS_STEPS (a backend reports every frame)."""


def _progress_step(event: RenderEvent) -> tuple[object, ...]:
    """What a render event says, at the precision it is shown: equal steps are not repeated."""
    return (event.job_id, event.kind, event.position, event.status, event.message,
            int(event.fraction * PROGRESS_STEPS))  # fmt: skip


def _progress_text(event: RenderEvent) -> str:
    if event.kind == "shot" and not event.message:
        return f"shot {event.position}/{event.total} {event.status} {event.fraction:.0%}"
    return event.message or event.status


class _Tokens:
    """The model's text per message as it streams, minus thinking and tool calls written as
    text; stops following a message past MAX_REPLY_CHARS (the reply is cut there anyway)."""

    def __init__(self) -> None:
        self._raw: dict[str, str] = {}
        self._shown: dict[str, str] = {}

    def add(self, message: BaseMessage, metadata: dict[str, Any]) -> str:
        """What to show now for this streamed chunk ('' for nothing)."""
        if not isinstance(message, AIMessageChunk) or metadata.get("langgraph_node") != "agent":
            return ""
        key = message.id or ""
        raw = self._raw.get(key, "")
        if len(raw) > MAX_REPLY_CHARS or not isinstance(message.content, str):
            return ""
        raw = self._raw[key] = raw + message.content
        now, before = visible(raw), self._shown.get(key, "")
        if not now.startswith(before) or len(now) == len(before):
            return ""
        self._shown[key] = now
        return now[len(before) :]

    def shown(self, message_id: str | None) -> str:
        return self._shown.get(message_id or "", "")


def delete_session(workspace: Workspace, session_id: str) -> None:
    """Delete a session everywhere: its rows, its media list (files no one else lists), its
    files and its conversation checkpoints. The folder is checked first (WorkspaceUnsafe for a
    symbolic link), so nothing is deleted unless everything can be."""
    from reelchat.media_library import forget_session_media

    folder = workspace.session_dir(session_id)
    store.delete_session(workspace.engine, session_id=session_id)
    forget_session_media(workspace, session_id)
    shutil.rmtree(folder, ignore_errors=True)
    workspace.checkpointer.delete_thread(session_id)
