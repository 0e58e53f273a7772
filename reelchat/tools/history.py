"""Undo and redo as a history over saved versions, which are never rewritten.

Every change saves a new version. An undo or redo also saves one (a copy of the version it
shows) with a note saying which version it shows, so the history can be read back from the
notes alone: a timeline of versions that hold new work, and the one now shown.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_MOVE = r"^(?:undo|redo): showing version (\d+)$"


def move_note(kind: str, shown: int) -> str:
    """The note an undo or redo version carries ('undo: showing version 3')."""
    return f"{kind}: showing version {shown}"


def timeline(versions: Iterable[tuple[int, str]]) -> tuple[list[int], int | None]:
    """(versions holding new work in order, the one now shown) from (number, note) pairs.

    New work after an undo drops the versions that could have been redone, as editors do."""
    line: list[int] = []
    shown: int | None = None
    for number, note in versions:
        moved = re.match(_MOVE, note)
        if moved:
            shown = int(moved[1])
            continue
        if shown is not None and shown in line:
            line = line[: line.index(shown) + 1]
        line.append(number)
        shown = number
    return line, shown


def step(versions: Iterable[tuple[int, str]], steps: int) -> tuple[int, int]:
    """(version to show, steps actually possible) after moving `steps` (negative: undo)."""
    line, shown = timeline(versions)
    if shown is None or shown not in line:
        return (shown or 0), 0
    index = line.index(shown)
    target = max(0, min(len(line) - 1, index + steps))
    return line[target], abs(target - index)
