import numpy as np
import pytest

from reelchat.errors import InputFileError
from reelchat.generation.animatic import AnimaticBackend
from reelchat.generation.backend import ShotRequest
from reelchat.generation.media import probe, read_frame, run_ffmpeg
from reelchat.generation.narration import tts_available
from reelchat.generation.stitch import StitchOptions, stitch
from tests.conftest import make_storyboard

QUIET = StitchOptions(captions=False, narration=False)


@pytest.fixture(scope="module")
def clip_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("clips")


def _clips(board, clip_dir):
    backend, paths = AnimaticBackend(), []
    for shot in board.shots:
        path = clip_dir / f"{shot.id}-{shot.duration}.mp4"
        if not path.exists():
            backend.generate(ShotRequest.for_shot(board, shot), path, lambda _f: None)
        paths.append(path)
    return paths


def _stitch(board, clip_dir, tmp_path, options=QUIET):
    output = tmp_path / "out.mp4"
    report = stitch(board, _clips(board, clip_dir), output, options=options, cache_dir=tmp_path)
    return output, report


def _mean_diff(a, b):
    return np.abs(a.astype(int) - b.astype(int)).mean()


def test_cuts_are_joined_by_stream_copy_with_exact_length(clip_dir, tmp_path):
    board = make_storyboard(3, duration=2.0)
    output, report = _stitch(board, clip_dir, tmp_path)
    info = probe(output)
    assert report.method == "stream-copy"
    assert info.frames == 3 * 16
    assert (info.codec, info.pix_fmt, info.faststart) == ("h264", "yuv420p", True)
    # each shot shows something different
    frames = [read_frame(output, t) for t in (1.0, 3.0, 5.0)]
    assert _mean_diff(frames[0], frames[1]) > 5 and _mean_diff(frames[1], frames[2]) > 5


def test_cuts_copy_the_clips_bit_for_bit(clip_dir, tmp_path):
    board = make_storyboard(3, duration=2.0)
    output, _ = _stitch(board, clip_dir, tmp_path)
    first, second, _last = _clips(board, clip_dir)  # the last shot fades out: re-encoded
    assert np.array_equal(read_frame(output, 0.5), read_frame(first, 0.5))
    assert np.array_equal(read_frame(output, 2.5), read_frame(second, 0.5))


def test_the_video_ends_in_black_even_when_the_fading_shot_was_moved(clip_dir, tmp_path):
    board = make_storyboard(3, duration=2.0, transitions=["cut", "fade_to_black", "cut"])
    output, _ = _stitch(board, clip_dir, tmp_path)
    assert read_frame(output, 6 - 1 / 8).mean() < 3  # the last frame
    assert read_frame(output, 4 - 1 / 8).mean() < 30  # shot 2 keeps its dip to black
    assert read_frame(output, 5.0).mean() > 40


def test_crossfade_overlaps_and_blends_the_two_shots(clip_dir, tmp_path):
    board = make_storyboard(2, duration=2.0, transitions=["crossfade", "cut"])
    output, report = _stitch(board, clip_dir, tmp_path)
    info = probe(output)
    assert report.method == "crossfade-windows"
    assert info.frames == round(board.runtime * board.fps) == 28
    assert (info.codec, info.pix_fmt, info.faststart) == ("h264", "yuv420p", True)
    first, second = _clips(board, clip_dir)
    # the overlap is frames 12-15 of the first shot over frames 0-3 of the second; frame 14 of
    # the video is the middle of the fade: half of each
    a, b = read_frame(first, 14 / 8), read_frame(second, 2 / 8)
    middle = read_frame(output, 14 / 8)
    half = (a.astype(int) + b.astype(int)) / 2
    assert _mean_diff(a, b) > 10
    assert _mean_diff(middle, half) < _mean_diff(a, b) / 5
    # before and after the overlap each shot plays on its own
    assert _mean_diff(read_frame(output, 0.5), read_frame(first, 0.5)) < 2
    assert _mean_diff(read_frame(output, 2.5), read_frame(second, 1.0)) < 2


def test_crossfades_reencode_only_the_windows(clip_dir, tmp_path):
    board = make_storyboard(2, duration=2.0, transitions=["crossfade", "cut"])
    output, report = _stitch(board, clip_dir, tmp_path)
    body = report.finished_shots[0].body
    assert body is not None and report.finished_shots[0].head is None
    # the body outside the overlap is the finished piece itself, copied, not encoded again
    assert np.array_equal(read_frame(output, 0.5), read_frame(body, 0.5))
    assert probe(report.finished_shots[0].tail).frames == 4


def test_short_shots_between_two_crossfades_keep_every_frame(clip_dir, tmp_path):
    board = make_storyboard(
        3, duration=1.0, transitions=["crossfade", "crossfade", "fade_to_black"]
    )
    output, report = _stitch(board, clip_dir, tmp_path, StitchOptions(narration=False))
    assert report.finished_shots[1].body is None  # all of shot 2 is inside the two fades
    assert probe(output).frames == round(board.runtime * board.fps) == 16
    assert read_frame(output, 15 / 8).mean() < 30  # the last shot still fades to black


def test_fade_to_black_darkens_the_end_and_keeps_length(clip_dir, tmp_path):
    board = make_storyboard(2, duration=2.0, transitions=["fade_to_black", "fade_to_black"])
    output, report = _stitch(board, clip_dir, tmp_path)
    assert report.method == "stream-copy"
    assert probe(output).frames == 32
    assert read_frame(output, 3.8).mean() < 30
    assert read_frame(output, 1.8).mean() < read_frame(output, 1.0).mean() / 2
    assert read_frame(output, 2.0).mean() < read_frame(output, 3.0).mean() / 2


def test_title_is_laid_over_at_the_top_and_the_caption_near_the_bottom(clip_dir, tmp_path):
    board = make_storyboard(1, duration=2.0)
    plain, _ = _stitch(board, clip_dir, tmp_path)
    plain_frame = read_frame(plain, 1.0)
    captioned = tmp_path / "captioned.mp4"
    stitch(
        board,
        _clips(board, clip_dir),
        captioned,
        options=StitchOptions(captions=True, narration=False),
        cache_dir=tmp_path,
    )
    frame = read_frame(captioned, 1.0)
    height = frame.shape[0]
    assert _mean_diff(frame[int(height * 0.75) :], plain_frame[int(height * 0.75) :]) > 5
    assert _mean_diff(frame[: height // 6, : frame.shape[1] // 3], plain_frame[: height // 6,
                      : frame.shape[1] // 3]) > 5  # fmt: skip
    middle = slice(int(height * 0.3), int(height * 0.6))
    # re-encoding noise only (the drifting dots make some); words there would measure above 5
    assert _mean_diff(frame[middle], plain_frame[middle]) < 2


def _tone(path, seconds=10):
    run_ffmpeg(
        ["-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", str(path)],
        what="make a test tone",
    )
    return path


def test_music_is_mixed_in_as_an_aac_track_of_video_length(clip_dir, tmp_path):
    board = make_storyboard(2, duration=2.0)
    options = StitchOptions(captions=False, narration=False, music=_tone(tmp_path / "tone.wav", 1))
    output, _ = _stitch(board, clip_dir, tmp_path, options)
    info = probe(output)
    assert info.audio_codec == "aac"
    assert info.frames == 32 and abs(info.duration - 4.0) < 0.1


def test_missing_music_file_is_a_clear_error(clip_dir, tmp_path):
    board = make_storyboard(1)
    with pytest.raises(InputFileError, match="music file not found"):
        _stitch(board, clip_dir, tmp_path, StitchOptions(music=tmp_path / "nope.mp3"))
    assert not (tmp_path / "out.mp4").exists()


@pytest.mark.skipif(not tts_available(), reason="espeak-ng is not installed")
def test_narration_is_spoken_over_the_music(clip_dir, tmp_path):
    # how much the music is lowered under it: tests/generation/test_soundtrack.py
    board = make_storyboard(2, duration=2.0)
    options = StitchOptions(captions=False, narration=True, music=_tone(tmp_path / "t.wav"))
    output, report = _stitch(board, clip_dir, tmp_path, options)
    assert report.narrated
    assert probe(output).audio_codec == "aac"


def test_without_any_audio_the_video_has_no_audio_track(clip_dir, tmp_path):
    output, report = _stitch(make_storyboard(1), clip_dir, tmp_path)
    assert probe(output).audio_codec is None and not report.narrated


def test_a_workspace_path_with_an_apostrophe(clip_dir, tmp_path):
    board = make_storyboard(2)
    folder = tmp_path / "Bob's videos"
    folder.mkdir()
    clips = []
    for path in _clips(board, clip_dir):
        target = folder / path.name
        target.write_bytes(path.read_bytes())
        clips.append(target)
    output = folder / "out.mp4"
    report = stitch(board, clips, output, options=QUIET, cache_dir=folder)
    assert report.method == "stream-copy" and probe(output).frames == 16


def test_an_edit_to_one_shot_redoes_only_that_shots_pieces(clip_dir, tmp_path):
    board = make_storyboard(3, duration=2.0, transitions=["crossfade", "cut", "cut"])
    options = StitchOptions(captions=True, narration=False, music=_tone(tmp_path / "t.wav"))
    clips = _clips(board, clip_dir)
    cache = tmp_path / "cache"
    cache.mkdir()
    stitch(board, clips, tmp_path / "first.mp4", options=options, cache_dir=cache)
    before = {path.name: path.stat().st_mtime_ns for path in cache.iterdir()}
    shots = [*board.shots[:2], board.shots[2].model_copy(update={"camera": "zoom_out"})]
    edited = board.model_copy(update={"shots": shots})
    clips[2] = tmp_path / "edited.mp4"
    AnimaticBackend().generate(ShotRequest.for_shot(edited, edited.shots[2]), clips[2], print)
    output = tmp_path / "second.mp4"
    stitch(edited, clips, output, options=options, cache_dir=cache)
    after = {path.name: path.stat().st_mtime_ns for path in cache.iterdir()}
    new = set(after) - set(before)
    assert len(new) == 1 and next(iter(new)).startswith("finished-")  # shot 3's caption pass
    assert all(after[name] == stamp for name, stamp in before.items())  # the rest reused
    info = probe(output)
    assert info.audio_codec == "aac" and info.frames == 44
    assert _mean_diff(read_frame(output, 5.0), read_frame(tmp_path / "first.mp4", 5.0)) > 3


def test_during_a_crossfade_only_the_outgoing_shots_words_are_on_screen(clip_dir, tmp_path):
    board = make_storyboard(2, duration=2.0, transitions=["crossfade", "cut"])
    options = StitchOptions(captions=True, narration=False)
    _, report = _stitch(board, clip_dir, tmp_path, options)
    incoming = report.finished_shots[1]
    clip = _clips(board, clip_dir)[1]
    # the incoming shot's head (blended into the window) carries no words; its body does
    assert _mean_diff(read_frame(incoming.head, 0.1), read_frame(clip, 0.1)) < 1
    assert _mean_diff(read_frame(incoming.body, 0.5), read_frame(clip, 1.0)) > 1
    # the first frame of the video already shows the first shot's title
    output = tmp_path / "out.mp4"
    plain = _clips(board, clip_dir)[0]
    top_left = (slice(0, 60), slice(0, 200))
    assert _mean_diff(read_frame(output, 0.0)[top_left], read_frame(plain, 0.0)[top_left]) > 5
