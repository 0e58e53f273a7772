"""The Streamlit page: `reelchat ui` runs this file. Layout only; the work is in the modules."""

from __future__ import annotations

import streamlit as st

from reelchat.ui import board, brand, chat, media, results, sidebar
from reelchat.ui.services import settings, workspace


def main() -> None:
    st.set_page_config(page_title="reelchat", page_icon="🎬", layout="wide")
    current = sidebar.selected_session()
    sidebar.sessions_panel(current)
    sidebar.settings_panel()
    ws, chosen = workspace(), settings()
    if current is None:
        st.title("Make a video by chatting")
        st.markdown(
            "Start with **➕ New video** in the sidebar, then say what you want, e.g. *“a "
            "30-second explainer on how vaccines work, for teenagers”*, *“a demo of our app's "
            "new export button, vertical”* or *“an onboarding clip welcoming Priya to the "
            "design team”*. Then keep chatting to change it."
        )
        return
    brand.brand_panel(ws, current)
    talk, work = st.columns([2, 3], gap="large")
    with talk:
        st.subheader("Chat")
        chat.history(ws, current)
        chat.progress(ws, current)
        media.uploader(ws, current)
        media.media_strip(ws, current)
        chat.message_box(ws, current, chosen)
    with work:
        video_tab, board_tab = st.tabs(["🎬 Video", "🗂 Storyboard"])
        with video_tab:
            results.results(ws, current)
        with board_tab:
            board.board(ws, current, chosen)


main()
