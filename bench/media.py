"""Seconds per animatic shot showing a person's 4000x3000 photo, against a drawn card, one core.

A shot with a picture decodes the stored PNG, scales it once to what the camera move needs
(generation.media_shot.Source), then resamples one affine window per frame. This script pins
itself (and the ffmpeg/x264 subprocess, which inherits the affinity) to one core and renders,
interleaved so both see the same machine load:

- card: an explainer shot drawn by the animatic (no media), the baseline;
- photo: the same shot showing a 4000x3000 photo, zoom_in toward a focus region with a
  highlight (the most work a picture shot does);
- photo-unscaled (with --unscaled): the photo resampled from its full size every frame, what
  the code would do without scaling the source once.

It prints the median seconds per shot and the ratio to the card.

    .venv/bin/python bench/media.py --repeat 5 --seconds 4 --unscaled
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

# Pin before anything spawns ffmpeg: children inherit the CPU affinity mask.
CPU = min(os.sched_getaffinity(0))
os.sched_setaffinity(0, {CPU})

from reelchat.generation import media_shot  # noqa: E402
from reelchat.generation.animatic import AnimaticBackend  # noqa: E402
from reelchat.generation.backend import ShotRequest  # noqa: E402
from reelchat.storyboard.models import Camera, Region, ShotMedia, Storyboard  # noqa: E402
from reelchat.storyboard.templates import explainer  # noqa: E402

FPS = 24
PHOTO_SIZE = (4000, 3000)


def photo(path: Path) -> Path:
    """A 4000x3000 photo-like PNG: smooth gradients, a bright disc and sensor-like noise (so
    the PNG is as heavy to decode as a real photo's)."""
    width, height = PHOTO_SIZE
    xs = np.linspace(0, 1, width, dtype=np.float32)[None, :]
    ys = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    rgb = np.stack([80 + 150 * xs + 0 * ys, 60 + 120 * ys + 0 * xs, 180 - 100 * xs * ys], -1)
    rgb += np.random.default_rng(0).normal(0, 6, rgb.shape).astype(np.float32)
    image = Image.fromarray(rgb.clip(0, 255).astype(np.uint8))
    ImageDraw.Draw(image).ellipse((1600, 900, 2400, 1800), fill=(250, 240, 200))
    image.save(path)
    return path


def request(seconds: float, picture: Path | None) -> ShotRequest:
    """One explainer shot at 854x480, 24 fps, zooming in; with the photo when given."""
    base = explainer("how vaccines work", seconds=seconds, shots=1)
    data = base.model_dump()
    data.update(resolution=480, fps=FPS)
    data["shots"][0].update(camera=Camera.zoom_in, duration=seconds)
    board = Storyboard.model_validate(data)
    shot = ShotRequest.for_shot(board, board.shots[0])
    if picture is None:
        return shot
    region = Region(x=0.4, y=0.3, width=0.2, height=0.3)
    media = ShotMedia(id="0123456789abcdef", focus=region, highlight=region)
    return shot.model_copy(update={"media": media, "media_file": picture})


class UnscaledSource(media_shot.Source):
    """The source kept at full size: every frame resamples the 4000x3000 picture."""

    def __init__(self, picture, framing, max_zoom, *, scaled_copies=True):  # noqa: ANN001
        super().__init__(picture, framing, 1e9, scaled_copies=False)


def render_seconds(req: ShotRequest, output: Path, *, unscaled: bool = False) -> float:
    original = media_shot.Source
    media_shot.Source = UnscaledSource if unscaled else original  # type: ignore[misc]
    try:
        started = time.perf_counter()
        AnimaticBackend().generate(req, output, lambda _fraction: None)
        return time.perf_counter() - started
    finally:
        media_shot.Source = original  # type: ignore[misc]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--unscaled", action="store_true", help="also time the unscaled source")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reelchat-bench-media-") as folder:
        work = Path(folder)
        picture = photo(work / "photo.png")
        cases = {
            "card": (request(args.seconds, None), False),
            "photo": (request(args.seconds, picture), False),
        }
        if args.unscaled:
            cases["photo-unscaled"] = (request(args.seconds, picture), True)
        times: dict[str, list[float]] = {name: [] for name in cases}
        render_seconds(cases["card"][0], work / "warm.mp4")  # imports and fonts, untimed
        for _ in range(args.repeat):
            for name, (req, unscaled) in cases.items():  # interleaved
                times[name].append(render_seconds(req, work / f"{name}.mp4", unscaled=unscaled))
    frames = cases["card"][0].frames
    card = statistics.median(times["card"])
    print(f"one core (CPU {CPU}), 854x480, {frames} frames ({args.seconds:g} s at {FPS} fps), "
          f"median of {args.repeat} interleaved runs")  # fmt: skip
    print(f"{'case':<16}{'s/shot':>8}{'frames/s':>10}{'vs card':>9}")
    for name, values in times.items():
        median = statistics.median(values)
        print(f"{name:<16}{median:>8.2f}{frames / median:>10.1f}{median / card:>8.2f}x")


if __name__ == "__main__":
    main()
