"""Test pictures and clips made with Pillow and ffmpeg, and a way to put them in a workspace."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from reelchat import store
from reelchat.generation.media import FrameWriter
from reelchat.store.tables import MediaItem, MediaKind
from reelchat.workspace import Workspace

BUTTON = (0.7, 0.08, 0.22, 0.12)
"""Where the fake screenshot's 'Export' button is: x, y, width, height as fractions."""
BUTTON_RGB = (220, 40, 40)


def screenshot(width: int = 400, height: int = 300) -> Image.Image:
    """A fake app screenshot: light page, a header, text lines, and a red button top right
    (BUTTON) with a white label bar in it."""
    image = Image.new("RGB", (width, height), (245, 245, 248))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, width, height * 0.05), fill=(40, 60, 90))
    for row in range(6):
        y = height * (0.35 + row * 0.09)
        draw.rectangle((width * 0.08, y, width * (0.5 + 0.06 * (row % 3)), y + height * 0.03),
                       fill=(150, 150, 160))  # fmt: skip
    x, y, w, h = BUTTON
    box = (width * x, height * y, width * (x + w), height * (y + h))
    draw.rectangle(box, fill=BUTTON_RGB)
    inset_x, inset_y = w * width * 0.2, h * height * 0.4
    label = (box[0] + inset_x, box[1] + inset_y, box[2] - inset_x, box[3] - inset_y)
    draw.rectangle(label, fill=(255, 255, 255))
    return image


def photo(width: int = 400, height: int = 300) -> Image.Image:
    """A photo-like picture: smooth colour gradients in both directions with a bright disc."""
    xs = np.linspace(0, 1, width, dtype=np.float32)[None, :]
    ys = np.linspace(0, 1, height, dtype=np.float32)[:, None]
    rgb = np.stack(
        [80 + 150 * xs + 0 * ys, 60 + 120 * ys + 0 * xs, 180 - 100 * xs * ys], axis=-1
    ).clip(0, 255)
    image = Image.fromarray(rgb.astype(np.uint8))
    ImageDraw.Draw(image).ellipse((width * 0.4, height * 0.3, width * 0.6, height * 0.6),
                                  fill=(250, 240, 200))  # fmt: skip
    return image


def logo(side: int = 64) -> Image.Image:
    """A transparent PNG logo: a solid green disc on nothing."""
    image = Image.new("RGBA", (side, side), (0, 0, 0, 0))
    ImageDraw.Draw(image).ellipse((0, 0, side - 1, side - 1), fill=(0, 200, 80, 255))
    return image


def add_picture(workspace: Workspace, image: Image.Image, scope: str = "workspace") -> str:
    """Store `image` as a PNG media item the way the media library does; returns its id."""
    from io import BytesIO

    data = BytesIO()
    image.save(data, "PNG")
    raw = data.getvalue()
    media_id = hashlib.sha256(raw).hexdigest()[:16]
    path = workspace.media_file(media_id, "png")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    item = MediaItem(
        id=media_id, kind=MediaKind.image, suffix="png", bytes=len(raw), width=image.width,
        height=image.height, has_alpha=image.mode == "RGBA",
    )  # fmt: skip
    store.list_media_item(workspace.engine, item=item, scope=scope, label="picture.png")
    return media_id


def write_clip(
    path: Path, *, frames: int, fps: int = 8, size: tuple[int, int] = (160, 120)
) -> Path:
    """A small MP4 whose frames count up: frame n is grey level 20 + 25 * n (so a test can
    read which source frame it sees)."""
    writer = FrameWriter(path, width=size[0], height=size[1], fps=fps)
    try:
        for number in range(frames):
            writer.write(np.full((size[1], size[0], 3), 20 + 25 * number, np.uint8))
    finally:
        writer.close()
    return path


def add_clip(workspace: Workspace, source: Path, duration: float) -> str:
    raw = source.read_bytes()
    media_id = hashlib.sha256(raw).hexdigest()[:16]
    path = workspace.media_file(media_id, "mp4")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    item = MediaItem(id=media_id, kind=MediaKind.clip, suffix="mp4", bytes=len(raw),
                     width=160, height=120, duration=duration)  # fmt: skip
    store.list_media_item(workspace.engine, item=item, scope="workspace", label="clip.mp4")
    return media_id


def box_font(path: Path, letters: str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ") -> Path:
    """A TrueType font (fontTools' FontBuilder) whose every letter in `letters` is a solid
    square, and that has no other characters: text drawn with it is easy to tell apart."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    def square() -> object:
        pen = TTGlyphPen(None)
        pen.moveTo((50, 0))
        pen.lineTo((50, 700))
        pen.lineTo((650, 700))
        pen.lineTo((650, 0))
        pen.closePath()
        return pen.glyph()

    empty = TTGlyphPen(None).glyph()
    names = [".notdef", "space", *letters]
    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder(names)
    builder.setupCharacterMap({32: "space", **{ord(letter): letter for letter in letters}})
    builder.setupGlyf({".notdef": empty, "space": empty, **{n: square() for n in letters}})
    builder.setupHorizontalMetrics({name: (700, 0) for name in names})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable({"familyName": "Boxes", "styleName": "Regular"})
    builder.setupOS2(sTypoAscender=800, sTypoDescender=-200, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    builder.save(str(path))
    return path


def add_font(workspace: Workspace, source: Path) -> str:
    raw = source.read_bytes()
    media_id = hashlib.sha256(raw).hexdigest()[:16]
    path = workspace.media_file(media_id, "ttf")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    item = MediaItem(id=media_id, kind=MediaKind.font, suffix="ttf", bytes=len(raw))
    store.list_media_item(workspace.engine, item=item, scope="workspace", label="brand.ttf")
    return media_id
