"""People's own media in the page (Streamlit's AppTest, the real script and store): uploads
beside the chat and on a shot card, the media strip, the brand kit editor, clip provenance."""

from PIL import Image

from reelchat import store
from reelchat.media_library import add_media, list_media
from reelchat.store.tables import WORKSPACE_SCOPE
from reelchat.storyboard.models import Brand, Corner, Logo
from reelchat.ui.text import markdown_literal
from tests.media_library.samples import png_bytes
from tests.ui.conftest import run_app
from tests.ui.test_app import REQUEST, _chat, _finish, _new_session


def _png(colour, size=(48, 30)):
    return png_bytes(Image.new("RGB", size, colour))


def _images(at):
    return list(at.get("image"))


def test_uploads_beside_the_chat_are_added_once_and_shown_in_the_strip(ws):
    at = run_app()
    session_id = _new_session(at, ws)
    uploader = at.file_uploader(key=f"media-upload-{session_id}")
    uploader.set_value(
        [("home.png", _png("red"), "image/png"), ("export.png", _png("blue"), "image/png")]
    ).run()
    at.run()  # the files stay in the widget across reruns: still added once
    labels = [entry.label for entry in list_media(ws, session_id)]
    assert labels == ["home.png", "export.png"]
    assert not at.error
    assert "Your media" in [caption.value for caption in at.caption]
    assert len(_images(at)) >= 1


def test_a_refused_upload_is_said_and_nothing_is_stored(ws):
    at = run_app()
    session_id = _new_session(at, ws)
    at.file_uploader(key=f"media-upload-{session_id}").set_value(
        ("notes.png", b"just some text", "image/png")
    ).run()
    assert any("notes.png" in error.value for error in at.error)
    assert list_media(ws, session_id) == []


def test_a_picture_uploaded_on_a_shot_card_becomes_that_shots_picture(ws):
    at = run_app()
    session_id = _new_session(at, ws)
    _chat(at, session_id, REQUEST)
    before = store.get_version(ws.engine, session_id=session_id)
    shot = before.storyboard.shots[1]
    at.file_uploader(key=f"shot-upload-{shot.id}").set_value(
        ("screen.png", _png("green"), "image/png")
    ).run()
    _finish(at, session_id)
    after = store.get_version(ws.engine, session_id=session_id)
    (entry,) = list_media(ws, session_id)
    assert after.number == before.number + 1 and after.storyboard.shots[1].media.id == entry.id
    assert after.storyboard.shots[0].media is None
    chat = [m.markdown[0].value for m in at.chat_message]
    assert any(text.startswith("Board: shot 2 shows picture") for text in chat)
    job = store.list_jobs(ws.engine, session_id=session_id)[-1]
    assert [r.status for r in store.job_shots(ws.engine, job_id=job.id)] == ["cached", "rendered"]
    # each rendered shot's card tells where its clip came from
    labels = [expander.label for expander in at.expander]
    assert sum(label.startswith("Where this clip came from") for label in labels) == 2
    shown = " ".join(m.value for m in at.markdown)
    assert "model animatic" in shown and "passed the shot check" in shown


def test_the_brand_kit_editor_saves_the_kit_and_the_storyboard_takes_it(ws):
    at = run_app()
    session_id = _new_session(at, ws)
    _chat(at, session_id, REQUEST)
    logo = add_media(ws, _png("black", (20, 20)), scope=WORKSPACE_SCOPE, label="logo.png")
    at.run()
    at.selectbox(key="brand-logo").set_value(logo.id)
    at.selectbox(key="brand-corner").set_value(Corner.top_left)
    at.text_input(key="brand-colours").set_value("#FF6600 #003366")
    at.button(key="brand-save").click().run()
    kit = Brand(logo=Logo(media=logo.id, corner=Corner.top_left), colours=["#ff6600", "#003366"])
    assert store.get_brand(ws.engine) == kit
    assert store.get_version(ws.engine, session_id=session_id).storyboard.brand == kit
    captions = [caption.value for caption in at.caption]
    shown = [c.replace("\\", "") for c in captions]  # captions are markdown, escaped
    assert any(c.startswith(f"Brand: logo {logo.id} top left") for c in shown), captions
    at.text_input(key="brand-colours").set_value("orange").run()
    at.button(key="brand-save").click().run()
    assert any("colours" in error.value for error in at.error)
    assert store.get_brand(ws.engine) == kit  # a bad value keeps the kit


def test_a_picture_whose_stored_file_was_damaged_is_said_in_the_strip(ws):
    at = run_app()
    session_id = _new_session(at, ws)
    entry = add_media(ws, _png("red"), scope=session_id, label="home.png")
    stored = ws.media_file(entry.id, "png")
    stored.write_bytes(stored.read_bytes()[:20])
    at.run()
    assert not at.exception
    said = [warning.value for warning in at.warning]  # markdown source: its specials escaped
    assert any(markdown_literal("'home.png' (media item") in w and "is damaged" in w for w in said)
    assert at.chat_input  # the rest of the page is there
