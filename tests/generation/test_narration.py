"""Voices: each line's language picks its voice, lines are spoken at their own pace and shots grow
to hold them; with no voice the result says the video is silent and how to get a voice."""

import pytest

from reelchat import store
from reelchat.generation import narration
from reelchat.generation.animatic import AnimaticBackend
from reelchat.generation.backend import ShotRequest
from reelchat.generation.media import probe
from reelchat.generation.narration import detect_language, tts_available, voice_for, wav_seconds
from reelchat.generation.runner import render_session
from reelchat.generation.stitch import StitchOptions, stitch
from reelchat.generation.voiceover import (
    BREATH_SECONDS,
    fit_to_narration,
    spoken_line,
    spoken_lines,
)
from tests.conftest import make_storyboard

CHINESE = "欢迎来到上海，这是一座不夜城。"
SPANISH = "Bienvenidos a Madrid, la ciudad que nunca duerme."
LONG = (
    "Before we begin, remember that every single vaccine in this programme has been tested for "
    "years by independent laboratories across three continents, and the results were published "
    "openly for anyone to read and check."
)
needs_espeak = pytest.mark.skipif(narration._espeak() is None, reason="espeak-ng is not installed")
needs_piper = pytest.mark.skipif(narration._piper_files() is None, reason="Piper is not installed")


def test_the_language_of_each_line_is_detected():
    assert detect_language(CHINESE) == "zh"
    assert detect_language(SPANISH) == "es"
    assert detect_language("Thanks for watching, see you next time.") == "en"


@needs_piper
def test_english_is_read_by_the_piper_voice(tmp_path):
    line = spoken_line("Thanks for watching.", tmp_path)
    assert line.voice.engine == "piper" and line.voice.language == "en"
    assert 0.5 < line.seconds < 3


@needs_espeak
@pytest.mark.parametrize(("text", "voice"), [(CHINESE, "cmn"), (SPANISH, "es")])
def test_a_non_english_line_gets_a_voice_of_its_language(text, voice, tmp_path):
    line = spoken_line(text, tmp_path)
    assert (line.voice.engine, line.voice.name) == ("espeak-ng", voice)
    assert 1.0 < line.seconds < 8  # the en-us voice spelt the Chinese out for 10.6 s
    assert wav_seconds(line.path) == line.seconds


@pytest.mark.skipif(not tts_available(), reason="no voice installed")
def test_a_narration_longer_than_its_shot_lengthens_the_shot(tmp_path):
    board = make_storyboard(2, duration=2.0, fps=8)
    board = board.model_copy(
        update={"shots": [board.shots[0].model_copy(update={"narration": LONG}), board.shots[1]]}
    )
    lines = spoken_lines(board, tmp_path)
    fitted = fit_to_narration(board, lines)
    first = fitted.storyboard.shots[0]
    assert first.duration >= lines[0].seconds + BREATH_SECONDS
    assert first.duration * 8 == int(first.duration * 8)  # whole frames
    assert fitted.notes and "shot 1 now lasts" in fitted.notes[0]
    # the next shot's line starts after this one has been said
    starts = fitted.storyboard.shot_starts()
    assert starts[1] >= lines[0].seconds + BREATH_SECONDS


@pytest.mark.skipif(not tts_available(), reason="no voice installed")
def test_a_line_too_long_for_any_shot_is_reported(tmp_path):
    board = make_storyboard(1, duration=1.0)
    line = spoken_line(LONG, tmp_path)
    short = type(line)(line.path, line.voice, seconds=30.0)
    fitted = fit_to_narration(board, [short])
    assert fitted.storyboard.shots[0].duration == 20
    assert any("split it over two shots" in note for note in fitted.notes)


def test_without_any_voice_the_result_says_the_video_is_silent(tmp_path, monkeypatch):
    monkeypatch.setattr(narration, "_espeak", lambda: None)
    monkeypatch.setattr(narration, "_piper_files", lambda: None)
    assert voice_for("Hello there, everyone.") is None
    board = make_storyboard(1, duration=1.0)
    clip = tmp_path / "clip.mp4"
    AnimaticBackend().generate(ShotRequest.for_shot(board, board.shots[0]), clip, lambda _f: 0)
    output = tmp_path / "out.mp4"
    report = stitch(
        board, [clip], output, options=StitchOptions(narration=True), cache_dir=tmp_path
    )
    assert not report.narrated and probe(output).audio_codec is None
    (note,) = [note for note in report.notes if "silent" in note]
    assert "pip install 'reelchat[voice]'" in note and "espeak-ng" in note


@needs_piper
def test_english_only_voice_names_the_language_it_cannot_speak(tmp_path, monkeypatch):
    monkeypatch.setattr(narration, "_espeak", lambda: None)
    assert spoken_line(SPANISH, tmp_path) is None
    assert "Spanish" in narration.no_voice_note(SPANISH)


@pytest.mark.skipif(not tts_available(), reason="no voice installed")
def test_rendering_saves_the_lengthened_storyboard_and_the_video_matches_it(workspace):
    board = make_storyboard(2, duration=1.0, fps=8)
    board = board.model_copy(
        update={"shots": [board.shots[0].model_copy(update={"narration": LONG}), board.shots[1]]}
    )
    session = store.create_session(workspace.engine, title="t")
    store.add_version(workspace.engine, session_id=session.id, storyboard=board)
    outcome = render_session(
        workspace, AnimaticBackend(), session_id=session.id,
        options=StitchOptions(captions=False, narration=True),
    )  # fmt: skip
    saved = store.get_version(workspace.engine, session_id=session.id).storyboard
    assert saved.shots[0].duration > 5  # "This is shot 2." grows its 1 s shot a little too
    assert abs(probe(outcome.video_path).duration - saved.runtime) <= 1 / 8
    assert outcome.stitch.notes[0].startswith("shot 1 now lasts")
