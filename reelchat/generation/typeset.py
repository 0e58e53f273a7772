"""Lines of text on a frame in any script: font runs, line breaks, shrink-to-fit, drawing.

A line is cut into runs of grapheme clusters that one font draws (fonts.font_for); each run is
measured and drawn with Pillow, shaped by libraqm where Pillow has it (Arabic, Hebrew,
Devanagari, Thai). Lines break at spaces, between CJK characters, and inside a word too long
for the width (a URL, a German compound) by cluster, so no text ever leaves its box.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw

from reelchat.generation.fonts import (
    BITMAP_EMOJI_SIZE,
    FontFile,
    clusters,
    font_for,
    is_emoji,
    load,
)

TITLE_SAFE = 0.9
"""Share of the frame's width and height that text keeps inside: the graphics-safe area of
EBU R 95 ("Safe areas for 16:9 television production", 90 %)."""

LINE_SPACING = 1.3
"""Line height as a multiple of the font size."""

ELLIPSIS = "…"


@dataclass(frozen=True)
class Run:
    text: str
    file: FontFile | None


def runs(line: str, bold: bool = True, font: FontFile | None = None) -> list[Run]:
    """`line` cut into runs one font draws; a space stays with the text run before it (a colour
    emoji font's space is as wide as an emoji). `font` (a brand font) draws every character it
    has except emoji; the installed fonts draw the rest."""
    found: list[Run] = []
    for cluster in clusters(line):
        if font is not None and font.has(ord(cluster[0])) and not is_emoji(cluster):
            file: FontFile | None = font
        else:
            file = font_for(cluster, bold)
        joins_text = cluster.isspace() and found and not (found[-1].file and found[-1].file.colour)
        if found and (joins_text or found[-1].file == file):
            found[-1] = Run(found[-1].text + cluster, found[-1].file)
        else:
            found.append(Run(cluster, file))
    return found


def _scale(file: FontFile | None, size: int) -> float:
    return size / BITMAP_EMOJI_SIZE if file is not None and file.colour else 1.0


@lru_cache(maxsize=8192)
def _run_width(text: str, file: FontFile | None, size: int) -> float:
    return load(file, size).getlength(text) * _scale(file, size)


def text_width(line: str, size: int, bold: bool = True, font: FontFile | None = None) -> float:
    """Width in pixels of one line drawn at `size` px (with `font` first, see runs)."""
    return sum(_run_width(run.text, run.file, size) for run in runs(line, bold, font))


def _rtl(line: str) -> bool:
    """Whether the line's first strong character reads right to left (Unicode bidi classes)."""
    for char in line:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def draw_line(
    image: Image.Image,
    xy: tuple[float, float],
    line: str,
    size: int,
    fill: tuple[int, int, int, int],
    *,
    bold: bool = True,
    font: FontFile | None = None,
) -> None:
    """Draw `line` on an RGBA image with its top-left at `xy` (line box LINE_SPACING * size),
    with `font` first (see runs)."""
    x, top = xy
    baseline = top + round(size * 1.02)
    pieces = runs(line, bold, font)
    if _rtl(line):  # runs of a right-to-left line are laid out from the right
        pieces.reverse()
    draw = ImageDraw.Draw(image)
    for run in pieces:
        face = load(run.file, size)
        width = _run_width(run.text, run.file, size)
        if run.file is not None and run.file.colour:
            big = Image.new("RGBA", (int(face.getlength(run.text)) + 4, BITMAP_EMOJI_SIZE * 3 // 2))
            ImageDraw.Draw(big).text(
                (0, BITMAP_EMOJI_SIZE), run.text, font=face, anchor="ls", embedded_color=True
            )
            scale = _scale(run.file, size)
            small = big.resize(
                (max(1, round(big.width * scale)), max(1, round(big.height * scale))),
                Image.Resampling.LANCZOS,
            )
            if fill[3] < 255:
                alpha = small.getchannel("A").point(lambda v: v * fill[3] // 255)
                small.putalpha(alpha)
            image.alpha_composite(small, (round(x), round(baseline - BITMAP_EMOJI_SIZE * scale)))
        else:
            draw.text((x, baseline), run.text, font=face, fill=fill, anchor="ls")
        x += width


def _is_wide(cluster: str) -> bool:
    """CJK and other wide characters: a line may break before and after each one."""
    return unicodedata.east_asian_width(cluster[0]) in ("W", "F") and not is_emoji(cluster)


def _tokens(text: str) -> list[str]:
    """Pieces kept together on a line, each with the spaces that follow it."""
    tokens: list[str] = []
    current = ""
    for cluster in clusters(" ".join(text.split())):
        if cluster == " ":
            current += cluster
            tokens.append(current)
            current = ""
        elif _is_wide(cluster):
            if current:
                tokens.append(current)
            tokens.append(cluster)
            current = ""
        else:
            if current.endswith(" "):
                tokens.append(current)
                current = ""
            current += cluster
    if current:
        tokens.append(current)
    return tokens


def wrap(
    text: str, size: int, width: float, *, bold: bool = True, font: FontFile | None = None
) -> list[str]:
    """Every line of `text` broken to fit `width` pixels at `size` px (nothing dropped)."""
    lines: list[str] = []
    line = ""
    for token in _tokens(text):
        if text_width((line + token).rstrip(), size, bold, font) <= width:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = ""
        # a token wider than the whole line is broken between its clusters
        for cluster in clusters(token):
            if line and text_width((line + cluster).rstrip(), size, bold, font) > width:
                lines.append(line.rstrip())
                line = ""
            line += cluster
    if line.strip():
        lines.append(line.rstrip())
    return lines


@dataclass(frozen=True)
class Fitted:
    size: int
    lines: list[str]
    truncated: bool
    """Even at the smallest size the text needed more lines: the last one ends in an ellipsis."""


def fit(
    text: str, size: int, width: float, max_lines: int, *, min_size: int, bold: bool = True,
    font: FontFile | None = None,
) -> Fitted:  # fmt: skip
    """The largest size from `size` down to `min_size` at which `text` fits in `max_lines`
    lines of `width` px (with `font` first, see runs); at `min_size` the last line is cut
    with an ellipsis."""
    candidate = size
    while candidate >= min_size:  # steps of about 8 %: fine enough to see no jump between sizes
        lines = wrap(text, candidate, width, bold=bold, font=font)
        if len(lines) <= max_lines:
            return Fitted(candidate, lines, False)
        candidate = min(candidate - 1, int(candidate * 0.92))
    lines = wrap(text, min_size, width, bold=bold, font=font)[:max_lines]
    last = clusters(lines[-1]) if lines else []
    while last and text_width("".join(last) + ELLIPSIS, min_size, bold, font) > width:
        last.pop()
    if lines:
        lines[-1] = "".join(last).rstrip() + ELLIPSIS
    return Fitted(min_size, lines, True)
