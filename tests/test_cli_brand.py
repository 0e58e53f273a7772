"""`reelchat brand show|set`: the workspace's kit, and a session's storyboard taking it."""

from __future__ import annotations

import pytest
from PIL import Image
from typer.testing import CliRunner

from reelchat import store
from reelchat.cli import app
from reelchat.media_library import add_media, list_media, media_file
from reelchat.store.tables import WORKSPACE_SCOPE, MediaItem, MediaKind
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
        (["--logo", "ab" * 8], "no media item 'abababababababab' here"),
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
    assert result.exit_code == 1
    assert f"the logo: 'c.mp4' (media item {clip.id}) is a clip; it must be an image" in " ".join(
        result.stderr.split()
    )
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


def test_brand_set_takes_a_unique_start_of_a_media_id(cli, workspace, logo, tmp_path):
    from tests.media_library.samples import truetype_font

    font = add_media(workspace, truetype_font(tmp_path / "brand.ttf"), scope=WORKSPACE_SCOPE)
    result = cli("brand", "set", "--logo", logo.id[:6].upper(), "--font", f" {font.id[:7]} ")
    assert result.exit_code == 0, result.output
    assert store.get_brand(workspace.engine) == Brand(logo=Logo(media=logo.id), font=font.id)


def _listed_image(workspace, media_id: str) -> None:
    """An image item listed in the workspace under a chosen id (so two ids can share a start)."""
    item = MediaItem(id=media_id, kind=MediaKind.image, suffix="png", bytes=1, width=4, height=4)
    store.list_media_item(workspace.engine, item=item, scope=WORKSPACE_SCOPE, label="x.png")


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("abcdef", "2 media items start with 'abcdef' (abcdef0000000001, abcdef0000000002); "
                   "give more of the id"),
        ("01234", "its first 6 or more characters"),
        ("fedcba", "no media item 'fedcba' here"),
    ],
)  # fmt: skip
def test_brand_set_refuses_a_start_as_media_remove_does(cli, workspace, given, message):
    for media_id in ("abcdef0000000001", "abcdef0000000002", "0123456789abcdef"):
        _listed_image(workspace, media_id)
    for command in (["brand", "set", "--logo", given], ["media", "remove", given]):
        result = cli(*command)
        assert result.exit_code == 1 and message in " ".join(result.stderr.split())
    assert store.get_brand(workspace.engine) == Brand()
    assert len(list_media(workspace, WORKSPACE_SCOPE)) == 3


def test_a_sessions_picture_made_the_logo_outlives_the_session(cli, workspace):
    session = store.create_session(workspace.engine, title="demo").id
    image = png_bytes(Image.new("RGB", (40, 20), "navy"))
    picture = add_media(workspace, image, scope=session, label="mark.png")
    # without --session the workspace's media are searched, as `media list` shows them
    assert "no media item" in cli("brand", "set", "--logo", picture.id[:8]).stderr
    result = cli("brand", "set", "--logo", picture.id[:8], "--session", session)
    assert result.exit_code == 0, result.output
    assert cli("sessions", "delete", session, "--yes").exit_code == 0
    assert store.get_brand(workspace.engine).logo == Logo(media=picture.id)
    assert media_file(workspace, picture.id).is_file()
    assert [entry.id for entry in list_media(workspace, WORKSPACE_SCOPE)] == [picture.id]


def test_a_logo_whose_stored_file_is_damaged_is_refused_by_name(cli, workspace, logo):
    stored = workspace.media_file(logo.id, "png")
    stored.write_bytes(stored.read_bytes()[:30])
    result = cli("brand", "set", "--logo", logo.id)
    assert result.exit_code == 1
    assert f"the logo: the file of 'logo.png' (media item {logo.id})" in result.stderr
    assert "is damaged" in result.stderr and store.get_brand(workspace.engine) == Brand()


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
