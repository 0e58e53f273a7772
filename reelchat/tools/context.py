"""What a tool call acts on: the workspace, the chat session and where its shots render."""

from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field

from reelchat.content_filter import ContentFilter
from reelchat.generation.executors import Executor
from reelchat.generation.runner import EventSink
from reelchat.generation.shot_check import CheckLimits
from reelchat.generation.stitch import StitchOptions
from reelchat.workspace import Workspace

_SESSION_LOCKS: defaultdict[str, threading.Lock] = defaultdict(threading.Lock)
"""One lock per session: a model may send several tool calls at once, and LangGraph runs them
in parallel; each edit must apply to the version the previous one saved."""


@dataclass
class ToolContext:
    workspace: Workspace
    session_id: str
    executor: Executor
    """Where shots render: the warm backend in this process, or a Ray cluster."""
    stitch: StitchOptions = field(default_factory=StitchOptions)
    on_event: EventSink = field(default=lambda _event: None)
    content: ContentFilter = field(default_factory=ContentFilter)
    """Checks the storyboard's text before anything is rendered (off unless configured)."""
    confirm_over: float | None = None
    """Seconds: a render expected to take longer asks the person first (REELCHAT_CONFIRM_OVER)."""
    check_limits: CheckLimits = field(default_factory=CheckLimits)
    """The shot check's thresholds (REELCHAT_CHECK_*)."""

    @property
    def lock(self) -> threading.Lock:
        return _SESSION_LOCKS[self.session_id]
