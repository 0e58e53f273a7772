"""The phrasebook in docs/conversation.md, read as test cases: each row is a phrasing and the
operations it must produce on the reference storyboard (a 6-shot explainer on tides)."""

from __future__ import annotations

from pathlib import Path

from reelchat.agent.parse.phrasings import Answer, Call
from reelchat.agent.parse.reading import SUGGEST, Reading
from reelchat.agent.session import SessionState
from reelchat.storyboard.templates import explainer

DOC = Path(__file__).resolve().parents[2] / "docs" / "conversation.md"
HEADER = "| You say | Operations |"


def reference_state() -> SessionState:
    """The storyboard every row is read against: 6 shots of 5 s, version 3, one video."""
    board = explainer("how tides work", shots=6, seconds=30, seed=7)
    shots = [shot.model_copy(update={"duration": 5.0}) for shot in board.shots]
    board = board.model_copy(update={"shots": shots})
    return SessionState(version=3, storyboard=board, latest_video="videos/v3.mp4")


def _changes(changes: dict) -> str:
    parts = []
    for name, value in changes.items():
        if name in ("prompt", "negative_prompt"):
            continue
        if name == "seed":
            parts.append("new seed")
        elif isinstance(value, str):
            parts.append(f'{name} "{value}"')
        else:
            parts.append(f"{name} {value:g}" if isinstance(value, float) else f"{name} {value}")
    return ", ".join(parts)


def _operation(op: dict) -> str:
    kind = op["op"]
    if kind == "update_shot":
        return f"shot {op['shot']}: {_changes(op['changes'])}"
    if kind == "insert_shot":
        return f'insert shot {op["position"]}: "{op["shot"]["title"]}"'
    if kind == "delete_shot":
        return f"delete shot {op['shot']}"
    if kind == "swap_shots":
        return f"swap shots {op['first']} and {op['second']}"
    if kind == "move_shot":
        return f"move shot {op['shot']} to {op['to']}"
    if kind == "restyle_all":
        return f'style "{op["style"]}"'
    if kind == "fit_duration":
        return f"whole video {op['seconds']:g} s"
    settings = ", ".join(f"{k} {v}" for k, v in op.items() if k != "op")
    return f"settings: {settings}"


def _call(call: Call) -> list[str]:
    args = call.args.model_dump(mode="json", exclude_none=True)
    if call.name == "edit_storyboard":
        return [_operation(op) for op in args["operations"]]
    if call.name == "plan_storyboard":
        return [f'new video "{args["title"]}", {len(args["shots"])} shots, {args["aspect"]}']
    if call.name in ("undo", "redo"):
        return [f"{call.name} {args['steps']}"]
    if call.name == "restore_version":
        return [f"restore version {args['version']}"]
    if call.name == "write_script":
        return ["script: " + ", ".join(f'{k} "{v}"' for k, v in args.items())]
    if call.name == "make_template":
        return ["template: " + ", ".join(f"{k} -> {v}" for k, v in args["replacements"].items())]
    return [call.name]


def summary(reading: Reading) -> str:
    """One line for what a message was read into: operations, calls, answers, problems."""
    parts = [part for call in reading.calls for part in _call(call)]
    for line in reading.notes():
        if line == SUGGEST:
            continue
        if any(line == a.text for a in reading.answers if isinstance(a, Answer)):
            parts.append("answer: " + line.split("\n")[0][:48].rstrip())
        else:
            parts.append("says: " + line)
    return "; ".join(parts) or "nothing"


def rows() -> list[tuple[str, str]]:
    """(phrasing, expected summary) for every row of the phrasebook table."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = lines.index(HEADER) + 2
    found = []
    for line in lines[start:]:
        if not line.startswith("|"):
            break
        said, expected = (cell.strip() for cell in line.strip("|").split(" | ", 1))
        found.append((said.strip("`").replace("\\|", "|"), expected.strip("`")))
    return found
