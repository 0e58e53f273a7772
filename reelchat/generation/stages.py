"""Stages after the model: frames rendered at the model's native rate and size become the
storyboard's fps (temporal stage) and frame size (spatial stage).

Temporal: `minterpolate` (ffmpeg's motion-compensated interpolation, on the CPU) makes the
in-between frames; `repeat` shows the nearest rendered frame (a 16 fps clip at 24 fps then
repeats every other frame: visible judder). Spatial: Lanczos, cover and crop the middle; for
a preset with its own upsampler (LTX-Video's latent upsampler) the model can render at half
size and have its latents upsampled 2x first (generation.diffusion).
`judder` measures the result: how irregular the motion between consecutive frames is.
"""

from __future__ import annotations

import subprocess
from fractions import Fraction
from typing import Literal

import numpy as np

from reelchat.errors import MediaToolError
from reelchat.generation.media import ffmpeg_exe

Temporal = Literal["minterpolate", "repeat"]
TEMPORAL_STAGES: tuple[Temporal, ...] = ("minterpolate", "repeat")
Spatial = Literal["auto", "resample", "latent-upsampler"]
"""'resample': render at the preset's size, Lanczos to the frame size. 'latent-upsampler':
render at half size, upsample the latents 2x with the preset's upsampler, then Lanczos.
'auto': the latent upsampler where the preset has one."""

MINTERPOLATE = "minterpolate=fps={fps}:mi_mode=mci:mc_mode=aobmc:me_mode=bidir:vsbmc=1"
"""ffmpeg's motion-compensated interpolation with overlapped blocks and bidirectional motion
estimation (the filter's documented quality settings)."""


def repeat(frames: list[np.ndarray], wanted: int) -> list[np.ndarray]:
    """`wanted` frames picked evenly from `frames` (repeated when there are fewer)."""
    available = len(frames)
    return [frames[min(available - 1, (index * available) // wanted)] for index in range(wanted)]


def minterpolate(
    frames: list[np.ndarray], source_fps: float, fps: int, wanted: int
) -> list[np.ndarray]:
    """`wanted` frames at `fps` made from `frames` (height, width, 3 uint8) rendered at
    `source_fps`, with motion-compensated in-between frames.

    When the frames last less than `wanted / fps` seconds (a model's clip too short for the
    shot) they are spread over the shot, so it plays slower rather than freezing at the end;
    when they last longer, the clip is cut at the shot's length. MediaToolError when ffmpeg
    fails."""
    height, width = frames[0].shape[:2]
    rate = Fraction(source_fps).limit_denominator(1001)
    if Fraction(len(frames)) / rate < Fraction(wanted, fps):
        rate = Fraction(len(frames) * fps, wanted)
    command = [
        ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-nostdin",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}",
        "-r", f"{rate.numerator}/{rate.denominator}", "-i", "-",
        "-vf", MINTERPOLATE.format(fps=fps), "-frames:v", str(wanted),
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-",
    ]  # fmt: skip
    raw = b"".join(np.ascontiguousarray(frame, dtype=np.uint8).tobytes() for frame in frames)
    done = subprocess.run(command, input=raw, capture_output=True, check=False)
    if done.returncode != 0:
        detail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["no output"]
        raise MediaToolError(f"ffmpeg could not interpolate frames: {detail[0]}")
    video = np.frombuffer(done.stdout, np.uint8).reshape(-1, height, width, 3)
    made = list(video)
    return made + [made[-1]] * (wanted - len(made))  # the filter may end a frame short


def to_fps(
    frames: list[np.ndarray], source_fps: float, fps: int, wanted: int, stage: Temporal
) -> list[np.ndarray]:
    """The temporal stage: exactly `wanted` frames for a clip at `fps`."""
    if stage == "minterpolate" and source_fps != fps and len(frames) > 1:
        return minterpolate(frames, source_fps, fps, wanted)
    return repeat(frames, wanted)


def judder(frames: list[np.ndarray]) -> float:
    """How irregular the motion is: the coefficient of variation (std / mean) of the mean
    absolute difference between consecutive frames. Even motion scores near 0; a clip whose
    frames are repeated in a pattern (16 -> 24 fps) scores high, since every repeat is a zero
    difference. 0 for a still clip."""
    stack = np.asarray(frames, dtype=np.float32)
    differences = np.abs(np.diff(stack, axis=0)).mean(axis=(1, 2, 3))
    mean = float(differences.mean()) if len(differences) else 0.0
    return float(differences.std()) / mean if mean > 0 else 0.0
