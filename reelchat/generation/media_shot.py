"""A person's own picture or clip as an animatic shot: framed, moved (Ken Burns), highlighted.

Framing: a picture whose aspect is close to the frame's (within COVER_LIMIT) fills it, cropped
at the edges (cover); one further off (a phone screenshot in a landscape video) is shown whole
(letterbox) over a blurred, darkened copy of itself, so nothing of a screenshot is cut.

The camera move becomes a path of views (centre and zoom in picture terms): zoom_in starts on
the whole picture and ends framing the focus region; zoom_out the reverse; pans and tilts cross
the picture and end on the focus when there is one (a letterboxed picture, with no room to
cross, glides over its backdrop instead); static holds (on the focus if given). A zoom always
moves at least MIN_ZOOM_MOVE, even toward a focus region as tall or wide as the picture.
Without a focus, moves head for the highlight, else the picture's most detailed area
(point_of_interest); every view keeps a highlighted region whole in the frame.
Each frame is one bilinear resample of a sub-pixel box of the source (Pillow's resize), so
motion is smooth to the sub-pixel; the source is scaled once, before the first frame, to what
the largest zoom needs (plus smaller copies for the wider views), never per frame.

A clip is sampled at the storyboard's fps and fitted to the shot's frame count: trimmed when
longer, slowed down (each frame shown longer) when it lasts at least half the shot, looped when
shorter than that. Its frames get the same framing, move and highlight.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageOps

from reelchat.errors import RenderFailed
from reelchat.generation.media import probe
from reelchat.storyboard.models import Camera, Region, ShotMedia

RGB = tuple[int, int, int]

DRAWN_FIELDS = frozenset({"media", "camera", "width", "height", "fps", "frames"})
"""The ShotRequest fields a shot drawn by media_frames uses (the highlight's colour aside):
the picture or clip with its focus and highlight, the move and the shape; not the title,
prompt, style or seed (generation.cache keys a backend that draws pictures on these)."""

COVER_LIMIT = 1.25
"""Largest ratio between the picture's and the frame's aspects that is cropped to fill the
frame (cover); beyond it the picture is letterboxed. 1.25 crops at most a fifth of the picture:
a 3:2 photo fills a 16:9 frame, a 4:3 screenshot or a portrait phone photo is shown whole."""
MAX_ZOOM = 4.0
"""A focus region is never magnified beyond this (past it a screenshot turns to blur)."""
MOVE_ZOOM = 1.25
"""Zoom of a move without a focus region (zoom_in's end, a pan's window)."""
MIN_ZOOM_MOVE = 1.15
"""A zoom move goes at least this far in (or out), even when the focus region is as wide or
as tall as the picture and framing it whole needs no zoom."""
LETTERBOX_PAN = 0.1
"""How far a letterboxed picture glides each way on a pan across its backdrop, in frames."""
FOCUS_MARGIN = 1.15
"""The focus region fills the frame less this margin, so its edges stay visible."""
DEFAULT_HIGHLIGHT: RGB = (255, 196, 0)
"""The highlight's colour when the storyboard has no brand colour (an amber accent)."""
HIGHLIGHT_IN_SECONDS = 0.5
"""The highlight box grows in (from 40 % of its size, fading in) this long."""
PULSE_SECONDS = 0.5
"""Then one ring pulses out of it this long, so the eye finds it within the first second."""
LEVEL_STEP = math.sqrt(2)
"""Ratio between successive scaled copies of a picture: a frame resamples from the closest one
above its scale, shrinking it by less than this (fewer filter taps than halving needs)."""
KEEP_MARGIN = 0.06
"""Room kept around a highlighted region inside the moving view, as a share of the view (its
box, line and pulse are drawn there)."""
DETAIL_GRID = 64
"""Width and height (at most) of the grey copy on which point_of_interest measures detail."""
BACKDROP_DIM = 0.45
"""Brightness kept by the blurred copy behind a letterboxed picture."""


def _ease(t: float) -> float:
    return t * t * (3 - 2 * t)


@dataclass(frozen=True)
class View:
    """Where the camera looks: the centre in fractions of the picture and the zoom relative to
    the base framing (1 = the whole picture, covered or letterboxed)."""

    x: float
    y: float
    zoom: float


@dataclass(frozen=True)
class Framing:
    """How a picture of `source` size sits in a frame of `frame` size."""

    source: tuple[int, int]
    frame: tuple[int, int]

    @property
    def ratio(self) -> float:
        """How far apart the two aspects are (>= 1)."""
        (sw, sh), (fw, fh) = self.source, self.frame
        a, b = sw / sh, fw / fh
        return max(a / b, b / a)

    @property
    def cover(self) -> bool:
        return self.ratio <= COVER_LIMIT

    @property
    def base_scale(self) -> float:
        """Frame pixels per picture pixel at zoom 1."""
        (sw, sh), (fw, fh) = self.source, self.frame
        pick = max if self.cover else min
        return pick(fw / sw, fh / sh)

    def half_view(self, zoom: float) -> tuple[float, float]:
        """Half the frame's width and height in fractions of the picture at `zoom`."""
        (sw, sh), (fw, fh) = self.source, self.frame
        scale = self.base_scale * zoom
        return fw / (2 * scale * sw), fh / (2 * scale * sh)

    def clamp(self, view: View) -> View:
        """The view moved (not zoomed) so it shows no area outside the picture where the
        picture is larger than the frame; where it is smaller, so the picture stays whole in
        the frame (and the view's centre on the picture)."""
        hx, hy = self.half_view(view.zoom)
        return View(_within(view.x, hx), _within(view.y, hy), view.zoom)

    def framing(self, region: Region) -> View:
        """The view that shows `region` whole and as large as it fits (with FOCUS_MARGIN), no
        less than the whole picture and at most MAX_ZOOM."""
        hx, hy = self.half_view(1.0)
        zoom = min(2 * hx / region.width, 2 * hy / region.height) / FOCUS_MARGIN
        zoom = min(MAX_ZOOM, max(1.0, zoom))
        return self.clamp(View(region.x + region.width / 2, region.y + region.height / 2, zoom))


def _within(centre: float, half: float) -> float:
    """A view centre on one axis (picture fractions) kept where the view of half-size `half`
    shows only picture (half < 0.5), or the whole picture and the centre on it (half >= 0.5)."""
    if half < 0.5:
        return min(max(centre, half), 1 - half)
    return min(max(centre, max(0.0, 1 - half)), min(1.0, half))


def _closer(
    framing: Framing, focus: Region | None, target: View | None, interest: tuple[float, float]
) -> View:
    """The view a zoom move reaches: the focus framing, but always at least MIN_ZOOM_MOVE
    (toward the focus centre) so a focus as wide or tall as the picture still zooms; without
    a focus, MOVE_ZOOM toward `interest` (picture fractions)."""
    if target is None:
        return framing.clamp(View(*interest, MOVE_ZOOM))
    if target.zoom >= MIN_ZOOM_MOVE or focus is None:
        return target
    centre = View(focus.x + focus.width / 2, focus.y + focus.height / 2, MIN_ZOOM_MOVE)
    return framing.clamp(centre)


def _letterbox_pan(start: View, end: View, half: float, sign: int, axis: str) -> tuple[View, View]:
    """A pan along an axis where the picture is narrower than the frame (a letterbox): the
    picture itself glides across its backdrop, up to LETTERBOX_PAN of the frame each way
    (less when the picture nearly fills the frame: it stays whole), instead of a window that
    has nowhere to go. `half` is the view's half-size along the move, in picture fractions."""
    reach = min(half - 0.5, LETTERBOX_PAN * 2 * half, 0.45)
    first, last = 0.5 - sign * reach, 0.5 + sign * reach
    if axis == "x":
        return View(first, start.y, start.zoom), View(last, end.y, end.zoom)
    return View(start.x, first, start.zoom), View(end.x, last, end.zoom)


def camera_path(
    camera: Camera, framing: Framing, focus: Region | None,
    interest: tuple[float, float] = (0.5, 0.5),
) -> tuple[View, View]:  # fmt: skip
    """The views a shot starts and ends on for its camera move (eased in between). Without a
    focus region a zoom heads toward `interest` (picture fractions: the highlight, or the
    picture's most detailed area, see point_of_interest), and a pan or tilt crosses the
    picture level with it."""
    whole = View(0.5, 0.5, 1.0)
    target = framing.framing(focus) if focus else None
    match camera:
        case Camera.zoom_in:
            return whole, _closer(framing, focus, target, interest)
        case Camera.zoom_out:
            return _closer(framing, focus, target, interest), whole
        case Camera.pan_left | Camera.pan_right | Camera.tilt_up | Camera.tilt_down:
            zoom = max(MOVE_ZOOM, target.zoom if target else 1.0)
            hx, hy = framing.half_view(zoom)
            end = target or View(*interest, zoom)
            sign = 1 if camera in (Camera.pan_right, Camera.tilt_down) else -1
            if camera in (Camera.pan_left, Camera.pan_right):
                far = 0.0 if sign > 0 else 1.0  # start from the opposite side
                start = View(far + sign * hx, end.y, zoom)
                if not target:
                    end = View(1.0 - far - sign * hx, end.y, zoom)
            else:
                far = 0.0 if sign > 0 else 1.0
                start = View(end.x, far + sign * hy, zoom)
                if not target:
                    end = View(end.x, 1.0 - far - sign * hy, zoom)
            start, end = framing.clamp(start), framing.clamp(View(end.x, end.y, zoom))
            axis = "x" if camera in (Camera.pan_left, Camera.pan_right) else "y"
            half = hx if axis == "x" else hy
            if half >= 0.5:  # the picture is narrower than the frame along the move
                start, end = _letterbox_pan(start, end, half, sign, axis)
            return start, end
        case Camera.orbit:  # no depth in a flat picture: a slow arc across it, slightly closer
            return View(0.42, 0.55, 1.1), View(0.58, 0.45, 1.2)
    held = target or whole
    return held, held


def view_at(
    start: View, end: View, t: float, framing: Framing, keep: Region | None = None
) -> View:
    """The view at time t in [0, 1]: eased, with the zoom changing geometrically (steady to
    the eye) and the centre kept where the picture has room; moved (not zoomed) so that
    `keep` (the highlighted region) stays whole in the frame, with KEEP_MARGIN around it,
    wherever the view is wide enough for it (else centred on it)."""
    e = _ease(t)
    zoom = start.zoom * (end.zoom / start.zoom) ** e
    x, y = start.x + (end.x - start.x) * e, start.y + (end.y - start.y) * e
    if keep is not None:
        hx, hy = framing.half_view(zoom)
        x = _containing(x, hx, keep.x, keep.x + keep.width)
        y = _containing(y, hy, keep.y, keep.y + keep.height)
    return framing.clamp(View(x, y, zoom))


def _containing(centre: float, half: float, low: float, high: float) -> float:
    """A view centre on one axis moved the least so [low, high] (with KEEP_MARGIN of the
    view) lies inside the view of half-size `half`; the region's centre when it cannot."""
    margin = KEEP_MARGIN * 2 * half
    if high - low + 2 * margin > 2 * half:
        return (low + high) / 2
    return min(max(centre, high + margin - half), low - margin + half)


def point_of_interest(picture: Image.Image, framing: Framing) -> tuple[float, float]:
    """Where a move without a focus region heads (picture fractions): the centre of the
    window, as large as the view at MOVE_ZOOM, holding the most detail. Detail is edge
    density: the mean absolute difference of neighbouring pixels on a grey copy at most
    DETAIL_GRID pixels wide, summed over the window. A picture with the same detail
    everywhere (or none) gives its middle: ties go to the window closest to it."""
    grey = picture.convert("L")
    grey.thumbnail((DETAIL_GRID, DETAIL_GRID), Image.Resampling.BOX)
    pixels = np.asarray(grey, dtype=np.float32)
    rows, cols = pixels.shape
    if rows < 3 or cols < 3:
        return 0.5, 0.5
    edges = np.zeros_like(pixels)
    edges[:, 1:] += np.abs(np.diff(pixels, axis=1))
    edges[1:, :] += np.abs(np.diff(pixels, axis=0))
    summed = np.pad(edges.cumsum(0).cumsum(1), ((1, 0), (1, 0)))
    hx, hy = (min(0.5, half) for half in framing.half_view(MOVE_ZOOM))
    best, best_score = (0.5, 0.5), -1.0
    steps = np.linspace(0.0, 1.0, 9)
    for y in steps * (1 - 2 * hy) + hy:
        for x in steps * (1 - 2 * hx) + hx:
            c0, c1 = round((x - hx) * cols), round((x + hx) * cols)
            r0, r1 = round((y - hy) * rows), round((y + hy) * rows)
            score = float(summed[r1, c1] - summed[r0, c1] - summed[r1, c0] + summed[r0, c0])
            near = (x - 0.5) ** 2 + (y - 0.5) ** 2
            best_near = (best[0] - 0.5) ** 2 + (best[1] - 0.5) ** 2
            if score > best_score * 1.02 or (score >= best_score / 1.02 and near < best_near):
                best, best_score = (float(x), float(y)), score
    return best


class Source:
    """A picture scaled once for a shot: levels at the largest zoom's resolution and smaller by
    steps of LEVEL_STEP, so each frame is one resample (Pillow's resize with a sub-pixel box)
    from the level closest above the frame's scale, shrinking by less than LEVEL_STEP.

    A view that lies inside an opaque picture is that resample alone, in RGB. A view that
    shows past the picture's edge (a letterbox) or a transparent picture uses the levels in
    premultiplied RGBA with a transparent border (made on first use), so the edges stay clean,
    laid over the backdrop."""

    def __init__(
        self, picture: Image.Image, framing: Framing, max_zoom: float, *, scaled_copies: bool = True
    ) -> None:
        self.framing = framing
        sw, sh = framing.source
        self.opaque = picture.mode == "RGB" or picture.getchannel("A").getextrema()[0] == 255
        needed = min(1.0, framing.base_scale * max_zoom)  # level pixels per source pixel
        size = (max(1, round(sw * needed)), max(1, round(sh * needed)))
        # RGB when nothing is transparent (cheaper to scale); else premultiplied (clean edges)
        picture = picture.convert("RGB" if self.opaque else "RGBa")
        if size != picture.size:
            picture = picture.resize(size, Image.Resampling.LANCZOS, reducing_gap=1.0)
        levels = [picture]
        least = framing.base_scale  # the widest view (zoom 1) needs no more than this
        while scaled_copies and levels[-1].width / LEVEL_STEP >= sw * least * 0.999:
            previous = levels[-1]
            if len(levels) >= 2 and min(levels[-2].size) >= 8:  # two steps down: a halving
                levels.append(levels[-2].reduce(2))
            else:
                smaller = (round(previous.width / LEVEL_STEP), round(previous.height / LEVEL_STEP))
                levels.append(previous.resize(smaller, Image.Resampling.LANCZOS))
        self.levels = levels
        self._bordered: dict[int, Image.Image] = {}

    @property
    def smallest(self) -> Image.Image:
        """The least level (the backdrop is made from it)."""
        return self.levels[-1]

    def _with_border(self, number: int) -> Image.Image:
        """Level `number` in premultiplied RGBA inside a transparent border a frame wide and
        high: a view's centre is inside the picture (Framing.clamp) and a level has at least
        one pixel per frame pixel, so a view reaches less than a frame past the edge."""
        if number not in self._bordered:
            level = self.levels[number].convert("RGBa")
            fw, fh = self.framing.frame
            bordered = Image.new("RGBa", (level.width + 2 * fw, level.height + 2 * fh))
            bordered.paste(level, (fw, fh))
            self._bordered[number] = bordered
        return self._bordered[number]

    def frame(self, view: View, background: Image.Image | None) -> tuple[Image.Image, Affine]:
        """The RGB frame at `view`: the picture over `background` (RGBA, the frame's size;
        only needed for a view past the edge or a transparent picture), and the mapping from
        picture fractions to frame pixels."""
        fw, fh = self.framing.frame
        sw, sh = self.framing.source
        scale = self.framing.base_scale * view.zoom  # frame px per original picture px
        chosen = 0
        for number, level in enumerate(self.levels):  # the smallest level still as sharp
            if level.width / sw >= scale * 0.999:
                chosen = number
            else:
                break
        level = self.levels[chosen]
        lw, lh = level.size
        per = scale * sw / lw  # frame px per level px
        left = view.x * lw - fw / (2 * per)
        top = view.y * sh * lw / sw - fh / (2 * per)  # the level's height is about sh * lw / sw
        box = (left, top, left + fw / per, top + fh / per)
        slack = 0.5  # level sizes are rounded: up to half a pixel past the edge is the edge
        inside = (
            box[0] >= -slack
            and box[1] >= -slack
            and box[2] <= lw + slack
            and (box[3] <= lh + slack)
        )
        if self.opaque and inside:
            clipped = (max(0.0, box[0]), max(0.0, box[1]), min(lw, box[2]), min(lh, box[3]))
            frame = level.resize((fw, fh), Image.Resampling.BILINEAR, box=clipped)
        else:
            shifted = (box[0] + fw, box[1] + fh, box[2] + fw, box[3] + fh)
            picture = self._with_border(chosen).resize(
                (fw, fh), Image.Resampling.BILINEAR, box=shifted
            )
            layered = (
                background.copy()
                if background is not None
                else Image.new("RGBA", (fw, fh), (0, 0, 0, 255))
            )
            layered.alpha_composite(picture.convert("RGBA"))
            frame = layered.convert("RGB")
        mapping = Affine(scale * sw, scale * sh, fw / 2 - view.x * scale * sw,
                         fh / 2 - view.y * scale * sh)  # fmt: skip
        return frame, mapping


@dataclass(frozen=True)
class Affine:
    """Picture fractions (0..1) to frame pixels: x_px = sx * x + ox, y_px = sy * y + oy."""

    sx: float
    sy: float
    ox: float
    oy: float

    def box(self, region: Region) -> tuple[float, float, float, float]:
        return (
            self.sx * region.x + self.ox,
            self.sy * region.y + self.oy,
            self.sx * (region.x + region.width) + self.ox,
            self.sy * (region.y + region.height) + self.oy,
        )


def backdrop(picture: Image.Image, size: tuple[int, int]) -> Image.Image:
    """The frame-sized layer behind the picture: a blurred, darkened cover-crop of itself (only
    seen around a letterboxed picture, or through a transparent one)."""
    small = picture.convert("RGBA").convert("RGB")
    small.thumbnail((max(8, size[0] // 8), max(8, size[1] // 8)), Image.Resampling.BOX)
    cover = ImageOps.fit(small, (max(1, size[0] // 8), max(1, size[1] // 8)))
    blurred = cover.filter(ImageFilter.GaussianBlur(max(1.0, min(cover.size) * 0.06)))
    dark = blurred.point(lambda v: int(v * BACKDROP_DIM))
    return dark.resize(size, Image.Resampling.BILINEAR).convert("RGBA")


def draw_highlight(
    frame: Image.Image, box: tuple[float, float, float, float], colour: RGB, seconds: float
) -> None:
    """A rounded box around `box` (frame pixels) in `colour` on the RGB `frame`: it grows in
    and fades in over HIGHLIGHT_IN_SECONDS, one ring pulses out of it for PULSE_SECONDS, then
    it holds. A box (or ring) reaching past the frame's edge is drawn along the edge instead,
    so all four sides show. Only the part of the frame around the box is touched."""
    short = min(frame.size)
    line = max(2, round(short * 0.012))
    pad = line * 1.5
    x0, y0, x1, y1 = box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad
    grow = _ease(min(1.0, seconds / HIGHLIGHT_IN_SECONDS))
    pulse = (seconds - HIGHLIGHT_IN_SECONDS) / PULSE_SECONDS
    reach = 1.25 if 0.0 <= pulse <= 1.0 else 1.0  # how far the ring reaches out
    half_w, half_h = (x1 - x0) / 2 * reach + line, (y1 - y0) / 2 * reach + line
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    bounds = (
        max(0, math.floor(cx - half_w)), max(0, math.floor(cy - half_h)),
        min(frame.width, math.ceil(cx + half_w)), min(frame.height, math.ceil(cy + half_h)),
    )  # fmt: skip
    if bounds[2] <= bounds[0] or bounds[3] <= bounds[1]:
        return
    area = frame.crop(bounds).convert("RGBA")
    layer = Image.new("RGBA", area.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    ox, oy = cx - bounds[0], cy - bounds[1]

    def rounded(scale: float, alpha: float, width: int) -> None:
        hw, hh = (x1 - x0) / 2 * scale, (y1 - y0) / 2 * scale
        if hw < 1 or hh < 1 or alpha <= 0:
            return
        # kept inside the frame (the outline is drawn inward from these bounds)
        left = max(ox - hw, -bounds[0])
        top = max(oy - hh, -bounds[1])
        right = min(ox + hw, frame.width - 1 - bounds[0])
        bottom = min(oy + hh, frame.height - 1 - bounds[1])
        if right - left < 2 * width or bottom - top < 2 * width:
            return
        radius = min((right - left) / 2, (bottom - top) / 2, short * 0.03)
        draw.rounded_rectangle((left, top, right, bottom), radius=radius,
                               outline=(*colour, round(255 * alpha)), width=width)  # fmt: skip

    rounded(0.4 + 0.6 * grow, grow, line)
    if 0.0 <= pulse <= 1.0:
        rounded(1.0 + 0.25 * pulse, 0.8 * (1 - pulse), max(1, line // 2))
    area.alpha_composite(layer)
    frame.paste(area.convert("RGB"), bounds[:2])


def open_picture(path: Path) -> Image.Image:
    """The stored picture (a normalised PNG) as RGB or RGBA; RenderFailed when it cannot be
    decoded."""
    try:
        with Image.open(path) as image:
            image.load()
            return image if image.mode in ("RGB", "RGBA") else image.convert("RGBA")
    except (OSError, ValueError) as error:
        raise RenderFailed(f"the picture of this shot cannot be read ({error})") from None


def clip_frame_indices(available: int, wanted: int) -> list[int]:
    """Which of a clip's `available` frames (at the shot's fps) fill `wanted` frames: the first
    `wanted` when it is long enough; spread out (slowed down, at most 2x) when it has at least
    half; repeated from the start (looped) when shorter."""
    if available <= 0:
        raise RenderFailed("the clip of this shot has no frames")
    if available >= wanted:
        return list(range(wanted))
    if 2 * available >= wanted:
        return [i * available // wanted for i in range(wanted)]
    return [i % available for i in range(wanted)]


def _decode(path: Path, fps: float, size: tuple[int, int]) -> Iterator[Image.Image]:
    """The clip's frames at `fps` and `size` (scaled by ffmpeg while decoding), streamed."""
    reader = imageio_ffmpeg.read_frames(
        str(path), output_params=["-vf", f"fps={fps},scale={size[0]}:{size[1]}:flags=area"]
    )
    try:
        meta = next(reader)
        width, height = meta["size"]
        for raw in reader:
            yield Image.frombytes("RGB", (width, height), raw)
    finally:
        reader.close()


def clip_frames(
    path: Path, fps: float, wanted: int, size: tuple[int, int]
) -> Iterator[Image.Image]:
    """The clip's frames resampled to `fps`, scaled to `size` and fitted to `wanted` frames
    (clip_frame_indices). Streamed: a loop decodes the clip again rather than holding it."""
    info = probe(path)
    available = max(1, math.floor(info.duration * fps + 1e-6))
    decoded = _decode(path, fps, size)
    position, current = -1, None
    for index in clip_frame_indices(min(available, wanted), wanted):
        if index < position:  # looping: start the clip again
            decoded.close()
            decoded = _decode(path, fps, size)
            position = -1
        while position < index:
            following = next(decoded, None)
            if following is None:  # the clip held fewer frames than its duration said
                break
            current, position = following, position + 1
        if current is None:
            raise RenderFailed("the clip of this shot has no frames that can be decoded")
        yield current
    decoded.close()


def media_frames(
    media: ShotMedia, file: Path, camera: Camera, *, size: tuple[int, int], fps: float,
    frames: int, highlight: RGB,
) -> Iterator[np.ndarray]:  # fmt: skip
    """The shot's `frames` RGB frames (height, width, 3) of `size` showing the picture or clip
    in `file`: framed, moved by `camera` toward `media.focus`, with `media.highlight` drawn."""
    clip = file.suffix == ".mp4"
    if clip:
        info = probe(file)
        source_size = (info.width, info.height)
        first = None
    else:
        first = open_picture(file)
        source_size = first.size
    framing = Framing(source_size, size)
    highlight_box = media.highlight
    if highlight_box is not None:
        interest = (highlight_box.x + highlight_box.width / 2,
                    highlight_box.y + highlight_box.height / 2)  # fmt: skip
    elif first is not None and media.focus is None:
        interest = point_of_interest(first, framing)
    else:
        interest = (0.5, 0.5)
    start, end = camera_path(camera, framing, media.focus, interest)
    largest = max(start.zoom, end.zoom)
    if clip:
        scale = min(1.0, framing.base_scale * largest)
        decoded = (max(2, round(source_size[0] * scale)), max(2, round(source_size[1] * scale)))
        pictures: Iterator[Image.Image] = clip_frames(file, fps, frames, decoded)
    else:
        pictures = iter([first] * frames)  # type: ignore[list-item]
    source = background = None
    for number, picture in enumerate(pictures):
        if clip or source is None:
            source = Source(picture, framing, largest, scaled_copies=not clip)
            background = backdrop(source.smallest, size)
        t = number / max(1, frames - 1)
        frame, mapping = source.frame(view_at(start, end, t, framing, highlight_box), background)
        if media.highlight is not None:
            draw_highlight(frame, mapping.box(media.highlight), highlight, number / fps)
        yield np.asarray(frame)
