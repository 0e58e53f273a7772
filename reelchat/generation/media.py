"""ffmpeg plumbing shared by every backend and the stitcher: one encoding recipe, atomic writes."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from reelchat.errors import MediaToolError
from reelchat.generation.timing import exact_fps

_X264_TUNING = ["-preset", "veryfast", "-crf", "20", "-profile:v", "high"]
COLOUR_TAGS = [
    "-colorspace", "bt709", "-color_primaries", "bt709", "-color_trc", "bt709",
    "-color_range", "tv",
]  # fmt: skip
"""BT.709, limited range, written into the H.264 stream and the MP4: players that guess from the
size (BT.601 below HD) would shift colours otherwise."""
TO_BT709 = (
    "scale=out_color_matrix=bt709:out_range=tv,"
    "setparams=colorspace=bt709:color_primaries=bt709:color_trc=bt709:range=tv"
)
"""The RGB -> Y'CbCr conversion matching COLOUR_TAGS (swscale's default matrix is BT.601)."""
VIDEO_CODEC_ARGS = ["-c:v", "libx264", "-pix_fmt", "yuv420p", *_X264_TUNING, *COLOUR_TAGS]
"""Every clip and every re-encode uses this, so clips can be joined by stream copy."""

BROWSER_ARGS = ["-movflags", "+faststart"]
AUDIO_CODEC_ARGS = ["-c:a", "aac", "-b:a", "160k", "-ar", "48000", "-ac", "2"]


def ffmpeg_exe() -> str:
    """The ffmpeg bundled with imageio-ffmpeg (has libx264); no system ffmpeg is needed."""
    return imageio_ffmpeg.get_ffmpeg_exe()


def run_ffmpeg(args: list[str], *, what: str) -> None:
    """Run ffmpeg quietly; on failure raise MediaToolError with ffmpeg's last words."""
    command = [ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin", "-y", *args]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["no output"])[-1]
        raise MediaToolError(f"ffmpeg could not {what}: {detail}")


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temp path beside `path`; on success fsync and rename it into place.

    A crash leaves at most a stray temp file, never a half-written file under the real name.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        yield temp
        with open(temp, "rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


class FrameWriter:
    """Streams RGB frames into an H.264 MP4 with the shared recipe; no frame is held in memory."""

    def __init__(self, path: Path, *, width: int, height: int, fps: float | Fraction) -> None:
        self._size = (width, height)
        self._path = path
        self._writer = imageio_ffmpeg.write_frames(
            str(path),
            self._size,
            fps=exact_fps(fps),
            codec="libx264",
            pix_fmt_in="rgb24",
            pix_fmt_out="yuv420p",
            quality=None,
            macro_block_size=2,
            ffmpeg_log_level="error",
            output_params=["-vf", TO_BT709, *_X264_TUNING, *COLOUR_TAGS, *BROWSER_ARGS],
        )
        self._writer.send(None)

    def write(self, frame: np.ndarray) -> None:
        if frame.shape[1::-1] != self._size:
            raise ValueError(f"frame is {frame.shape[1]}x{frame.shape[0]}, expected {self._size}")
        self._writer.send(np.ascontiguousarray(frame, dtype=np.uint8))

    def close(self) -> None:
        """Finish the file; raise MediaToolError when ffmpeg could not (imageio-ffmpeg does not
        check its exit status), so a truncated clip is never renamed into place."""
        self._writer.close()
        if not _moov_before_mdat(self._path):
            free = shutil.disk_usage(self._path.parent).free
            cause = (
                f"the disk is full ({free // 1024} KiB free)"
                if free < 64 * 1024**2
                else ("ffmpeg stopped before writing the index")
            )
            raise MediaToolError(f"could not finish writing a clip: {cause}; render again")


@dataclass(frozen=True)
class VideoInfo:
    width: int
    height: int
    fps: float
    frames: int
    duration: float
    codec: str
    pix_fmt: str
    audio_codec: str | None
    faststart: bool
    """The index (moov) comes before the media data, so a browser can play while loading."""
    colour: tuple[str, ...] = ()
    """The stream's colour tags as ffmpeg prints them: ('tv', 'bt709') when range is limited and
    matrix, primaries and transfer are all BT.709; () when untagged."""


_VIDEO_STREAM = re.compile(
    r"Stream #\S+: Video: (?P<codec>\w+).*?, (?P<pix>yuv\w+|rgb\w+|gray\w*)[(,].*?"
    r"(?P<w>\d{2,5})x(?P<h>\d{2,5}).*?(?P<fps>[\d.]+) fps"
)
_AUDIO_STREAM = re.compile(r"Stream #\S+: Audio: (?P<codec>\w+)")
_COLOUR_TAGS = re.compile(r"Stream #\S+: Video: .*?, (?:yuv|rgb|gray)\w*\((?P<tags>[^)]*)\)")


def _moov_before_mdat(path: Path) -> bool:
    with open(path, "rb") as handle:
        while header := handle.read(8):
            if len(header) < 8:
                return False
            size, kind = int.from_bytes(header[:4], "big"), header[4:]
            if kind in (b"moov", b"mdat"):
                return kind == b"moov"
            if size == 1:
                size = int.from_bytes(handle.read(8), "big") - 8
            if size < 8:
                return False
            handle.seek(size - 8, os.SEEK_CUR)
    return False


_DECODE_STATS = re.compile(r"frame=\s*(?P<frames>\d+).*?time=(?P<h>\d+):(?P<m>\d+):(?P<s>[\d.]+)")


def _count_frames(path: Path) -> tuple[int, float]:
    """Frames and seconds of the first video stream, by decoding it (the figures
    imageio_ffmpeg.count_frames_and_secs gives), with `-nostdin` so that ffmpeg never reads
    the terminal: a probe during a chat must not swallow what the person types."""
    result = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path),
         "-map", "0:v:0", "-vf", "null", "-f", "null", "-"],
        capture_output=True, text=True, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    stats = list(_DECODE_STATS.finditer(result.stderr.replace("\r", "\n")))
    if result.returncode != 0 or not stats:
        raise MediaToolError(f"{path.name} could not be decoded to count its frames")
    last = stats[-1]
    seconds = int(last["h"]) * 3600 + int(last["m"]) * 60 + float(last["s"])
    return int(last["frames"]), seconds


def probe(path: Path) -> VideoInfo:
    """What a player would see: codec, pixel format, size, rate, exact frames, audio, faststart."""
    result = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path)], capture_output=True, text=True
    )
    video = _VIDEO_STREAM.search(result.stderr)
    if video is None:
        raise MediaToolError(f"{path.name} has no video stream ffmpeg can read")
    audio = _AUDIO_STREAM.search(result.stderr)
    tags = _COLOUR_TAGS.search(result.stderr)
    colour = tuple(t.strip() for t in tags["tags"].split(",")) if tags else ()
    frames, seconds = _count_frames(path)
    return VideoInfo(
        width=int(video["w"]),
        height=int(video["h"]),
        fps=float(video["fps"]),
        frames=frames,
        duration=seconds,
        codec=video["codec"],
        pix_fmt=video["pix"],
        audio_codec=audio["codec"] if audio else None,
        faststart=_moov_before_mdat(path),
        colour=tuple(t for t in colour if t not in ("progressive", "top first", "bottom first")),
    )


def read_frame(path: Path, seconds: float) -> np.ndarray:
    """One RGB frame at `seconds`, for thumbnails and tests."""
    reader = imageio_ffmpeg.read_frames(str(path), input_params=["-ss", f"{seconds:.3f}"])
    meta = next(reader)
    width, height = meta["size"]
    try:
        raw = next(reader)
    except StopIteration:
        raise MediaToolError(f"{path.name} has no frame at {seconds:.2f} s") from None
    finally:
        reader.close()
    return np.frombuffer(raw, dtype=np.uint8).reshape(height, width, 3)


def last_frame(video: Path, image: Path) -> Path:
    """Write the final frame of `video` to an image file (atomically)."""
    return _frame_to_image(["-sseof", "-1", "-i", str(video), "-update", "1"], video, image)


def first_frame(video: Path, image: Path) -> Path:
    """Write the first frame of `video` to an image file (atomically): a shot's thumbnail."""
    return _frame_to_image(["-i", str(video), "-frames:v", "1"], video, image)


def _frame_to_image(input_args: list[str], video: Path, image: Path) -> Path:
    with atomic_output(image) as temp:
        run_ffmpeg([*input_args, "-f", "image2", str(temp)], what=f"read a frame of {video.name}")
    return image
