"""Does a long chat stay as quick and as small as a new one? Bytes per turn and turn latency.

One session takes --turns offline turns (messages the planner does not act on, so nothing
renders: this measures the conversation's own cost) with the bounded history of
reelchat/agent/history.py. The baseline is the same session without the bounds (every
message sent to the model, every checkpoint kept), run interleaved turn by turn in the same
process up to --baseline-turns (it grows quadratically: issue 17 measured 1.4 GB at 1,000
turns). At each mark: the checkpoint files' size, the bytes they grew per turn over the last
window, and the median latency of the window's turns.

    .venv/bin/python bench/history.py --turns 5000 --baseline-turns 1000
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

from reelchat.agent import history
from reelchat.agent.conversation import Conversation
from reelchat.config import Settings
from reelchat.workspace import Workspace

MARKS = (10, 100, 1000, 2000, 5000)
WINDOW = 10


@contextmanager
def unbounded() -> Iterator[None]:
    """The behaviour before the bounds: whole history to the model, every checkpoint kept."""
    with (
        mock.patch("reelchat.agent.graph.for_model", lambda messages: messages),
        mock.patch.object(history, "bound", lambda *_args: None),
    ):
        yield


class Run:
    def __init__(self, root: Path, bounded: bool) -> None:
        workspace = Workspace(root=root, database=root / "reelchat.db")
        self.root, self.bounded = root, bounded
        self.chat = Conversation(workspace, settings=Settings(workspace=root))
        self.turns = 0
        self.times: list[float] = []
        self.sizes: list[int] = []

    def size(self) -> int:
        return sum(p.stat().st_size for p in self.root.glob("checkpoints.db*"))

    def turn(self) -> None:
        self.turns += 1
        start = time.perf_counter()
        if self.bounded:
            list(self.chat.send(f"blorp number {self.turns} zzz"))
        else:
            with unbounded():
                list(self.chat.send(f"blorp number {self.turns} zzz"))
        self.times.append(time.perf_counter() - start)
        self.sizes.append(self.size())

    def report(self, label: str) -> str:
        window = self.times[-WINDOW:]
        grown = (
            (self.sizes[-1] - self.sizes[-WINDOW - 1]) / WINDOW if len(self.sizes) > WINDOW else 0
        )
        return (
            f"| {label} | {self.turns} | {self.sizes[-1] / 1e6:.2f} MB | {grown / 1e3:.1f} kB | "
            f"{statistics.median(window) * 1000:.0f} ms |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--turns", type=int, default=5000)
    parser.add_argument("--baseline-turns", type=int, default=1000)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-history."))
    runs = [Run(root / "bounded", bounded=True), Run(root / "baseline", bounded=False)]
    print("| history | turns | checkpoints.db | growth per turn (last 10) | turn (median of 10) |")
    print("|---|---|---|---|---|")
    marks = sorted({m for m in MARKS if m <= args.turns} | {args.turns})
    for number in range(1, args.turns + 1):
        runs[0].turn()
        if number <= args.baseline_turns:
            runs[1].turn()
        if number in marks:
            print(runs[0].report("bounded"), flush=True)
            if number <= args.baseline_turns:
                print(runs[1].report("baseline (unbounded)"), flush=True)


if __name__ == "__main__":
    main()
