"""SRT and WebVTT beside the MP4 and a soft mov_text track inside it, each cue on its shot's first
frame; parsed back with libraries other than the one that wrote them."""

import subprocess

import srt
import webvtt

from reelchat.generation.animatic import AnimaticBackend
from reelchat.generation.backend import ShotRequest
from reelchat.generation.media import ffmpeg_exe
from reelchat.generation.stitch import StitchOptions, stitch
from tests.conftest import make_storyboard


def _seconds(stamp: str) -> float:
    hours, minutes, seconds = stamp.split(":")
    return round(int(hours) * 3600 + int(minutes) * 60 + float(seconds), 3)


def test_subtitle_files_and_track_follow_the_real_shot_starts(tmp_path):
    board = make_storyboard(
        3, duration=1.0, fps=25, transitions=["crossfade", "cut", "cut"]
    )
    board = board.model_copy(
        update={"shots": [board.shots[0], board.shots[1].model_copy(update={"narration": "",
                 "caption": "Héllo 世界 🎉"}), board.shots[2]]}
    )  # fmt: skip
    clips = []
    for shot in board.shots:
        clips.append(tmp_path / f"{shot.id}.mp4")
        AnimaticBackend().generate(ShotRequest.for_shot(board, shot), clips[-1], lambda _f: None)
    output = tmp_path / "video.mp4"
    report = stitch(
        board, clips, output, options=StitchOptions(captions=False, narration=False),
        cache_dir=tmp_path,
    )  # fmt: skip
    assert report.subtitles == [tmp_path / "video.srt", tmp_path / "video.vtt"]
    starts = board.shot_starts()
    assert starts[1] == 0.52  # 25 frames less a 12-frame crossfade

    cues = list(srt.parse((tmp_path / "video.srt").read_text(encoding="utf-8")))
    assert [c.content for c in cues] == ["This is shot 1.", "Héllo 世界 🎉", "This is shot 3."]
    for cue, start in zip(cues, starts, strict=True):
        assert 0 <= cue.start.total_seconds() - start < 1 / 25
    assert abs(cues[-1].end.total_seconds() - board.runtime) < 1 / 25

    vtt = webvtt.read(str(tmp_path / "video.vtt"))
    assert [c.text for c in vtt] == [c.content for c in cues]
    vtt_starts = [_seconds(c.start) for c in vtt]
    assert vtt_starts == [round(c.start.total_seconds(), 3) for c in cues]

    listing = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(output)], capture_output=True, text=True
    ).stderr
    assert "Subtitle: mov_text" in listing


def test_no_words_no_subtitles(tmp_path):
    board = make_storyboard(1, duration=1.0)
    board = board.model_copy(
        update={"shots": [board.shots[0].model_copy(update={"narration": ""})]}
    )
    clip = tmp_path / "clip.mp4"
    AnimaticBackend().generate(ShotRequest.for_shot(board, board.shots[0]), clip, lambda _f: 0)
    report = stitch(
        board, [clip], tmp_path / "v.mp4", options=StitchOptions(narration=False),
        cache_dir=tmp_path,
    )  # fmt: skip
    assert report.subtitles == [] and not (tmp_path / "v.srt").exists()
