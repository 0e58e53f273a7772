"""The cut as a moviepy composition: it is the video the stitcher makes, and its audio mix."""

import imageio_ffmpeg
import numpy as np
import pytest

from reelchat.errors import MediaToolError
from reelchat.generation.cut import audio_mix, composition, write_clip
from reelchat.generation.media import probe, run_ffmpeg
from reelchat.generation.soundtrack import MUSIC_UNDER_VOICE, MUSIC_VOLUME, VoiceLine
from reelchat.generation.stitch import StitchOptions, stitch
from tests.conftest import make_storyboard
from tests.generation.test_stitch import _clips


@pytest.fixture(scope="module")
def clip_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("clips")


def _frames(path):
    """Every frame of a video, decoded in one pass."""
    reader = imageio_ffmpeg.read_frames(str(path))
    width, height = next(reader)["size"]
    return [np.frombuffer(raw, np.uint8).reshape(height, width, 3).astype(int) for raw in reader]


def _wav(path, source):
    run_ffmpeg(["-f", "lavfi", "-i", source, "-ar", "48000", str(path)], what="make a test wav")
    return path


def test_the_composition_is_the_stitched_video_frame_for_frame(clip_dir, tmp_path):
    board = make_storyboard(3, duration=2.0, transitions=["crossfade", "fade_to_black", "cut"])
    clips = _clips(board, clip_dir)
    options = StitchOptions(captions=True, narration=False)
    stitched = stitch(board, clips, tmp_path / "stitched.mp4", options=options, cache_dir=tmp_path)
    assert stitched.method == "crossfade-windows"
    with composition(board, clips, options=options, cache_dir=tmp_path) as video:
        assert video.size == board.size and video.duration == pytest.approx(board.runtime)
        written = write_clip(video, tmp_path / "composed.mp4", board.fps)
    ours, theirs = probe(written), probe(tmp_path / "stitched.mp4")
    assert ours.frames == theirs.frames == round(board.runtime * board.fps) == 44
    assert (ours.codec, ours.pix_fmt, ours.faststart, ours.colour) == (
        "h264", "yuv420p", True, ("tv", "bt709"),
    )  # fmt: skip
    # every frame: the crossfade (frames 12-15), the dip to black (23-28), the words, the end
    pairs = zip(_frames(written), _frames(tmp_path / "stitched.mp4"), strict=True)
    for number, (a, b) in enumerate(pairs):
        assert np.abs(a - b).mean() < 3, f"frame {number}"
    assert a.max() < 20  # the last frame is black


def test_music_is_lowered_while_a_line_is_spoken_and_fades_out(tmp_path):
    from moviepy import AudioFileClip

    music = _wav(tmp_path / "music.wav", "sine=frequency=440:duration=1")  # looped to 6 s
    voice = _wav(tmp_path / "voice.wav", "anullsrc=r=48000:cl=mono:d=3")  # silent: music only
    short = _wav(tmp_path / "short.wav", "anullsrc=r=48000:cl=mono:d=0.5")
    lines = [VoiceLine(voice, start=1.0, slot=1.0, seconds=3.0), VoiceLine(short, 2.0, 1.0, 0.5)]
    mix = audio_mix(lines, music, 6.0)
    assert mix is not None and mix.duration == pytest.approx(6.0)

    def level(start, end, clip=mix):  # in chunks of 2,000 samples, as moviepy writes audio
        times = np.arange(start, end, 1 / 48000)
        chunks = np.array_split(times, len(times) // 2000 + 1)
        return np.sqrt(np.mean(np.concatenate([clip.get_frame(c) for c in chunks]) ** 2))

    alone, under = level(0.1, 0.9), level(1.1, 1.9)
    assert under / alone == pytest.approx(MUSIC_UNDER_VOICE, rel=0.02)
    assert level(2.1, 2.4) == pytest.approx(alone * MUSIC_UNDER_VOICE, rel=0.02)  # a short line
    assert level(2.6, 2.9) == pytest.approx(alone, rel=0.02)  # back up once it is over
    assert level(5.9, 6.0) < alone / 5  # faded out at the end
    source = AudioFileClip(str(music), fps=48000)
    assert alone == pytest.approx(MUSIC_VOLUME * level(0.1, 0.9, source), rel=0.02)


def test_without_narration_or_music_there_is_no_audio(clip_dir, tmp_path):
    board = make_storyboard(2, duration=1.0)
    options = StitchOptions(captions=False, narration=False)
    with composition(board, _clips(board, clip_dir), options=options, cache_dir=tmp_path) as video:
        assert video.audio is None
    assert audio_mix([], None, 2.0) is None


def test_the_counts_of_clips_and_shots_must_agree(clip_dir, tmp_path):
    board = make_storyboard(2, duration=1.0)
    with pytest.raises(ValueError, match="1 clips for 2 shots"):
        composition(board, _clips(board, clip_dir)[:1], options=StitchOptions(), cache_dir=tmp_path)


def test_a_clip_that_cannot_be_encoded_is_a_media_error(tmp_path):
    from moviepy import ColorClip

    odd = ColorClip((33, 17), color=(0, 255, 0)).with_duration(0.25)  # x264 needs even sizes
    with pytest.raises(MediaToolError):
        write_clip(odd, tmp_path / "odd.mp4", 8)
    assert not (tmp_path / "odd.mp4").exists()


def test_a_composition_with_music_is_written_with_aac_and_leaves_no_temporary_file(
    clip_dir, tmp_path
):
    board = make_storyboard(2, duration=1.0)
    music = _wav(tmp_path / "music.wav", "sine=frequency=440:duration=1")
    options = StitchOptions(captions=False, narration=False, music=music)
    out = tmp_path / "out"
    out.mkdir()
    with composition(board, _clips(board, clip_dir), options=options, cache_dir=tmp_path) as video:
        written = write_clip(video, out / "video.mp4", board.fps)
    info = probe(written)
    assert info.audio_codec == "aac" and info.frames == 16
    assert [path.name for path in out.iterdir()] == ["video.mp4"]


def test_a_crossfade_window_at_an_ntsc_rate_keeps_every_frame(clip_dir, tmp_path):
    board = make_storyboard(2, duration=1.0, transitions=["crossfade", "cut"], fps=29.97)
    options = StitchOptions(captions=False, narration=False)
    report = stitch(board, _clips(board, clip_dir), tmp_path / "out.mp4", options=options,
                    cache_dir=tmp_path)  # fmt: skip
    window = next(tmp_path.glob("crossfade-*.mp4"))
    assert probe(window).frames == board.timeline.overlaps[0] == 15
    info = probe(tmp_path / "out.mp4")
    assert report.method == "crossfade-windows"
    assert info.frames == round(board.runtime * 30000 / 1001) == 45
    assert info.fps == pytest.approx(29.97, abs=0.01)
