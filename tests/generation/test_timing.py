"""One timeline for every duration: storyboard total = MP4 length = audio length, to the frame,
at film, PAL, NTSC and whole-number rates, with crossfades, with and without music."""

import re
import subprocess
from fractions import Fraction

import pytest

from reelchat.generation.animatic import AnimaticBackend
from reelchat.generation.backend import ShotRequest
from reelchat.generation.media import ffmpeg_exe, probe, run_ffmpeg
from reelchat.generation.stitch import StitchOptions, stitch
from reelchat.generation.timing import exact_fps, frames_for, timeline
from reelchat.storyboard import edits
from reelchat.storyboard.templates import EXPLAINER, ONBOARDING, PRODUCT_DEMO, from_template
from tests.conftest import make_storyboard


def test_ntsc_rates_are_exact_fractions():
    assert exact_fps(29.97) == Fraction(30000, 1001)
    assert exact_fps(23.976) == Fraction(24000, 1001)
    assert exact_fps(25) == 25


def test_24_crossfaded_one_second_shots_at_25_fps_add_up_in_whole_frames():
    line = timeline([1.0] * 24, [True] * 24, 25)
    # 0.5 s is 12.5 frames: capped at half of a 25-frame shot, 12 frames, in every figure
    assert line.overlaps[:23] == (12,) * 23 and line.overlaps[-1] == 0
    assert line.total == 24 * 25 - 23 * 12
    assert line.starts[1] == 25 - 12
    board = make_storyboard(24, transitions=["crossfade"] * 24, fps=25)
    assert board.runtime == line.runtime == line.total / 25
    assert board.shot_starts()[-1] == line.starts[-1] / 25


def test_a_crossfade_never_takes_more_than_half_a_shot():
    line = timeline([0.5, 0.5], [True, False], 24)
    assert line.frames == (12, 12) and line.overlaps == (6, 0)
    assert frames_for(0.5, 25) == 13  # halves round up, the same way everywhere


def _audio_seconds(path):
    result = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(path), "-map", "0:a", "-f", "null", "-"],
        capture_output=True, text=True,
    )  # fmt: skip
    h, m, s = re.findall(r"time=(\d+):(\d+):([\d.]+)", result.stderr)[-1]
    return int(h) * 3600 + int(m) * 60 + float(s)


@pytest.mark.parametrize("fps", [24, 25, 30, 29.97])
@pytest.mark.parametrize("music", [False, True])
def test_video_and_audio_last_what_the_storyboard_says(fps, music, tmp_path):
    board = make_storyboard(
        3, duration=1.0, fps=fps, transitions=["crossfade", "cut", "fade_to_black"]
    )
    clips = []
    for shot in board.shots:
        clips.append(tmp_path / f"{shot.id}.mp4")
        AnimaticBackend().generate(ShotRequest.for_shot(board, shot), clips[-1], lambda _f: None)
    tone = None
    if music:
        tone = tmp_path / "tone.wav"
        run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=1", str(tone)], what="tone")
    output = tmp_path / "out.mp4"
    options = StitchOptions(captions=False, narration=False, music=tone)
    stitch(board, clips, output, options=options, cache_dir=tmp_path)
    info, frame = probe(output), 1 / float(exact_fps(fps))
    assert info.frames == board.timeline.total
    assert abs(info.duration - board.runtime) <= frame
    assert abs(info.fps - float(exact_fps(fps))) < 0.001
    if music:
        assert abs(_audio_seconds(output) - board.runtime) <= frame


@pytest.mark.parametrize("seconds, shots", [(30, 6), (40, 6), (13, 5), (60, 8)])
@pytest.mark.parametrize("template", [EXPLAINER, PRODUCT_DEMO, ONBOARDING])
def test_a_planned_video_lasts_what_was_asked_crossfades_included(template, seconds, shots):
    board = from_template(template, topic="tides", seconds=seconds, shots=shots)
    assert any(shot.transition == "crossfade" for shot in board.shots)
    assert board.runtime == pytest.approx(seconds, abs=1 / 24)


@pytest.mark.parametrize("fps", [24, 25, 30, 29.97])
def test_a_whole_video_length_is_met_to_the_frame_with_crossfades(fps):
    board = make_storyboard(6, transitions=["cut", "crossfade"] * 3, fps=fps)
    fitted = edits.fit_duration(board, 20).storyboard
    assert fitted.runtime == pytest.approx(20, abs=1 / float(exact_fps(fps)))
