"""Does the session store stay quick with a long history? 1,000 sessions x 50 messages.

Seeds a fresh database (one storyboard version per session, 50 messages each, bulk inserted),
then times what the sidebar and `reelchat sessions` do: listing the newest sessions, searching
them by title, and opening one (session row, all its messages, its current storyboard, its
videos). The baseline is the same queries as plain SQL through Python's sqlite3 on the same file:
the floor under any ORM. Calls are interleaved; medians of --repeat calls.

    .venv/bin/python bench/store.py --repeat 50
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session

from reelchat import store
from reelchat.storyboard.templates import explainer

SESSIONS, MESSAGES = 1000, 50
TOPICS = ["tides", "vaccines", "volcanoes", "photosynthesis", "black holes", "taxes", "sleep"]


def seed(path: Path) -> list[str]:
    """A database with SESSIONS sessions of MESSAGES messages each; returns the session ids."""
    engine = store.open_db(path)
    rng = random.Random(7)
    ids = []
    board = explainer("how tides work", seconds=30, shots=6)
    for number in range(SESSIONS):
        topic = rng.choice(TOPICS)
        row = store.create_session(engine, title=f"How {topic} work #{number}")
        store.add_version(engine, session_id=row.id, storyboard=board)
        ids.append(row.id)
    with Session(engine) as db:
        for session_id in ids:
            for n in range(MESSAGES):
                role = "user" if n % 2 == 0 else "assistant"
                text = f"message {n}: make shot {n % 6 + 1} warmer and a little slower " * 3
                db.add(store.Message(session_id=session_id, role=role, content=text))
        db.commit()
    return ids


def reelchat_calls(engine, session_id: str) -> dict[str, Callable[[], object]]:
    def open_one() -> object:
        return (
            store.get_session(engine, session_id=session_id),
            store.list_messages(engine, session_id=session_id),
            store.get_version(engine, session_id=session_id),
            store.list_videos(engine, session_id=session_id),
        )

    return {
        "list newest 50 sessions": lambda: store.list_sessions(engine, limit=50),
        "search titles ('tides')": lambda: store.list_sessions(engine, search="tides"),
        "open one session": open_one,
    }


def sqlite_calls(db: sqlite3.Connection, session_id: str) -> dict[str, Callable[[], object]]:
    def open_one() -> object:
        session = db.execute("select * from session where id = ?", (session_id,)).fetchone()
        return (
            session,
            db.execute(
                "select * from message where session_id = ? order by id", (session_id,)
            ).fetchall(),
            db.execute(
                "select * from storyboardversion where session_id = ? and number = ?",
                (session_id, session["current_version"]),
            ).fetchone(),
            db.execute("select * from video where session_id = ?", (session_id,)).fetchall(),
        )

    newest = "select * from session order by updated_at desc limit 50"
    search = "select * from session where title like '%tides%' order by updated_at desc limit 50"
    return {
        "list newest 50 sessions": lambda: db.execute(newest).fetchall(),
        "search titles ('tides')": lambda: db.execute(search).fetchall(),
        "open one session": open_one,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temp:
        path = Path(temp) / "reelchat.db"
        began = time.perf_counter()
        ids = seed(path)
        seeded = time.perf_counter() - began
        engine = store.open_db(path)
        db = sqlite3.connect(path)
        db.row_factory = sqlite3.Row
        rng = random.Random(1)
        times: dict[tuple[str, str], list[float]] = {}
        for _ in range(args.repeat):
            session_id = rng.choice(ids)
            for code, calls in (
                ("reelchat", reelchat_calls(engine, session_id)),
                ("sqlite3", sqlite_calls(db, session_id)),
            ):
                for name, call in calls.items():
                    start = time.perf_counter()
                    result = call()
                    times.setdefault((name, code), []).append(time.perf_counter() - start)
                    assert all(result[:3]) if isinstance(result, tuple) else result  # no videos
    print(f"{SESSIONS} sessions x {MESSAGES} messages, seeded in {seeded:.1f} s")
    print(f"median of {args.repeat} calls\n")
    print("| operation | reelchat ms | plain sqlite3 ms | ratio |")
    print("|---|---:|---:|---:|")
    for name in reelchat_calls(engine, ids[0]):
        ours = statistics.median(times[name, "reelchat"]) * 1000
        floor = statistics.median(times[name, "sqlite3"]) * 1000
        print(f"| {name} | {ours:.2f} | {floor:.2f} | {ours / floor:.1f}× |")


if __name__ == "__main__":
    main()
