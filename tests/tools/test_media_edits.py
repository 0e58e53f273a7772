"""Edits that use a session's media, through the agent's actions: ids must be the session's,
each used as what it is; the brand kit is the workspace's and the current storyboard's."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from reelchat import store
from reelchat.errors import StoryboardInvalid
from reelchat.generation.animatic import AnimaticBackend
from reelchat.generation.executors.local import LocalExecutor
from reelchat.media_library import add_media
from reelchat.store.tables import WORKSPACE_SCOPE
from reelchat.storyboard.models import Brand, Logo
from reelchat.tools.context import ToolContext
from reelchat.tools.registry import run_action
from tests.media_library.samples import png_bytes

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
PLAN = {
    "title": "Export demo",
    "shots": [
        {"title": "Open", "prompt": "the app's home screen", "duration": 1},
        {"title": "Export", "prompt": "the export button", "duration": 1},
    ],
    "resolution": 360,
    "fps": 8,
}


def picture(colour: str, size: tuple[int, int] = (64, 40)) -> bytes:
    return png_bytes(Image.new("RGB", size, colour))


@pytest.fixture
def ctx(workspace):
    session = store.create_session(workspace.engine, title="media")
    return ToolContext(workspace, session.id, LocalExecutor(AnimaticBackend()))


def _board(ctx):
    return store.get_version(ctx.workspace.engine, session_id=ctx.session_id).storyboard


def test_a_shot_shows_a_session_picture_by_id(ctx):
    shot = add_media(ctx.workspace, picture("red"), scope=ctx.session_id, label="home.png")
    run_action(ctx, "plan_storyboard", PLAN)
    answer = run_action(
        ctx,
        "edit_storyboard",
        {"operations": [{"op": "set_shot_media", "shot": 2, "media": {"id": shot.id}}]},
    )
    assert _board(ctx).shots[1].media.id == shot.id
    assert "Shots to render again: 2." in answer and f'Picture: "home.png" ({shot.id})' in answer


def test_an_unknown_media_id_is_a_clear_error_and_nothing_is_saved(ctx):
    add_media(ctx.workspace, picture("red"), scope=ctx.session_id, label="home.png")
    run_action(ctx, "plan_storyboard", PLAN)
    before = store.list_versions(ctx.workspace.engine, session_id=ctx.session_id)
    with pytest.raises(StoryboardInvalid) as error:
        run_action(
            ctx,
            "edit_storyboard",
            {"operations": [{"op": "set_shot_media", "shot": 1, "media": {"id": "ab" * 8}}]},
        )
    message = str(error.value)
    assert "no media item abababababababab" in message and '"home.png"' in message
    assert store.list_versions(ctx.workspace.engine, session_id=ctx.session_id) == before


def test_media_of_another_session_is_not_this_sessions(ctx):
    other = store.create_session(ctx.workspace.engine, title="other")
    theirs = add_media(ctx.workspace, picture("blue"), scope=other.id, label="secret.png")
    run_action(ctx, "plan_storyboard", PLAN)
    with pytest.raises(StoryboardInvalid, match="no media item"):
        run_action(
            ctx,
            "edit_storyboard",
            {"operations": [{"op": "set_shot_media", "shot": 1, "media": {"id": theirs.id}}]},
        )


def test_a_font_is_not_a_picture(ctx):
    font = add_media(ctx.workspace, DEJAVU, scope=ctx.session_id)
    run_action(ctx, "plan_storyboard", PLAN)
    with pytest.raises(StoryboardInvalid, match="is a font, so it cannot be shot 1's picture"):
        run_action(
            ctx,
            "edit_storyboard",
            {"operations": [{"op": "set_shot_media", "shot": 1, "media": {"id": font.id}}]},
        )


def test_a_brand_edit_changes_the_workspace_kit_and_the_storyboard(ctx):
    logo = add_media(ctx.workspace, picture("white"), scope=WORKSPACE_SCOPE, label="logo.png")
    run_action(ctx, "plan_storyboard", PLAN)
    answer = run_action(
        ctx,
        "edit_storyboard",
        {
            "operations": [
                {"op": "update_brand", "logo": {"media": logo.id, "corner": "top_left"}},
                {"op": "update_brand", "colours": ["#FF6600", "#003366"]},
            ]
        },
    )
    expected = Brand(logo=Logo(media=logo.id, corner="top_left"), colours=["#ff6600", "#003366"])
    assert _board(ctx).brand == expected
    assert store.get_brand(ctx.workspace.engine) == expected
    assert "Shots to render again: 1, 2." in answer  # colours change the animatic's palette
    assert "Brand: logo" in answer and "#ff6600 #003366" in answer


def test_a_new_plan_takes_the_workspace_kit(ctx):
    logo = add_media(ctx.workspace, picture("white"), scope=WORKSPACE_SCOPE, label="logo.png")
    kit = Brand(logo=Logo(media=logo.id), colours=["#112233"])
    store.set_brand(ctx.workspace.engine, brand=kit)
    run_action(ctx, "plan_storyboard", PLAN)
    assert _board(ctx).brand == kit


def test_removing_the_logo_when_there_is_none_changes_nothing(ctx):
    run_action(ctx, "plan_storyboard", PLAN)
    with pytest.raises(StoryboardInvalid, match="update_brand both sets and removes logo"):
        run_action(
            ctx,
            "edit_storyboard",
            {
                "operations": [
                    {"op": "update_brand", "logo": {"media": "ab" * 8}, "remove": ["logo"]}
                ]
            },
        )


def test_shots_to_render_again_are_the_clips_the_render_makes_anew(ctx):
    font = add_media(ctx.workspace, DEJAVU, scope=WORKSPACE_SCOPE)
    logo = add_media(ctx.workspace, picture("white"), scope=WORKSPACE_SCOPE, label="logo.png")
    run_action(ctx, "plan_storyboard", PLAN)
    assert "2 shot(s) rendered, 0 reused" in run_action(ctx, "render", {})
    answer = run_action(
        ctx,
        "edit_storyboard",
        {"operations": [{"op": "update_brand", "font": font.id, "logo": {"media": logo.id}}]},
    )
    assert "Shots to render again: none." in answer  # both are laid over at the stitch
    assert "0 shot(s) rendered, 2 reused" in run_action(ctx, "render", {})
    answer = run_action(
        ctx, "edit_storyboard", {"operations": [{"op": "update_brand", "colours": ["#ff6600"]}]}
    )
    assert "Shots to render again: 1, 2." in answer  # the animatic's palette
    assert "2 shot(s) rendered, 0 reused" in run_action(ctx, "render", {})


def test_an_edit_that_sets_a_shots_picture_twice_says_that_shot_once_by_label(ctx):
    shot = add_media(ctx.workspace, picture("red"), scope=ctx.session_id, label="screen-1.png")
    run_action(ctx, "plan_storyboard", PLAN)
    box = {"x": 0.5, "y": 0.0, "width": 0.5, "height": 0.5}
    answer = run_action(
        ctx,
        "edit_storyboard",
        {
            "operations": [
                {"op": "set_shot_media", "shot": 2, "media": {"id": shot.id, "focus": box}},
                {"op": "update_shot", "shot": 2, "changes": {"camera": "zoom_in"}},
                {
                    "op": "set_shot_media",
                    "shot": 2,
                    "media": {"id": shot.id, "focus": box, "highlight": box},
                },
            ]
        },
    )
    saved = answer.splitlines()[0]
    assert saved.count("shot 2: picture") == 1, saved
    assert f'shot 2: picture "screen-1.png" ({shot.id}), focus' in saved and "highlight" in saved


def test_the_tools_see_the_sessions_media_as_the_library_lists_it(ctx):
    from reelchat.tools.media import load_media

    logo = add_media(ctx.workspace, picture("black"), scope=WORKSPACE_SCOPE, label="logo.png")
    shot = add_media(ctx.workspace, picture("red", (80, 60)), scope=ctx.session_id,
                     label="home.png")  # fmt: skip
    media = load_media(ctx.workspace, ctx.session_id)
    assert [(ref.id, ref.kind, ref.label, ref.shared) for ref in media.items] == [
        (shot.id, "image", "home.png", False), (logo.id, "image", "logo.png", True),
    ]  # fmt: skip
    assert [ref.line() for ref in media.items] == [
        f'{shot.id} image 80x60 "home.png"', f'{logo.id} image 64x40 "logo.png" (workspace)',
    ]  # fmt: skip
    assert media.pictures() == [media.items[0]]


def _orange(frame) -> int:
    r, g, b = (frame[..., i].astype(int) for i in range(3))
    return int(((r > 200) & (g > 60) & (g < 150) & (b < 70)).sum())


def test_a_colour_change_renders_again_only_the_shots_drawn_in_the_colours(ctx):
    from reelchat.generation.cache import shot_clips
    from reelchat.generation.media import read_frame

    grey = add_media(ctx.workspace, picture("grey", (320, 180)), scope=ctx.session_id)
    plan = {**PLAN, "shots": [*PLAN["shots"], {"title": "Done", "prompt": "done", "duration": 1}]}
    run_action(ctx, "plan_storyboard", plan)
    box = {"x": 0.3, "y": 0.3, "width": 0.4, "height": 0.4}
    run_action(ctx, "edit_storyboard", {"operations": [
        {"op": "set_shot_media", "shot": 2, "media": {"id": grey.id}},
        {"op": "set_shot_media", "shot": 3, "media": {"id": grey.id, "highlight": box}},
    ]})  # fmt: skip
    assert "3 shot(s) rendered, 0 reused" in run_action(ctx, "render", {})
    answer = run_action(
        ctx, "edit_storyboard", {"operations": [{"op": "update_brand", "colours": ["#ff6600"]}]}
    )
    # the card (its palette) and the highlight (drawn in the first colour) change; the plain
    # picture does not
    assert "Shots to render again: 1, 3." in answer
    assert "2 shot(s) rendered, 1 reused" in run_action(ctx, "render", {})
    highlighted = shot_clips(ctx.workspace, ctx.session_id)[_board(ctx).shots[2].id]
    assert _orange(read_frame(highlighted, 0.75)) > 200  # the box is in the new colour
    answer = run_action(
        ctx, "edit_storyboard", {"operations": [{"op": "update_brand", "colours": ["#ff6600",
                                                                                     "#003366"]}]}
    )  # fmt: skip
    assert "Shots to render again: 1." in answer  # a second colour reaches only the card
