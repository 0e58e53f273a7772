"""People's own media in the page: the uploader beside the chat, the strip of thumbnails, and
the uploader on each shot card that makes a file that shot's picture (a new version)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from reelchat.errors import ReelchatError
from reelchat.media_library import MediaEntry, add_media, list_media, media_file
from reelchat.store.tables import WORKSPACE_SCOPE
from reelchat.ui.text import markdown_literal
from reelchat.workspace import Workspace

UPLOAD_TYPES = ["png", "jpg", "jpeg", "webp", "mp4", "mov", "webm", "ttf", "otf"]
"""What the uploaders offer; the content decides what a file is (media_library)."""
_DONE_KEY = "uploaded-files"
"""Uploads already added, by the uploader's file id: a file stays in the widget across reruns
and must be added once."""
_ICONS = {"clip": "🎞️", "font": "🔤"}


def _new_uploads(files: list[Any]) -> list[Any]:
    done = st.session_state.setdefault(_DONE_KEY, set())
    fresh = [file for file in files if file.file_id not in done]
    done.update(file.file_id for file in fresh)
    return fresh


def add_uploads(ws: Workspace, session_id: str, files: list[Any]) -> list[MediaEntry]:
    """Add each newly uploaded file to the session's media; a refused file is said (its
    one-sentence reason) and the others are still added. Returns what was added."""
    added = []
    for file in _new_uploads(files):
        try:
            added.append(add_media(ws, file.getvalue(), scope=session_id, label=file.name))
        except ReelchatError as error:
            st.error(str(error))
    return added


def uploader(ws: Workspace, session_id: str) -> None:
    """The uploader beside the chat: pictures, clips and fonts for this session."""
    files = st.file_uploader(
        "Add your pictures, clips or fonts",
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
        key=f"media-upload-{session_id}",
        help="Say then e.g. “use export.png in shot 3” or “put our logo in the corner”.",
    )
    for entry in add_uploads(ws, session_id, files or []):
        st.toast(f"Added {entry.label} ({entry.kind}, id {entry.id})")
        for note in entry.notes:
            st.info(note)


def media_strip(ws: Workspace, session_id: str) -> None:
    """Thumbnails of the session's media (then the workspace's), each with its label and id;
    an item whose file has gone or is damaged is said in its place, the page still works."""
    entries = list_media(ws, session_id)
    if not entries:
        return
    st.caption("Your media")
    columns = st.columns(min(6, len(entries)))
    for index, entry in enumerate(entries):
        with columns[index % len(columns)]:
            shared = " · workspace" if entry.scope == WORKSPACE_SCOPE else ""
            caption = f"{entry.label} · {entry.id[:8]}{shared}"
            if entry.kind == "image":
                try:
                    picture = media_file(ws, entry.id)
                except ReelchatError as error:  # its file has gone or is damaged
                    st.warning(markdown_literal(str(error)))
                    continue
                st.image(str(picture), caption=caption, width="stretch")
            else:
                st.markdown(f"{_ICONS[str(entry.kind)]} {markdown_literal(caption)}")


def shot_picture_upload(ws: Workspace, session_id: str, shot_id: str, busy: bool) -> str | None:
    """The uploader on a shot card: the id of a newly added picture or clip for that shot, or
    None (nothing new, or the file was refused, which is said)."""
    file = st.file_uploader(
        "Picture for this shot",
        type=UPLOAD_TYPES[:7],
        key=f"shot-upload-{shot_id}",
        disabled=busy,
    )
    added = add_uploads(ws, session_id, [file] if file is not None else [])
    return added[0].id if added else None
