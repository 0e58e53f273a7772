"""Probing clips: exact figures, and the terminal's input left alone."""

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from reelchat.errors import MediaToolError
from reelchat.generation.media import (
    TO_BT709,
    VIDEO_CODEC_ARGS,
    FrameWriter,
    atomic_output,
    ffmpeg_exe,
    probe,
)


def _clip(path: Path, seconds: float = 2.5, size: str = "160x90") -> Path:
    subprocess.run(
        [ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "lavfi",
         "-i", f"testsrc=size={size}:rate=30000/1001:duration={seconds}",
         "-preset", "ultrafast", "-pix_fmt", "yuv420p", str(path)],
        check=True,
    )  # fmt: skip
    return path


def test_probe_counts_frames_and_seconds_exactly(tmp_path):
    info = probe(_clip(tmp_path / "ntsc.mp4"))
    assert (info.frames, info.width, info.height) == (75, 160, 90)
    assert info.duration == 75 * 1001 / 30000  # 2.5025 s: 75 frames of 1001/30000 s each
    assert info.fps == 30000 / 1001 and (info.codec, info.pix_fmt) == ("h264", "yuv420p")
    assert info.audio_codec is None


def test_probe_reads_audio_and_colour_tags(tmp_path):
    clip = tmp_path / "tagged.mp4"
    subprocess.run(
        [ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=size=64x36:d=1",
         "-f", "lavfi", "-i", "sine=d=1", "-vf", TO_BT709, *VIDEO_CODEC_ARGS, "-c:a", "aac",
         "-shortest", str(clip)],
        check=True,
    )  # fmt: skip
    info = probe(clip)
    assert (info.audio_codec, info.colour) == ("aac", ("tv", "bt709"))
    assert probe(_clip(tmp_path / "untagged.mp4")).colour == ()


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"not a video at all" * 50, "could not be read as a video"),
        (None, "could not be read as a video: No such file"),
    ],
)
def test_an_unreadable_file_is_a_media_error_naming_it(tmp_path, content, reason):
    path = tmp_path / "broken.mp4"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(MediaToolError, match=f"broken.mp4 {reason}"):
        probe(path)


def test_a_file_without_video_is_a_media_error(tmp_path):
    sound = tmp_path / "sound.m4a"
    subprocess.run(
        [ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "lavfi", "-i", "sine=d=0.5", str(sound)],
        check=True,
    )
    with pytest.raises(MediaToolError, match="sound.m4a has no video stream"):
        probe(sound)


def test_a_probe_never_reads_what_the_person_types(tmp_path):
    """A probe during a chat once swallowed the 'q' of 'quit' typed at the prompt."""
    clip = _clip(tmp_path / "clip.mp4", seconds=30, size="640x360")  # decodes for > 0.1 s,
    # when ffmpeg first looks for keys on its standard input
    read_end, write_end = os.pipe()
    os.write(write_end, b"quit\n")
    os.close(write_end)
    code = "import sys; from pathlib import Path; from reelchat.generation.media import probe; "
    code += f"probe(Path({str(clip)!r}))"
    subprocess.run([sys.executable, "-c", code], stdin=read_end, check=True, timeout=120)
    assert os.read(read_end, 16) == b"quit\n"
    os.close(read_end)


def test_a_relative_name_with_a_colon_is_read_as_a_file(tmp_path, monkeypatch):
    """FFmpeg reads `clip:1.mp4` as protocol `clip` unless the path is absolute."""
    _clip(tmp_path / "clip:1.mp4", seconds=1)
    monkeypatch.chdir(tmp_path)
    assert probe(Path("clip:1.mp4")).frames == 30


@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_a_finished_file_has_the_usual_permissions_not_a_temp_files(tmp_path, umask):
    """A video handed to a person is readable like any file they make (0o666 less the umask),
    not private to its writer like mkstemp's temp file it was written as."""
    previous = os.umask(umask)
    try:
        target = tmp_path / "out" / "video.mp4"
        with atomic_output(target) as temp:
            writer = FrameWriter(temp, width=32, height=32, fps=8)
            for _ in range(2):
                writer.write(np.zeros((32, 32, 3), np.uint8))
            writer.close()
    finally:
        os.umask(previous)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    assert [path.name for path in target.parent.iterdir()] == ["video.mp4"]
