"""Fonts for cards and captions: DejaVu when the system has it, Pillow's bundled font otherwise."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import ImageFont

_DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


@lru_cache(maxsize=32)
def font(size: int, *, bold: bool = True) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    if (_DEJAVU / name).exists():
        return ImageFont.truetype(str(_DEJAVU / name), size)
    return ImageFont.load_default(size=size)


def wrap(text: str, face: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """Greedy word wrap to `width` pixels; the last line ends in an ellipsis if text is cut."""
    lines: list[str] = []
    words = text.split()
    while words and len(lines) < max_lines:
        line = words.pop(0)
        while words and face.getlength(f"{line} {words[0]}") <= width:
            line = f"{line} {words.pop(0)}"
        lines.append(line)
    if words and lines:
        last = lines[-1]
        while last and face.getlength(last + "…") > width:
            last = last[:-1]
        lines[-1] = last.rstrip() + "…"
    return lines
