import pytest

from reelchat.agent.intents import SessionView, plan_new_video, plan_request
from reelchat.storyboard.validation import parse_storyboard

VIEW = SessionView(
    version=3,
    shots=[{"title": f"S{n}", "duration": 5.0, "seed": n} for n in range(1, 7)],
    style="clean flat illustration, bright friendly colours",
    aspect="16:9",
)


def _ops(text, view=VIEW):
    plan = plan_request(text, view)
    assert not plan.not_understood, plan.not_understood
    (name, args), *_ = plan.calls
    assert name == "edit_storyboard"
    return args["operations"]


def _update(shot, **changes):
    return {"op": "update_shot", "shot": shot, "changes": changes}


def _board(args):
    return parse_storyboard(
        {"script": {"title": args["title"], "audience": args["audience"]}, **{
            k: args[k] for k in ("shots", "aspect", "fps", "resolution", "style")}}
    )  # fmt: skip


def test_explainer_reads_topic_audience_length_and_shots():
    args = plan_new_video("make a 30-second explainer on how vaccines work, for teenagers")
    board = _board(args)
    assert board.title == "How vaccines work" and board.script.audience == "teenagers"
    assert len(board.shots) == 6 and sum(s.duration for s in board.shots) == pytest.approx(30)
    assert board.shots[0].title == "The question" and board.shots[-1].title == "Recap"


def test_product_demo_is_vertical_and_styled_from_the_words():
    args = plan_new_video("a 20 s demo of our app's new export button, vertical for TikTok, "
                          "4 shots, in watercolor style, upbeat")  # fmt: skip
    board = _board(args)
    assert board.aspect == "9:16" and len(board.shots) == 4
    assert "watercolor" in board.style and "upbeat" in args["tone"]
    assert board.shots[0].title == "The problem" and board.shots[-1].title == "Try it today"
    assert all("export button" in shot.prompt for shot in board.shots)


def test_onboarding_is_personal_and_keeps_the_character_consistent():
    args = plan_new_video(
        "an onboarding clip welcoming Priya to the design team as a product designer"
    )
    board = _board(args)
    assert board.title == "Welcome, Priya"
    assert board.shots[0].caption == "Welcome, Priya!"
    character = "Priya, a friendly new product designer with a backpack"
    assert all(character in shot.prompt for shot in board.shots)
    assert "design team" in board.shots[0].narration


def test_the_three_use_cases_give_different_storyboards():
    titles = {
        tuple(s["title"] for s in plan_new_video(text)["shots"])
        for text in (
            "explain photosynthesis",
            "a demo of our search feature",
            "welcome Sam to the sales team",
        )  # fmt: skip
    }
    assert len(titles) == 3


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("make shot 2 longer", [_update(2, duration=7.0)]),
        ("make shot 2 6 seconds", [_update(2, duration=6.0)]),
        ("make shot 2 slower", [_update(2, duration=7.5)]),
        ("shorten the first shot", [_update(1, duration=3.0)]),
        ("remove the last shot", [{"op": "delete_shot", "shot": 6}]),
        ("swap shots 3 and 4", [{"op": "swap_shots", "first": 3, "second": 4}]),
        ("swap the last two shots", [{"op": "swap_shots", "first": 5, "second": 6}]),
        ("move shot 1 to the end", [{"op": "move_shot", "shot": 1, "to": 6}]),
        ("in watercolor style",
         [{"op": "restyle_all", "style": "watercolor painting, soft washes, paper texture"}]),
        ("vertical for TikTok", [{"op": "update_settings", "aspect": "9:16"}]),
        ("make shot 4 a zoom out", [_update(4, camera="zoom_out")]),
        ("change the caption of shot 2 to Hello, World",
         [_update(2, caption="Hello, World")]),
        ("fade to black at the end",
         [_update(6, transition="fade_to_black")]),
    ],
)  # fmt: skip
def test_common_edits(text, expected):
    assert _ops(text) == expected


def test_warmer_colours_keeps_the_style_and_adds_a_warm_palette():
    (op,) = _ops("warmer colours")
    assert op["op"] == "restyle_all"
    assert op["style"].startswith("clean flat illustration") and "warm golden" in op["style"]
    (cooler,) = _ops("cooler tones", SessionView(3, VIEW.shots, op["style"], "16:9"))
    assert "warm" not in cooler["style"] and "cool blue" in cooler["style"]


def test_regenerate_gives_a_new_seed():
    (op,) = _ops("regenerate shot 3 with a new seed")
    assert op["shot"] == 3 and op["changes"]["seed"] != 3


def test_several_edits_in_one_message():
    ops = _ops("make shot 2 longer and swap the last two shots; remove shot 1")
    assert [op["op"] for op in ops] == ["update_shot", "swap_shots", "delete_shot"]


def test_undo_restore_render_and_describe():
    assert plan_request("undo", VIEW).calls == [("restore_version", {"version": 2})]
    assert plan_request("restore version 1", VIEW).calls == [("restore_version", {"version": 1})]
    assert plan_request("render it", VIEW).calls == [("render", {})]
    assert plan_request("what's in the storyboard?", VIEW).calls == [("describe_storyboard", {})]


def test_says_plainly_what_it_did_not_understand():
    plan = plan_request("make shot 2 longer and blorp the flurb", VIEW)
    assert plan.calls[0][1]["operations"][0]["shot"] == 2
    assert plan.not_understood == ["'blorp the flurb'"]


@pytest.mark.parametrize(
    ("text", "reason"),
    [("make shot 9 longer", "there is no shot 9"), ("make shot 2 45 seconds", "1 to 20 s"),
     ("regenerate it", "which shot"), ("use 90 fps", "8 to 60 fps")],
)  # fmt: skip
def test_impossible_edits_are_explained(text, reason):
    plan = plan_request(text, VIEW)
    assert plan.calls == []
    assert reason in plan.not_understood[0]


def test_undo_on_the_first_version_is_explained():
    plan = plan_request("undo", SessionView(1, VIEW.shots, "", "16:9"))
    assert "nothing to undo" in plan.not_understood[0]


def test_new_video_request_replaces_the_plan():
    plan = plan_request("make a new video about volcanoes", VIEW)
    assert plan.calls[0][0] == "plan_storyboard"


@pytest.mark.parametrize("text", ["make a video", "hi", "make me a short video please"])
def test_a_request_without_a_subject_gets_a_clarifying_question(text):
    plan = plan_request(text, None)
    assert plan.calls == [] and "What should the video be about" in plan.notes[0]


def test_a_very_long_audience_is_cut_to_fit():
    args = plan_new_video("an explainer on tides, for " + "curious people " * 20)
    assert args["audience"].startswith("curious people") and len(args["audience"]) <= 120
