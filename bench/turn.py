"""How long does a person wait for `reelchat make`, and for one edit after it? How much memory?

Each run is a fresh `python` process that runs the real CLI (`reelchat make`, then `reelchat
chat --session ...` with one edit typed on stdin), so the figures include interpreter start-up and
imports. The child notes when each turn event reaches the CLI's printer, which splits the wall
time into start-up (interpreter + imports), planning (until the first shot's progress), rendering
(until stitching starts), stitching (until the video is recorded) and the rest (reply, exit).
The parent samples the resident memory of the whole process tree (Python plus every ffmpeg and
espeak-ng child) every 20 ms with psutil and keeps the peak of the sum.

`--baseline DIR` runs the same steps with another checkout of the `reelchat` package put first on
PYTHONPATH (e.g. `git archive c31cd51 reelchat | tar -x -C /tmp/base`), interleaved with the
current code so both see the same machine load.

    .venv/bin/python bench/turn.py --repeat 3 --baseline /tmp/base
    .venv/bin/python bench/turn.py --repeat 1 --long --baseline /tmp/base   # 5 min, 24 shots
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil

SHORT = "a 30 second explainer on how tides work, 6 shots"
LONG = "a 5 minute explainer on how tides work, 24 shots"
EDIT = "make shot 3 a zoom out"


def child(mode: str, workspace: str, text: str, marks_path: str, session: str) -> None:
    """Run one CLI command in this process and write the event times to `marks_path`."""
    started = time.time()
    import reelchat.agent.conversation  # noqa: F401 - `make` and `chat` import it lazily
    import reelchat.cli as cli

    imported = time.time()
    marks: list[tuple[float, str, str]] = []
    handle = cli.TurnPrinter.handle

    def noting(self, event):  # observes the events the CLI prints; changes nothing
        kind = event.data.get("kind", "") if event.kind == "render" else ""
        marks.append((time.time(), event.kind, kind))
        return handle(self, event)

    cli.TurnPrinter.handle = noting
    args = ["make", text] if mode == "make" else ["chat", "--session", session]
    try:
        cli.app([*args, "--workspace", workspace], standalone_mode=False)
    finally:
        Path(marks_path).write_text(
            json.dumps({"started": started, "imported": imported, "marks": marks})
        )


def phases(spawned: float, ended: float, data: dict) -> dict[str, float]:
    """Seconds per phase from the child's event times."""
    marks = data["marks"]
    render = [t for t, kind, sub in marks if kind == "render"]
    shot = next(t for t, kind, sub in marks if sub == "shot")
    stitch = next((t for t, kind, sub in marks if sub == "stitch"), render[-1])
    done = next(t for t, kind, sub in marks if sub == "done")
    return {
        "start-up": data["imported"] - spawned,
        "planning": shot - data["imported"],
        "rendering": stitch - shot,
        "stitching": done - stitch,
        "rest": ended - done,
        "total": ended - spawned,
    }


def run(
    mode: str, workspace: Path, text: str, package: Path | None, session: str = ""
) -> tuple[dict[str, float], float]:
    """One CLI command in a child process: (phase seconds, peak tree RSS in MiB)."""
    env = dict(os.environ)
    if package is not None:
        env["PYTHONPATH"] = str(package)
    with tempfile.NamedTemporaryFile(suffix=".json") as marks:
        command = [sys.executable, __file__, "--child", mode, str(workspace), text, marks.name]
        spawned = time.time()
        proc = subprocess.Popen(
            [*command, session],
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        if mode == "edit":
            proc.stdin.write(f"{EDIT}\nquit\n".encode())
        proc.stdin.close()
        peak = 0
        root = psutil.Process(proc.pid)
        while proc.poll() is None:
            try:
                tree = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.02)
        ended = time.time()
        if proc.returncode != 0:
            raise SystemExit(f"{mode} failed: {proc.stderr.read().decode()[-2000:]}")
        data = json.loads(Path(marks.name).read_text())
    return phases(spawned, ended, data), peak / 2**20


def session_of(workspace: Path) -> str:
    """The one session in a fresh workspace."""
    import sqlite3

    with sqlite3.connect(workspace / "reelchat.db") as db:
        return db.execute("select id from session").fetchone()[0]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="a checkout of an older reelchat package")
    parser.add_argument("--long", action="store_true", help="the 5-minute, 24-shot video instead")
    args = parser.parse_args()
    variants: dict[str, Path | None] = {"reelchat": None}
    if args.baseline:
        variants["baseline"] = args.baseline
    results: dict[tuple[str, str], list[tuple[dict[str, float], float]]] = {}
    with tempfile.TemporaryDirectory() as temp:
        for repeat in range(args.repeat):
            for name, package in variants.items():
                workspace = Path(temp) / f"{name}-{repeat}"
                if args.long:
                    results.setdefault((name, "make 5 min"), []).append(
                        run("make", workspace, LONG, package)
                    )
                    continue
                results.setdefault((name, "make 30 s"), []).append(
                    run("make", workspace, SHORT, package)
                )
                results.setdefault((name, "edit one shot"), []).append(
                    run("edit", workspace, EDIT, package, session_of(workspace))
                )
                print(f"repeat {repeat + 1} of {args.repeat} done", file=sys.stderr)
    columns = ["start-up", "planning", "rendering", "stitching", "rest", "total"]
    print(f"| code | run | {' | '.join(columns)} | peak RSS MiB (tree) |")
    print(f"|---|---|{'---:|' * (len(columns) + 1)}")
    for (name, what), runs in results.items():
        cells = [statistics.median(r[0][c] for r in runs) for c in columns]
        peak = statistics.median(r[1] for r in runs)
        print(f"| {name} | {what} | {' | '.join(f'{c:.2f}' for c in cells)} | {peak:.0f} |")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(*sys.argv[2:7])
    else:
        main()
