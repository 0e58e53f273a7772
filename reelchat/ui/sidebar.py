"""The sidebar: sessions (new, switch, rename, delete, search) and the settings panel."""

from __future__ import annotations

from collections import Counter

import streamlit as st

from reelchat import store
from reelchat.agent.conversation import NEW_SESSION_TITLE, delete_session
from reelchat.errors import ReelchatError
from reelchat.generation.presets import DEFAULT_PRESET, PRESETS
from reelchat.store import ChatSession
from reelchat.ui.services import SETTINGS_KEY, settings, workers, workspace

SESSION_PARAM = "session"


def selected_session() -> str | None:
    """The session in the URL (?session=...), if it exists: it survives a reload."""
    session_id = st.query_params.get(SESSION_PARAM)
    if not session_id:
        return None
    try:
        store.get_session(workspace().engine, session_id=session_id)
    except Exception:  # noqa: BLE001 - any bad id simply selects nothing
        st.query_params.clear()
        return None
    return session_id


def select(session_id: str | None) -> None:
    if session_id is None:
        st.query_params.clear()
    else:
        st.query_params[SESSION_PARAM] = session_id


def session_labels(rows: list[ChatSession]) -> dict[str, str]:
    """Each session's button label: its title, and for titles listed more than once also when
    it was created and the start of its id (two sessions may share a minute)."""
    counts = Counter(row.title for row in rows)
    return {
        row.id: row.title
        if counts[row.title] == 1
        else f"{row.title} · {row.created_at:%d %b %H:%M} · {row.id[:6]}"
        for row in rows
    }


def sessions_panel(current: str | None) -> None:
    engine = workspace().engine
    st.sidebar.title("🎬 reelchat")
    if st.sidebar.button("➕ New video", width="stretch", key="new-session"):
        select(store.create_session(engine, title=NEW_SESSION_TITLE).id)
        st.rerun()
    search = st.sidebar.text_input("Search sessions", key="session-search", placeholder="title…")
    rows = store.list_sessions(engine, search=search.strip(), limit=30)
    labels = session_labels(rows)
    for row in rows:
        label = ("▶ " if row.id == current else "") + labels[row.id]
        if st.sidebar.button(label, key=f"open-{row.id}", width="stretch"):
            select(row.id)
            st.rerun()
    if current is None:
        return
    row = store.get_session(engine, session_id=current)
    with st.sidebar.expander("This session"):
        title = st.text_input("Session title", value=row.title, key=f"title-{current}")
        if st.button("Rename", key=f"rename-{current}") and title.strip():
            store.rename_session(engine, session_id=current, title=title)
            st.rerun()
        if st.session_state.get("confirm-delete") == current:
            st.warning(f"Delete “{row.title}” with its storyboards and videos?")
            yes, no = st.columns(2)
            if yes.button("Yes, delete", key="delete-yes", type="primary"):
                st.session_state.pop("confirm-delete")
                try:  # refused while another process renders this session
                    delete_session(workspace(), current)
                except ReelchatError as error:
                    st.error(str(error))
                    return
                select(None)
                st.rerun()
            if no.button("Keep it", key="delete-no"):
                st.session_state.pop("confirm-delete")
                st.rerun()
        elif st.button(
            "Delete session", key=f"delete-{current}", disabled=workers().busy(current),
            help="Wait for the current render to finish (or cancel it) first.",
        ):  # fmt: skip
            st.session_state["confirm-delete"] = current
            st.rerun()


def settings_panel() -> None:
    """Backend, preset and LLM endpoint; the offline defaults are preselected."""
    chosen = st.session_state.setdefault(SETTINGS_KEY, {})
    current = settings()
    with st.sidebar.expander("Settings"):
        backends = ["animatic", "diffusers"]
        chosen["backend"] = st.selectbox(
            "Video backend", backends, index=backends.index(current.backend),
            help="animatic: moving storyboard cards on the CPU; diffusers: a video model (GPU)",
        )  # fmt: skip
        presets = list(PRESETS)
        preset = current.model if current.model in presets else DEFAULT_PRESET
        chosen["model"] = st.selectbox(
            "Model preset", presets, index=presets.index(preset),
            disabled=chosen["backend"] != "diffusers",
        )  # fmt: skip
        chosen["llm_base_url"] = st.text_input(
            "LLM endpoint (OpenAI-compatible)", value=current.llm_base_url or "",
            placeholder="empty: offline planner", help="e.g. http://127.0.0.1:11434/v1 for Ollama",
        )  # fmt: skip
        chosen["llm_model"] = st.text_input("LLM model", value=current.llm_model)
        # A secret never goes to the browser: the field starts empty and only says whether
        # a key is set; typing one replaces it for this browser session.
        chosen["llm_api_key"] = st.text_input(
            "API key", value="", type="password", key="llm-api-key",
            placeholder="a key is set (hidden); type to replace it" if current.llm_api_key
            else "none set",
        )  # fmt: skip
        planner = "LLM at " + current.llm_base_url if current.llm_base_url else "offline planner"
        st.caption(f"Now: {planner} · {current.backend}")
