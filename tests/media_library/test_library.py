"""Listing, labels, removal and scopes of the media library."""

from __future__ import annotations

import pytest
from PIL import Image

from reelchat import store
from reelchat.errors import InputFileError, MediaRefused, NotFound
from reelchat.media_library import add_media, list_media, media_file, remove_media
from reelchat.media_library.labels import MAX_LABEL, clean_label
from reelchat.store.tables import WORKSPACE_SCOPE
from reelchat.storyboard.models import ShotMedia
from tests.conftest import make_storyboard
from tests.media_library.samples import png_bytes, truetype_font


def _picture(colour: str) -> bytes:
    return png_bytes(Image.new("RGB", (6, 6), colour))


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\mei\\Desktop\\shot 1.png", "shot 1.png"),
        ("evil\u202egnp.exe", "evilgnp.exe"),
        ("tab\tand\nnew\x00line.png", "tab and newline.png"),
        ("   ", "media 1234"),
        (None, "media 1234"),
    ],
)
def test_a_label_is_the_file_name_cleaned(raw, expected):
    assert clean_label(raw, fallback="media 1234") == expected


def test_a_long_label_is_cut():
    label = clean_label("a" * 300 + ".png", fallback="x")
    assert len(label) == MAX_LABEL and label.endswith("…")


def test_the_label_never_becomes_the_stored_name(workspace, session_id, settings):
    entry = add_media(
        workspace, _picture("red"), scope=session_id, label="../../x.png", settings=settings
    )
    assert entry.label == "x.png"
    assert media_file(workspace, entry.id) == workspace.root / "media" / f"{entry.id}.png"
    assert not (workspace.root / "x.png").exists()


def test_a_session_lists_its_own_media_then_the_workspaces(workspace, session_id, settings):
    logo = add_media(
        workspace, _picture("black"), scope=WORKSPACE_SCOPE, label="logo.png", settings=settings
    )
    first = add_media(
        workspace, _picture("red"), scope=session_id, label="1.png", settings=settings
    )
    second = add_media(
        workspace, _picture("blue"), scope=session_id, label="2.png", settings=settings
    )
    assert [e.id for e in list_media(workspace, session_id)] == [first.id, second.id, logo.id]
    assert [e.id for e in list_media(workspace, WORKSPACE_SCOPE)] == [logo.id]
    other = store.create_session(workspace.engine, title="other").id
    assert [e.id for e in list_media(workspace, other)] == [logo.id]


def test_the_same_file_in_two_sessions_is_one_stored_item(workspace, session_id, settings):
    other = store.create_session(workspace.engine, title="other").id
    one = add_media(workspace, _picture("red"), scope=session_id, settings=settings)
    two = add_media(workspace, _picture("red"), scope=other, settings=settings)
    assert one.id == two.id
    assert len(list((workspace.root / "media").iterdir())) == 1
    remove_media(workspace, session_id, one.id)
    assert media_file(workspace, one.id).is_file()  # the other session still lists it
    remove_media(workspace, other, one.id)
    assert list((workspace.root / "media").iterdir()) == []
    with pytest.raises(NotFound):
        media_file(workspace, one.id)


def test_media_a_storyboard_uses_cannot_be_removed(workspace, session_id, settings):
    entry = add_media(workspace, _picture("red"), scope=session_id, settings=settings)
    board = make_storyboard(2)
    shots = [board.shots[0].model_copy(update={"media": ShotMedia(id=entry.id)}), board.shots[1]]
    store.add_version(
        workspace.engine,
        session_id=session_id,
        storyboard=board.model_copy(update={"shots": shots}),
    )
    store.add_version(workspace.engine, session_id=session_id, storyboard=board)
    with pytest.raises(MediaRefused, match="only by older storyboard versions .* --force"):
        remove_media(workspace, session_id, entry.id)
    assert media_file(workspace, entry.id).is_file()
    assert [e.id for e in list_media(workspace, session_id)] == [entry.id]


def test_adding_to_a_missing_session_or_from_a_missing_file_is_refused(
    workspace, session_id, settings, tmp_path
):
    with pytest.raises(NotFound):
        add_media(workspace, _picture("red"), scope="0123456789abcdef", settings=settings)
    with pytest.raises(InputFileError, match=r"nothere\.png is not a file"):
        add_media(workspace, tmp_path / "nothere.png", scope=session_id, settings=settings)
    with pytest.raises(MediaRefused, match=r"^shot\.png is empty$"):
        add_media(workspace, b"", scope=session_id, label="shot.png", settings=settings)
    assert list_media(workspace, session_id) == []


def test_deleting_a_session_forgets_its_media_but_not_the_workspaces(workspace, settings):
    from reelchat.agent.conversation import delete_session

    session = store.create_session(workspace.engine, title="gone").id
    own = add_media(workspace, _picture("red"), scope=session, settings=settings)
    logo = add_media(workspace, _picture("black"), scope=WORKSPACE_SCOPE, settings=settings)
    delete_session(workspace, session)
    assert [e.id for e in list_media(workspace, WORKSPACE_SCOPE)] == [logo.id]
    assert not (workspace.root / "media" / f"{own.id}.png").exists()
    with pytest.raises(NotFound):
        media_file(workspace, own.id)


def test_the_brand_kits_logo_cannot_be_removed(workspace, settings):
    from reelchat.storyboard.models import Brand, Logo

    logo = add_media(workspace, _picture("black"), scope=WORKSPACE_SCOPE, settings=settings)
    store.set_brand(workspace.engine, brand=Brand(logo=Logo(media=logo.id)))
    with pytest.raises(MediaRefused, match="is the brand kit's logo; set another one"):
        remove_media(workspace, WORKSPACE_SCOPE, logo.id)
    assert media_file(workspace, logo.id).is_file()


def test_nothing_is_written_outside_the_workspace(workspace, session_id, settings, tmp_path,
                                                   monkeypatch):  # fmt: skip
    import tempfile

    from tests.media_library.samples import make_clip

    clip = make_clip(tmp_path / "clip.mp4", seconds=1)
    font = truetype_font(tmp_path / "brand.ttf")
    system_temp = tmp_path / "system-temp"
    system_temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(system_temp))
    monkeypatch.setattr(tempfile, "tempdir", str(system_temp))
    before = sorted(p.name for p in tmp_path.iterdir())
    add_media(workspace, _picture("red"), scope=session_id, settings=settings)
    add_media(workspace, clip, scope=session_id, settings=settings)
    add_media(workspace, font, scope=session_id, settings=settings)
    assert list(system_temp.iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    stored = sorted(p.suffix for p in (workspace.root / "media").iterdir())
    assert stored == [".mp4", ".png", ".ttf"]  # and no temp file left beside them


def test_the_lookup_names_the_item_by_its_label_when_it_cannot_be_used(
    workspace, session_id, settings
):
    from reelchat.store.tables import MediaKind

    entry = add_media(workspace, _picture("red"), scope=session_id, label="home.png",
                      settings=settings)  # fmt: skip
    with pytest.raises(InputFileError, match=rf"^'home\.png' \(media item {entry.id}\) is an "
                       "image; it must be a font$"):  # fmt: skip
        media_file(workspace, entry.id, kinds=(MediaKind.font,))
    stored = media_file(workspace, entry.id, kinds=(MediaKind.image, MediaKind.clip))
    stored.write_bytes(stored.read_bytes()[:-10])  # cut short
    with pytest.raises(InputFileError, match=r"the file of 'home\.png' .* is damaged"):
        media_file(workspace, entry.id)
    stored.unlink()
    with pytest.raises(InputFileError, match=r"the file of 'home\.png' .* is missing"):
        media_file(workspace, entry.id)
    with pytest.raises(NotFound, match=f"media item {'ab' * 8} is not in the workspace any more"):
        media_file(workspace, "ab" * 8)


@pytest.mark.parametrize("loss", ["missing", "damaged"])
def test_adding_the_file_again_repairs_its_stored_copy(workspace, session_id, settings, loss):
    entry = add_media(workspace, _picture("red"), scope=session_id, settings=settings)
    stored = media_file(workspace, entry.id)
    good = stored.read_bytes()
    if loss == "missing":
        stored.unlink()
    else:
        stored.write_bytes(good[: len(good) // 2])
    again = add_media(workspace, _picture("red"), scope=WORKSPACE_SCOPE, settings=settings)
    assert again.id == entry.id
    assert media_file(workspace, entry.id).read_bytes() == good


def test_a_small_picture_is_added_with_a_note_that_it_will_look_soft(workspace, session_id,
                                                                     settings):  # fmt: skip
    tiny = add_media(workspace, png_bytes(Image.new("RGB", (8, 8), "red")), scope=session_id,
                     label="tiny.png", settings=settings)  # fmt: skip
    banner = add_media(workspace, png_bytes(Image.new("RGB", (4000, 100), "blue")),
                       scope=session_id, label="banner.png", settings=settings)  # fmt: skip
    sharp = add_media(workspace, png_bytes(Image.new("RGB", (480, 320), "green")),
                      scope=session_id, settings=settings)  # fmt: skip
    assert [entry.id for entry in list_media(workspace, session_id)] == [tiny.id, banner.id,
                                                                          sharp.id]  # fmt: skip
    assert len(tiny.notes) == 1 and "tiny.png is only 8x8 px" in tiny.notes[0]
    assert "soft" in tiny.notes[0] and "320 px" in tiny.notes[0]
    assert "4000x100" in banner.notes[0]
    assert sharp.notes == ()
