"""Probing clips: exact figures, and the terminal's input left alone."""

import os
import subprocess
import sys
from pathlib import Path

from reelchat.generation.media import ffmpeg_exe, probe


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
    assert (info.frames, info.duration, info.width, info.height) == (75, 2.5, 160, 90)


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
