"""Nothing escapes the workspace (issue 17): no symbolic link below the workspace is followed
for a read, a write or a delete; narration text and caption images stay in the workspace."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

from reelchat import store
from reelchat.agent.conversation import delete_session
from reelchat.errors import RenderFailed, WorkspaceUnsafe
from reelchat.generation.animatic import AnimaticBackend
from reelchat.generation.narration import tts_available
from reelchat.generation.runner import render_session
from reelchat.generation.stitch import StitchOptions
from tests.conftest import make_storyboard, store_counts

QUIET = StitchOptions(captions=False, narration=False)


@pytest.fixture
def rendered(workspace):
    session_id = store.create_session(workspace.engine, title="links").id
    store.add_version(workspace.engine, session_id=session_id, storyboard=make_storyboard(2))
    render_session(workspace, AnimaticBackend(), session_id=session_id, options=QUIET)
    return session_id


def _edit(workspace, session_id, fps=12):
    store.add_version(
        workspace.engine, session_id=session_id, storyboard=make_storyboard(2, fps=fps)
    )


@pytest.mark.parametrize("folder", ["clips", "videos"])
def test_symlinked_session_folder_is_refused_and_nothing_is_written_outside(
    workspace, rendered, tmp_path, folder
):
    outside = tmp_path / "outside"
    outside.mkdir()
    linked = workspace.root / "sessions" / rendered / folder
    shutil.rmtree(linked)
    linked.symlink_to(outside)
    _edit(workspace, rendered)
    with pytest.raises((WorkspaceUnsafe, RenderFailed), match="symbolic link"):
        render_session(workspace, AnimaticBackend(), session_id=rendered, options=QUIET)
    assert list(outside.iterdir()) == []


def test_symlinked_clip_file_is_never_read_or_stitched(workspace, rendered, tmp_path):
    secret = tmp_path / "secret.mp4"
    clips = workspace.clips_dir(rendered)
    victim = sorted(p for p in clips.iterdir() if len(p.stem) == 32)[0]
    shutil.copyfile(victim, secret)
    victim.unlink()
    victim.symlink_to(secret)
    before = len(store.list_videos(workspace.engine, session_id=rendered))
    _edit(workspace, rendered, fps=8)  # same pixels: the clips would be reused
    store.add_version(workspace.engine, session_id=rendered, storyboard=make_storyboard(2))
    with pytest.raises((WorkspaceUnsafe, RenderFailed), match="symbolic link"):
        render_session(workspace, AnimaticBackend(), session_id=rendered, options=QUIET)
    assert len(store.list_videos(workspace.engine, session_id=rendered)) == before


def test_sessions_delete_through_a_symlinked_folder_deletes_nothing(workspace, rendered, tmp_path):
    folder = workspace.root / "sessions" / rendered
    copy = tmp_path / "copy"
    shutil.copytree(folder, copy)
    shutil.rmtree(folder)
    folder.symlink_to(copy)
    counts = store_counts(workspace)
    with pytest.raises(WorkspaceUnsafe, match="symbolic link"):
        delete_session(workspace, rendered)
    assert store_counts(workspace) == counts  # rows kept: all or nothing
    assert sorted(p.name for p in copy.iterdir()) == ["clips", "videos"]


def test_symlinked_sessions_folder_is_refused(workspace, rendered, tmp_path):
    sessions = workspace.root / "sessions"
    moved = tmp_path / "moved"
    shutil.move(sessions, moved)
    sessions.symlink_to(moved)
    with pytest.raises(WorkspaceUnsafe):
        workspace.session_dir(rendered)


@pytest.mark.skipif(not tts_available(), reason="espeak-ng is not installed")
@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_narration_text_and_caption_images_stay_in_the_workspace(workspace, tmp_path, monkeypatch):
    watched = tmp_path / "system-temp"
    watched.mkdir()
    monkeypatch.setenv("TMPDIR", str(watched))
    monkeypatch.setattr(tempfile, "tempdir", str(watched))
    seen: list[str] = []
    real_unlink = os.unlink

    def record(path, *args, **kwargs):  # what was written, even when removed right after
        seen.append(str(path))
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", record)
    board = make_storyboard(2)
    spanish = "Hola a todos, esta es una prueba de narración en español."  # read by espeak-ng
    shots = [
        s.model_copy(update={"caption": "secret caption", "narration": spanish})
        for s in board.shots
    ]
    session_id = store.create_session(workspace.engine, title="t").id
    store.add_version(
        workspace.engine, session_id=session_id,
        storyboard=board.model_copy(update={"shots": shots}),
    )  # fmt: skip
    render_session(workspace, AnimaticBackend(), session_id=session_id, options=StitchOptions())
    assert list(watched.iterdir()) == []
    assert not [p for p in seen if p.startswith(str(watched))]
    assert any(".narration-" in p for p in seen)  # the text file was written, in the workspace
    assert all(p.startswith(str(workspace.root)) for p in seen if ".narration-" in p)
