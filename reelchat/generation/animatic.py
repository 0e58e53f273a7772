"""The animatic backend: each shot becomes a moving picture of its subject, on the CPU, no weights.

A shot is drawn once as a scene: a backdrop in the shot's own colours (a hue per shot, spread
around the arc of colours its style allows), layered hills and glows, and a large pictogram of
the shot's subject (generation.pictograms). The camera move is then applied per frame as a
sub-pixel window into that scene (numpy slices for pans and tilts, Pillow's C resize for zooms)
and a drifting particle layer is pasted as small pre-drawn sprites, so a frame costs a few
milliseconds and no Python loop ever touches a pixel. Words (title, caption) are laid over by the
stitcher, which keeps only one shot's text on screen at a time.
"""

from __future__ import annotations

import colorsys
import math
import random
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from reelchat.errors import RenderFailed
from reelchat.generation.backend import Clip, Progress, ShotRequest
from reelchat.generation.media import FrameWriter
from reelchat.generation.media_shot import DEFAULT_HIGHLIGHT, DRAWN_FIELDS, media_frames
from reelchat.generation.pictograms import pictogram_for
from reelchat.generation.typeset import draw_line
from reelchat.storyboard.models import Camera

RGB = tuple[int, int, int]
CANVAS_MARGIN = 1.35
"""The scene is drawn this much larger than the frame so the camera has room to move."""


@dataclass(frozen=True)
class Palette:
    sky: RGB
    ground: RGB
    accent: RGB


@dataclass(frozen=True)
class Look:
    """The colours a style allows: an arc of hues (start, width, in turns) and the saturation
    and brightness of the sky and the ground. Each shot takes its own hue from the arc."""

    hue: float
    width: float
    saturation: float
    sky: float
    ground: float


_LOOKS: list[tuple[tuple[str, ...], Look]] = [
    (("noir", "black and white", "monochrome", "grayscale"), Look(0.6, 0.0, 0.0, 0.45, 0.1)),
    (("neon", "cyberpunk", "synthwave"), Look(0.7, 0.45, 0.9, 0.5, 0.15)),
    (("dramatic", "high-contrast"), Look(0.98, 0.1, 0.85, 0.55, 0.12)),
    (("playful", "cheerful"), Look(0.0, 1.0, 0.85, 1.0, 0.7)),
    (("sober", "muted"), Look(0.6, 0.15, 0.18, 0.8, 0.4)),
    (("high-energy", "saturated"), Look(0.0, 1.0, 1.0, 1.0, 0.6)),
    (("calm light",), Look(0.5, 0.3, 0.3, 0.97, 0.7)),
    (("warm", "sunset", "golden", "autumn", "cozy", "cosy"), Look(0.92, 0.26, 0.6, 0.98, 0.55)),
    (("cool", "icy", "winter", "cold"), Look(0.45, 0.25, 0.45, 0.95, 0.5)),
    (("watercolor", "watercolour", "pastel"), Look(0.0, 1.0, 0.28, 0.98, 0.8)),
    (("vintage", "sepia", "retro", "film"), Look(0.05, 0.08, 0.4, 0.88, 0.45)),
    (("night", "space", "galaxy", "stars", "dark"), Look(0.58, 0.2, 0.7, 0.35, 0.1)),
    (("ocean", "sea", "underwater", "water"), Look(0.48, 0.16, 0.65, 0.9, 0.4)),
    (("forest", "nature", "green", "garden", "plant"), Look(0.22, 0.16, 0.5, 0.85, 0.35)),
]
DEFAULT_LOOK = Look(0.0, 1.0, 0.5, 0.95, 0.45)

GOLDEN_TURN = 0.6180339887498949
"""Successive multiples of the golden ratio, modulo 1, spread as evenly as any sequence can:
shots with consecutive seeds (as planned storyboards have) get well separated hues."""


def _hsv(h: float, s: float, v: float) -> RGB:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
    return int(r * 255), int(g * 255), int(b * 255)


HUES = {
    "red": 0.0, "orange": 0.07, "gold": 0.12, "yellow": 0.15, "brown": 0.08, "green": 0.33,
    "teal": 0.47, "blue": 0.6, "purple": 0.75, "violet": 0.77, "magenta": 0.85, "pink": 0.92,
}  # fmt: skip
"""Colour names as hues (in turns of the colour wheel), for a style that names its colours."""


def _colour_look(style: str) -> Look | None:
    """'orange and red colour palette' -> an arc of hues from red to orange; None without one."""
    named = re.search(r"((?:\w+(?: and )?)+) colour palette", style)
    hues = (
        sorted(HUES[word] for word in re.findall(r"\w+", named[1]) if word in HUES) if named else []
    )
    if not hues:
        return None
    return Look(hues[0], hues[-1] - hues[0], 0.8, 0.95, 0.5)


def look_for(style: str, prompt: str) -> Look:
    """The look a person would expect from the words: the style first, then the prompt.
    Named colours ('orange and red colour palette') come before any other word."""
    if colours := _colour_look(style.lower()):
        return colours
    for text in (style.lower(), prompt.lower()):
        for words, look in _LOOKS:
            if any(word in text for word in words):
                return look
    return DEFAULT_LOOK


def hex_rgb(colour: str) -> RGB:
    """'#rrggbb' -> (r, g, b)."""
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def brand_palette(colours: tuple[str, ...], seed: int = 0) -> Palette:
    """A palette from brand colours ('#rrggbb', at least one): the sky, ground and accent are
    the colours in order, starting at the seed's place among them so shots differ but stay on
    brand; with fewer than three, the ground is the sky darkened and the accent the sky mixed
    toward white."""
    rgb = [hex_rgb(colour) for colour in colours]
    rgb = rgb[seed % len(rgb) :] + rgb[: seed % len(rgb)]
    sky = rgb[0]
    ground = rgb[1] if len(rgb) > 1 else _mix(sky, (0, 0, 0), 0.45)
    accent = rgb[2] if len(rgb) > 2 else _mix(sky, (255, 255, 255), 0.6)
    return Palette(sky, ground, accent)


def palette_for(style: str, prompt: str, seed: int = 0, brand: tuple[str, ...] = ()) -> Palette:
    """The shot's colours: the brand's colours when there are any (brand_palette), else its hue
    is its seed's place on the style's arc of hues."""
    if brand:
        return brand_palette(brand, seed)
    look = look_for(style, prompt)
    hue = look.hue + look.width * ((seed * GOLDEN_TURN) % 1.0)
    return Palette(
        _hsv(hue, look.saturation, look.sky),
        _hsv(hue + 0.03, min(1.0, look.saturation + 0.2), look.ground),
        _hsv(hue + 0.5 * max(look.width, 0.1), look.saturation * 0.6, min(1.0, look.sky + 0.1)),
    )


def _mix(a: RGB, b: RGB, t: float) -> RGB:
    return tuple(int(x + (y - x) * t) for x, y in zip(a, b, strict=True))  # type: ignore[return-value]


def _scene(width: int, height: int, palette: Palette, rng: random.Random) -> Image.Image:
    """Sky gradient, soft glows and layered hills: a backdrop that reads as a place."""
    ramp = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None, None]
    sky = np.array(palette.sky, np.float32)
    ground = np.array(palette.ground, np.float32)
    gradient = sky + (ground - sky) * ramp
    image = Image.fromarray(np.broadcast_to(gradient, (height, width, 3)).astype(np.uint8))

    # soft shapes: drawn and blurred at a quarter of the size, which looks the same once scaled
    glows = Image.new("RGBA", (width // 4, height // 4), (0, 0, 0, 0))
    draw = ImageDraw.Draw(glows)
    for _ in range(6):
        radius = rng.uniform(0.08, 0.22) * height / 4
        x, y = rng.uniform(0, width / 4), rng.uniform(0, height * 0.6 / 4)
        colour = _mix(palette.accent, palette.sky, rng.uniform(0, 0.5))
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(*colour, 110))
    glows = glows.filter(ImageFilter.GaussianBlur(height * 0.03 / 4))
    glows = glows.resize((width, height), Image.Resampling.BILINEAR)
    image.paste(glows, (0, 0), glows)

    hills = ImageDraw.Draw(image)
    for layer in range(3):
        base = height * (0.62 + 0.12 * layer)
        amplitude = height * (0.07 - 0.015 * layer)
        phase, wavelength = rng.uniform(0, math.tau), width / rng.uniform(1.2, 2.6)
        points = [
            (x, base + amplitude * math.sin(phase + math.tau * x / wavelength))
            for x in range(0, width + 16, 16)
        ]
        colour = _mix(palette.ground, (0, 0, 0), 0.15 + 0.2 * layer)
        hills.polygon(
            [(0, height), *points, (width, height)],
            fill=_mix(colour, palette.sky, 0.25 - 0.08 * layer),
        )
    return image


@dataclass(frozen=True)
class _Particle:
    sprite: Image.Image
    x: float
    """Centre in canvas pixels."""
    y: float


def _particles(width: int, height: int, palette: Palette, rng: random.Random) -> list[_Particle]:
    """Soft dots drawn once as small sprites: per frame they are only pasted, never re-drawn."""
    blur = max(1.0, height * 0.002)
    found = []
    for _ in range(PARTICLES):
        radius = rng.uniform(0.004, 0.014) * height
        x, y = rng.uniform(0, width), rng.uniform(0, height)
        alpha = rng.randint(90, 200)
        side = int(2 * (radius + 3 * blur)) + 2
        sprite = Image.new("RGBA", (side, side), (*palette.accent, 0))
        middle = side / 2
        ImageDraw.Draw(sprite).ellipse(
            (middle - radius, middle - radius, middle + radius, middle + radius),
            fill=(*palette.accent, alpha),
        )
        found.append(_Particle(sprite.filter(ImageFilter.GaussianBlur(blur)), x, y))
    return found


def _pictogram(scene: Image.Image, char: str, palette: Palette) -> None:
    """Draw the subject's pictogram large in the middle of the scene, on a soft disc, so the
    camera move (pan, zoom, orbit) animates it with the backdrop."""
    width, height = scene.size
    side = int(min(width, height) / CANVAS_MARGIN * 0.42)
    disc = Image.new("RGBA", (side * 2, side * 2), (0, 0, 0, 0))
    ImageDraw.Draw(disc).ellipse((side * 0.35, side * 0.35, side * 1.65, side * 1.65),
                                 fill=(*palette.accent, 150))  # fmt: skip
    disc = disc.filter(ImageFilter.GaussianBlur(side * 0.08))
    scene.paste(disc, (width // 2 - side, height // 2 - side), disc)
    glyph = Image.new("RGBA", (side * 2, side * 2), (0, 0, 0, 0))
    draw_line(glyph, (0, 0), char, side, (255, 255, 255, 255))
    box = glyph.getbbox()
    if box is None:
        return
    glyph = glyph.crop(box)
    scale = side / max(glyph.size)
    glyph = glyph.resize(
        (max(1, round(glyph.width * scale)), max(1, round(glyph.height * scale))),
        Image.Resampling.LANCZOS,
    )
    scene.paste(glyph, ((width - glyph.width) // 2, (height - glyph.height) // 2), glyph)


def _ease(t: float) -> float:
    return t * t * (3 - 2 * t)


STILL_DRIFT = 0.0006
"""Fastest step of a static shot's drift, in frame widths per frame (0.4 px a frame at 640 wide):
gentle to the eye, and above the shot check's frozen limit at every size and aspect (a still
frame encoded with H.264 measures about 0.1; this drift about 1)."""


PARTICLES = 64
"""Drifting dots per shot."""
PARTICLE_RISE = 0.006
"""How far the drifting dots rise each frame, in frame heights (1.4 px at 360p): a steady
float whatever the shot's length, so even a static card shows motion the shot check accepts."""


def _still_drift(index: int, frames: int, reach: float, w: int) -> float:
    """The static camera's horizontal offset at frame `index` of `frames`: one eased drift
    across a tenth of the camera's reach, longer when the shot is long so its fastest step is
    STILL_DRIFT; when the whole reach is too short for that, a slow sway across it and back."""
    span = max(0.1 * reach, STILL_DRIFT * w * max(1, frames - 1) / 1.5)  # easing peaks at 1.5x
    swings = max(1, math.ceil(span / (2 * reach)))
    span = min(span, 2 * reach)
    place = swings * index / max(1, frames - 1)
    swing = min(int(place), swings - 1)
    e = _ease(place - swing)
    return span * ((e - 0.5) if swing % 2 == 0 else (0.5 - e))


def _view(
    camera: Camera, t: float, w: int, h: int, *, index: int = 0, frames: int = 1
) -> tuple[float, float, float]:
    """(dx, dy, zoom) of the camera at time t in [0, 1] (frame `index` of `frames`); offsets in
    canvas pixels."""
    e = _ease(t)
    reach_x, reach_y = (CANVAS_MARGIN - 1) * 0.42 * w, (CANVAS_MARGIN - 1) * 0.42 * h
    match camera:
        case Camera.pan_left:
            return reach_x * (1 - 2 * e), 0.0, 1.0
        case Camera.pan_right:
            return reach_x * (2 * e - 1), 0.0, 1.0
        case Camera.tilt_up:
            return 0.0, reach_y * (1 - 2 * e), 1.0
        case Camera.tilt_down:
            return 0.0, reach_y * (2 * e - 1), 1.0
        case Camera.zoom_in:
            return 0.0, 0.0, 1.0 + 0.3 * e
        case Camera.zoom_out:
            return 0.0, 0.0, 1.3 - 0.3 * e
        case Camera.orbit:
            # half a circle around the subject, slightly closer in; the nearer particles
            # travel further, which is what reads as going around
            angle = math.pi * (e - 0.5)
            return 0.6 * reach_x * math.sin(angle), 0.3 * reach_y * math.cos(angle), 1.15
    # static: a slow drift keeps the still alive (a still card in a video looks frozen)
    # without reading as a camera move, and costs a slice, not a resample
    return _still_drift(index, frames, reach_x, w), 0.0, 1.0


SUBPIXEL_STEPS = 4
"""Window offsets are kept to a quarter pixel: finer than the eye sees in motion, coarse enough to
pre-blend each offset once per shot."""


class _Window:
    """Sub-pixel windows into a scene: pans and tilts without a resampling pass per frame.

    Each quarter-pixel phase of the scene is blended once (bilinear) on first use; a frame is then
    a slice of the matching phase. Rounding the camera to whole pixels would make slow moves
    judder; warping the whole canvas per frame costs ~10x more.
    """

    def __init__(self, pixels: np.ndarray) -> None:
        self._pixels = pixels
        self._phases: dict[tuple[int, int], np.ndarray] = {}

    def _phase(self, kx: int, ky: int) -> np.ndarray:
        if (kx, ky) not in self._phases:
            p = self._pixels.astype(np.uint32) << 8
            fx, fy = kx * 256 // SUBPIXEL_STEPS, ky * 256 // SUBPIXEL_STEPS
            if fx:
                p = (p[:, :-1] * (256 - fx) + p[:, 1:] * fx) >> 8
            if fy:
                p = (p[:-1] * (256 - fy) + p[1:] * fy) >> 8
            self._phases[kx, ky] = ((p + 128) >> 8).astype(np.uint8)
        return self._phases[kx, ky]

    def crop(self, left: float, top: float, w: int, h: int) -> Image.Image:
        x, y = round(left * SUBPIXEL_STEPS), round(top * SUBPIXEL_STEPS)
        x0, kx = divmod(x, SUBPIXEL_STEPS)
        y0, ky = divmod(y, SUBPIXEL_STEPS)
        return Image.fromarray(np.ascontiguousarray(self._phase(kx, ky)[y0 : y0 + h, x0 : x0 + w]))


def _camera_frame(
    scene: Image.Image, window: _Window, view: tuple[float, float, float], w: int, h: int
) -> Image.Image:
    """The w x h view of the scene for camera offset (dx, dy) and zoom."""
    dx, dy, zoom = view
    cw, ch = scene.size
    cx, cy = cw / 2 + dx, ch / 2 + dy
    if zoom == 1.0:
        return window.crop(cx - w / 2, cy - h / 2, w, h)
    half_w, half_h = w / (2 * zoom), h / (2 * zoom)
    box = (cx - half_w, cy - half_h, cx + half_w, cy + half_h)
    return scene.resize((w, h), Image.Resampling.BILINEAR, box=box)


class AnimaticBackend:
    """Renders the storyboard as moving cards: the offline stand-in for a diffusion model."""

    name = "animatic-v3"
    chains_shots = False
    consumes = frozenset(
        name for name, info in ShotRequest.model_fields.items() if not info.exclude
    ) - {"font"}
    """Every pixel input but the brand font: the animatic draws no words (the stitcher lays
    the titles and captions over, in that font), so a new font re-renders no shot."""
    consumes_with_media = DRAWN_FIELDS | {"palette"}
    """A shot showing a person's picture or clip (generation.media_shot) uses the picture, the
    move and the shape, and the palette only for its highlight's colour (Storyboard.palette_of
    gives it the first colour then, none without a highlight): not the title, prompt, style
    or seed, so rewording such a shot or changing the brand colours re-renders nothing."""

    def generate(self, request: ShotRequest, output: Path, progress: Progress) -> Clip:
        if request.media is not None:
            return self._media_shot(request, output, progress)
        w, h = request.width, request.height
        canvas_size = (int(w * CANVAS_MARGIN), int(h * CANVAS_MARGIN))
        # the layout (glows, hills, particles) follows the words too, so an edited prompt shows
        rng = random.Random(f"{request.seed}|{request.prompt}")
        palette = palette_for(request.style, request.prompt, request.seed, request.palette)
        scene = _scene(*canvas_size, palette, rng)
        _pictogram(scene, pictogram_for(request.prompt, request.title), palette)
        window = _Window(np.asarray(scene))
        particles = _particles(*canvas_size, palette, rng)
        centre = (canvas_size[0] / 2, canvas_size[1] / 2)

        writer = FrameWriter(output, width=w, height=h, fps=request.fps)
        try:
            for index in range(request.frames):
                t = index / max(1, request.frames - 1)
                dx, dy, zoom = _view(request.camera, t, w, h, index=index, frames=request.frames)
                frame = _camera_frame(scene, window, (dx, dy, zoom), w, h)
                # particles sit nearer the camera: they move further and grow faster
                near_x = centre[0] + 1.6 * dx + 0.04 * w * math.sin(math.tau * t)
                near_y = centre[1] + 1.6 * dy + PARTICLE_RISE * h * (index - request.frames / 2)
                near_zoom = zoom**1.3
                for particle in particles:
                    size = particle.sprite.size[0]
                    x = w / 2 + (particle.x - near_x) * near_zoom - size / 2
                    # the dots rise steadily and come back in from below (a canvas apart)
                    rise = (particle.y - near_y + canvas_size[1] / 2) % canvas_size[1]
                    y = h / 2 + (rise - canvas_size[1] / 2) * near_zoom - size / 2
                    if -size < x < w and -size < y < h:
                        frame.paste(particle.sprite, (round(x), round(y)), particle.sprite)
                writer.write(np.asarray(frame))
                progress((index + 1) / request.frames)
        finally:
            writer.close()
        return Clip(path=output, frames=request.frames, width=w, height=h, fps=request.fps)

    def _media_shot(self, request: ShotRequest, output: Path, progress: Progress) -> Clip:
        """The person's picture or clip, framed and moved (generation.media_shot)."""
        if request.media is None or request.media_file is None:
            raise RenderFailed("this shot's picture was not found in the workspace; render again")
        w, h = request.width, request.height
        colour = hex_rgb(request.palette[0]) if request.palette else DEFAULT_HIGHLIGHT
        frames = media_frames(
            request.media, request.media_file, request.camera, size=(w, h),
            fps=float(request.fps), frames=request.frames, highlight=colour,
        )  # fmt: skip
        writer = FrameWriter(output, width=w, height=h, fps=request.fps)
        try:
            for index, frame in enumerate(frames):
                writer.write(frame)
                progress((index + 1) / request.frames)
        finally:
            writer.close()
        return Clip(path=output, frames=request.frames, width=w, height=h, fps=request.fps)
