"""The local executor: today's in-process path, one model call at a time on the warm backend."""

from __future__ import annotations

import contextlib
import threading
import time

from reelchat.errors import RenderCancelled
from reelchat.generation.backend import VideoBackend, generate_clips
from reelchat.generation.executors import ShotWork, WorkDone
from reelchat.generation.media import atomic_output


class LocalExecutor:
    """Runs each call when the runner asks for its result, so progress callbacks (and a cancel
    they raise) happen inside the backend's own loop, between frames or steps."""

    slots = 1

    def __init__(self, backend: VideoBackend) -> None:
        self.backend = backend
        self._queued: list[ShotWork] = []
        self._turn = threading.Lock()

    def turn(self) -> threading.Lock:
        return self._turn

    def submit(self, work: ShotWork) -> None:
        self._queued.append(work)

    def next_done(self) -> WorkDone:
        work = self._queued.pop(0)
        started = time.perf_counter()
        try:
            with contextlib.ExitStack() as stack:
                temps = [stack.enter_context(atomic_output(path)) for path in work.outputs]
                clips = generate_clips(self.backend, work.requests, temps, work.progress)
        except RenderCancelled:
            raise
        except Exception as error:  # noqa: BLE001 - a failed shot is reported, the rest go on
            return WorkDone(work, [], error, time.perf_counter() - started)
        return WorkDone(work, clips, None, time.perf_counter() - started)

    def stop(self) -> None:
        self._queued.clear()
