"""Font files a person adds (for the brand kit): TrueType or OpenType, checked with fontTools
and by Pillow loading it the way titles are drawn; stored as they came."""

from __future__ import annotations

import struct
from pathlib import Path

from fontTools.ttLib import TTFont, TTLibError
from PIL import ImageFont

from reelchat.errors import MediaRefused

_SIGNATURES = {b"\x00\x01\x00\x00": "ttf", b"true": "ttf", b"OTTO": "otf"}
_OTHER_FONTS = {b"ttcf": "a font collection (.ttc)", b"wOFF": "a WOFF web font",
                b"wOF2": "a WOFF2 web font"}  # fmt: skip
_REQUIRED = ("cmap", "head", "hhea", "hmtx", "maxp", "name")


def font_signature(head: bytes) -> str | None:
    """'font' when the first bytes of a file are a font's signature (any kind), else None."""
    return "font" if head[:4] in _SIGNATURES or head[:4] in _OTHER_FONTS else None


def check_font(path: Path, *, name: str) -> str:
    """The stored suffix ('ttf' or 'otf') of the font at `path` after checking that fontTools
    reads its tables and that it maps characters to glyphs; MediaRefused otherwise."""
    with open(path, "rb") as handle:
        head = handle.read(4)
    if head in _OTHER_FONTS:
        raise MediaRefused(
            f"{name} is {_OTHER_FONTS[head]}; reelchat takes single TrueType (.ttf) or "
            "OpenType (.otf) fonts"
        )
    suffix = _SIGNATURES.get(head)
    if suffix is None:
        raise MediaRefused(f"{name} is not a TrueType or OpenType font")
    try:
        with TTFont(path, lazy=False) as font:
            missing = [table for table in _REQUIRED if table not in font]
            glyphs = ("glyf" in font) or ("CFF " in font) or ("CFF2" in font)
            mapping = font["cmap"].getBestCmap() if "cmap" in font else None
        ImageFont.truetype(str(path), 24)
    except (TTLibError, OSError, ValueError, KeyError, IndexError, AssertionError, struct.error):
        raise MediaRefused(
            f"{name} is a damaged font file (its tables could not be read)"
        ) from None
    if missing or not glyphs:
        raise MediaRefused(
            f"{name} is an incomplete font (it lacks {', '.join(missing) or 'glyphs'})"
        )
    if not mapping:
        raise MediaRefused(f"{name} maps no characters to glyphs, so no text could be set in it")
    return suffix
