"""The automatic shot check: a cheap look at a rendered clip's frames before anyone sees it.

A clip fails when it is

- **one colour** (all black included): the standard deviation of the pixel values of each
  colour channel across the whole clip is below `CheckLimits.min_spread` (default 2.0 on the
  0-255 scale; a clip with any visible shape or gradient sits far above it);
- **frozen**: no pixel changes between frames, i.e. the largest mean absolute difference between
  two consecutive frames is below `CheckLimits.min_motion` (default 0.5 levels: a still image
  encoded with H.264 measures about 0.1 from coding noise alone; the animatic's stillest shot,
  a static card, measures 0.7-1.9 at 360p-1080p, shots of 20 s at 60 fps included, its camera
  moves and tiny-model clips more). Clips of one frame are never frozen, and neither is a
  person's picture that the backend moves rather than animates (the animatic) when the picture
  itself has no detail (`picture_detail` below `CheckLimits.min_spread`: one colour, like a
  plain banner), since a camera move over it shows nothing;
- **flickering**: the mean luminance (BT.601 weights) jumps by more than `CheckLimits.max_jump`
  (default 80 levels) between two consecutive frames, a flash no shot should have;
- **garbage**: frames are noise, the mean absolute difference between horizontally adjacent
  pixels is above `CheckLimits.max_noise` (default 60 levels; animatic cards and tiny-model
  clips measure 5-8, detailed photos stay under 30, uniform random noise is near 85 and
  salt-and-pepper noise near 127), or the
  frames hold NaN / infinite values (raw float frames only; a decoded MP4 cannot);
- **the wrong shape**: its frame count or size differs from what the shot asked for.

The check reads the clip once through ffmpeg, scaled down to at most CHECK_WIDTH pixels wide
with nearest-neighbour sampling so noise is not averaged away (size and frame count come from
the full-size stream).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np

from reelchat.config import Settings
from reelchat.errors import MediaToolError

CHECK_WIDTH = 96
"""Frames are scaled to this width (at most) before the pixel checks: cheap at any size."""

MAX_ATTEMPTS = 3
"""Renders of a diffusion shot at most (the first plus two new seeds) when the check fails."""

_LUMA = np.array([0.299, 0.587, 0.114], dtype=np.float32)


@dataclass(frozen=True)
class CheckLimits:
    """Thresholds of the shot check, on the 0-255 pixel scale (see the module docstring)."""

    min_spread: float = 2.0
    min_motion: float = 0.5
    max_jump: float = 80.0
    max_noise: float = 60.0

    @classmethod
    def from_settings(cls, settings: Settings) -> CheckLimits:
        """The limits REELCHAT_CHECK_MIN_SPREAD, _MIN_MOTION, _MAX_JUMP and _MAX_NOISE set
        (the defaults above when unset)."""
        return cls(
            min_spread=settings.check_min_spread,
            min_motion=settings.check_min_motion,
            max_jump=settings.check_max_jump,
            max_noise=settings.check_max_noise,
        )


@dataclass(frozen=True)
class ClipStats:
    """What the check measured on a clip."""

    frames: int
    width: int
    height: int
    spread: float
    """Standard deviation of the clip's pixel values in its most varied colour channel."""
    motion: float
    """Largest mean absolute difference between two consecutive frames (0 for one frame)."""
    jump: float
    """Largest change of mean luminance between two consecutive frames."""
    noise: float
    """Largest mean absolute difference between horizontally adjacent pixels in a frame."""
    finite: bool = True


def measure_frames(
    frames: np.ndarray, *, width: int | None = None, height: int | None = None
) -> ClipStats:
    """Measure frames shaped (frames, height, width, 3), uint8 or float on the 0-255 scale.
    `width`/`height` give the full size when `frames` were scaled down."""
    count = int(frames.shape[0])
    data = frames.astype(np.float32)
    finite = bool(np.isfinite(data).all())
    data = np.nan_to_num(data, nan=0.0, posinf=255.0, neginf=0.0)
    luma = (data @ _LUMA).reshape(count, -1).mean(axis=1)
    diffs = np.abs(np.diff(data, axis=0)).reshape(max(count - 1, 0), -1).mean(axis=1)
    noise = np.abs(np.diff(data, axis=2)).reshape(count, -1).mean(axis=1)
    return ClipStats(
        frames=count,
        width=width or int(frames.shape[2]),
        height=height or int(frames.shape[1]),
        spread=float(data.reshape(-1, data.shape[-1]).std(axis=0).max()) if count else 0.0,
        motion=float(diffs.max()) if count > 1 else 0.0,
        jump=float(np.abs(np.diff(luma)).max()) if count > 1 else 0.0,
        noise=float(noise.max()) if count and data.shape[2] > 1 else 0.0,
        finite=finite,
    )


def measure_clip(path: Path) -> ClipStats:
    """Decode `path` (scaled to CHECK_WIDTH) and measure it. MediaToolError when it cannot."""
    ffmpeg_log = logging.getLogger("imageio_ffmpeg")
    ffmpeg_log.addFilter(_scaled_on_purpose)
    try:
        reader = imageio_ffmpeg.read_frames(
            str(path), output_params=["-vf", f"scale='min({CHECK_WIDTH},iw)':-2:flags=neighbor"]
        )
        meta = next(reader)
        width, height = meta["size"]
        full_width, full_height = meta.get("source_size", meta["size"])
        frames = [np.frombuffer(raw, dtype=np.uint8).reshape(height, width, 3) for raw in reader]
    except (OSError, RuntimeError, StopIteration) as error:
        raise MediaToolError(f"the shot check could not read {path.name}: {error}") from error
    finally:
        ffmpeg_log.removeFilter(_scaled_on_purpose)
    stack = np.stack(frames) if frames else np.zeros((0, height, width, 3), np.uint8)
    return measure_frames(stack, width=int(full_width), height=int(full_height))


def _scaled_on_purpose(record: logging.LogRecord) -> bool:
    """Drop imageio-ffmpeg's warning that the frames read are smaller than the source."""
    return "frame size for reading" not in record.getMessage()


def picture_detail(path: Path) -> float:
    """How much detail a picture has for a camera move to show: the standard deviation of its
    grey values (0-255 scale) on a copy at most CHECK_WIDTH pixels wide (0 for one colour).
    MediaToolError when it cannot be read."""
    from PIL import Image

    try:
        with Image.open(path) as image:
            image.draft("L", (CHECK_WIDTH, CHECK_WIDTH))
            grey = image.convert("L")
    except (OSError, ValueError) as error:
        raise MediaToolError(f"the shot check could not read {path.name}: {error}") from error
    grey.thumbnail((CHECK_WIDTH, CHECK_WIDTH), Image.Resampling.BOX)
    return float(np.asarray(grey, dtype=np.float32).std())


def problems(
    stats: ClipStats,
    *,
    frames: int,
    width: int,
    height: int,
    limits: CheckLimits = CheckLimits(),  # noqa: B008 - frozen
    own_picture: bool = False,
    held: bool = False,
    moved_picture_detail: float | None = None,
) -> list[str]:
    """Why a clip fails the check (empty when it passes), against the shot's asked-for shape.

    A shot showing a person's own picture (`own_picture`) may be one colour (their picture
    is), and one that also holds still (`held`: a static camera) may be frozen: that is what
    was asked for, not a failed render. `moved_picture_detail` is the picture_detail of a
    person's picture that the backend moves rather than animates (the animatic; None for a
    generated clip): below `limits.min_spread` the picture has nothing a move could show, so
    the clip may be frozen too."""
    flat = moved_picture_detail is not None and moved_picture_detail < limits.min_spread
    found = []
    if stats.frames != frames:
        found.append(f"wrong frame count ({stats.frames}, expected {frames})")
    if (stats.width, stats.height) != (width, height):
        found.append(f"wrong size ({stats.width}x{stats.height}, expected {width}x{height})")
    if not stats.finite:
        found.append("NaN or infinite pixel values")
    if stats.frames and stats.spread < limits.min_spread and not own_picture:
        found.append(f"one colour (spread {stats.spread:.2f} < {limits.min_spread})")
    elif (
        stats.frames > 1 and stats.motion < limits.min_motion and not (own_picture and held)
        and not flat
    ):  # fmt: skip
        found.append(f"frozen (motion {stats.motion:.3f} < {limits.min_motion})")
    if stats.jump > limits.max_jump:
        found.append(f"flicker (luminance jump {stats.jump:.1f} > {limits.max_jump})")
    if stats.noise > limits.max_noise:
        found.append(f"garbage frames (noise {stats.noise:.1f} > {limits.max_noise})")
    return found


def next_seed(seed: int) -> int:
    """The seed a shot renders with again after `seed` gave a clip that failed the check."""
    return (seed + 7919) % 2**31


def retries(backend_name: str) -> bool:
    """Whether a backend re-renders a failed shot with a new seed: diffusion backends do (a new
    seed is a new sample); the animatic draws the same cards for the same request, and a
    failure there is a bug to report, not bad luck."""
    return not backend_name.startswith("animatic")
