"""ffmpeg plumbing shared by every backend and the stitcher: one encoding recipe, atomic writes."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
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


_UMASK_LOCK = threading.Lock()


def _umask() -> int:
    """The process's umask (os.umask can only read it by setting it: done under a lock)."""
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_output(path: Path) -> Iterator[Path]:
    """Yield a temp path beside `path`; on success fsync and rename it into place.

    A crash leaves at most a stray temp file, never a half-written file under the real name.
    The file gets the permissions of any new file (0o666 less the umask), not mkstemp's 0o600,
    so a video handed to a person can be shared like any file they make.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=path.suffix, dir=path.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        yield temp
        with open(temp, "rb") as handle:
            os.fsync(handle.fileno())
        os.chmod(temp, 0o666 & ~_umask())
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
    """The first video stream of a file (and whether it has audio), as a player would see it."""

    width: int
    height: int
    fps: float
    """The stream's average frame rate (30000/1001 is 29.97002997...)."""
    frames: int
    """Decoded frames, counted by decoding the whole stream."""
    duration: float
    """Seconds from the first frame's start to the last frame's end."""
    codec: str
    pix_fmt: str
    audio_codec: str | None
    faststart: bool
    """The index (moov) comes before the media data, so a browser can play while loading."""
    colour: tuple[str, ...] = ()
    """The stream's colour tags in ffmpeg's words: ('tv', 'bt709') when range is limited and
    matrix, primaries and transfer are all BT.709; () when untagged."""


# ITU-T H.273 code points -> the names ffmpeg gives them (libavutil/pixdesc.c); codes outside
# these tables are shown as "code N".
_RANGE_NAMES = {1: "tv", 2: "pc"}
_MATRIX_NAMES = {
    0: "gbr", 1: "bt709", 4: "fcc", 5: "bt470bg", 6: "smpte170m", 7: "smpte240m", 8: "ycgco",
    9: "bt2020nc", 10: "bt2020c",
}  # fmt: skip
_PRIMARIES_NAMES = {
    1: "bt709", 4: "bt470m", 5: "bt470bg", 6: "smpte170m", 7: "smpte240m", 8: "film",
    9: "bt2020", 12: "smpte432",
}  # fmt: skip
_TRANSFER_NAMES = {
    1: "bt709", 4: "gamma22", 5: "gamma28", 6: "smpte170m", 7: "smpte240m", 8: "linear",
    13: "iec61966-2-1", 14: "bt2020-10", 15: "bt2020-12", 16: "smpte2084", 18: "arib-std-b67",
}  # fmt: skip
_UNSPECIFIED = 2  # H.273's "unspecified" for matrix, primaries and transfer


def _colour_tags(colour_range: int, matrix: int, primaries: int, transfer: int) -> tuple[str, ...]:
    """ffmpeg's summary of a stream's colour tags: the range, then one name when matrix,
    primaries and transfer agree, else "matrix/primaries/transfer" ("unknown" if unset)."""
    tags = [_RANGE_NAMES[colour_range]] if colour_range in _RANGE_NAMES else []
    codes = (matrix, primaries, transfer)
    if any(code != _UNSPECIFIED for code in codes):
        names = [
            "unknown" if code == _UNSPECIFIED else table.get(code, f"code {code}")
            for code, table in zip(
                codes, (_MATRIX_NAMES, _PRIMARIES_NAMES, _TRANSFER_NAMES), strict=True
            )
        ]
        tags.append(names[0] if len(set(names)) == 1 else "/".join(names))
    return tuple(tags)


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


def probe(path: Path) -> VideoInfo:
    """What a player would see: codec, pixel format, size, rate, exact frames, audio, faststart.

    Read with PyAV (FFmpeg's libraries, in process: nothing reads the terminal). The frames are
    counted by decoding the first video stream, so a clip with damaged data fails here.
    Raises MediaToolError when the file cannot be opened, has no video stream or cannot be decoded.
    """
    try:
        # an absolute path: a name such as `clip:1.mp4` is never read as a protocol
        with av.open(str(path.absolute())) as container:
            if not container.streams.video:
                raise MediaToolError(f"{path.name} has no video stream ffmpeg can read")
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"  # frame and slice threads, as the ffmpeg CLI decodes
            context = stream.codec_context
            audio = container.streams.audio
            frames, start, end = 0, None, None
            for packet in container.demux(stream):
                frames += len(packet.decode())
                if packet.pts is not None:
                    start = packet.pts if start is None else min(start, packet.pts)
                    end = max(end or 0, packet.pts + (packet.duration or 0))
            rate = stream.average_rate or stream.guessed_rate
            info = VideoInfo(
                width=context.width,
                height=context.height,
                fps=float(rate) if rate else 0.0,
                frames=frames,
                duration=float((end - start) * stream.time_base) if frames and end else 0.0,
                codec=context.name,
                pix_fmt=context.pix_fmt or "",
                audio_codec=audio[0].codec_context.name if audio else None,
                faststart=_moov_before_mdat(path),
                colour=_colour_tags(
                    int(context.color_range),
                    int(context.colorspace),
                    int(context.color_primaries),
                    int(context.color_trc),
                ),  # fmt: skip
            )
    except av.FFmpegError as error:
        raise MediaToolError(
            f"{path.name} could not be read as a video: {error.strerror}"
        ) from None
    if info.frames == 0:
        raise MediaToolError(f"{path.name} could not be decoded to count its frames")
    return info


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
