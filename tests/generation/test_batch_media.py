"""Batch pictures: a template shot showing each person's photo from --media-dir; a photo
outside that folder, missing or unusable fails its row only."""

from __future__ import annotations

import json
import os

import pytest
from PIL import Image
from sqlmodel import select

from reelchat import store
from reelchat.errors import InputFileError, MediaRefused, StoryboardInvalid
from reelchat.generation.animatic import AnimaticBackend
from reelchat.generation.batch import run_batch
from reelchat.generation.batch_media import content_id, find_photo, load_template
from reelchat.generation.stitch import StitchOptions
from reelchat.media_library import list_media
from tests.conftest import make_storyboard

QUIET = StitchOptions(captions=False, narration=False)


@pytest.fixture
def photos(tmp_path):
    folder = tmp_path / "photos"
    (folder / "team").mkdir(parents=True)
    Image.new("RGB", (24, 32), (200, 40, 40)).save(folder / "mei.jpg")
    Image.new("RGB", (24, 32), (40, 40, 200)).save(folder / "team" / "sam.png")
    (folder / "notes.jpg").write_text("not a photo")
    (tmp_path / "secret.png").write_bytes((folder / "mei.jpg").read_bytes())
    os.symlink(tmp_path / "secret.png", folder / "outside.png")
    os.symlink(folder / "mei.jpg", folder / "alias.jpg")
    return folder


def _template_file(tmp_path, media):
    data = json.loads(make_storyboard(2).to_json())
    data["shots"][1]["title"] = "Welcome, {name}"
    data["shots"][1]["media"] = media
    path = tmp_path / "template.json"
    path.write_text(json.dumps(data))
    return path


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("../../etc/passwd", "leads out of --media-dir"),
        ("..\\secret.png", "leads out of --media-dir"),
        ("/etc/passwd", "is an absolute path"),
        ("C:\\Users\\mei.jpg", "is an absolute path"),
        ("outside.png", "symbolic link pointing out of --media-dir"),
        ("nobody.jpg", "there is no file"),
        ("team", "is not a file"),
        ("  ", "no value for {photo}"),
    ],
)
def test_a_photo_outside_the_folder_or_missing_is_refused(photos, value, reason):
    with pytest.raises(MediaRefused, match=reason.replace("{", r"\{").replace("}", r"\}")):
        find_photo(photos, "photo", value)


def test_photos_in_subfolders_and_links_inside_the_folder_are_found(photos):
    assert find_photo(photos, "photo", "team/sam.png") == photos / "team" / "sam.png"
    assert find_photo(photos, "photo", "alias.jpg") == (photos / "mei.jpg").resolve()


def test_a_template_names_the_column_in_either_form(tmp_path):
    plain = load_template(_template_file(tmp_path, "{photo}"))
    assert [(s.shot, s.column) for s in plain.slots] == [(1, "photo")]
    assert plain.storyboard.shots[1].media is None
    focus = {"x": 0.25, "y": 0.0, "width": 0.5, "height": 0.5}
    framed = load_template(_template_file(tmp_path, {"id": "{portrait}", "focus": focus}))
    assert [(s.column, s.focus) for s in framed.slots] == [("portrait", focus)]
    bad = {"id": "{photo}", "focus": {"x": 0.9, "y": 0, "width": 0.5, "height": 2}}
    with pytest.raises(StoryboardInvalid, match="shot 2's media regions are invalid"):
        load_template(_template_file(tmp_path, bad))


def test_each_person_gets_their_photo_and_bad_rows_fail_alone(workspace, photos, tmp_path):
    template = load_template(_template_file(tmp_path, "{photo}"))
    people = [
        {"name": "Mei", "photo": "mei.jpg"},
        {"name": "Eve", "photo": "../../etc/passwd"},
        {"name": "Mal", "photo": "outside.png"},
        {"name": "Nia", "photo": "notes.jpg"},
        {"name": "Sam", "photo": "team/sam.png"},
        {"name": "Abe", "photo": "/etc/passwd"},
    ]
    results = run_batch(
        workspace, AnimaticBackend(), template.storyboard, people, out_dir=tmp_path / "out",
        options=QUIET, slots=template.slots, media_dir=photos,
    )  # fmt: skip
    assert [r.status for r in results] == ["done", "failed", "failed", "failed", "done", "failed"]
    assert "leads out of --media-dir" in results[1].error
    assert "symbolic link pointing out" in results[2].error
    assert "notes.jpg is not something reelchat can use" in results[3].error
    assert "absolute path" in results[5].error

    sessions = store.list_sessions(workspace.engine)
    assert len(sessions) == 2  # nothing was stored for the refused rows
    made = ((results[0], photos / "mei.jpg"), (results[4], photos / "team" / "sam.png"))
    for person, photo in made:
        session = next(s for s in sessions if _shows(workspace, s.id, photo))
        assert [e.label for e in list_media(workspace, session.id)] == [photo.name]
        assert person.output.is_file()
    with store.transaction(workspace.engine) as db:
        assert len(db.exec(select(store.MediaItem)).all()) == 2


def _shows(workspace, session_id, photo):
    board = store.get_version(workspace.engine, session_id=session_id).storyboard
    return board.shots[1].media is not None and board.shots[1].media.id == content_id(photo)


def test_a_template_picture_needs_the_media_folder(workspace, tmp_path):
    template = load_template(_template_file(tmp_path, "{photo}"))
    with pytest.raises(InputFileError, match="give the folder of those files with --media-dir"):
        run_batch(workspace, AnimaticBackend(), template.storyboard, [{"name": "a", "photo": "b"}],
                  out_dir=tmp_path / "out", slots=template.slots)  # fmt: skip
    assert store.list_sessions(workspace.engine) == []


def test_a_template_without_a_brand_takes_the_workspace_logo_for_every_person(
    workspace, photos, tmp_path
):
    from reelchat.generation.media import read_frame
    from reelchat.media_library import add_media
    from reelchat.storyboard.models import Brand, Corner, Logo

    Image.new("RGBA", (40, 40), (0, 255, 0, 255)).save(tmp_path / "logo.png")
    logo = add_media(workspace, tmp_path / "logo.png", scope=store.WORKSPACE_SCOPE)
    kit = Brand(logo=Logo(media=logo.id, corner=Corner.top_left, size=0.2, opacity=1.0))
    store.set_brand(workspace.engine, brand=kit)
    template = load_template(_template_file(tmp_path, "{photo}"))
    people = [{"name": "Mei", "photo": "mei.jpg"}, {"name": "Sam", "photo": "team/sam.png"}]
    results = run_batch(
        workspace, AnimaticBackend(), template.storyboard, people, out_dir=tmp_path / "out",
        options=QUIET, slots=template.slots, media_dir=photos,
    )  # fmt: skip
    for person in results:
        frame = read_frame(person.output, 0.5).astype(int)
        height, width = frame.shape[:2]
        corner = frame[height // 10 : height // 6, width // 20 : width // 8]
        assert (abs(corner - (0, 255, 0)).max(axis=2) < 60).mean() > 0.9
