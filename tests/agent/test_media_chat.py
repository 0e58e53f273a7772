"""People's own pictures in chat, read by the offline parser against a session's media list:
which item a clause names, regions in words, the logo and brand colours, and what it says
when a clause names media the session does not have or several could fit."""

from __future__ import annotations

import pytest

from reelchat.agent.parse.media import corner_in, region_in
from reelchat.agent.parse.reading import read_message
from reelchat.agent.session import SessionState
from reelchat.storyboard.models import Camera, Corner, Logo, Region, ShotMedia
from reelchat.storyboard.templates import ONBOARDING, from_template
from reelchat.tools.apply import apply_all
from reelchat.tools.media import MediaRef, SessionMedia

HOME, EXPORT, MEI, DEMO, LOGO, FONT = (f"{n:016x}" for n in range(1, 7))


def _item(media_id: str, label: str, kind: str = "image", shared: bool = False) -> MediaRef:
    return MediaRef(id=media_id, kind=kind, label=label, width=1280, height=720, shared=shared)


MEDIA = SessionMedia(
    items=(
        _item(HOME, "home.png"),
        _item(EXPORT, "export.png"),
        _item(MEI, "mei-photo.jpg"),
        _item(DEMO, "demo.mp4", "clip"),
        _item(LOGO, "acme-logo.png", shared=True),
        _item(FONT, "Inter.ttf", "font"),
    )
)
ONE_SCREENSHOT = SessionMedia(items=(_item(EXPORT, "Screenshot 2024-05-01 at 10.00.png"),))


def _state(pictures: dict[int, ShotMedia] | None = None) -> SessionState:
    board = from_template(ONBOARDING, topic="welcome Mei", name="Mei", shots=6, seconds=30)
    shots = [
        shot.model_copy(update={"media": (pictures or {}).get(number)})
        for number, shot in enumerate(board.shots, start=1)
    ]
    return SessionState(version=2, storyboard=board.model_copy(update={"shots": shots}))


def _operations(said: str, state: SessionState, media: SessionMedia = MEDIA) -> list[dict]:
    reading = read_message(said, state, None, media)
    assert not reading.problems, reading.problems
    return [
        op
        for call in reading.calls
        for op in call.args.model_dump(mode="json", exclude_none=True)["operations"]
    ]


def _problems(said: str, state: SessionState, media: SessionMedia = MEDIA) -> str:
    reading = read_message(said, state, None, media)
    assert not reading.calls, reading.calls
    return " ".join(reading.problems)


TOP_RIGHT = {"x": 0.5, "y": 0.0, "width": 0.5, "height": 0.5}
TOP_LEFT = {"x": 0.0, "y": 0.0, "width": 0.5, "height": 0.5}


@pytest.mark.parametrize(
    ("said", "shot", "media_id"),
    [
        ("use export.png in shot 3", 3, EXPORT),
        ("put export.png in the third shot", 3, EXPORT),
        ("Use EXPORT.PNG for scene 3 please", 3, EXPORT),
        ("show Mei's photo in the welcome shot", 1, MEI),
        ("can you show the photo of Mei in shot 2?", 2, MEI),
        ("use the second picture I uploaded for shot 5", 5, EXPORT),
        ("give shot 4 the first screenshot", 4, HOME),
        ("use the last picture in shot 6", 6, MEI),
        ("show the clip I uploaded in shot 2", 2, DEMO),
        ("use the export screenshot for shot 2", 2, EXPORT),
        ("swap the picture in shot 2 for export.png", 2, EXPORT),
        ("replace shot 3's image with home.png", 3, HOME),
        ("shot 2 should show export.png", 2, EXPORT),
        ("can we put Mei's picture at the start", 1, MEI),
    ],
)
def test_a_clause_naming_one_media_item_sets_that_shots_picture(said, shot, media_id):
    assert _operations(said, _state()) == [
        {"op": "set_shot_media", "shot": shot, "media": {"id": media_id}}
    ]


@pytest.mark.parametrize(
    "said",
    [
        "use the screenshot I uploaded for shot 2",
        "put the screenshot I just added in shot 2",
        "use my screenshot in the second shot",
    ],
)
def test_the_screenshot_i_uploaded_is_the_one_picture_the_session_has(said):
    state = _state()
    assert _operations(said, state, ONE_SCREENSHOT) == [
        {"op": "set_shot_media", "shot": 2, "media": {"id": EXPORT}}
    ]


def test_the_screenshots_go_one_per_named_shot_in_the_order_added():
    assert _operations("use the screenshots in shots 2 to 4", _state()) == [
        {"op": "set_shot_media", "shot": 2, "media": {"id": HOME}},
        {"op": "set_shot_media", "shot": 3, "media": {"id": EXPORT}},
        {"op": "set_shot_media", "shot": 4, "media": {"id": MEI}},
    ]
    assert "which shots?" in _problems("use both screenshots", _state())


@pytest.mark.parametrize(
    ("said", "position", "title", "media_id"),
    [
        ("add a shot with export.png after shot 2", 3, "Export", EXPORT),
        ("add a shot showing Mei's photo at the end", 7, "Mei photo", MEI),
        ("insert a scene with the clip I uploaded before the last shot", 6, "Demo", DEMO),
    ],
)
def test_a_new_shot_with_a_picture_goes_where_asked_and_shows_it(said, position, title, media_id):
    insert, picture = _operations(said, _state())
    assert (insert["op"], insert["position"], insert["shot"]["title"]) == (
        "insert_shot", position, title,
    )  # fmt: skip
    assert picture == {"op": "set_shot_media", "shot": position, "media": {"id": media_id}}


def test_a_new_shot_after_a_named_shot_goes_after_it():
    (insert,) = _operations("add a shot after shot 2", _state())
    assert insert["position"] == 3


def test_a_new_shot_described_with_a_photo_stays_a_new_shot():
    reading = read_message("add a shot showing the team photo", _state(), None, MEDIA)
    (op,) = reading.calls[0].args.model_dump(mode="json")["operations"]
    assert op["op"] == "insert_shot" and not reading.problems


def test_with_several_pictures_the_screenshot_is_asked_about_not_guessed():
    problem = _problems("use the screenshot I uploaded for shot 2", _state())
    assert "could be" in problem and '"home.png"' in problem and '"export.png"' in problem
    assert "which" in problem


def test_a_name_two_items_carry_is_asked_about():
    media = SessionMedia(items=(_item(HOME, "mei-1.jpg"), _item(MEI, "mei-2.jpg")))
    problem = _problems("show Mei's photo in the welcome shot", _state(), media)
    assert '"mei-1.jpg"' in problem and '"mei-2.jpg"' in problem


@pytest.mark.parametrize(
    ("said", "named"),
    [
        ("use report.png in shot 3", '"report.png"'),
        ("show Priya's photo in the welcome shot", '"Priya"'),
    ],
)
def test_media_the_session_does_not_have_is_said_and_nothing_changes(said, named):
    problem = _problems(said, _state())
    assert named in problem and "export.png" in problem  # it says what the session has


def test_with_no_media_at_all_the_screenshot_is_said_to_be_missing():
    problem = _problems("use the screenshot I uploaded for shot 2", _state(), SessionMedia())
    assert "no media yet" in problem


def test_every_clause_of_a_message_is_kept_with_the_media_one():
    reading = read_message("use report.png in shot 3 and make shot 2 longer", _state(), None, MEDIA)
    assert '"report.png"' in " ".join(reading.problems)
    ops = reading.calls[0].args.model_dump(mode="json")["operations"]
    assert [(op["op"], op["shot"]) for op in ops] == [("update_shot", 2)]


def test_zooming_into_a_region_sets_the_focus_and_the_camera_move():
    state = _state({3: ShotMedia(id=EXPORT)})
    assert _operations("zoom into the export button (top right) in shot 3", state) == [
        {"op": "set_shot_media", "shot": 3, "media": {"id": EXPORT, "focus": TOP_RIGHT}},
        {"op": "update_shot", "shot": 3, "changes": {"camera": "zoom_in"}},
    ]


def test_zooming_into_a_thing_with_no_place_says_it_cannot_find_it():
    state = _state({3: ShotMedia(id=EXPORT)})
    reading = read_message("zoom into the export button in shot 3", state, None, MEDIA)
    assert "the export button" in " ".join(reading.notes()) and "top right" in " ".join(
        reading.notes()
    )


def test_zooming_into_a_region_of_a_shot_with_no_picture_is_refused_clearly():
    problem = _problems("zoom into the top right of shot 3", _state())
    assert "shot 3 has no picture" in problem


def test_zoom_in_on_a_card_shot_stays_a_camera_move():
    assert _operations("zoom in on shot 3", _state()) == [
        {"op": "update_shot", "shot": 3, "changes": {"camera": "zoom_in"}}
    ]


def test_a_picture_then_a_region_in_the_next_clause_apply_to_the_same_shot():
    ops = _operations("use export.png in shot 3 and zoom into the top right", _state())
    assert ops[-2:] == [
        {"op": "set_shot_media", "shot": 3, "media": {"id": EXPORT, "focus": TOP_RIGHT}},
        {"op": "update_shot", "shot": 3, "changes": {"camera": "zoom_in"}},
    ]


@pytest.mark.parametrize(
    "said",
    [
        "highlight the top left corner in shot 2",
        "highlight the top-left of shot 2",
        "draw a box around the upper left of the second shot",
    ],
)
def test_a_highlight_box_from_words(said):
    state = _state({2: ShotMedia(id=HOME, focus=Region(x=0, y=0, width=1, height=0.5))})
    assert _operations(said, state) == [
        {
            "op": "set_shot_media",
            "shot": 2,
            "media": {
                "id": HOME,
                "focus": {"x": 0.0, "y": 0.0, "width": 1.0, "height": 0.5},
                "highlight": TOP_LEFT,
            },
        }
    ]


@pytest.mark.parametrize(
    ("words", "region"),
    [
        ("top right", (0.5, 0.0, 0.5, 0.5)),
        ("bottom left", (0.0, 0.5, 0.5, 0.5)),
        ("the centre", (0.25, 0.25, 0.5, 0.5)),
        ("in the middle", (0.25, 0.25, 0.5, 0.5)),
        ("the left half", (0.0, 0.0, 0.5, 1.0)),
        ("the top third", (0.0, 0.0, 1.0, 0.3333)),
        ("the bottom third", (0.0, 0.6667, 1.0, 0.3333)),
        ("the right quarter", (0.75, 0.0, 0.25, 1.0)),
        ("the top left corner", (0.0, 0.0, 0.5, 0.5)),
    ],
)
def test_regions_in_words(words, region):
    found = region_in(words)
    assert found is not None
    assert (found.x, found.y, found.width, found.height) == pytest.approx(region, abs=1e-3)


def test_corners_in_words():
    assert corner_in("logo bottom left") is Corner.bottom_left
    assert corner_in("in the top-right corner") is Corner.top_right
    assert corner_in("in the corner") is None


@pytest.mark.parametrize(
    "said",
    [
        "no picture in shot 4",
        "remove the picture from shot 4",
        "shot 4 without a picture",
        "don't use a picture in shot 4",
    ],
)
def test_no_picture_in_a_shot(said):
    state = _state({4: ShotMedia(id=HOME)})
    assert _operations(said, state) == [{"op": "set_shot_media", "shot": 4}]


def test_removing_a_named_picture_takes_it_from_the_shots_that_show_it():
    state = _state({2: ShotMedia(id=MEI), 5: ShotMedia(id=MEI), 3: ShotMedia(id=HOME)})
    ops = _operations("remove Mei's photo", state)
    assert sorted(op["shot"] for op in ops) == [2, 5] and not any("media" in op for op in ops)


def _brand_after(said: str, state: SessionState) -> dict:
    reading = read_message(said, state, None, MEDIA)
    assert not reading.problems, reading.problems
    board, _ = apply_all(state.storyboard, list(reading.calls[0].args.operations))
    return board.brand.model_dump(mode="json")


def test_put_our_logo_in_the_corner_of_every_shot_uses_the_workspace_logo():
    brand = _brand_after("put our logo in the corner of every shot", _state())
    assert brand["logo"] == {"media": LOGO, "corner": "bottom_right", "size": 0.12, "opacity": 0.9}


def test_logo_bottom_left_smaller_moves_and_shrinks_the_logo():
    state = _state()
    board = state.storyboard.model_copy(
        update={"brand": state.storyboard.brand.model_copy(update={"logo": Logo(media=LOGO)})}
    )
    brand = _brand_after("logo bottom left, smaller", SessionState(version=2, storyboard=board))
    assert brand["logo"]["corner"] == "bottom_left" and brand["logo"]["size"] < 0.12


def test_remove_the_logo():
    state = _state()
    board = state.storyboard.model_copy(
        update={"brand": state.storyboard.brand.model_copy(update={"logo": Logo(media=LOGO)})}
    )
    brand = _brand_after("remove the logo", SessionState(version=2, storyboard=board))
    assert brand["logo"] is None


def test_the_logo_on_some_shots_only_is_said_not_done():
    assert "shows on every shot" in _problems("remove the logo from shot 2", _state())


def test_a_logo_with_none_in_the_media_says_how_to_add_one():
    media = SessionMedia(items=(_item(HOME, "home.png"),))
    assert "no logo" in _problems("put our logo in the corner of every shot", _state(), media)


@pytest.mark.parametrize(
    ("said", "colours"),
    [
        ("use our brand colours #ff6600 and #003366", ["#ff6600", "#003366"]),
        ("brand colours: #FF6600, #036", ["#ff6600", "#003366"]),
        ("our brand colors are #003366 and #ff6600", ["#003366", "#ff6600"]),
    ],
)
def test_brand_colours_from_hex_codes(said, colours):
    assert _brand_after(said, _state())["colours"] == colours


def test_brand_colours_on_some_shots_only_are_said_not_done():
    assert "whole video" in _problems("use #ff0000 in shot 2", _state())


def test_brand_colours_without_codes_ask_for_them():
    assert "hex codes" in _problems("use our brand colours", _state())


def test_a_font_file_becomes_the_brand_font():
    assert _brand_after("use Inter.ttf as our font", _state())["font"] == FONT


def test_a_caption_mentioning_a_logo_stays_a_caption():
    ops = _operations("change the caption of shot 2 to Our new logo", _state())
    assert ops == [{"op": "update_shot", "shot": 2, "changes": {"caption": "Our new logo"}}]


def test_a_new_plan_shows_the_pictures_in_the_order_added_and_no_logo():
    media = SessionMedia(
        items=tuple(_item(f"{n:016x}", f"step-{n}.png") for n in range(1, 5))
        + (_item(LOGO, "acme-logo.png", shared=True),)
    )
    reading = read_message("a demo of our app's new export button", None, None, media)
    (call,) = reading.calls
    shots = call.args.model_dump(mode="json")["shots"]
    pictures = [shot["media"]["id"] if shot["media"] else None for shot in shots]
    shown = [p for p in pictures if p]
    assert shown == [f"{n:016x}" for n in range(1, 5)] and LOGO not in pictures
    assert pictures[: len(shown)] == shown  # one per shot, from the first; the rest are cards
    assert any("your pictures in the order you added them" in note for note in reading.notes())


def test_more_pictures_than_asked_shots_are_named_not_dropped():
    media = SessionMedia(items=tuple(_item(f"{n:016x}", f"step-{n}.png") for n in range(1, 5)))
    reading = read_message("a demo of our app in 2 shots", None, None, media)
    notes = " ".join(reading.notes())
    assert '"step-3.png"' in notes and '"step-4.png"' in notes


def test_offline_a_demo_from_four_screenshots_then_edits_by_name(workspace):
    """The whole offline path: media added to a session, the planner's plan, then chat edits
    of the pictures, each a new version; the logo stays the brand's, in no shot."""
    from PIL import Image

    from reelchat import store
    from reelchat.agent.conversation import Conversation
    from reelchat.generation.stitch import StitchOptions
    from reelchat.media_library import add_media
    from reelchat.store.tables import WORKSPACE_SCOPE
    from tests.media_library.samples import png_bytes

    chat = Conversation(workspace, stitch=StitchOptions(captions=False, narration=False))
    colours = ["red", "green", "blue", "white"]
    shots = [
        add_media(
            workspace, png_bytes(Image.new("RGB", (64, 40), c)), scope=chat.session_id,
            label=f"step-{n}.png",
        )
        for n, c in enumerate(colours, start=1)
    ]  # fmt: skip
    logo = add_media(
        workspace, png_bytes(Image.new("RGBA", (16, 16))), scope=WORKSPACE_SCOPE, label="logo.png"
    )
    list(chat.send("a 6 second demo of our app's new export button, 360p, 8 fps"))
    board = store.get_version(workspace.engine, session_id=chat.session_id).storyboard
    shown = [shot.media.id if shot.media else None for shot in board.shots]
    assert shown[:4] == [entry.id for entry in shots] and logo.id not in shown
    events = list(chat.send("zoom into the top right of shot 2. put our logo bottom left"))
    board = store.get_version(workspace.engine, session_id=chat.session_id).storyboard
    assert board.shots[1].media.focus.x == 0.5 and board.shots[1].camera == "zoom_in"
    assert board.brand.logo.media == logo.id and board.brand.logo.corner == "bottom_left"
    assert store.get_brand(workspace.engine) == board.brand
    reply = events[-1].text
    assert "brand kit" in reply and "Video ready" in reply


@pytest.mark.parametrize(
    "said", ["what pictures do I have?", "which files did I upload", "list my media"]
)
def test_asking_about_the_media_lists_it_with_where_each_is_used(said):
    reading = read_message(said, _state({2: ShotMedia(id=EXPORT)}), None, MEDIA)
    assert not reading.calls
    (answer,) = reading.notes()
    assert f'"export.png": image {EXPORT}, in shot 2' in answer and '"Inter.ttf": font' in answer


def _branded(pictures: dict[int, ShotMedia] | None = None, **brand: object) -> SessionState:
    state = _state(pictures)
    board = state.storyboard.model_copy(
        update={"brand": state.storyboard.brand.model_copy(update=brand)}
    )
    return SessionState(version=2, storyboard=board)


@pytest.mark.parametrize(
    ("said", "size"),
    [
        ("make the logo half as big", 0.06),
        ("make the logo twice as big", 0.24),
        ("logo three times as large", 0.36),
        ("halve the logo", 0.06),
        ("make the logo 50% smaller", 0.06),
        ("make the logo 25% bigger", 0.15),
        ("make the logo a bit smaller", 0.102),
        ("make the logo much bigger", 0.24),
        ("make the logo much smaller", 0.06),
        ("logo at 10% of the width", 0.1),
    ],
)
def test_relative_logo_sizes_do_what_they_say(said, size):
    brand = _brand_after(said, _branded(logo=Logo(media=LOGO, size=0.12)))
    assert brand["logo"]["size"] == pytest.approx(size, abs=1e-3)


def test_half_as_big_said_twice_halves_again_not_it_is_so_already():
    state = _branded(logo=Logo(media=LOGO, size=0.12))
    board, _ = apply_all(
        state.storyboard,
        list(
            read_message("make the logo half as big", state, None, MEDIA).calls[0].args.operations
        ),
    )
    again = _brand_after("make the logo half as big", SessionState(version=3, storyboard=board))
    assert again["logo"]["size"] == pytest.approx(0.03, abs=1e-3)


@pytest.mark.parametrize(
    ("said", "start", "corner"),
    [
        ("move the logo to the top", "bottom_right", "top_right"),
        ("move the logo to the left", "bottom_right", "bottom_left"),
        ("put the logo at the bottom", "top_left", "bottom_left"),
        ("move the logo up", "bottom_left", "top_left"),
        ("move the logo to the right side", "top_left", "top_right"),
        ("move the logo to the top left", "bottom_right", "top_left"),
    ],
)
def test_moving_the_logo_to_one_side_keeps_the_other(said, start, corner):
    brand = _brand_after(said, _branded(logo=Logo(media=LOGO, corner=start)))
    assert brand["logo"]["corner"] == corner


@pytest.mark.parametrize(
    "said", ["move the logo to the top", "make the logo half as big", "make the logo smaller"]
)
def test_changing_a_logo_the_video_does_not_have_says_so_and_adds_none(said):
    assert "no logo yet" in _problems(said, _state())


@pytest.mark.parametrize(
    "said",
    ["go back to the normal font", "use the default font", "switch back to the standard font"],
)
def test_going_back_to_the_usual_font_clears_the_brand_font(said):
    assert _brand_after(said, _branded(font=FONT))["font"] is None


ZOOMED = ShotMedia(
    id=EXPORT,
    focus=Region(x=0.5, y=0.0, width=0.5, height=0.5),
    highlight=Region(x=0.0, y=0.0, width=0.5, height=0.5),
)


def _zoomed_state() -> SessionState:
    state = _state({2: ZOOMED, 3: ZOOMED})
    shots = [
        shot.model_copy(update={"camera": Camera.zoom_in}) if n in (2, 3) else shot
        for n, shot in enumerate(state.storyboard.shots, 1)
    ]
    return SessionState(version=2, storyboard=state.storyboard.model_copy(update={"shots": shots}))


@pytest.mark.parametrize(
    "said",
    [
        "don't zoom on shot 3, show the whole screenshot",
        "no zoom region in shot 3",
        "show the whole picture in shot 3",
        "remove the focus from shot 3",
        "stop zooming in shot 3",
    ],
)
def test_not_zooming_clears_the_focus_region_and_stills_the_camera(said):
    state = _zoomed_state()
    reading = read_message(said, state, None, MEDIA)
    assert reading.notes() == []
    board, _ = apply_all(state.storyboard, list(reading.calls[0].args.operations))
    shot = board.shots[2]
    assert shot.media.focus is None and shot.camera == "static"
    assert shot.media.highlight == ZOOMED.highlight and board.shots[1] == state.storyboard.shots[1]


@pytest.mark.parametrize(
    "said",
    [
        "remove the highlight from shot 2",
        "no highlight in shot 2",
        "don't highlight anything in shot 2",
    ],
)
def test_removing_a_highlight_keeps_the_picture_and_its_zoom(said):
    state = _zoomed_state()
    reading = read_message(said, state, None, MEDIA)
    assert not reading.problems, reading.problems
    board, _ = apply_all(state.storyboard, list(reading.calls[0].args.operations))
    assert board.shots[1].media == ZOOMED.model_copy(update={"highlight": None})
    assert board.shots[1].camera == "zoom_in" and board.shots[2] == state.storyboard.shots[2]


def test_removing_a_highlight_a_shot_lacks_says_exactly_that():
    reading = read_message("remove the highlight from shot 4", _zoomed_state(), None, MEDIA)
    assert not reading.calls and reading.notes() == ["Nothing to change: shot 4 has no highlight."]


def test_a_later_clause_means_the_shot_named_earlier_even_when_that_clause_failed():
    state = _zoomed_state()
    reading = read_message("use nothere.png in shot 2 and zoom into the centre", state, 3, MEDIA)
    ops = [op for call in reading.calls for op in call.args.operations]
    assert reading.problems and {op.shot for op in ops} == {2}


def _pictured() -> SessionState:
    return _state({1: ShotMedia(id=HOME), 2: ZOOMED, 3: ShotMedia(id=MEI)})


@pytest.mark.parametrize(
    "said",
    [
        "swap the pictures of shot 1 and shot 2",
        "switch the screenshots in shots 1 and 2",
        "exchange the images of shot 1 and shot 2",
    ],
)
def test_swapping_two_shots_pictures_swaps_them_with_their_zoom(said):
    assert _operations(said, _pictured()) == [
        {
            "op": "set_shot_media",
            "shot": 1,
            "media": ZOOMED.model_dump(mode="json", exclude_none=True),
        },
        {"op": "set_shot_media", "shot": 2, "media": {"id": HOME}},
    ]


def test_the_screenshots_in_fewer_shots_than_pictures_says_which_are_left_out():
    reading = read_message("use the screenshots in shots 1 to 2", _state(), None, MEDIA)
    ops = [op for call in reading.calls for op in call.args.operations]
    assert [(op.shot, op.media.id) for op in ops] == [(1, HOME), (2, EXPORT)]
    assert '"mei-photo.jpg" in no shot' in " ".join(reading.notes())


def test_the_screenshots_in_more_shots_than_pictures_is_a_clear_refusal():
    said = _problems("use the screenshots in shots 1 to 5", _state())
    assert "5 shots were named but there are only 3 pictures" in said
    assert "shot(s)" not in said


@pytest.mark.parametrize(
    ("said", "shots"),
    [
        ("take the picture out of shot 3", [3]),
        ("take shot 3's photo away", [3]),
        ("remove all pictures", [1, 2, 3]),
        ("get rid of all the pictures", [1, 2, 3]),
        ("remove the pictures from every shot", [1, 2, 3]),
    ],
)
def test_taking_pictures_out(said, shots):
    assert _operations(said, _pictured()) == [
        {"op": "set_shot_media", "shot": shot} for shot in shots
    ]


@pytest.mark.parametrize(
    ("said", "answer"),
    [
        ("which picture is in shot 1?", 'Shot 1 shows "home.png".'),
        ("which picture does shot 3 use?", 'Shot 3 shows "mei-photo.jpg".'),
        ("what image does shot 4 show?", "Shot 4 has no picture of yours"),
        ("which screenshot is in shot 2?", 'Shot 2 shows "export.png", zooming to 50% x 50%'),
    ],
)
def test_which_picture_a_shot_shows_is_answered_by_its_label(said, answer):
    reading = read_message(said, _pictured(), None, MEDIA)
    assert not reading.calls and reading.notes()[0].startswith(answer), reading.notes()


def test_zoom_and_highlight_it_highlights_the_region_zoomed_to():
    state = _pictured()
    reading = read_message("zoom into the top right of shot 3 and highlight it", state, None, MEDIA)
    assert reading.notes() == []
    board, _ = apply_all(state.storyboard, list(reading.calls[0].args.operations))
    picture = board.shots[2].media
    assert picture.focus == picture.highlight == Region(**TOP_RIGHT)


def test_highlight_it_with_no_zoom_region_says_where_is_missing():
    assert "zooms to no region" in _problems("highlight it in shot 1", _pictured())


PORTRAITS = SessionMedia(
    items=(
        _item(HOME, "portrait.jpg"),
        _item(EXPORT, "landscape.jpg"),
        _item(MEI, "portrait-2.jpg"),
    )
)


def test_the_portrait_photo_is_portrait_jpg_and_a_later_clause_zooms_the_same_shot():
    ops = _operations(
        "use the portrait photo in shot 2 and zoom into the centre", _state(), PORTRAITS
    )
    assert {op["shot"] for op in ops} == {2}
    assert ops[-2]["media"] == {
        "id": HOME,
        "focus": {"x": 0.25, "y": 0.25, "width": 0.5, "height": 0.5},
    }


@pytest.mark.parametrize(
    ("said", "colours"),
    [
        ("use the brand colour red", ["#ff0000"]),
        ("use the brand colours navy and #ff6600", ["#000080", "#ff6600"]),
        ("our brand colours are red, white and blue", ["#ff0000", "#ffffff", "#0000ff"]),
        ("brand colours: dark blue and light-green", ["#00008b", "#90ee90"]),
        ("brand colours coral and rebeccapurple", ["#ff7f50", "#663399"]),
    ],
)
def test_brand_colours_from_css_colour_names(said, colours):
    assert _brand_after(said, _state())["colours"] == colours


@pytest.mark.parametrize(
    ("said", "corner", "size"),
    [
        ("logo bottom left, half as big", "bottom_left", 0.06),
        ("make the logo smaller and move it to the top", "top_right", 0.084),
        ("logo top left and much smaller", "top_left", 0.06),
    ],
)
def test_a_logo_move_and_resize_in_one_message_does_both(said, corner, size):
    brand = _brand_after(said, _branded(logo=Logo(media=LOGO, size=0.12)))
    assert brand["logo"]["corner"] == corner
    assert brand["logo"]["size"] == pytest.approx(size, abs=1e-3)


def test_adding_the_logo_smaller_adds_it_smaller():
    brand = _brand_after("put our logo in the top left corner, smaller", _state())
    assert brand["logo"]["corner"] == "top_left" and brand["logo"]["size"] < 0.12


@pytest.mark.parametrize("number", [1, 2, 6])
def test_what_is_in_a_shot_answers_that_shot_when_the_video_has_a_logo(number):
    state = _branded(logo=Logo(media=LOGO))
    [answer] = read_message(f"what's in shot {number}?", state).answers
    assert answer.text.startswith(f"{number}. {state.storyboard.shots[number - 1].title} (")


def _branded_state() -> SessionState:
    return _branded(logo=Logo(media=LOGO), colours=["#0b3d91", "#ff7f50"], font=FONT)


@pytest.mark.parametrize(
    "said",
    [
        "where is the logo?",
        "is the logo on every shot?",
        "what colours are we using?",
        "what's the brand colour?",
        "what font are we using?",
        "how big is the logo?",
        "could you tell me the brand colours",
        "show me the logo settings",
    ],
)
def test_a_question_about_the_brand_is_answered_and_changes_nothing(said):
    reading = read_message(said, _branded_state(), None, MEDIA)
    assert not reading.calls and not reading.problems
    [answer] = reading.answers
    assert '"acme-logo.png" is at the bottom right of every shot, 12%' in answer.text
    assert "#0b3d91 and #ff7f50" in answer.text and '"Inter.ttf"' in answer.text


@pytest.mark.parametrize(
    "said", ["how about making the logo smaller", "is it possible to move the logo to the left?"]
)
def test_a_request_worded_as_a_question_is_still_an_edit(said):
    assert _operations(said, _branded_state())


def test_a_complaint_about_the_logo_says_where_it_is_and_how_to_move_it():
    reading = read_message("the logo is covering the captions", _branded_state(), None, MEDIA)
    assert not reading.calls
    [answer] = reading.answers
    assert "bottom right" in answer.text and '"move the logo to the top left"' in answer.text


@pytest.mark.parametrize(
    "said", ["what is this video about?", "what's it about", "what is the video about"]
)
def test_what_the_video_is_about_is_its_title_and_logline(said):
    state = _branded_state()
    [answer] = read_message(said, state, None, MEDIA).answers
    assert answer.text.startswith(f'"{state.storyboard.title}"')
    assert state.storyboard.script.logline in answer.text


def test_does_a_shot_have_a_picture_is_answered():
    state = _state({3: ShotMedia(id=EXPORT)})
    [answer] = read_message("does shot 3 have a picture?", state, None, MEDIA).answers
    assert answer.text == 'Shot 3 shows "export.png".'


def test_a_clause_not_understood_still_names_the_shot_it_for_the_next_clause():
    state = _state({2: ShotMedia(id=HOME, focus=Region(**TOP_RIGHT)), 3: ShotMedia(id=EXPORT)})
    reading = read_message("frobnicate shot 3 please, and highlight the top left of it", state)
    assert reading.problems == ['I did not understand "frobnicate shot 3 please".']
    [operation] = [op for call in reading.calls for op in call.args.operations]
    assert operation.shot == 3 and operation.media.highlight == Region(**TOP_LEFT)


@pytest.mark.parametrize(
    ("said", "corner", "size"),
    [
        ("the logo is too big, make it a bit smaller please", "bottom_right", 0.102),
        ("The logo is hard to see. Move it to the top left.", "top_left", 0.12),
        ("the logo is covering the captions, move it to the top right", "top_right", 0.12),
    ],
)
def test_it_after_a_remark_about_the_logo_is_the_logo(said, corner, size):
    state = _branded_state()
    [operation] = _operations(said, state)
    assert operation["logo"]["corner"] == corner
    assert operation["logo"]["size"] == pytest.approx(size)
    assert not read_message(said, state, None, MEDIA).notes()  # the change, no how-to answer


def test_it_after_the_logo_means_the_video_when_a_length_is_said():
    operations = _operations(
        "move the logo to the top left and make it 40 seconds", _branded_state()
    )
    assert [op["op"] for op in operations] == ["update_brand", "fit_duration"]
