"""Provenance of every clip and of the video: MP4 tags, sidecar JSON, `sessions show --shot`."""

import json
import subprocess

from typer.testing import CliRunner

from reelchat import __version__, store
from reelchat.cli import app
from reelchat.generation.animatic import AnimaticBackend
from reelchat.generation.media import ffmpeg_exe
from reelchat.generation.runner import render_session
from reelchat.generation.stitch import StitchOptions
from reelchat.generation.video_record import sidecar_path
from tests.conftest import make_storyboard

QUIET = StitchOptions(captions=False, narration=False)


def _render(workspace, shots=3):
    board = make_storyboard(shots)
    session = store.create_session(workspace.engine, title="provenance")
    store.add_version(workspace.engine, session_id=session.id, storyboard=board)
    outcome = render_session(workspace, AnimaticBackend(), session_id=session.id, options=QUIET)
    return session.id, board, outcome


def _mp4_tags(path) -> dict[str, str]:
    """The container tags as ffmpeg reads them back (what ffprobe shows)."""
    result = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(path), "-f", "ffmetadata", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    pairs = (line.split("=", 1) for line in result.stdout.splitlines() if "=" in line)
    return {key: value for key, value in pairs}


def test_the_video_carries_its_summary_in_mp4_tags_and_a_sidecar(workspace):
    session_id, board, outcome = _render(workspace)
    tags = _mp4_tags(outcome.video_path)
    assert tags["title"] == board.title
    assert tags["reelchat_version"] == __version__
    assert tags["reelchat_session"] == session_id
    assert tags["reelchat_storyboard_version"] == str(outcome.video.version_number)
    assert tags["reelchat_video"] == outcome.video.id
    sidecar = json.loads(sidecar_path(outcome.video_path).read_text())
    assert sidecar["reelchat_video"] == outcome.video.id and sidecar["job"] == outcome.job.id
    assert [shot["position"] for shot in sidecar["shots"]] == [1, 2, 3]
    for shot, planned in zip(sidecar["shots"], board.shots, strict=True):
        [attempt] = shot["attempts"]
        assert attempt["seed"] == planned.seed and attempt["prompt"] == planned.prompt
        assert attempt["passed_check"] is True


def test_sessions_show_shot_prints_the_clip_provenance_as_json(workspace):
    session_id, board, _ = _render(workspace)
    result = CliRunner().invoke(
        app,
        ["sessions", "show", session_id, "--shot", "3", "--json",
         "--workspace", str(workspace.root)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    [attempt] = record["attempts"]
    shot = board.shots[2]
    assert record["position"] == 3 and record["shot_id"] == shot.id
    assert (attempt["seed"], attempt["title"], attempt["prompt"]) == (
        shot.seed, shot.title, shot.prompt,
    )  # fmt: skip
    assert (attempt["width"], attempt["height"], attempt["frames"]) == (640, 360, 8)
    assert attempt["backend"] == AnimaticBackend.name and attempt["device"] == "cpu"
    assert attempt["software"]["reelchat"] == __version__
    assert attempt["peak_memory"]["process_rss_mib"] > 0
    assert attempt["started_at"] <= attempt["finished_at"]
    plain = CliRunner().invoke(
        app, ["sessions", "show", session_id, "--shot", "3", "--workspace", str(workspace.root)]
    )
    assert plain.exit_code == 0 and "shot check passed" in plain.output


def test_sessions_show_a_shot_never_rendered_says_so(workspace):
    session = store.create_session(workspace.engine, title="empty")
    result = CliRunner().invoke(
        app, ["sessions", "show", session.id, "--shot", "1", "--workspace", str(workspace.root)]
    )
    assert result.exit_code != 0 and "render it first" in result.output
