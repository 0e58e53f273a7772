"""Provenance of every clip and of the video: MP4 tags, sidecar JSON, `sessions show --shot`."""

import hashlib
import json
import subprocess
from datetime import UTC, datetime

import pytest
from typer.testing import CliRunner

from reelchat import __version__, store
from reelchat.cli import app
from reelchat.generation.animatic import AnimaticBackend
from reelchat.generation.backend import ShotRequest
from reelchat.generation.media import ffmpeg_exe
from reelchat.generation.provenance import clip_provenance
from reelchat.generation.runner import render_session
from reelchat.generation.stitch import StitchOptions
from reelchat.generation.video_record import sidecar_path
from reelchat.storyboard.models import Brand, Region, ShotMedia
from tests.conftest import make_storyboard
from tests.generation.media_fixtures import add_picture, screenshot

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


def _show(workspace, *args):
    return CliRunner().invoke(
        app, ["sessions", "show", *map(str, args), "--workspace", str(workspace.root)]
    )


def test_provenance_of_a_shot_showing_a_picture_names_the_picture_its_regions_and_colours(
    workspace,
):
    picture = add_picture(workspace, screenshot())
    sha256 = hashlib.sha256(workspace.media_file(picture, "png").read_bytes()).hexdigest()
    focus, box = Region(x=0.6, y=0.0, width=0.4, height=0.3), Region(x=0.7, y=0.08, width=0.22,
                                                                        height=0.12)  # fmt: skip
    board = make_storyboard(2)
    shown = ShotMedia(id=picture, focus=focus, highlight=box)
    board = board.model_copy(update={
        "shots": [board.shots[0].model_copy(update={"media": shown}), board.shots[1]],
        "brand": Brand(colours=["#ff6600", "#008080"]),
    })  # fmt: skip
    session = store.create_session(workspace.engine, title="pictures")
    store.add_version(workspace.engine, session_id=session.id, storyboard=board)
    render_session(workspace, AnimaticBackend(), session_id=session.id, options=QUIET)
    result = _show(workspace, session.id, "--shot", 1, "--json")
    assert result.exit_code == 0, result.output
    [attempt] = json.loads(result.output)["attempts"]
    assert attempt["media"] == {**shown.model_dump(mode="json"), "sha256": sha256}
    assert attempt["media"]["focus"]["x"] == 0.6 and attempt["media"]["highlight"]["y"] == 0.08
    assert attempt["condition_image_sha256"] == sha256
    assert attempt["palette"] == ["#ff6600"]  # its highlight is drawn in the first colour only
    [plain] = json.loads(_show(workspace, session.id, "--shot", 2, "--json").output)["attempts"]
    assert plain["media"] is None and plain["condition_image_sha256"] == ""


def test_diffusion_provenance_records_the_start_picture_but_not_colours_it_never_reads(
    workspace,
):
    pytest.importorskip("diffusers")
    from reelchat.config import Settings
    from reelchat.generation.backend import get_backend

    backend = get_backend(
        Settings(workspace=workspace.root, backend="diffusers", device="cpu", model="tiny-wan")
    )
    picture = add_picture(workspace, screenshot())
    file = workspace.media_file(picture, "png")
    request = ShotRequest.model_validate(
        {**make_storyboard(1).pixel_inputs(make_storyboard(1).shots[0]),
         "media": ShotMedia(id=picture), "palette": ("#ff6600",), "media_file": file}
    )  # fmt: skip
    now = datetime.now(UTC)
    record = clip_provenance(backend, request, started=now, finished=now, attempt=1)
    sha256 = hashlib.sha256(file.read_bytes()).hexdigest()
    assert record["media"]["id"] == picture and record["media"]["sha256"] == sha256
    assert record["condition_image_sha256"] == sha256
    assert "palette" not in record  # the model never sees the brand colours


def test_sessions_show_json_prints_the_session_as_json(workspace):
    session_id, board, outcome = _render(workspace, shots=2)
    result = _show(workspace, session_id, "--json")
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["id"] == session_id and record["current_version"] == 1
    assert record["versions"] == [{"number": 1, "shots": 2, "note": ""}]
    [job] = record["jobs"]
    assert job["status"] == "done" and [s["position"] for s in job["shots"]] == [1, 2]
    assert record["videos"] == [{"version": 1, "path": str(outcome.video_path)}]


def test_sessions_show_a_shot_the_storyboard_does_not_have_names_the_shot_count(workspace):
    session_id, _, _ = _render(workspace, shots=2)
    for position in (3, 0, -1):
        result = _show(workspace, session_id, "--shot", position)
        assert result.exit_code != 0
        assert f"there is no shot {position} (the storyboard has 2)" in result.output
        assert "render it first" not in result.output


def _track_languages(path) -> dict[str, str]:
    import av

    with av.open(str(path)) as container:
        return {s.type: s.metadata.get("language", "") for s in container.streams
                if s.type in ("audio", "subtitle")}  # fmt: skip


def test_the_narrated_videos_audio_and_subtitle_tracks_carry_the_storyboards_language(workspace):
    board = make_storyboard(2, duration=1.0)
    board = board.model_copy(update={"shots": [
        board.shots[0].model_copy(update={"narration": "Welcome to the team."}),
        board.shots[1].model_copy(update={"narration": "We are glad you are here."}),
    ]})  # fmt: skip
    session = store.create_session(workspace.engine, title="spoken")
    store.add_version(workspace.engine, session_id=session.id, storyboard=board)
    outcome = render_session(
        workspace, AnimaticBackend(), session_id=session.id,
        options=StitchOptions(captions=False, narration=True),
    )  # fmt: skip
    assert _track_languages(outcome.video_path) == {"audio": "eng", "subtitle": "eng"}


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        (["Welcome to the team.", "We are glad you are here."], "eng"),
        (["Bienvenue dans l'équipe.", "Nous sommes ravis de vous accueillir."], "fra"),
        (["Willkommen im Team.", "Wir freuen uns, dass du da bist."], "deu"),
        (["", "1234 !!"], None),
    ],
)
def test_the_language_of_a_videos_words_is_an_iso_639_2_code(lines, code):
    from reelchat.generation.narration import words_language

    assert words_language(lines) == code
