"""Which installed font draws each character: fontconfig's fallback order, checked per codepoint.

fontconfig (`fc-match -s`) sorts every installed font for a request such as "sans-serif, bold";
its answer carries each font's character set, so a character is drawn with the first font in that
order that has it. Emoji prefer a colour font. Pillow's bundled font is the last resort.
"""

from __future__ import annotations

import bisect
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import emoji
import regex
from PIL import ImageFont, features

BITMAP_EMOJI_SIZE = 109
"""Noto Color Emoji is a bitmap (CBDT) font with one strike: it loads only at 109 px and is
scaled to the wanted size after drawing (see the font's README and Pillow's truetype docs)."""


@dataclass(frozen=True)
class FontFile:
    """One installed face: its file, the face index inside a .ttc, and the codepoints it has."""

    path: str
    index: int
    family: str
    colour: bool
    """A colour (bitmap) font such as Noto Color Emoji: loaded at BITMAP_EMOJI_SIZE."""
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    """The character set as sorted inclusive ranges [starts[i], ends[i]]."""

    def has(self, codepoint: int) -> bool:
        at = bisect.bisect_right(self.starts, codepoint) - 1
        return at >= 0 and codepoint <= self.ends[at]


def _ranges(charset: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    starts, ends = [], []
    for part in charset.split():
        low, _, high = part.partition("-")
        starts.append(int(low, 16))
        ends.append(int(high or low, 16))
    return tuple(starts), tuple(ends)


@lru_cache(maxsize=2)
def fallback_fonts(bold: bool) -> tuple[FontFile, ...]:
    """Installed fonts in fontconfig's order for sans-serif (bold or regular); () without fc."""
    exe = shutil.which("fc-match")
    if exe is None:
        return ()
    pattern = "sans-serif:weight=bold" if bold else "sans-serif:weight=regular"
    fields = "%{file}\t%{index}\t%{family[0]}\t%{color}\t%{charset}\n"
    result = subprocess.run(
        [exe, "-s", "--format", fields, pattern], capture_output=True, text=True, check=False
    )
    found = []
    for line in result.stdout.splitlines():
        parts = line.split("\t")
        if len(parts) != 5 or not parts[0].lower().endswith((".ttf", ".otf", ".ttc")):
            continue
        path, index, family, colour, charset = parts
        starts, ends = _ranges(charset)
        found.append(FontFile(path, int(index or 0), family, colour == "True", starts, ends))
    return tuple(found)


@lru_cache(maxsize=8)
def brand_font(path: str) -> FontFile:
    """A font file of the person's own (the brand font) as a FontFile, its character set read
    from its cmap table (fontTools), so characters it lacks fall back to the installed fonts.

    Raises RenderFailed when the file cannot be read as a font."""
    from fontTools.ttLib import TTFont, TTLibError

    from reelchat.errors import RenderFailed

    try:
        with TTFont(path, lazy=True, fontNumber=0) as font:
            cmap = font.getBestCmap() or {}
            names = font["name"].getBestFamilyName() or "brand font"
    except (OSError, TTLibError, KeyError) as error:
        raise RenderFailed(f"the brand font cannot be read ({error})") from None
    starts: list[int] = []
    ends: list[int] = []
    for codepoint in sorted(cmap):
        if ends and codepoint == ends[-1] + 1:
            ends[-1] = codepoint
        else:
            starts.append(codepoint)
            ends.append(codepoint)
    return FontFile(path, 0, names, False, tuple(starts), tuple(ends))


def font_id(path: Path | None) -> str:
    """What names a brand font file in cache recipes: its stored name is its content id."""
    return path.stem if path is not None else ""


def clusters(text: str) -> list[str]:
    """Grapheme clusters (what a reader sees as one character: 'e'+accent, an emoji sequence)."""
    return regex.findall(r"\X", text)


def is_emoji(cluster: str) -> bool:
    """Whether a grapheme cluster is drawn as an emoji (the `emoji` package's Unicode data).

    Plain digits, '#' and '*' are emoji only with a keycap or presentation selector."""
    return emoji.is_emoji(cluster) and not (len(cluster) == 1 and cluster in "0123456789#*")


@lru_cache(maxsize=4096)
def font_for(cluster: str, bold: bool = True) -> FontFile | None:
    """The font that draws this grapheme cluster: the first in fallback order with its base
    character (a colour font first for emoji); None when no installed font has it."""
    base = ord(cluster[0])
    fonts = fallback_fonts(bold)
    if is_emoji(cluster):
        fonts = tuple(f for f in fonts if f.colour) + tuple(f for f in fonts if not f.colour)
    for candidate in fonts:
        if candidate.has(base):
            return candidate
    return None


@lru_cache(maxsize=64)
def load(file: FontFile | None, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A Pillow font for `file` at `size` pixels (a colour bitmap font at its one strike)."""
    if file is None:
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(
        file.path, BITMAP_EMOJI_SIZE if file.colour else size, index=file.index
    )


SCRIPT_PACKAGES = {
    "CJK": "fonts-noto-cjk",
    "HIRAGANA": "fonts-noto-cjk",
    "KATAKANA": "fonts-noto-cjk",
    "HANGUL": "fonts-noto-cjk",
    "EMOJI": "fonts-noto-color-emoji",
}
"""Debian packages that add a script's glyphs; anything else is in fonts-noto-core."""


def script_of(cluster: str) -> str:
    """The script a character belongs to, as its Unicode name starts ('ARABIC', 'CJK', ...)."""
    if is_emoji(cluster):
        return "EMOJI"
    name = unicodedata.name(cluster[0], "")
    return name.split(" ")[0] if name else f"U+{ord(cluster[0]):04X}"


def _display(script: str) -> str:
    return script if script == "CJK" else script.title()


def missing_glyphs(text: str) -> list[str]:
    """One sentence per script in `text` that no installed font can draw, naming the Debian
    package that adds it; [] when everything can be drawn."""
    scripts: dict[str, str] = {}
    for cluster in clusters(text):
        if cluster.isspace() or not unicodedata.category(cluster[0]).startswith(
            ("L", "M", "N", "P", "S")
        ):
            continue
        if font_for(cluster) is None:
            script = script_of(cluster)
            scripts.setdefault(script, SCRIPT_PACKAGES.get(script, "fonts-noto-core"))
    return [
        f"{_display(script)} text cannot be drawn: no installed font has it "
        f"(install the Debian package {package})"
        for script, package in scripts.items()
    ]


COMPLEX_SCRIPTS = (
    "ARABIC",
    "HEBREW",
    "DEVANAGARI",
    "BENGALI",
    "THAI",
    "TAMIL",
    "KHMER",
    "MYANMAR",
    "SYRIAC",
    "GURMUKHI",
    "GUJARATI",
    "TELUGU",
    "KANNADA",
    "MALAYALAM",
)


def shaping_warnings(text: str) -> list[str]:
    """A warning when `text` has a script that needs shaping and Pillow lacks libraqm."""
    if features.check("raqm"):
        return []
    scripts = sorted({script_of(c) for c in clusters(text)} & set(COMPLEX_SCRIPTS))
    return [
        f"{_display(script)} text is drawn without shaping (letters unjoined, wrong order): "
        "Pillow was built without libraqm; install libraqm (Debian: libraqm0) and reinstall pillow"
        for script in scripts
    ]
