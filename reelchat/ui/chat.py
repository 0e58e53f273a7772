"""The chat column: history from the store, the message box, and the running turn's progress."""

from __future__ import annotations

import streamlit as st

from reelchat import store
from reelchat.config import Settings
from reelchat.display import TOOL_LABELS
from reelchat.store import JobStatus
from reelchat.ui.services import conversation, workers
from reelchat.ui.text import model_markdown
from reelchat.ui.worker import Turn
from reelchat.workspace import Workspace

POLL_SECONDS = 0.5


def start_chat_turn(ws: Workspace, session_id: str, text: str, chosen: Settings) -> None:
    """Run a chat turn in the background; its steps and the model's words as they stream in
    are kept on the turn for `progress` to show."""

    def work(turn: Turn) -> str:
        reply = ""
        for event in conversation(ws, session_id, chosen).send(text):
            if event.kind == "token":
                turn.text += event.text
            elif event.kind == "tool_call":
                turn.step = TOOL_LABELS.get(event.text, event.text) + "…"
                turn.text += "\n\n" if turn.text else ""
            elif event.kind == "render" and event.data.get("kind") == "stitch":
                turn.step = event.text + "…"
            elif event.kind == "reply":
                reply = event.text
        return reply

    workers().start(session_id, text, work, echo=True)


def start_render(ws: Workspace, session_id: str, chosen: Settings, label: str) -> None:
    def work(turn: Turn) -> str:
        turn.step = "rendering…"
        return conversation(ws, session_id, chosen).render()

    workers().start(session_id, label, work)


def history(ws: Workspace, session_id: str) -> None:
    messages = store.list_messages(ws.engine, session_id=session_id)
    turn = workers().current(session_id)
    running = turn is not None and not turn.finished and turn.echo
    if running and messages and messages[-1].content == turn.label:
        messages = messages[:-1]  # the running turn shows its own message, below
    for message in messages:
        with st.chat_message(message.role):
            st.markdown(model_markdown(message.content))


@st.fragment(run_every=POLL_SECONDS)
def progress(ws: Workspace, session_id: str) -> None:
    """Polls the running turn and its job rows; when the turn ends, refreshes the whole page."""
    turn = workers().current(session_id)
    if turn is None:
        return
    seen = st.session_state.setdefault("finished-turns", set())
    if turn.finished:
        if turn.key not in seen:
            seen.add(turn.key)
            st.rerun()
        if turn.error:
            st.error(turn.error)
        return
    if turn.echo:
        with st.chat_message("user"):
            st.markdown(model_markdown(turn.label))
    if turn.text.strip():
        with st.chat_message("assistant"):
            st.markdown(model_markdown(turn.text) + " ▌")
    with st.status(f"{turn.step} ({turn.seconds:.0f} s)", expanded=True, state="running"):
        jobs = store.list_jobs(ws.engine, session_id=session_id)
        running = [job for job in jobs if job.status == JobStatus.running]
        if running:
            for row in store.job_shots(ws.engine, job_id=running[-1].id):
                st.progress(min(1.0, row.progress), text=f"shot {row.position}: {row.status}")
            if st.button("Cancel render", key="cancel-render"):
                store.cancel_running_jobs(ws.engine, session_id=session_id)


def message_box(ws: Workspace, session_id: str, chosen: Settings) -> None:
    busy = workers().busy(session_id)
    text = st.chat_input(
        "Working…" if busy else "Describe a video, or ask for a change (“make shot 2 longer”)",
        disabled=busy,
        key="chat-input",
    )
    if text is None:
        return
    if not text.strip():
        st.error("The message is empty: say what you would like to make or change.")
        return
    start_chat_turn(ws, session_id, text, chosen)
    st.rerun()
