"""Images a person adds: decoded in full to validate, made upright, sRGB and RGB(A), saved as a
PNG with no metadata (no EXIF, no GPS, no text chunks, no colour profile)."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from reelchat.errors import MediaRefused

FORMATS = {"PNG": "PNG", "JPEG": "JPEG", "MPO": "JPEG", "WEBP": "WebP", "GIF": "GIF"}
"""Pillow's format names accepted, with the name a person knows them by. MPO is the JPEG a
phone writes with a second, preview picture inside: its first picture is the photo."""
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


@dataclass(frozen=True)
class StillImage:
    """A normalised image: PNG bytes (8-bit RGB, or RGBA when some pixel is transparent)."""

    png: bytes
    width: int
    height: int
    has_alpha: bool


def is_image(path: Path) -> bool:
    """Whether Pillow recognises `path`'s content as an image of any format (header only)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path):
                return True
    except Image.DecompressionBombError:
        return True
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return False


def normalise_image(path: Path, *, name: str, max_pixels: int) -> StillImage:
    """Decode the image at `path` fully and return it upright, in sRGB, as 8-bit RGB or RGBA
    PNG bytes without metadata.

    The pixel count is checked from the header before decoding (`max_pixels`, a decompression
    bomb guard). Animated images (GIF, APNG, WebP with more than one frame) are refused rather
    than cut to their first frame. `name` is the label used in refusals. Raises MediaRefused.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as opened:
                return _normalise(opened, name=name, max_pixels=max_pixels)
        except Image.DecompressionBombError:
            raise MediaRefused(
                f"{name} is refused: its header claims more than {max_pixels:,} pixels "
                "(a decompression bomb guard); scale it down and add it again"
            ) from None
        except (UnidentifiedImageError, SyntaxError):
            raise MediaRefused(f"{name} is not an image reelchat can read") from None


def _normalise(image: Image.Image, *, name: str, max_pixels: int) -> StillImage:
    kind = FORMATS.get(image.format or "")
    if kind is None:
        accepted = ", ".join(sorted(set(FORMATS.values())))
        raise MediaRefused(
            f"{name} is a {image.format} image; reelchat takes {accepted} images: "
            "convert it to PNG and add it again"
        )
    width, height = image.size
    if width * height > max_pixels:
        raise MediaRefused(
            f"{name} is {width}×{height} pixels, more than the {max_pixels:,} allowed "
            "(a decompression bomb guard, REELCHAT_MEDIA_MAX_PIXELS); scale it down and add it "
            "again"
        )
    frames = getattr(image, "n_frames", 1)
    if frames > 1 and image.format != "MPO":
        raise MediaRefused(
            f"{name} is an animated {kind} ({frames} frames); reelchat takes still images: "
            "save the frame you want as a PNG, or convert the animation to an MP4 clip and add that"
        )
    try:
        image.load()
    except (OSError, ValueError, SyntaxError, EOFError):
        raise MediaRefused(
            f"{name} is a damaged or truncated {kind} image (it could not be decoded to the end); "
            "export it again and add the new file"
        ) from None
    upright = ImageOps.exif_transpose(image) or image
    rgb = _to_rgb(_to_srgb(upright, image.info.get("icc_profile")))
    rgb.info.clear()
    buffer = io.BytesIO()
    rgb.save(buffer, format="PNG")
    return StillImage(
        png=buffer.getvalue(), width=rgb.width, height=rgb.height, has_alpha=rgb.mode == "RGBA"
    )


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Convert pixels described by an embedded ICC profile to sRGB. A profile that cannot be
    read is ignored (the pixels are taken as sRGB), as browsers do."""
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK", "L", "LA"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
    except (ImageCms.PyCMSError, OSError, TypeError):
        return image
    alpha = image.getchannel("A") if image.mode in ("RGBA", "LA") else None
    base = image.convert(image.mode[:-1]) if alpha is not None else image
    try:
        converted = ImageCms.profileToProfile(base, source, _SRGB, outputMode="RGB")
    except ImageCms.PyCMSError:
        return image
    if converted is None:  # only with inPlace=True
        return image
    if alpha is not None:
        converted.putalpha(alpha)
    return converted


def _to_rgb(image: Image.Image) -> Image.Image:
    """8-bit RGB, or RGBA when the image has transparency that some pixel uses."""
    if image.mode.startswith("I") or image.mode == "F":
        image = _sixteen_bit_to_l(image)
    transparent = "A" in image.getbands() or "transparency" in image.info
    if image.mode == "P" or image.mode == "PA":
        image = image.convert("RGBA" if transparent else "RGB")
    if transparent:
        rgba = image if image.mode == "RGBA" else image.convert("RGBA")
        low, _ = rgba.getchannel("A").getextrema()
        return rgba if low < 255 else rgba.convert("RGB")
    return image if image.mode == "RGB" else image.convert("RGB")


def _sixteen_bit_to_l(image: Image.Image) -> Image.Image:
    """Greyscale deeper than 8 bits (I;16 PNGs, 32-bit I and F) scaled to 8-bit L."""
    values = np.asarray(image, dtype=np.float64)
    top = 1.0 if image.mode == "F" else 65535.0
    scaled = np.clip(values / top * 255.0 + 0.5, 0, 255).astype(np.uint8)
    return Image.fromarray(scaled)
