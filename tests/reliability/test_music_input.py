"""--music is probed before anything renders and passed so ffmpeg never reads its name as a
protocol (issue 17, "Filters and secrets")."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from reelchat import store
from reelchat.cli import app
from reelchat.generation.media import probe, run_ffmpeg
from tests.conftest import make_storyboard, store_counts

runner = CliRunner()


@pytest.fixture
def cli(workspace, monkeypatch, tmp_path):
    monkeypatch.setenv("REELCHAT_WORKSPACE", str(workspace.root))
    monkeypatch.chdir(tmp_path)  # a relative name such as remix:v2.mp3, as typed in a shell
    return lambda *args: runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def board(tmp_path):
    path = tmp_path / "board.json"
    path.write_text(make_storyboard(1).to_json())
    return path


def _sine(path, seconds=2):
    run_ffmpeg(["-f", "lavfi", "-i", f"sine=f=440:d={seconds}", f"file:{path}"], what="make")
    return path


def test_music_that_is_not_audio_is_refused_before_rendering(cli, workspace, board, tmp_path):
    (tmp_path / "notes.txt").write_text("not audio")
    (tmp_path / "page.mp3").write_text("<html><body>404</body></html>")
    run_ffmpeg(["-f", "lavfi", "-i", "color=c=red:s=64x64:d=1", "-pix_fmt", "yuv420p",
                str(tmp_path / "silent.mp4")], what="make")  # fmt: skip
    workspace.engine  # noqa: B018 - an empty store to compare with
    before = store_counts(workspace)
    for name in ("notes.txt", "page.mp3", "silent.mp4"):
        result = cli("render", board, "--no-narration", "--music", name)
        assert result.exit_code == 1, result.output
        assert "is not audio that ffmpeg can read" in " ".join(result.stderr.split())
        assert "Traceback" not in result.output
    assert store_counts(workspace) == before  # nothing stored, nothing rendered


def test_music_named_like_a_protocol_is_read_as_a_file(cli, workspace, board, tmp_path):
    _sine(tmp_path / "remix:v2.mp3")
    result = cli("render", board, "--no-narration", "--music", "remix:v2.mp3")
    assert result.exit_code == 0, result.output
    (session,) = store.list_sessions(workspace.engine)
    (video,) = store.list_videos(workspace.engine, session_id=session.id)
    assert probe(workspace.resolve(session.id, video.path)).audio_codec == "aac"
