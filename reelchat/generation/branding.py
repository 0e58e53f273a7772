"""The brand kit at the stitch: the logo laid over every shot, in its corner, alpha kept."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from reelchat.generation.media import TO_BT709
from reelchat.storyboard.models import Corner, Logo

LOGO_MARGIN = 0.04
"""Gap between the logo and the frame's edges, as a fraction of the frame's short side: inside
the graphics-safe area's 5 % border (EBU R 95) on most frames, clear of the edge on all."""


@dataclass(frozen=True)
class LogoLayer:
    """A brand logo ready to lay over shots: its stored PNG (a media item) and how it sits."""

    file: Path
    logo: Logo

    @property
    def recipe(self) -> str:
        """Everything that shapes the overlay, for the finished-shot cache: the logo's content
        id, corner, size and opacity."""
        logo = self.logo
        return f"logo={logo.media}:{logo.corner.value}:{logo.size:g}:{logo.opacity:g}"


Box = tuple[int, int, int, int]
"""A rectangle in frame pixels: left, top, right, bottom (right and bottom exclusive)."""


def _placement(layer: LogoLayer, source: tuple[int, int], frame: tuple[int, int]) -> Box:
    """Where a logo whose PNG is `source` (width, height) sits in a frame of `frame` pixels."""
    width, height = frame
    logo = layer.logo
    target_w = max(2, round(width * logo.size))
    target_h = max(2, round(source[1] * target_w / source[0]))
    if target_h > height * 0.5:  # a tall logo is limited by the frame's height instead
        target_h = max(2, round(height * 0.5))
        target_w = max(2, round(source[0] * target_h / source[1]))
    margin = round(min(width, height) * LOGO_MARGIN)
    right = logo.corner in (Corner.top_right, Corner.bottom_right)
    bottom = logo.corner in (Corner.bottom_left, Corner.bottom_right)
    left = width - target_w - margin if right else margin
    top = height - target_h - margin if bottom else margin
    return left, top, left + target_w, top + target_h


def logo_box(layer: LogoLayer, frame: tuple[int, int]) -> Box:
    """The rectangle (frame pixels) the logo covers in a frame of `frame` (width, height): what
    the titles and captions keep clear of (stitch.text_image)."""
    with Image.open(layer.file) as source:
        return _placement(layer, source.size, frame)


def logo_image(layer: LogoLayer, frame: tuple[int, int]) -> tuple[Image.Image, tuple[int, int]]:
    """The logo scaled to `size` x the frame's width (aspect kept, Lanczos; a tall logo to half
    the frame's height), its alpha times `opacity`, and its top-left position in a frame of
    `frame` (width, height) pixels."""
    with Image.open(layer.file) as source:
        picture = source.convert("RGBA")
    left, top, right, bottom = _placement(layer, picture.size, frame)
    scaled = picture.resize((right - left, bottom - top), Image.Resampling.LANCZOS)
    if layer.logo.opacity < 1.0:
        alpha = scaled.getchannel("A").point(lambda v: round(v * layer.logo.opacity))
        scaled.putalpha(alpha)
    return scaled, (left, top)


def logo_overlay(
    layer: LogoLayer, frame: tuple[int, int], folder: Path, *, input_index: int, rate: str
) -> tuple[list[str], str]:
    """ffmpeg inputs and the filter-graph step that lay the logo over input 0's video.

    The logo is written as a PNG into `folder` and looped at `rate`; it is converted with the
    clips' BT.709 matrix like the words are. The step reads `[0:v]` and ends in `[branded]`."""
    image, (left, top) = logo_image(layer, frame)
    png = folder / "logo.png"
    image.save(png)
    inputs = ["-loop", "1", "-framerate", rate, "-i", str(png)]
    step = (
        f"[{input_index}:v]{TO_BT709},format=yuva420p[logo];"
        f"[0:v][logo]overlay={left}:{top}:shortest=1[branded]"
    )
    return inputs, step
