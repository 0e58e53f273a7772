"""Graph streams that must not outlive their caller: an abandoned turn never blocks exit.

LangGraph's sync stream waits for its next chunk on a worker thread of a thread pool; when a
caller stops reading a turn (takes the first event of `send()`, breaks out of the loop, or an
exception escapes it) and then ends, the interpreter joins that pool at exit and waits forever.
Every open stream is tracked here (weakly) and closed before the interpreter joins its worker
threads, which cancels the turn the way closing the generator by hand does.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections.abc import Generator
from typing import Any

_OPEN: weakref.WeakSet[Generator[Any, Any, Any]] = weakref.WeakSet()
_LOCK = threading.Lock()


def _close_all() -> None:
    with _LOCK:
        streams = list(_OPEN)
    for stream in streams:
        with contextlib.suppress(Exception):  # exiting: a stream that cannot close is left
            stream.close()


def track(stream: Generator[Any, Any, Any]) -> Generator[Any, Any, Any]:
    """Register `stream` (a graph.stream generator) to be closed at exit; returns it."""
    with _LOCK:
        _OPEN.add(stream)
    return stream


# Runs in threading._shutdown, before concurrent.futures joins its workers (callbacks run in
# reverse order of registration, and concurrent.futures registers its own when imported,
# before this module). The stdlib offers no public hook that runs early enough.
threading._register_atexit(_close_all)  # type: ignore[attr-defined]
