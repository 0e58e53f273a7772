"""`reelchat media add|list|remove` and `reelchat make --image/--logo`."""

from __future__ import annotations

import os

import pytest
from PIL import Image
from typer.testing import CliRunner

from reelchat import store
from reelchat.cli import app
from reelchat.errors import RenderFailed
from reelchat.media_library import list_media
from reelchat.store.tables import WORKSPACE_SCOPE
from tests.conftest import store_counts
from tests.media_library.conftest import assert_nothing_stored

runner = CliRunner()


@pytest.fixture
def cli(workspace, monkeypatch):
    monkeypatch.setenv("REELCHAT_WORKSPACE", str(workspace.root))
    return lambda *args: runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def pictures(tmp_path):
    paths = []
    for name, colour in (("shot1.png", "red"), ("shot2.png", "blue"), ("logo.png", "black")):
        Image.new("RGB", (32, 18), colour).save(tmp_path / name)
        paths.append(tmp_path / name)
    (tmp_path / "notes.png").write_text("not a picture")
    return paths


def test_media_add_list_and_remove(cli, workspace, pictures, tmp_path):
    session = store.create_session(workspace.engine, title="demo").id
    result = cli("media", "add", pictures[0], tmp_path / "notes.png", pictures[1], "-s", session)
    assert result.exit_code == 1
    assert "refused: notes.png is not something reelchat can use" in result.stderr
    assert [e.label for e in list_media(workspace, session)] == ["shot1.png", "shot2.png"]
    assert cli("media", "add", pictures[2], "--shared").exit_code == 0

    listed = cli("media", "list", "--session", session)
    assert listed.exit_code == 0, listed.output
    first = list_media(workspace, session)[0]
    assert first.id in listed.stdout and "32×18" in listed.stdout
    assert listed.stdout.index("shot1.png") < listed.stdout.index("logo.png")
    assert "workspace" in listed.stdout

    assert cli("media", "remove", first.id, "-s", session).exit_code == 0
    assert [e.label for e in list_media(workspace, session)] == ["shot2.png", "logo.png"]
    missing = cli("media", "remove", first.id, "-s", session)
    assert missing.exit_code == 1 and "no media item" in missing.stderr


def test_media_add_needs_to_know_whose_media(cli, workspace, pictures):
    result = cli("media", "add", pictures[0])
    assert result.exit_code == 1 and "--session ID, or --shared" in result.stderr
    assert_nothing_stored(workspace)
    result = cli("media", "add", pictures[0], "--session", "0123456789ab")
    assert result.exit_code == 1 and "no session" in result.stderr
    assert_nothing_stored(workspace)


def test_a_label_cannot_inject_terminal_markup(cli, workspace, tmp_path):
    sneaky = tmp_path / "[bold red]x.png"
    Image.new("RGB", (4, 4)).save(sneaky, format="PNG")
    assert cli("media", "add", sneaky, "--shared").exit_code == 0
    assert "[bold red]x.png" in cli("media", "list").stdout


@pytest.mark.e2e
def test_make_adds_images_in_order_and_the_logo_to_the_brand(cli, workspace, pictures):
    shot1, shot2, logo = pictures
    result = cli(
        "make", "a 4 second explainer on owls, 2 shots, 360p, 8 fps", "--no-narration",
        "--image", shot2, "--image", shot1, "--logo", logo,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    session = store.list_sessions(workspace.engine)[0].id
    labels = [(e.label, e.scope) for e in list_media(workspace, session)]
    assert labels == [("shot2.png", session), ("shot1.png", session), ("logo.png", "workspace")]
    logo_id = list_media(workspace, WORKSPACE_SCOPE)[0].id
    assert store.get_brand(workspace.engine).logo.media == logo_id
    board = store.get_version(workspace.engine, session_id=session).storyboard
    ordered = [e.id for e in list_media(workspace, session)[:2]]
    assert [shot.media.id for shot in board.shots if shot.media] == ordered


def test_make_with_a_refused_image_leaves_nothing_behind(cli, workspace, pictures, tmp_path):
    before = store_counts(workspace)
    result = cli(
        "make", "a 4 second explainer on owls", "--no-narration",
        "--logo", pictures[2], "--image", pictures[0], "--image", tmp_path / "notes.png",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "notes.png is not something reelchat can use" in result.stderr
    assert store_counts(workspace) == before
    assert store.get_brand(workspace.engine).logo is None
    assert_nothing_stored(workspace)


def test_batch_with_a_media_folder_fails_only_the_row_whose_photo_is_outside(
    cli, workspace, tmp_path
):
    import json

    from tests.conftest import make_storyboard

    data = json.loads(make_storyboard(2).to_json())
    data["shots"][1].update(title="Welcome, {name}", media="{photo}")
    template = tmp_path / "welcome.json"
    template.write_text(json.dumps(data))
    photos = tmp_path / "photos"
    photos.mkdir()
    Image.new("RGB", (16, 16), "green").save(photos / "ana.png")
    people = tmp_path / "people.csv"
    people.write_text("name,photo\nAna,ana.png\nEve,../../etc/passwd\n")

    result = cli("batch", template, people, "--media-dir", photos, "-o", tmp_path / "out",
                 "--no-narration")  # fmt: skip
    assert result.exit_code == 1
    said = " ".join(result.stderr.split())
    assert 'row 2 skipped: {photo} "../../etc/passwd" leads out of --media-dir' in said
    assert "1 made, 0 already made, 1 failed" in " ".join(result.stdout.split())
    assert [p.name for p in (tmp_path / "out").glob("*.mp4")] == ["person-0001.mp4"]

    without = cli("batch", template, people, "-o", tmp_path / "out")
    assert without.exit_code == 1
    assert "shot 2 shows each person's {photo}: give the folder" in " ".join(without.stderr.split())


@pytest.mark.parametrize("columns", ["80", "60"])
def test_media_list_prints_every_id_whole_in_a_narrow_terminal(
    cli, workspace, tmp_path, monkeypatch, columns
):
    """`media remove` needs the whole id: `media list` never cuts it ('27db946636d5…'), even
    80 (or fewer) columns wide with long labels beside it, or into a pipe."""
    names = [f"a-rather-long-screenshot-name-of-the-export-dialog-{n}.png" for n in range(2)]
    for name, colour in zip(names, ("red", "blue"), strict=True):
        Image.new("RGB", (32, 18), colour).save(tmp_path / name)
        assert cli("media", "add", tmp_path / name, "--shared").exit_code == 0
    monkeypatch.setenv("COLUMNS", columns)
    listed = cli("media", "list")
    assert listed.exit_code == 0, listed.output
    for entry in list_media(workspace, WORKSPACE_SCOPE):
        assert entry.id in listed.stdout and f"{entry.id[:12]}…" not in listed.stdout
        assert cli("media", "remove", entry.id).exit_code == 0


def test_media_remove_takes_a_unique_start_of_the_id_and_says_which_item(cli, workspace, pictures):
    assert cli("media", "add", pictures[0], pictures[1], "--shared").exit_code == 0
    first, second = list_media(workspace, WORKSPACE_SCOPE)
    common = len(os.path.commonprefix([first.id, second.id]))
    short = cli("media", "remove", first.id[:5])
    assert short.exit_code == 1 and "first 6 or more" in short.stderr
    prefix = first.id[: max(6, common + 1)].upper()
    removed = cli("media", "remove", prefix)
    assert removed.exit_code == 0, removed.output
    assert f"removed {first.id} (shot1.png)" in removed.stdout
    assert [e.id for e in list_media(workspace, WORKSPACE_SCOPE)] == [second.id]


def _session_showing(workspace, media_id):
    """A 3-shot session whose version 1 shows `media_id` in shot 2 and is current."""
    from reelchat.storyboard.models import ShotMedia
    from tests.conftest import make_storyboard

    board = make_storyboard(3, duration=1.0)
    shots = list(board.shots)
    shots[1] = shots[1].model_copy(update={"media": ShotMedia(id=media_id)})
    session = store.create_session(workspace.engine, title="pictures").id
    store.add_version(
        workspace.engine, session_id=session, storyboard=board.model_copy(update={"shots": shots})
    )
    return session, board


def test_media_remove_refuses_what_the_current_storyboard_shows_naming_the_shots(
    cli, workspace, pictures
):
    assert cli("media", "add", pictures[0], "--shared").exit_code == 0
    [entry] = list_media(workspace, WORKSPACE_SCOPE)
    session, _ = _session_showing(workspace, entry.id)
    for args in ((), ("--force",)):
        result = cli("media", "remove", entry.id, *args)
        assert result.exit_code == 1
        assert f"used by the current storyboard (session {session}: shot 2)" in result.stderr
        assert [e.id for e in list_media(workspace, WORKSPACE_SCOPE)] == [entry.id]


def test_media_only_older_versions_show_is_removed_with_force_and_only_their_shots_fail(
    cli, workspace, pictures
):
    from reelchat.generation.animatic import AnimaticBackend
    from reelchat.generation.runner import render_session
    from reelchat.generation.stitch import StitchOptions

    assert cli("media", "add", pictures[0], "--shared").exit_code == 0
    [entry] = list_media(workspace, WORKSPACE_SCOPE)
    session, plain = _session_showing(workspace, entry.id)
    store.add_version(workspace.engine, session_id=session, storyboard=plain)  # shot 2 plain now
    refused = cli("media", "remove", entry.id)
    assert refused.exit_code == 1
    said = " ".join(refused.stderr.split())
    assert f"used only by older storyboard versions (session {session} version 1)" in said
    assert "--force" in said and list_media(workspace, WORKSPACE_SCOPE)
    removed = cli("media", "remove", entry.id, "--force")
    assert removed.exit_code == 0, removed.output
    assert list_media(workspace, WORKSPACE_SCOPE) == []
    store.restore_version(workspace.engine, session_id=session, number=1)
    with pytest.raises(RenderFailed) as failed:
        render_session(
            workspace, AnimaticBackend(), session_id=session,
            options=StitchOptions(captions=False, narration=False),
        )  # fmt: skip
    assert str(failed.value).startswith(
        f"1 of 3 shots failed (shot 2: the picture of this shot cannot be used: media item "
        f"{entry.id} is not in the workspace any more"
    )
    [job] = store.list_jobs(workspace.engine, session_id=session)
    rows = store.job_shots(workspace.engine, job_id=job.id)
    assert [row.status for row in rows] == ["rendered", "failed", "rendered"]


def test_media_add_notes_a_picture_too_small_to_stay_sharp(cli, workspace, tmp_path):
    session = store.create_session(workspace.engine, title="demo").id
    Image.new("RGB", (8, 8), "red").save(tmp_path / "tiny.png")
    result = cli("media", "add", tmp_path / "tiny.png", "-s", session)
    assert result.exit_code == 0  # added, not refused
    assert "note: tiny.png is only 8x8 px: it will look soft" in result.stderr
