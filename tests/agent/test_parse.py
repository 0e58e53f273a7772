"""The offline planner's parser, part by part: clauses, shot references, formats, phrasings,
new-video requests, and whole messages."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reelchat.agent.parse.clauses import clauses, sentences, strip_lead
from reelchat.agent.parse.formats import Found, Unsupported, find_formats
from reelchat.agent.parse.reading import CLARIFY, read_message
from reelchat.agent.parse.references import Unclear, find_target
from reelchat.agent.parse.request import plan_new_video
from reelchat.agent.session import SessionState
from reelchat.generation.animatic import palette_for
from reelchat.storyboard.models import Aspect, Storyboard
from reelchat.storyboard.validation import parse_storyboard
from reelchat.tools.apply import apply_all
from reelchat.tools.arguments import EditStoryboardArgs, UpdateShot
from tests.agent.phrasebook import reference_state, rows

# --- clauses ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("make shot 2 longer and shot 3 shorter", ["make shot 2 longer", "shot 3 shorter"]),
        ("remove shot 2 and shot 3", ["remove shot 2 and shot 3"]),
        ("swap shots 3 and 4", ["swap shots 3 and 4"]),
        ("swap 3 and 4", ["swap 3 and 4"]),
        ("change the caption of shot 2 to Hello, World and more",
         ["change the caption of shot 2 to Hello, World and more"]),
        ("make it vertical, then make shot 1 longer, also square",
         ["make it vertical", "make shot 1 longer", "square"]),
        ("can you make the second scene a bit longer and the intro shorter?",
         ["make the second scene a bit longer", "the intro shorter?"]),
        ("make shot 2 black and white", ["make shot 2 black-and-white"]),
    ],
)  # fmt: skip
def test_a_sentence_splits_into_one_clause_per_change(text, expected):
    assert clauses(strip_lead(text)) == expected


def test_sentences_split_at_marks_and_keep_web_addresses():
    assert sentences("thanks. actually, visit example.com! undo; redo") == [
        "thanks",
        "actually, visit example.com",
        "undo",
        "redo",
    ]


# --- references -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shots"),
    [
        ("shot 2", (2,)), ("scene two", (2,)), ("the second shot", (2,)), ("#3", (3,)),
        ("the 3rd scene", (3,)), ("the intro", (1,)), ("the opening", (1,)), ("the ending", (6,)),
        ("the outro", (6,)), ("the last one", (6,)), ("the final shot", (6,)),
        ("the one before last", (5,)), ("the second to last shot", (5,)),
        ("shots 2 to 4", (2, 3, 4)), ("shots 2-4", (2, 3, 4)), ("shots 2, 3 and 5", (2, 3, 5)),
        ("the last two shots", (5, 6)), ("the first three shots", (1, 2, 3)),
        ("every shot", (1, 2, 3, 4, 5, 6)), ("the intro and the ending", (1, 6)),
    ],
)  # fmt: skip
def test_references_name_the_shots_people_mean(text, shots):
    assert find_target(text, 6).shots == shots


def test_it_is_the_shot_last_talked_about_or_else_the_whole_video():
    assert find_target("make it longer", 6, focus=4).shots == (4,)
    assert find_target("make it longer", 6).whole
    assert find_target("make the whole video 20 seconds", 6).whole


def test_a_shot_that_is_not_there_is_unclear():
    with pytest.raises(Unclear, match="there is no shot 9; shots are numbered 1 to 6"):
        find_target("shot 9", 6)


def test_a_negative_duration_is_not_a_range():
    assert find_target("shot 1 -5 seconds", 6).shots == (1,)


# --- formats ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "setting", "value"),
    [
        ("vertical", "aspect", Aspect.portrait), ("for TikTok", "aspect", Aspect.portrait),
        ("square", "aspect", Aspect.square), ("widescreen", "aspect", Aspect.landscape),
        ("16:9", "aspect", Aspect.landscape), ("720p", "resolution", 720),
        ("full HD", "resolution", 1080), ("30 fps", "fps", 30), ("12 frames per second", "fps", 12),
    ],
)  # fmt: skip
def test_formats_in_words(text, setting, value):
    (found,) = find_formats(text)
    assert isinstance(found, Found) and (found.setting, found.value) == (setting, value)


def _unsupported(text):
    return [f.sentence for f in find_formats(text) if isinstance(f, Unsupported) and f.sentence]


def test_unsupported_formats_say_what_is_supported_from_the_model_types():
    allowed = ", ".join(aspect.value for aspect in Aspect)
    if "4:5" not in allowed:
        assert _unsupported("4:5 for the instagram feed") == [
            f"I can't make a 4:5 video yet; the aspect ratios I can make are {allowed}."
        ]
    if not _accepts_fps(29.97):
        (nearest,) = find_formats("29.97 fps")
        assert (nearest.setting, nearest.value) == ("fps", 30) and "29.97" in nearest.note
    (sentence,) = _unsupported("4k")
    assert "360p, 480p, 720p, 1080p" in sentence


def _accepts_fps(value):
    data = {"script": {"title": "t"}, "shots": [{"title": "t", "prompt": "p"}], "fps": value}
    try:
        Storyboard.model_validate(data)
    except ValueError:
        return False
    return True


# --- new videos -------------------------------------------------------------------------------


def _board(args):
    data = args.model_dump(mode="json")
    return parse_storyboard(
        {"script": {"title": data["title"], "audience": data["audience"]},
         **{k: data[k] for k in ("shots", "aspect", "fps", "resolution", "style")}}
    )  # fmt: skip


def test_explainer_reads_topic_audience_length_and_shots():
    board = _board(
        plan_new_video("make a 30-second explainer on how vaccines work, for teens").args
    )
    assert board.title == "How vaccines work" and board.script.audience == "teens"
    assert len(board.shots) == 6 and board.runtime == pytest.approx(30, abs=1 / 24)
    assert all("vaccines" in s.title.lower() for s in board.shots[1:])


def test_explainers_on_different_topics_use_their_own_words():
    tides = plan_new_video("an explainer on tides").args
    bees = plan_new_video("an explainer on honey bees").args
    assert {s.title for s in tides.shots}.isdisjoint({s.title for s in bees.shots})
    assert {s.narration for s in tides.shots[1:]}.isdisjoint({s.narration for s in bees.shots})


def test_a_requested_shot_count_is_filled_with_different_beats():
    args = plan_new_video("an onboarding clip welcoming Sam to the sales team, 12 shots").args
    titles = [shot.title for shot in args.shots]
    assert len(titles) == 12 and len(set(titles)) == 12
    assert not any("(2)" in title for title in titles)


def test_a_product_demo_names_the_product_and_the_feature():
    args = plan_new_video(
        "I need a short product demo of our app Ledgerly showing how to export a report to PDF"
    ).args
    assert args.title == "Ledgerly: how to export a report to PDF"
    assert _board(args).runtime <= 15
    assert args.shots[-1].title == "Try Ledgerly today"
    assert any("export a report to PDF" in shot.narration for shot in args.shots)
    assert not any("our app Ledgerly showing" in shot.prompt for shot in args.shots)


def test_onboarding_keeps_the_full_name_the_team_and_the_role():
    args = plan_new_video(
        "an onboarding video for Mei Lin, who joins the support team as a team lead"
    ).args
    assert args.title == "Welcome, Mei Lin"
    text = " ".join(shot.narration for shot in args.shots)
    assert "Mei Lin" in text and "support team" in text and "team lead" in text
    assert all("Mei Lin, a friendly new team lead" in shot.prompt for shot in args.shots)


def test_format_words_never_reach_the_title():
    for request in (
        "a 6 second explainer about tides, 2 shots, 360p, 29.97 fps",
        "a 6 second explainer about honey bees, 2 shots, 360p, 4:5 for the instagram feed",
    ):
        new = plan_new_video(request)
        assert new.args.title in ("Tides", "Honey bees")
        assert len(new.args.shots) == 2 and new.args.resolution == 360
        assert not new.notes  # 29.97 fps and 4:5 are made exactly
        assert new.args.fps == 29.97 or new.args.aspect == Aspect("4:5")


@pytest.mark.parametrize(
    ("request_text", "count", "subject"),
    [
        ("a 4-shot product demo of our notes app Notely", 4, "notely"),
        ("a 3 shot demo of our app Notely", 3, "notely"),
        ("2 shot explainer about photosynthesis", 2, "photosynthesis"),
        ("a four-shot video about owls", 4, "owls"),
        ("make a 3-shot video about tides, 20 seconds", 3, "tides"),
        ("an explainer about owls in 4 shot", 4, "owls"),
        ("a 5 scene explainer about owls", 5, "owls"),
        ("an explainer about owls in 20 seconds", 4, "owls"),
        ("a product demo of our app Notely showing the export button in 3 shot", 3, "notely"),
        ("welcome Mei to the design team in a 3-shot video", 3, "mei"),
    ],
)
def test_a_shot_count_however_written_is_the_count_and_no_part_of_the_subject(
    request_text, count, subject
):
    args = plan_new_video(request_text, seed=1).args
    assert len(args.shots) == count
    said = " ".join(
        [args.title, args.logline or ""]
        + [f"{shot.title} {shot.prompt} {shot.narration or ''}" for shot in args.shots]
    ).lower()
    assert subject in said
    assert not re.search(r"\b(?:\d+|two|three|four|five)[\s-]+(?:shots?|scenes?)\b", said)
    assert not re.search(r"\b(?:owls|tides) in\b", f"{args.title} {args.logline}".lower())


def test_vertical_demo_in_watercolor():
    args = plan_new_video("a 20 s demo of our app's new export button, vertical for TikTok, "
                          "4 shots, in watercolor style, upbeat").args  # fmt: skip
    assert args.aspect is Aspect.portrait and len(args.shots) == 4
    assert "watercolor" in args.style and "upbeat" in args.tone
    assert "TikTok" not in args.title and "watercolor" not in args.title


@pytest.mark.parametrize("text", ["make a video", "hi, make me a short video please",
                                  "let's start over"])  # fmt: skip
def test_a_request_without_a_subject_gets_a_clarifying_question(text):
    reading = read_message(text, None)
    assert reading.calls == [] and CLARIFY in reading.notes()


# --- whole messages ---------------------------------------------------------------------------


def test_operations_are_the_typed_models_the_tool_validates():
    reading = read_message("make shot 2 longer and the intro shorter", reference_state())
    (call,) = reading.calls
    assert isinstance(call.args, EditStoryboardArgs)
    assert all(isinstance(op, UpdateShot) for op in call.args.operations)
    assert EditStoryboardArgs.model_validate(call.args.model_dump(mode="json")) == call.args


def test_it_follows_the_shot_last_talked_about_across_clauses_and_turns():
    state = reference_state()
    first = read_message("make shot 3 longer", state)
    assert first.focus == 3
    second = read_message("and give it a zoom out", state, focus=first.focus)
    (call,) = second.calls
    assert (
        call.args.operations[0].shot == 3 and call.args.operations[0].changes.camera == "zoom_out"
    )


def test_later_clauses_see_the_storyboard_as_edited_by_earlier_ones():
    reading = read_message("remove the first shot, then remove the last shot", reference_state())
    ops = reading.calls[0].args.operations
    assert [(op.op, op.shot) for op in ops] == [("delete_shot", 1), ("delete_shot", 5)]


def test_no_board_questions_are_answered_without_a_plan():
    reading = read_message("where is the video?", None)
    assert reading.calls == [] and "no video yet" in reading.notes()[0]


def test_greetings_with_a_board_are_answered_and_change_nothing():
    state = reference_state()
    for text in ("hi", "thanks!", "how are you?", "what can you do?"):
        reading = read_message(text, state)
        assert reading.calls == [] and reading.notes()


def test_a_new_video_mid_chat_needs_new_video_words():
    state = reference_state()
    for text in ("make the video vertical", "make the whole video 20 seconds",
                 "make the video more playful", "the video should be square",
                 "make a shorter video", "make me a 20 second video"):  # fmt: skip
        assert all(call.name != "plan_storyboard" for call in read_message(text, state).calls)
    new_video = ("make a new video about volcanoes", "another one about owls",
                 "start over with a video about bees", "I need a product demo of Acme")  # fmt: skip
    for text in new_video:
        assert read_message(text, state).calls[0].name == "plan_storyboard"


def test_session_state_round_trips_as_json():
    state = reference_state()
    assert SessionState.model_validate(state.model_dump(mode="json")) == state


WORDS = " ".join(said for said, _ in rows())
SOUP = st.lists(
    st.sampled_from(WORDS.split() + ["#0", "0", "-5", "1e400", "nan", "at position 0", "4:5"]),
    max_size=12,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(text=SOUP | st.text(max_size=80), focus=st.sampled_from([None, 1, 6]))
def test_any_message_is_read_without_raising(text, focus):
    reading = read_message(text, reference_state(), focus)
    assert reading.calls or reading.notes()


@pytest.mark.parametrize(
    "template",
    ["delete shot {n}", "restore version {n}", "a {n} second video about owls", "undo {n} times",
     "make shot 2 {n} seconds long and swap shots 1 and 2"],
)  # fmt: skip
def test_a_number_thousands_of_digits_long_is_refused_whole(template):
    """reliability case37: a 5,000-digit number was an internal error."""
    reading = read_message(template.format(n="9" * 5000), reference_state())
    assert not reading.calls
    assert reading.notes() == [
        "I can't use a number of 5,000 digits: shots, seconds, versions and frame rates are "
        "small numbers, so nothing was changed."
    ]


@pytest.mark.parametrize(
    "said",
    [
        "make the whole thing darker",
        "more orange and red",
        "make it more dramatic",
        "more playful tone overall",
        "a more serious tone",
    ],
)
def test_look_and_tone_words_change_the_offline_pictures_colours(said):
    before = reference_state().storyboard
    (call,) = [c for c in read_message(said, reference_state()).calls if c.name != "write_script"]
    after, _ = apply_all(before, call.args.operations)
    for old, new in zip(before.shots, after.shots, strict=True):
        assert palette_for(new.style or after.style, new.prompt, new.seed) != palette_for(
            old.style or before.style, old.prompt, old.seed
        )


def test_a_question_about_the_format_answers_for_the_whole_video():
    (answer,) = read_message("what's the aspect ratio?", reference_state()).answers
    assert "16:9" in answer.text and "24 fps" in answer.text and "854x480" in answer.text


def test_music_is_not_a_shot_and_the_reply_names_the_music_option():
    reading = read_message(
        "the recap is kinda boring, maybe add some music or smth", reference_state()
    )
    assert not reading.calls and any("--music" in answer.text for answer in reading.answers)
