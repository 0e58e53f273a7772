"""`reelchat brand show|set`: the workspace's kit, and a session's storyboard taking it."""

from __future__ import annotations

import pytest
from PIL import Image
from typer.testing import CliRunner

from reelchat import store
from reelchat.cli import app
from reelchat.media_library import add_media
from reelchat.store.tables import WORKSPACE_SCOPE
from reelchat.storyboard.models import Brand, Corner, Logo
from tests.conftest import make_storyboard
from tests.media_library.samples import png_bytes

runner = CliRunner()


@pytest.fixture
def cli(workspace, monkeypatch):
    monkeypatch.setenv("REELCHAT_WORKSPACE", str(workspace.root))
    monkeypatch.setenv("COLUMNS", "200")
    return lambda *args: runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def logo(workspace):
    image = png_bytes(Image.new("RGBA", (40, 20), (0, 0, 0, 0)))
    return add_media(workspace, image, scope=WORKSPACE_SCOPE, label="logo.png")


def test_brand_set_changes_the_kit_and_the_sessions_storyboard(cli, workspace, logo):
    session = store.create_session(workspace.engine, title="demo").id
    store.add_version(workspace.engine, session_id=session, storyboard=make_storyboard(2))
    result = cli(
        "brand", "set", "--logo", logo.id, "--corner", "top_left", "--size", "0.2",
        "--colours", "#FF6600, #003366", "--session", session,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    kit = Brand(
        logo=Logo(media=logo.id, corner=Corner.top_left, size=0.2),
        colours=["#ff6600", "#003366"],
    )
    assert store.get_brand(workspace.engine) == kit
    current = store.get_version(workspace.engine, session_id=session)
    assert current.number == 2 and current.storyboard.brand == kit
    assert "saved as version 2" in result.output
    shown = cli("brand", "show").output
    assert logo.id in shown and "top left" in shown and "#003366" in shown
    board = cli("storyboard", "show", session).output
    assert f"brand: logo {logo.id} top left" in " ".join(board.split())


def test_brand_set_clear_takes_parts_away(cli, workspace, logo):
    store.set_brand(workspace.engine, brand=Brand(logo=Logo(media=logo.id), colours=["#112233"]))
    assert cli("brand", "set", "--logo", "clear", "--colours", "clear").exit_code == 0
    assert store.get_brand(workspace.engine) == Brand()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--logo", "ab" * 8], "no media item with id 'abababababababab'"),
        (["--corner", "top_left"], "there is no logo to place"),
        (["--colours", "orangey"], '"orangey" is not a colour'),
        (["--colours", "red, green, blue, navy, teal, coral"], "at most 5 colours, not 6"),
        (["--logo", "LOGO", "--size", "3"], "logo size: Input should be less than or equal to 0.4"),
    ],
)
def test_bad_brand_settings_are_refused_and_keep_the_kit(cli, workspace, logo, args, message):
    result = cli("brand", "set", *[logo.id if arg == "LOGO" else arg for arg in args])
    assert result.exit_code == 1 and message in result.stderr
    assert store.get_brand(workspace.engine) == Brand()


def test_a_clip_cannot_be_the_logo(cli, workspace, tmp_path):
    from tests.media_library.samples import make_clip

    clip = add_media(workspace, make_clip(tmp_path / "c.mp4", seconds=1), scope=WORKSPACE_SCOPE)
    result = cli("brand", "set", "--logo", clip.id)
    assert result.exit_code == 1 and "is a clip; the logo must be an image" in result.stderr
    assert store.get_brand(workspace.engine) == Brand()


def test_the_storyboard_table_shows_each_shots_picture(cli, workspace, logo):
    from reelchat.storyboard.models import Region, ShotMedia

    board = make_storyboard(2)
    focus = Region(x=0.5, y=0.0, width=0.5, height=0.5)
    shots = [board.shots[0].model_copy(update={"media": ShotMedia(id=logo.id, focus=focus)}),
             board.shots[1]]  # fmt: skip
    session = store.create_session(workspace.engine, title="demo").id
    store.add_version(
        workspace.engine, session_id=session, storyboard=board.model_copy(update={"shots": shots})
    )
    shown = " ".join(cli("storyboard", "show", session).output.split())
    assert f"picture {logo.id}, focus x 0.5, y 0, 0.5 x 0.5" in shown


@pytest.mark.parametrize(
    ("said", "codes"),
    [
        ("#ff6600, teal", ["#ff6600", "#008080"]),
        ("navy and coral", ["#000080", "#ff7f50"]),
        ("dark blue / #F60", ["#00008b", "#ff6600"]),
    ],
)
def test_brand_set_reads_colours_as_the_chat_does(cli, workspace, said, codes):
    result = cli("brand", "set", "--colours", said)
    assert result.exit_code == 0, result.output
    assert store.get_brand(workspace.engine).colours == codes


@pytest.mark.parametrize("said", ["#ff6600, tealish", "navy and #ff66", "blue banana"])
def test_brand_set_refuses_an_unknown_colour_in_one_sentence(cli, workspace, said):
    store.set_brand(workspace.engine, brand=Brand(colours=["#112233"]))
    result = cli("brand", "set", "--colours", said)
    assert result.exit_code != 0
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "is not a colour" in lines[0] and "#ff6600" in lines[0]
    assert "pattern" not in result.output and "Traceback" not in result.output
    assert store.get_brand(workspace.engine).colours == ["#112233"]
