"""One rule lowers the music under narration, and the stitched MP4 and timeline() both follow it."""

import numpy as np
import pytest

from reelchat.generation.cut import composition, write_clip
from reelchat.generation.media import run_ffmpeg
from reelchat.generation.narration import tts_available
from reelchat.generation.soundtrack import (
    DUCK_RAMP_SECONDS,
    GAIN_STEP_SAMPLES,
    MUSIC_FADE_OUT_SECONDS,
    MUSIC_UNDER_VOICE,
    VoiceLine,
    heard_spans,
    music_envelope,
    music_gain,
    volume_expression,
)
from reelchat.generation.stitch import StitchOptions, stitch
from reelchat.generation.voiceover import spoken_line
from tests.conftest import make_storyboard
from tests.generation.test_stitch import _clips

RATE = 48000
MUSIC_HZ = 9000
"""The test music is a 9 kHz tone: the voices speak at 22.05 kHz, so they have nothing there,
and the music's level can be read under a line by the tone's amplitude alone."""
needs_voice = pytest.mark.skipif(not tts_available(), reason="no text-to-speech voice installed")


def _samples(path, tmp_path):
    """The audio of a media file as mono float samples at RATE (the two channels averaged)."""
    raw = tmp_path / f"{path.stem}.f32"
    run_ffmpeg(["-i", str(path), "-vn", "-ar", str(RATE), "-f", "f32le", str(raw)], what="decode")
    return np.fromfile(raw, np.float32).reshape(-1, 2).mean(axis=1)


def _tone_level(samples, start, end):
    """Amplitude of the MUSIC_HZ tone between `start` and `end` seconds."""
    first, last = round(start * RATE), round(end * RATE)
    times = np.arange(first, last) / RATE
    return 2 * abs(np.mean(samples[first:last] * np.exp(-2j * np.pi * MUSIC_HZ * times)))


def test_a_line_is_heard_from_its_start_for_its_length_or_until_its_slot_ends(tmp_path):
    short = VoiceLine(tmp_path / "a.wav", start=0.0, slot=2.0, seconds=1.2)
    long = VoiceLine(tmp_path / "b.wav", start=2.0, slot=1.5, seconds=3.0)
    assert heard_spans([short, long]) == [(0.0, 1.2), (2.0, 3.5)]
    assert heard_spans([]) == []


def test_the_music_ramps_down_before_a_line_and_back_up_after_it():
    spans = [(0.0, 1.0), (1.15, 1.5), (3.0, 3.2)]  # the first two less than two ramps apart
    ramp, low = DUCK_RAMP_SECONDS, MUSIC_UNDER_VOICE
    times = np.array([0.0, 0.5, 1.07, 1.5, 1.5 + ramp / 2, 1.5 + ramp, 3.0 - ramp / 2, 3.1, 4.0])
    gains = music_gain(times, music_envelope(spans))
    middle = (1 + low) / 2
    expected = [low, low, low, low, middle, 1.0, middle, low, 1.0]
    assert gains == pytest.approx(expected, abs=1e-9)
    assert music_gain(times, music_envelope([])) == pytest.approx(np.ones(len(times)))


def test_ffmpeg_lowers_the_music_by_the_same_envelope_in_steps_of_a_millisecond(tmp_path):
    spans = [(0.05, 0.4), (0.9, 1.3), (1.35, 1.6), *((2 + k / 2, 2.2 + k / 2) for k in range(8))]
    envelope = music_envelope(spans)
    assert len(envelope) == 4 * 10  # the second and third spans are one
    raw = tmp_path / "gain.f32"
    chain = (
        f"aevalsrc=1:s={RATE}:d=6,asetnsamples=n={GAIN_STEP_SAMPLES}:p=0,"
        f"volume='{volume_expression(envelope)}':eval=frame"
    )
    run_ffmpeg(["-filter_complex", chain, "-f", "f32le", str(raw)], what="apply the envelope")
    gains = np.fromfile(raw, np.float32)
    times = np.arange(len(gains)) / RATE
    assert len(gains) == 6 * RATE
    assert np.abs(gains - music_gain(times, envelope)).max() < 0.01  # within one step
    assert gains[round(0.2 * RATE)] == pytest.approx(MUSIC_UNDER_VOICE)
    assert gains[round(0.7 * RATE)] == pytest.approx(1.0)
    assert gains[round(5.6 * RATE)] == pytest.approx(MUSIC_UNDER_VOICE)  # the last span


@pytest.fixture(scope="module")
def narrated(tmp_path_factory):
    """A storyboard whose first two shots speak over a tone (the last is silent, under the
    music's fade-out), stitched and rendered as timeline() renders it (moviepy), and the lines'
    spoken lengths."""
    work = tmp_path_factory.mktemp("soundtrack")
    board = make_storyboard(3, duration=2.0, transitions=["cut", "crossfade", "cut"])
    shots = [*board.shots]
    shots[2] = shots[2].model_copy(update={"narration": ""})
    board = board.model_copy(update={"shots": shots})
    music = work / "music.wav"
    tone = f"sine=frequency={MUSIC_HZ}:sample_rate={RATE}:duration=1"  # looped by the mixes
    run_ffmpeg(["-f", "lavfi", "-i", tone, str(music)], what="make a test tone")
    options = StitchOptions(captions=False, narration=True, music=music)
    clips = _clips(board, work)
    stitch(board, clips, work / "stitched.mp4", options=options, cache_dir=work)
    with composition(board, clips, options=options, cache_dir=work) as video:
        write_clip(video, work / "timeline.mp4", board.fps)
    spoken = [spoken_line(shot.narration, work) for shot in board.shots if shot.narration]
    return board, work, [line.seconds for line in spoken if line is not None]


@needs_voice
def test_in_the_stitched_video_the_music_is_lowered_while_each_line_is_heard(narrated):
    board, work, seconds = narrated
    audio = _samples(work / "stitched.mp4", work)
    starts = board.shot_starts()
    first, second = (starts[0], starts[0] + seconds[0]), (starts[1], starts[1] + seconds[1])
    assert second[1] + DUCK_RAMP_SECONDS < board.runtime - MUSIC_FADE_OUT_SECONDS
    margin = 0.05
    alone = _tone_level(audio, first[1] + DUCK_RAMP_SECONDS + margin, second[0] - DUCK_RAMP_SECONDS)
    for start, end in (first, second):
        under = _tone_level(audio, start + margin, end - margin)
        assert under / alone == pytest.approx(MUSIC_UNDER_VOICE, rel=0.05)
    # the music is already low when a line starts, and back up a ramp after it ends
    starting = _tone_level(audio, second[0], second[0] + 0.02)
    assert starting / alone == pytest.approx(MUSIC_UNDER_VOICE, rel=0.1)
    after = second[1] + DUCK_RAMP_SECONDS
    assert _tone_level(audio, after, after + 0.2) / alone == pytest.approx(1.0, rel=0.05)


@needs_voice
def test_the_stitched_video_sounds_like_the_timeline_render_window_by_window(narrated):
    board, work, _seconds = narrated
    stitched = _samples(work / "stitched.mp4", work)
    timeline = _samples(work / "timeline.mp4", work)
    window = round(0.1 * RATE)
    count = round(board.runtime * RATE) // window
    assert count == 55 and min(len(stitched), len(timeline)) >= count * window

    def levels(samples):  # dB per 0.1 s window
        blocks = samples[: count * window].reshape(count, window)
        return 20 * np.log10(np.sqrt(np.mean(blocks**2, axis=1)) + 1e-5)

    difference = np.abs(levels(stitched) - levels(timeline))
    assert difference.max() < 1.0, f"window {difference.argmax()} differs by {difference.max()}"
