"""The storyboard board: one editable card per shot, and the version history.

Every change goes through the same tools as a chat edit (recorded in the chat too); a change is
validated before anything is saved, so a bad value shows an inline error and loses nothing.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import streamlit as st

from reelchat import store
from reelchat.config import Settings
from reelchat.errors import ReelchatError
from reelchat.generation import cache
from reelchat.storyboard.models import Camera, Shot, Storyboard, Transition
from reelchat.tools.actions import describe_brand, describe_picture
from reelchat.ui.chat import start_render
from reelchat.ui.media import shot_picture_upload
from reelchat.ui.services import conversation, workers
from reelchat.ui.text import markdown_literal
from reelchat.workspace import Workspace

ERRORS_KEY = "board-errors"


def _apply(
    ws: Workspace, session_id: str, chosen: Settings, shot_id: str, request: str,
    calls: list[tuple[str, dict[str, Any]]],
) -> None:  # fmt: skip
    errors = st.session_state.setdefault(ERRORS_KEY, {})
    try:
        conversation(ws, session_id, chosen).apply(request, calls)
    except ReelchatError as error:
        errors[shot_id] = str(error)  # shown under the card; the form keeps what was typed
    else:
        errors.pop(shot_id, None)
        start_render(ws, session_id, chosen, request)
    st.rerun()


def _thumbnail(clip: Path | None) -> None:
    if clip is None:
        st.markdown("🎞️ *not rendered yet*")
        return
    st.image(str(cache.thumbnail(clip)), width="stretch")


def _provenance(ws: Workspace, session_id: str, clip: Path) -> None:
    """Where a shot's clip came from: model, seed, steps and every render with the shot
    check's verdict (store.clip_attempts; the clip file is named by its cache key)."""
    attempts = store.clip_attempts(ws.engine, session_id=session_id, key=clip.stem)
    if not attempts:
        return
    with st.expander(f"Where this clip came from ({len(attempts)} render(s))"):
        for attempt in attempts:
            details = json.loads(attempt.details_json)
            verdict = "passed the shot check" if attempt.passed else f"failed: {attempt.problems}"
            parts = [
                f"render {attempt.attempt}",
                f"model {details.get('model', '?')}",
                f"seed {attempt.seed}",
            ]
            parts += [f"{details['steps']} steps"] if "steps" in details else []
            parts += [f"{details['seconds']:g} s"] if "seconds" in details else []
            st.markdown(markdown_literal(" · ".join(parts) + f" · {verdict}"))


def _card(
    ws: Workspace, session_id: str, chosen: Settings, board: Storyboard, number: int,
    shot: Shot, clip: Path | None, busy: bool,
) -> None:  # fmt: skip
    with st.container(border=True):
        picture, fields = st.columns([1, 3])
        with picture:
            st.markdown(f"**Shot {number}**")
            _thumbnail(clip)
            if shot.media:
                st.caption(markdown_literal(f"picture {describe_picture(shot.media)}"))
            uploaded = shot_picture_upload(ws, session_id, shot.id, busy)
            no_picture = shot.media is not None and st.button(
                "No picture", key=f"no-picture-{shot.id}", disabled=busy
            )
            if clip is not None:
                _provenance(ws, session_id, clip)
        with fields.form(key=f"shot-{shot.id}"):
            title = st.text_input("Title", value=shot.title)
            prompt = st.text_area("Prompt", value=shot.prompt, height=80)
            left, middle, right = st.columns(3)
            duration = left.number_input(
                "Seconds", value=float(shot.duration), step=0.5, help="1 to 20 seconds"
            )
            cameras, transitions = list(Camera), list(Transition)
            camera = middle.selectbox("Camera", cameras, index=cameras.index(shot.camera))
            transition = right.selectbox(
                "Then", transitions, index=transitions.index(shot.transition)
            )
            narration = st.text_area("Narration", value=shot.narration, height=68)
            caption = st.text_input("Caption", value=shot.caption)
            saved = st.form_submit_button("Save shot", disabled=busy)
        error = st.session_state.get(ERRORS_KEY, {}).get(shot.id)
        if error:
            st.error(error)
        buttons = st.columns(4)
        regenerate = buttons[0].button("🎲 Regenerate", key=f"regen-{shot.id}", disabled=busy)
        up = buttons[1].button("⬆ Up", key=f"up-{shot.id}", disabled=busy or number == 1)
        down = buttons[2].button(
            "⬇ Down", key=f"down-{shot.id}", disabled=busy or number == len(board.shots)
        )
        delete = buttons[3].button("🗑 Delete", key=f"del-{shot.id}", disabled=busy)

    values = {"title": title, "prompt": prompt, "duration": duration, "camera": camera,
              "transition": transition, "narration": narration, "caption": caption}  # fmt: skip
    operation: dict[str, Any] | None = None
    if uploaded is not None:
        operation = {"op": "set_shot_media", "shot": number, "media": {"id": uploaded}}
        request = f"Board: shot {number} shows picture {uploaded}"
    elif no_picture:
        operation = {"op": "set_shot_media", "shot": number}
        request = f"Board: no picture in shot {number}"
    elif saved:
        changes = {name: value for name, value in values.items() if value != getattr(shot, name)}
        if changes:
            operation = {"op": "update_shot", "shot": number, "changes": changes}
            request = f"Board: shot {number}, " + ", ".join(
                f"{name} → {value}" for name, value in changes.items()
            )
    elif regenerate:
        seed = random.randrange(0, 2**31 - 1)
        operation = {"op": "update_shot", "shot": number, "changes": {"seed": seed}}
        request = f"Board: regenerate shot {number}"
    elif up or down:
        target = number - 1 if up else number + 1
        operation = {"op": "move_shot", "shot": number, "to": target}
        request = f"Board: move shot {number} to {target}"
    elif delete:
        operation = {"op": "delete_shot", "shot": number}
        request = f"Board: delete shot {number}"
    if operation is not None:
        calls = [("edit_storyboard", {"operations": [operation]})]
        _apply(ws, session_id, chosen, shot.id, request, calls)


def board(ws: Workspace, session_id: str, chosen: Settings) -> None:
    try:
        version = store.get_version(ws.engine, session_id=session_id)
    except ReelchatError:
        st.info("No storyboard yet: describe the video you want in the chat.")
        return
    storyboard = version.storyboard
    st.markdown(
        f"**{markdown_literal(storyboard.title)}** · {len(storyboard.shots)} shots · "
        f"{storyboard.runtime:.1f} s · "
        f"{storyboard.aspect} · version {version.number}"
    )
    if brand := describe_brand(storyboard):
        st.caption(markdown_literal(f"Brand: {brand}"))
    busy = workers().busy(session_id)
    clips = cache.shot_clips(ws, session_id)
    for number, shot in enumerate(storyboard.shots, start=1):
        _card(ws, session_id, chosen, storyboard, number, shot, clips.get(shot.id), busy)
    with st.expander("Version history"):
        for row in reversed(store.list_versions(ws.engine, session_id=session_id)):
            left, right = st.columns([4, 1])
            left.markdown(f"**v{row.number}** · {markdown_literal(row.note or 'edited')} · "
                          f"{row.created_at:%Y-%m-%d %H:%M}")  # fmt: skip
            if row.number != version.number and right.button(
                "Restore", key=f"restore-{row.number}", disabled=busy
            ):
                calls = [("restore_version", {"version": row.number})]
                _apply(ws, session_id, chosen, "versions", f"Board: restore version {row.number}",
                       calls)  # fmt: skip
            elif row.number == version.number:
                right.caption("current")
