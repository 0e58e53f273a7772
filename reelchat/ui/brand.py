"""The brand kit editor in the sidebar: logo, corner, size, opacity, colours and font. Saving
changes the workspace's kit and gives the open session's storyboard the kit (a new version)."""

from __future__ import annotations

import streamlit as st

from reelchat import store
from reelchat.errors import ReelchatError
from reelchat.media_library import list_media
from reelchat.storyboard.models import Corner, Logo
from reelchat.tools.brand import brand_with, save_brand
from reelchat.workspace import Workspace

NONE = "none"


def brand_panel(ws: Workspace, session_id: str) -> None:
    """The editor: choices among the session's (and workspace's) images and fonts."""
    kit = store.get_brand(ws.engine)
    entries = list_media(ws, session_id)
    images = {e.id: f"{e.label} · {e.id[:8]}" for e in entries if e.kind == "image"}
    fonts = {e.id: f"{e.label} · {e.id[:8]}" for e in entries if e.kind == "font"}
    logo = kit.logo or Logo(media="0" * 16)
    with st.sidebar.expander("Brand kit"):
        logo_ids = [NONE, *images]
        if kit.logo and kit.logo.media not in images:
            logo_ids.append(kit.logo.media)
        chosen_logo = st.selectbox(
            "Logo", logo_ids, index=logo_ids.index(kit.logo.media) if kit.logo else 0,
            format_func=lambda i: images.get(i, i), key="brand-logo",
        )  # fmt: skip
        corners = list(Corner)
        corner = st.selectbox(
            "Corner", corners, index=corners.index(logo.corner),
            format_func=lambda c: c.value.replace("_", " "), key="brand-corner",
        )  # fmt: skip
        size = st.slider("Logo width (of the frame)", 0.03, 0.4, logo.size, key="brand-size")
        opacity = st.slider("Logo opacity", 0.1, 1.0, logo.opacity, key="brand-opacity")
        colours = st.text_input(
            "Colours", value=" ".join(kit.colours), placeholder="#ff6600 #003366",
            help="Up to 5 hex colours: the animatic's palette.", key="brand-colours",
        )  # fmt: skip
        font_ids = [NONE, *fonts]
        if kit.font and kit.font not in fonts:
            font_ids.append(kit.font)
        font = st.selectbox(
            "Font", font_ids, index=font_ids.index(kit.font) if kit.font else 0,
            format_func=lambda i: fonts.get(i, i), key="brand-font",
        )  # fmt: skip
        if not st.button("Save brand kit", key="brand-save"):
            return
        clear = [part for part, value in (("logo", chosen_logo), ("font", font)) if value == NONE]
        codes = colours.replace(",", " ").split()
        try:
            brand = brand_with(
                kit,
                logo=None if chosen_logo == NONE else chosen_logo,
                corner=corner if chosen_logo != NONE else None,
                size=size if chosen_logo != NONE else None,
                opacity=opacity if chosen_logo != NONE else None,
                colours=codes,
                font=None if font == NONE else font,
                clear=clear,
            )
            version = save_brand(ws, brand, session_id=session_id)
        except ReelchatError as error:
            st.error(str(error))
            return
        st.success("Brand kit saved" + (f"; storyboard version {version}" if version else ""))
