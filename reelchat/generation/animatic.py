"""The animatic backend: each shot becomes a moving storyboard card, on the CPU, with no weights.

A shot is drawn once as a scene (palette from its style and prompt, layered hills, glows) plus a
drifting particle layer and a caption panel with its title and prompt; the camera move is then
applied per frame as a sub-pixel window into that scene (numpy slices for pans and tilts, Pillow's
C resize for zooms) and the particles are pasted as small pre-drawn sprites, so a frame costs a
few milliseconds and no Python loop ever touches a pixel.
"""

from __future__ import annotations

import colorsys
import hashlib
import math
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from reelchat.generation.backend import Clip, Progress, ShotRequest
from reelchat.generation.media import FrameWriter
from reelchat.generation.typeset import LINE_SPACING, TITLE_SAFE, draw_line, fit, text_width
from reelchat.storyboard.models import Camera

RGB = tuple[int, int, int]
CANVAS_MARGIN = 1.35
"""The scene is drawn this much larger than the frame so the camera has room to move."""


@dataclass(frozen=True)
class Palette:
    sky: RGB
    ground: RGB
    accent: RGB


_KEYWORD_PALETTES: list[tuple[tuple[str, ...], Palette]] = [
    (
        ("noir", "black and white", "monochrome", "grayscale"),
        Palette((70, 70, 74), (18, 18, 20), (225, 225, 225)),
    ),
    (("neon", "cyberpunk", "synthwave"), Palette((48, 10, 86), (10, 4, 30), (0, 240, 255))),
    (
        ("warm", "sunset", "golden", "autumn", "cozy"),
        Palette((255, 176, 96), (176, 58, 46), (255, 232, 170)),
    ),
    (("cool", "icy", "winter", "cold"), Palette((168, 210, 240), (40, 72, 128), (230, 248, 255))),
    (
        ("watercolor", "watercolour", "pastel"),
        Palette((246, 226, 236), (164, 196, 222), (238, 150, 170)),
    ),
    (
        ("vintage", "sepia", "retro", "film"),
        Palette((222, 196, 150), (108, 78, 52), (250, 236, 200)),
    ),
    (
        ("night", "space", "galaxy", "stars", "dark"),
        Palette((22, 28, 68), (4, 6, 18), (255, 214, 120)),
    ),
    (
        ("ocean", "sea", "underwater", "water"),
        Palette((64, 170, 210), (10, 52, 104), (200, 244, 255)),
    ),
    (
        ("forest", "nature", "green", "garden", "plant"),
        Palette((150, 208, 150), (34, 86, 56), (242, 232, 150)),
    ),
]


def _hsv(h: float, s: float, v: float) -> RGB:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
    return int(r * 255), int(g * 255), int(b * 255)


def palette_for(style: str, prompt: str) -> Palette:
    """Colours a person would expect from the words: the style first, then the prompt."""
    for text in (style.lower(), prompt.lower()):
        for words, palette in _KEYWORD_PALETTES:
            if any(word in text for word in words):
                return palette
    hue = int(hashlib.sha256(prompt.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    return Palette(_hsv(hue, 0.45, 0.95), _hsv(hue + 0.08, 0.7, 0.45), _hsv(hue + 0.5, 0.35, 1.0))


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
    for _ in range(36):
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


def _panel(request: ShotRequest, palette: Palette) -> Image.Image:
    """The shot's title on a translucent card, fitted inside the title-safe width."""
    w, h = request.width, request.height
    short = min(w, h)
    panel_w = int(w * TITLE_SAFE)
    pad = max(8, int(short * 0.035))
    fitted = fit(
        request.title, max(14, int(short * 0.075)), panel_w - 3 * pad, 2,
        min_size=max(10, int(short * 0.045)),
    )  # fmt: skip
    line_h = int(fitted.size * LINE_SPACING)
    panel_w = int(min(panel_w, max(text_width(t, fitted.size) for t in fitted.lines) + 3.5 * pad))
    panel_h = 2 * pad + len(fitted.lines) * line_h
    card = Image.new("RGBA", (panel_w, panel_h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(card)
    draw.rounded_rectangle((0, 0, panel_w - 1, panel_h - 1), radius=pad, fill=(10, 10, 16, 165))
    draw.rounded_rectangle(
        (0, 0, max(4, pad // 3), panel_h - 1), radius=2, fill=(*palette.accent, 255)
    )
    for number, text in enumerate(fitted.lines):
        draw_line(card, (int(pad * 1.5), pad + number * line_h), text, fitted.size,
                  (255, 255, 255, 255))  # fmt: skip
    return card


def _ease(t: float) -> float:
    return t * t * (3 - 2 * t)


def _view(camera: Camera, t: float, w: int, h: int) -> tuple[float, float, float]:
    """(dx, dy, zoom) of the camera at time t in [0, 1]; offsets in canvas pixels."""
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
    return 0.0, 0.0, 1.0


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

    name = "animatic-v2"
    chains_shots = False

    def generate(self, request: ShotRequest, output: Path, progress: Progress) -> Clip:
        w, h = request.width, request.height
        canvas_size = (int(w * CANVAS_MARGIN), int(h * CANVAS_MARGIN))
        rng = random.Random(request.seed)
        palette = palette_for(request.style, request.prompt)
        scene = _scene(*canvas_size, palette, rng)
        window = _Window(np.asarray(scene))
        particles = _particles(*canvas_size, palette, rng)
        panel = _panel(request, palette)
        panel_alpha = panel.getchannel("A")
        margin = int(min(w, h) * 0.05)
        panel_xy = (margin, margin)  # top: the bottom is kept for captions
        fade_frames = max(1, int(request.fps * 0.6))
        centre = (canvas_size[0] / 2, canvas_size[1] / 2)

        writer = FrameWriter(output, width=w, height=h, fps=request.fps)
        try:
            for index in range(request.frames):
                t = index / max(1, request.frames - 1)
                dx, dy, zoom = _view(request.camera, t, w, h)
                frame = _camera_frame(scene, window, (dx, dy, zoom), w, h)
                # particles sit nearer the camera: they move further and grow faster
                near_x = centre[0] + 1.6 * dx + 0.04 * w * math.sin(math.tau * t)
                near_y = centre[1] + 1.6 * dy + 0.1 * h * (0.5 - t)
                near_zoom = zoom**1.3
                for particle in particles:
                    size = particle.sprite.size[0]
                    x = w / 2 + (particle.x - near_x) * near_zoom - size / 2
                    y = h / 2 + (particle.y - near_y) * near_zoom - size / 2
                    if -size < x < w and -size < y < h:
                        frame.paste(particle.sprite, (round(x), round(y)), particle.sprite)
                if index < fade_frames:
                    strength = (index + 1) / fade_frames
                    mask = panel_alpha.point(lambda v, s=strength: int(v * s))
                    frame.paste(
                        panel, (panel_xy[0], panel_xy[1] - int((1 - strength) * margin)), mask
                    )
                else:
                    frame.paste(panel, panel_xy, panel_alpha)
                writer.write(np.asarray(frame))
                progress((index + 1) / request.frames)
        finally:
            writer.close()
        return Clip(path=output, frames=request.frames, width=w, height=h, fps=request.fps)
