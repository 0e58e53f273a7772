"""The CLI on good and bad input: clear one-line errors, non-zero exits, nothing changed."""

import json
import sqlite3
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from reelchat import store
from reelchat.cli import app
from tests.conftest import make_storyboard, store_counts

runner = CliRunner()


@pytest.fixture
def cli(workspace, monkeypatch):
    monkeypatch.setenv("REELCHAT_WORKSPACE", str(workspace.root))

    def invoke(*args, input=None):
        return runner.invoke(app, [str(a) for a in args], input=input)

    return invoke


@pytest.fixture
def rendered(cli, workspace, tmp_path):
    """A session with one rendered storyboard."""
    board_file = tmp_path / "board.json"
    board_file.write_text(make_storyboard(2).to_json())
    result = cli("render", board_file, "--no-narration")
    assert result.exit_code == 0, result.output
    return store.list_sessions(workspace.engine)[0]


def _assert_one_line_error(result, expected):
    assert result.exit_code != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error:") and expected in lines[0]
    assert "Traceback" not in result.output


def _bad_board_file(tmp_path, mutate):
    data = json.loads(make_storyboard(2).to_json())
    mutate(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(
    ("make_file", "expected"),
    [
        (lambda tmp: tmp / "missing.json", "storyboard file not found"),
        (
            lambda tmp: (tmp / "broken.json").write_text("{not json") and tmp / "broken.json",
            "invalid storyboard",
        ),
        (
            lambda tmp: _bad_board_file(tmp, lambda d: d["shots"][1].update(duration=99)),
            "shot 2 duration",
        ),
        (lambda tmp: _bad_board_file(tmp, lambda d: d.update(fps=500)), "fps"),
        (lambda tmp: _bad_board_file(tmp, lambda d: d.update(shots=[])), "at least 1"),
    ],
)
def test_render_rejects_bad_files_and_changes_nothing(
    cli, workspace, rendered, tmp_path, make_file, expected
):
    before = store_counts(workspace)
    clips_before = sorted(workspace.root.rglob("*.mp4"))
    result = cli("render", make_file(tmp_path))
    _assert_one_line_error(result, expected)
    assert store_counts(workspace) == before
    assert sorted(workspace.root.rglob("*.mp4")) == clips_before


def test_render_into_a_session_that_does_not_exist(cli, workspace, rendered):
    before = store_counts(workspace)
    _assert_one_line_error(cli("render", "--session", "abcdef123456"), "no session with id")
    assert store_counts(workspace) == before


def test_make_with_missing_music_changes_nothing(cli, workspace, rendered, tmp_path):
    before = store_counts(workspace)
    _assert_one_line_error(
        cli("make", "tides", "--music", tmp_path / "nope.mp3"), "music file not found"
    )
    assert store_counts(workspace) == before


def test_make_with_empty_request(cli):
    _assert_one_line_error(cli("make", "   "), "say what the video should be about")


def _checkpoints(workspace, session_id):
    with sqlite3.connect(workspace.root / "checkpoints.db") as db:
        rows = db.execute("SELECT COUNT(*) FROM checkpoints WHERE thread_id = ?", (session_id,))
        return rows.fetchone()[0]


def test_deleting_a_chat_session_forgets_its_conversation(cli, workspace):
    made = cli("make", "a 2 second clip about owls, 1 shot, 360p, 8 fps", "--no-narration")
    assert made.exit_code == 0, made.output
    (session,) = store.list_sessions(workspace.engine)
    assert _checkpoints(workspace, session.id) > 0
    assert cli("sessions", "delete", session.id, "--yes").exit_code == 0
    assert _checkpoints(workspace, session.id) == 0
    assert not workspace.session_dir(session.id).exists()


def test_sessions_list_show_and_delete(cli, workspace, rendered):
    listed = cli("sessions", "list")
    assert listed.exit_code == 0 and rendered.id in listed.stdout
    shown = cli("sessions", "show", rendered.id)
    assert shown.exit_code == 0
    assert "render jobs" in shown.stdout and "1:rendered" in shown.stdout
    session_dir = workspace.session_dir(rendered.id)
    assert session_dir.exists()
    kept = cli("sessions", "delete", rendered.id, input="n\n")
    assert kept.exit_code != 0 and session_dir.exists()
    deleted = cli("sessions", "delete", rendered.id, "--yes")
    assert deleted.exit_code == 0
    assert not session_dir.exists()
    assert store.list_sessions(workspace.engine) == []
    _assert_one_line_error(cli("sessions", "show", rendered.id), "no session with id")


def test_export_edit_and_render_again_reuses_clips(cli, workspace, rendered, tmp_path):
    exported = tmp_path / "exported.json"
    assert cli("storyboard", "export", rendered.id, "-o", exported).exit_code == 0
    data = json.loads(exported.read_text())
    data["shots"][1]["prompt"] = "the lighthouse at night"
    exported.write_text(json.dumps(data))
    result = cli("render", exported, "--session", rendered.id, "--no-narration")
    assert result.exit_code == 0, result.output
    assert "1 shots rendered, 1 from cache" in " ".join(result.stdout.split())
    versions = store.list_versions(workspace.engine, session_id=rendered.id)
    assert [v.note for v in versions] == ["imported from board.json", "imported from exported.json"]

    assert cli("storyboard", "restore", rendered.id, "1").exit_code == 0
    again = cli("render", "--session", rendered.id, "--no-narration")
    assert "0 shots rendered, 2 from cache" in " ".join(again.stdout.split())


def test_storyboard_show_and_schema(cli, rendered):
    shown = cli("storyboard", "show", rendered.id)
    assert shown.exit_code == 0 and "Shot 1" in shown.stdout
    schema = json.loads(cli("storyboard", "schema").stdout)
    assert "Shot" in schema["$defs"]
    _assert_one_line_error(
        cli("storyboard", "show", rendered.id, "--version", "7"), "no storyboard version 7"
    )


def test_batch_makes_a_video_per_person_and_reports_bad_rows(cli, workspace, tmp_path):
    board = make_storyboard(2)
    data = json.loads(board.to_json())
    data["shots"][1]["prompt"] = "{name} waving at the camera"
    data["shots"][1]["caption"] = "Welcome, {name}!"
    template = tmp_path / "template.json"
    template.write_text(json.dumps(data))
    people = tmp_path / "people.csv"
    people.write_text("name\nPriya\n \nSam\n")
    out_dir = tmp_path / "videos"
    result = cli("batch", template, people, "--out-dir", out_dir, "--no-narration")
    assert result.exit_code == 1  # one row failed
    assert "row 2 skipped: no value for {name}" in " ".join(result.stderr.split())
    assert sorted(p.name for p in out_dir.glob("*.mp4")) == ["person-0001.mp4", "person-0003.mp4"]
    assert "2 made, 0 already made, 1 failed; 3 shots rendered" in " ".join(result.stdout.split())
    again = cli("batch", template, people, "--out-dir", out_dir, "--no-narration")
    assert "0 made, 2 already made, 1 failed; 0 shots rendered" in " ".join(again.stdout.split())


def test_batch_needs_variables(cli, tmp_path):
    template = tmp_path / "plain.json"
    template.write_text(make_storyboard(1).to_json())
    people = tmp_path / "people.csv"
    people.write_text("name\nPriya\n")
    _assert_one_line_error(cli("batch", template, people), "no {variables}")


def test_an_output_path_that_cannot_be_written_is_a_one_line_error(cli, rendered, tmp_path):
    folder = tmp_path / "a-folder"
    folder.mkdir()
    result = cli("render", "--session", rendered.id, "--no-narration", "-o", folder)
    _assert_one_line_error(result, "is a folder; give a file name")


def test_offline_make_never_imports_the_diffusion_stack(tmp_path):
    """torch and diffusers take seconds to import; the offline path must not pay for them."""
    script = (
        "import sys\n"
        "from reelchat.cli import app\n"
        "app(['make', 'a 4 second video about tides, 2 shots', '--no-narration',"
        f" '--workspace', {str(tmp_path / 'ws')!r}], standalone_mode=False)\n"
        "print('heavy:', sorted(m for m in ('torch', 'diffusers', 'transformers', 'moviepy')"
        " if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert "video:" in result.stdout
    assert "heavy: []" in result.stdout


def test_help_shows_the_extra_to_install_for_ray_in_full():
    result = runner.invoke(app, ["make", "--help"], env={"COLUMNS": "300"})
    assert "pip install 'reelchat[cluster]'" in result.output


def test_dash_as_output_means_standard_output_for_every_command(
    cli, workspace, rendered, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    shown = cli("storyboard", "export", rendered.id, "-o", "-")
    assert shown.exit_code == 0, shown.output
    assert json.loads(shown.stdout)["shots"] and not (tmp_path / "-").exists()
    board_file = tmp_path / "board.json"
    board_file.write_text(make_storyboard(1).to_json().replace('"title": "', '"title": "{name} '))
    people = tmp_path / "people.csv"
    people.write_text("name\nAna\n")
    before = store_counts(workspace)
    for args, writes in [
        (("render", board_file, "-o", "-"), "a video and its subtitle files"),
        (("make", "a 2 second clip about tides", "-o", "-"), "a video and its subtitle files"),
        (("export", rendered.id, "-o", "-"), "a timeline and the media folder"),
        (("batch", board_file, people, "-o", "-"), "a folder of videos"),
    ]:
        result = cli(*args)
        _assert_one_line_error(result, "- means standard output, but this command writes " + writes)
    assert not (tmp_path / "-").exists() and store_counts(workspace) == before
