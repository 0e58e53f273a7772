"""Background turns for the UI: the agent runs in a thread, the page only polls.

A Streamlit script must never block on a render or call `st.*` from another thread; the page
starts a turn here and polls it (and the job rows in the store) from a fragment. The registry
is process-wide (kept with `st.cache_resource`), so a second browser tab on the same session
sees the same turn.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from reelchat.errors import ReelchatError


@dataclass
class Turn:
    session_id: str
    label: str
    echo: bool = False
    """Show `label` as the person's message while the turn runs (it is stored by the turn)."""
    started: float = field(default_factory=time.monotonic)
    step: str = "starting…"
    """What the turn is doing ('planning the storyboard…'), set by its work."""
    text: str = ""
    """The model's words so far, as they stream in (set by its work)."""
    reply: str = ""
    error: str = ""
    finished: bool = False
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    """Tells turns apart (object ids are reused once a turn is replaced)."""

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started


Work = Callable[[Turn], str]
"""A turn's work: runs in the worker thread, reports through the turn, returns the reply."""


class TurnWorkers:
    """One running turn per session at most; finished turns stay readable until replaced."""

    def __init__(self) -> None:
        self._turns: dict[str, Turn] = {}
        self._lock = threading.Lock()

    def current(self, session_id: str) -> Turn | None:
        with self._lock:
            return self._turns.get(session_id)

    def busy(self, session_id: str) -> bool:
        turn = self.current(session_id)
        return turn is not None and not turn.finished

    def start(self, session_id: str, label: str, work: Work, *, echo: bool = False) -> Turn:
        with self._lock:
            running = self._turns.get(session_id)
            if running is not None and not running.finished:
                raise ReelchatError("this session is still working on the last request")
            turn = Turn(session_id=session_id, label=label, echo=echo)
            self._turns[session_id] = turn

        def run() -> None:
            try:
                turn.reply = work(turn)
            except ReelchatError as error:
                turn.error = str(error)
            except Exception as error:  # noqa: BLE001 - shown to the person, never a traceback
                turn.error = f"{type(error).__name__}: {error}"
            finally:
                turn.finished = True

        threading.Thread(target=run, name=f"turn-{session_id}", daemon=True).start()
        return turn

    def wait(self, session_id: str, timeout: float = 300.0) -> Turn | None:
        """Block until the session's turn is finished (for tests and scripts)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            turn = self.current(session_id)
            if turn is None or turn.finished:
                return turn
            time.sleep(0.05)
        return self.current(session_id)
