"""Offline conversations end to end: the planner, the graph, the tools, real renders."""

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

from reelchat import store
from reelchat.agent.conversation import Conversation
from reelchat.errors import ReelchatError
from reelchat.generation.media import probe
from reelchat.generation.stitch import StitchOptions
from reelchat.storyboard.variables import personalise

FAST = ", 360p, 8 fps"
QUIET = StitchOptions(captions=False, narration=False)


def _send(chat, text):
    events = list(chat.send(text))
    assert events[-1].kind == "reply"
    return events[-1].text


def _board(chat):
    return store.get_version(chat.workspace.engine, session_id=chat.session_id).storyboard


def _last_job_statuses(chat):
    job = store.list_jobs(chat.workspace.engine, session_id=chat.session_id)[-1]
    return [row.status for row in store.job_shots(chat.workspace.engine, job_id=job.id)]


@pytest.mark.parametrize(
    ("request_text", "first_title", "aspect"),
    [
        ("a 9 second explainer on how rainbows form, for kids, 3 shots", "Rainbows: the question",
         "16:9"),
        ("a 9 second demo of our new search feature, 3 shots, vertical", "The problem", "9:16"),
        ("a 9 second onboarding clip welcoming Priya to the design team, 3 shots",
         "Welcome, Priya", "16:9"),
    ],
)  # fmt: skip
def test_each_use_case_makes_its_own_video(workspace, request_text, first_title, aspect):
    chat = Conversation(workspace, stitch=QUIET)
    reply = _send(chat, request_text + FAST)
    board = _board(chat)
    assert board.shots[0].title == first_title and board.aspect == aspect
    assert "Video ready" in reply
    video = store.list_videos(workspace.engine, session_id=chat.session_id)[-1]
    info = probe(workspace.resolve(chat.session_id, video.path))
    assert info.frames == round(board.runtime * board.fps)
    assert store.get_session(workspace.engine, session_id=chat.session_id).title == board.title


def test_five_edits_rerender_only_the_touched_shots(workspace):
    chat = Conversation(workspace, stitch=QUIET)
    _send(chat, "a 12 second explainer on tides, 4 shots" + FAST)
    assert _last_job_statuses(chat) == ["rendered"] * 4
    seed_before = _board(chat).shots[2].seed

    _send(chat, "make shot 2 longer")
    assert _last_job_statuses(chat) == ["cached", "rendered", "cached", "cached"]
    _send(chat, "swap shots 1 and 2")
    assert _last_job_statuses(chat) == ["cached"] * 4
    _send(chat, "regenerate shot 3")
    assert _last_job_statuses(chat) == ["cached", "cached", "rendered", "cached"]
    assert _board(chat).shots[2].seed != seed_before
    _send(chat, "change the caption of shot 4 to See you soon")
    assert _last_job_statuses(chat) == ["cached"] * 4
    assert _board(chat).shots[3].caption == "See you soon"
    _send(chat, "remove the first shot")
    assert _last_job_statuses(chat) == ["cached"] * 3

    versions = store.list_versions(workspace.engine, session_id=chat.session_id)
    assert len(versions) == 6
    _send(chat, "undo")
    assert len(_board(chat).shots) == 4


def test_the_conversation_resumes_after_a_restart(workspace):
    chat = Conversation(workspace, stitch=QUIET)
    _send(chat, "a 6 second explainer on clouds, 2 shots" + FAST)
    again = Conversation(workspace, session_id=chat.session_id, stitch=QUIET)
    assert not again.interrupted
    _send(again, "make shot 1 longer")
    assert _board(again).shots[0].duration == 5.0
    history = store.list_messages(workspace.engine, session_id=chat.session_id)
    assert [m.role for m in history] == ["user", "assistant"] * 2


def test_a_reply_explains_what_was_not_understood_and_changes_nothing(workspace):
    chat = Conversation(workspace, stitch=QUIET)
    _send(chat, "a 6 second explainer on clouds, 2 shots" + FAST)
    before = store.list_versions(workspace.engine, session_id=chat.session_id)
    reply = _send(chat, "make shot 7 longer")
    assert "there is no shot 7" in reply
    assert store.list_versions(workspace.engine, session_id=chat.session_id) == before


def test_empty_and_huge_messages_are_refused_before_anything_is_stored(workspace):
    chat = Conversation(workspace, stitch=QUIET)
    with pytest.raises(ReelchatError, match="empty"):
        list(chat.send("   "))
    with pytest.raises(ReelchatError, match="keep it under"):
        list(chat.send("x" * 100_000))
    assert store.list_messages(workspace.engine, session_id=chat.session_id) == []


KILLED_TURN = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from reelchat.agent.conversation import Conversation
    from reelchat.generation.stitch import StitchOptions
    from reelchat.workspace import Workspace

    root = Path(sys.argv[1])
    workspace = Workspace(root=root, database=root / "reelchat.db")
    chat = Conversation(workspace, session_id=sys.argv[2],
                        stitch=StitchOptions(captions=False, narration=False))
    for _event in chat.send("a 24 second explainer on glaciers, 4 shots, 480p, 24 fps"):
        pass
    """
)


def test_a_turn_killed_mid_render_continues_from_the_checkpoint(workspace):
    session_id = Conversation(workspace, stitch=QUIET).session_id
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_TURN, str(workspace.root), session_id],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    deadline = time.monotonic() + 120
    killed = False
    while time.monotonic() < deadline and proc.poll() is None:
        jobs = store.list_jobs(workspace.engine, session_id=session_id)
        if jobs:
            rows = store.job_shots(workspace.engine, job_id=jobs[-1].id)
            if rows[0].status == "rendered" and rows[1].status == "running":
                proc.send_signal(signal.SIGKILL)
                killed = True
                break
        time.sleep(0.05)
    proc.wait()
    assert killed, "the turn finished before it could be interrupted"

    resumed = Conversation(workspace, session_id=session_id, stitch=QUIET)
    assert resumed.interrupted
    events = list(resumed.send("what's in the storyboard?"))  # the old turn ends first
    replies = [event.text for event in events if event.kind == "reply"]
    assert len(replies) == 2 and "Video ready" in replies[0] and "Storyboard" in replies[1]
    job = store.list_jobs(workspace.engine, session_id=session_id)[-1]
    assert job.status == "done"
    rows = store.job_shots(workspace.engine, job_id=job.id)
    assert rows[0].status == "cached" and all(r.status == "rendered" for r in rows[1:])
    assert len(store.list_jobs(workspace.engine, session_id=session_id)) == 1
    assert not resumed.interrupted
    roles = [m.role for m in store.list_messages(workspace.engine, session_id=session_id)]
    assert roles == ["user", "assistant", "user", "assistant"]


def test_chat_turns_an_onboarding_clip_into_a_template(workspace):
    chat = Conversation(workspace, stitch=QUIET)
    _send(chat, "a 6 second onboarding clip welcoming Priya to the design team, 2 shots" + FAST)
    jobs_before = len(store.list_jobs(workspace.engine, session_id=chat.session_id))
    reply = _send(chat, "make this an onboarding template for a CSV of new hires")
    assert "{name}, {team}" in reply and "reelchat batch" in reply
    assert "this storyboard's own row would be: Priya,design" in reply
    board = _board(chat)
    assert board.title == "Welcome, {name}" and "{team}" in board.shots[0].narration
    ana = personalise(board, {"name": "Ana Souza", "team": "Support"}).model_dump_json()
    assert "Priya" not in ana and "design" not in ana.lower()
    assert "Welcome to the Support team, Ana Souza!" in ana
    assert len(store.list_jobs(workspace.engine, session_id=chat.session_id)) == jobs_before


def _counts(chat):
    engine, session = chat.workspace.engine, chat.session_id
    return (
        len(store.list_versions(engine, session_id=session)),
        len(store.list_jobs(engine, session_id=session)),
    )


DEMO = "a 9 second product demo of our app Ledgerly showing how to export a report to PDF, 3 shots"


def test_whole_video_edits_change_the_current_storyboard_and_never_replace_it(workspace):
    chat = Conversation(workspace, stitch=QUIET)
    _send(chat, DEMO + FAST)
    _send(chat, "change the caption of shot 2 to Export in one click")
    edited = _board(chat)
    reply = _send(chat, "make the video vertical")
    board = _board(chat)
    assert board.title == edited.title == "Ledgerly: how to export a report to PDF"
    assert board.aspect == "9:16" and board.shots[1].caption == "Export in one click"
    assert "Saved version 3" in reply and "Video ready" in reply
    reply = _send(chat, "make the whole video 6 seconds")
    board = _board(chat)
    assert board.title == edited.title and board.shots[1].caption == "Export in one click"
    assert board.runtime == pytest.approx(6, abs=1 / board.fps)  # the video, crossfades in
    assert "whole video: 9 s -> 6 s" in reply


def test_undo_walks_back_through_the_history_and_redo_forward(workspace):
    chat = Conversation(workspace, stitch=QUIET)
    _send(chat, "a 6 second explainer on clouds, 2 shots" + FAST)
    first = _board(chat)
    _send(chat, "make shot 1 longer")
    second = _board(chat)
    _send(chat, "make shot 2 longer")
    assert "showing version 2" in _send(chat, "undo") and _board(chat) == second
    assert "showing version 1" in _send(chat, "undo") and _board(chat) == first
    assert "nothing to undo" in _send(chat, "undo") and _board(chat) == first
    assert "showing version 2" in _send(chat, "redo") and _board(chat) == second
    _send(chat, "undo")
    assert "showing version 3" in _send(chat, "redo twice")


def test_small_talk_and_questions_get_answers_and_render_nothing(workspace):
    chat = Conversation(workspace, stitch=QUIET)
    reply = _send(chat, "hi! what can you do?")
    assert reply.startswith("Hello!") and "I make short videos" in reply
    assert _counts(chat) == (0, 0)
    _send(chat, "a 6 second explainer on clouds, 2 shots" + FAST)
    before = _counts(chat)
    video = store.list_videos(workspace.engine, session_id=chat.session_id)[-1]
    assert video.path in _send(chat, "where is the video file?")
    assert "in 2 shots" in _send(chat, "how long is it?")
    assert "2. Recap: clouds" in _send(chat, "what's in shot 2?")
    assert "Storyboard version 1" in _send(chat, "show the storyboard")
    assert "welcome" in _send(chat, "thanks!")
    assert _counts(chat) == before


def test_a_new_video_mid_chat_says_how_to_get_the_old_one_back(workspace):
    chat = Conversation(workspace, stitch=QUIET)
    _send(chat, "a 6 second explainer on clouds, 2 shots" + FAST)
    _send(chat, "make shot 1 longer")
    edited = _board(chat)
    reply = _send(
        chat,
        "thanks. actually, I need a short product demo of our app Ledgerly showing how to "
        "export a report to PDF, 2 shots" + FAST,
    )
    assert _board(chat).title == "Ledgerly: how to export a report to PDF"
    assert 'The previous storyboard "Clouds" is kept as version 2' in reply
    assert "restore version 2" in reply
    _send(chat, "undo")
    assert _board(chat) == edited


def test_every_clause_of_a_message_is_applied_or_named(workspace):
    chat = Conversation(workspace, stitch=QUIET)
    _send(chat, "a 12 second explainer on tides, 4 shots" + FAST)
    _send(chat, "remove shot 2 and shot 3")
    assert [shot.title for shot in _board(chat).shots] == ["Tides: the question", "Recap: tides"]
    intro, second = (shot.duration for shot in _board(chat).shots)
    reply = _send(chat, "can you make the second scene a bit longer and the intro shorter? blorp")
    shorter, longer = (shot.duration for shot in _board(chat).shots)
    assert shorter < intro and longer > second
    assert 'I did not understand "blorp"' in reply
    _send(chat, "give it a zoom out")  # "it": the shot talked about last (the intro)
    assert _board(chat).shots[0].camera == "zoom_out"
    _send(chat, "add a shot about safety at the end")
    added = _board(chat).shots[-1]
    assert added.title == "Safety" and added.narration and "safety" in added.prompt
    assert _board(chat).style in added.prompt


def test_formats_in_words_are_kept_exactly_or_refused_and_never_reach_the_title(workspace):
    chat = Conversation(workspace, stitch=QUIET)  # bughunt case04
    _send(chat, "a 6 second explainer about tides, 2 shots, 360p, 29.97 fps")
    board = _board(chat)
    assert board.title == "Tides" and board.resolution == 360 and board.fps == 29.97
    _send(chat, "make it 23.976 fps")
    assert _board(chat).fps == 23.976 and _board(chat).title == "Tides"
    before = _counts(chat)
    assert "8 to 60 fps, not 90" in _send(chat, "use 90 fps")
    assert _counts(chat) == before
    other = Conversation(workspace, stitch=QUIET)  # bughunt case22
    reply = _send(other, "a 6 second explainer about honey bees, 2 shots, 360p, "
                         "4:5 for the instagram feed")  # fmt: skip
    assert _board(other).title == "Honey bees"
    assert _board(other).aspect == "4:5" and "can't" not in reply
