"""The results tab: the latest video with its facts, a download, and each shot's clip."""

from __future__ import annotations

import streamlit as st

from reelchat import store
from reelchat.generation import cache
from reelchat.ui.text import markdown_literal
from reelchat.workspace import Workspace


def results(ws: Workspace, session_id: str) -> None:
    videos = store.list_videos(ws.engine, session_id=session_id)
    if not videos:
        st.info("No video yet. It appears here when the first render finishes.")
        return
    video = videos[-1]
    path = ws.resolve(session_id, video.path)
    job = store.get_job(ws.engine, job_id=video.job_id)
    st.video(str(path))
    took = (
        f"{(job.finished_at - job.started_at).total_seconds():.1f} s"
        if job.finished_at and job.started_at
        else "?"
    )
    current = store.get_session(ws.engine, session_id=session_id).current_version
    stale = "" if video.version_number == current else " (an older version: render to update)"
    st.caption(
        f"Version {video.version_number}{stale} · {video.duration:.1f} s · "
        f"{video.width}×{video.height} · rendered in {took} · backend {job.backend.split('|')[0]}"
    )
    st.download_button(
        "⬇ Download MP4", data=path.read_bytes(), file_name=f"reelchat-{session_id}.mp4",
        mime="video/mp4",
    )  # fmt: skip
    with st.expander("Shot clips"):
        board = store.get_version(ws.engine, session_id=session_id).storyboard
        clips = cache.shot_clips(ws, session_id)
        for number, shot in enumerate(board.shots, start=1):
            st.markdown(f"**Shot {number}: {markdown_literal(shot.title)}**")
            clip = clips.get(shot.id)
            if clip is not None:
                st.video(str(clip))
            else:
                st.caption("not rendered yet")
