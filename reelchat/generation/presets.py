"""Video-diffusion model presets: which diffusers pipeline, which weights, and how to drive them.

A preset is picked by name (`REELCHAT_MODEL=wan2.1-t2v-1.3b`) or made from any local diffusers
folder. Figures (sizes, frame counts, steps) are the model authors' recommended settings.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from pathlib import Path

from reelchat.errors import ReelchatError


class UnknownPreset(ReelchatError):
    """The model setting names no preset and no diffusers folder."""


@dataclass(frozen=True)
class Preset:
    name: str
    family: str
    """'wan', 'ltx' or 'cogvideox': decides the frame and size rules."""
    pipeline: str
    """diffusers class for text-to-video."""
    model: str
    """Hub id or local folder of the text-to-video weights."""
    i2v_pipeline: str | None = None
    """diffusers class for image-to-video, used to chain shots and continue long ones."""
    i2v_model: str | None = None
    """Separate image-to-video weights; None means the same components serve both."""
    upsampler: str | None = None
    """Hub id or local folder of the model's own latent upsampler (a diffusers
    LTXLatentUpsamplePipeline folder); None: the spatial stage resamples only."""
    dtype: str = "bfloat16"
    width: int = 832
    height: int = 480
    frames: int = 81
    """Longest clip the model makes in one call."""
    fps: int = 16
    steps: int = 50
    guidance: float = 5.0
    size_multiple: int = 16
    frame_step: int = 4
    """Valid frame counts are frame_step * k + 1."""
    fixed_size: bool = False
    """The model renders one size only; other aspects are cropped from it."""
    vram_gb: float = 24.0
    """Roughly what text-to-video needs on the GPU with nothing offloaded, in GiB (computed:
    weights at their load dtype plus activations at the native size; see README)."""
    i2v_vram_gb: float = 0.0
    """What the separate image-to-video weights add when they are loaded too (0: none)."""
    shares_text_encoder: bool = False
    """The image-to-video weights use the same text encoder and tokenizer as text-to-video (Wan
    2.1 1.3B and 14B both use UMT5-XXL), so one copy serves both pipelines."""
    float32_modules: tuple[str, ...] = ()
    """Components the model authors run in float32 whatever the rest uses (Wan's VAE and the
    I2V image encoder, per the diffusers Wan examples)."""
    negative_prompt: str = ""
    """The model authors' default negative prompt; a shot's own one is added before it."""
    tiny: bool = False
    """Random-weight test model built locally (see generation.tiny)."""

    def frame_count(self, wanted: int) -> int:
        """The smallest valid frame count >= wanted (capped at the model's longest clip)."""
        count = max(1, math.ceil((wanted - 1) / self.frame_step)) * self.frame_step + 1
        return min(count, self.frames)

    def render_size(self, aspect: float) -> tuple[int, int]:
        """(width, height) to render at for a frame aspect (width / height)."""
        if self.fixed_size:
            return self.width, self.height
        area = self.width * self.height
        width = math.sqrt(area * aspect)
        height = area / width
        step = self.size_multiple
        return max(step, round(width / step) * step), max(step, round(height / step) * step)


WAN_NEGATIVE_PROMPT = (
    "Bright tones, overexposed, static, blurred details, subtitles, style, works, paintings, "
    "images, static, overall gray, worst quality, low quality, JPEG compression residue, ugly, "
    "incomplete, extra fingers, poorly drawn hands, poorly drawn faces, deformed, disfigured, "
    "misshapen limbs, fused fingers, still picture, messy background, three legs, many people in "
    "the background, walking backwards"
)
"""The negative prompt of the diffusers Wan examples (pipeline_wan.py, in English there)."""
LTX_NEGATIVE_PROMPT = "worst quality, inconsistent motion, blurry, jittery, distorted"
"""The negative prompt of the diffusers LTX-Video examples (pipeline_ltx.py)."""


PRESETS: dict[str, Preset] = {
    preset.name: preset
    for preset in (
        Preset(
            name="wan2.1-t2v-1.3b",
            family="wan",
            pipeline="WanPipeline",
            model="Wan-AI/Wan2.1-T2V-1.3B-Diffusers",
            i2v_pipeline="WanImageToVideoPipeline",
            i2v_model="Wan-AI/Wan2.1-I2V-14B-480P-Diffusers",
            width=832,
            height=480,
            frames=81,
            fps=16,
            steps=50,
            guidance=5.0,
            vram_gb=20,
            i2v_vram_gb=37,
            shares_text_encoder=True,
            float32_modules=("vae", "image_encoder"),
            negative_prompt=WAN_NEGATIVE_PROMPT,
        ),  # fmt: skip
        Preset(
            name="wan2.2-ti2v-5b",
            family="wan",
            pipeline="WanPipeline",
            model="Wan-AI/Wan2.2-TI2V-5B-Diffusers",
            i2v_pipeline="WanImageToVideoPipeline",
            width=1280,
            height=704,
            frames=121,
            fps=24,
            steps=50,
            guidance=5.0,
            size_multiple=32,
            vram_gb=32,
            float32_modules=("vae",),
            negative_prompt=WAN_NEGATIVE_PROMPT,
        ),  # fmt: skip
        Preset(
            name="ltx-video",
            family="ltx",
            pipeline="LTXPipeline",
            model="Lightricks/LTX-Video",
            i2v_pipeline="LTXImageToVideoPipeline",
            upsampler="Lightricks/ltxv-spatial-upscaler-0.9.7",
            width=704,
            height=480,
            frames=161,
            fps=24,
            steps=50,
            guidance=3.0,
            size_multiple=32,
            frame_step=8,
            vram_gb=18,
            negative_prompt=LTX_NEGATIVE_PROMPT,
        ),  # fmt: skip
        Preset(
            name="cogvideox-2b",
            family="cogvideox",
            pipeline="CogVideoXPipeline",
            model="THUDM/CogVideoX-2b",
            dtype="float16",
            width=720,
            height=480,
            frames=49,
            fps=8,
            steps=50,
            guidance=6.0,
            frame_step=8,
            fixed_size=True,
            vram_gb=18,
        ),  # fmt: skip
        Preset(
            name="cogvideox-5b",
            family="cogvideox",
            pipeline="CogVideoXPipeline",
            model="THUDM/CogVideoX-5b",
            i2v_pipeline="CogVideoXImageToVideoPipeline",
            i2v_model="THUDM/CogVideoX-5b-I2V",
            width=720,
            height=480,
            frames=49,
            fps=8,
            steps=50,
            guidance=6.0,
            frame_step=8,
            fixed_size=True,
            vram_gb=26,
            i2v_vram_gb=20,
        ),  # fmt: skip
        Preset(
            name="tiny-wan",
            family="wan",
            pipeline="WanPipeline",
            model="tiny-wan",
            i2v_pipeline="WanImageToVideoPipeline",
            i2v_model="tiny-wan-i2v",
            shares_text_encoder=True,
            float32_modules=("vae", "image_encoder"),
            negative_prompt="dark blurry",
            dtype="float32",
            width=64,
            height=48,
            frames=17,
            fps=8,
            steps=2,
            guidance=5.0,
            vram_gb=0.1,
            tiny=True,
        ),  # fmt: skip
        Preset(
            name="tiny-ltx",
            family="ltx",
            pipeline="LTXPipeline",
            model="tiny-ltx",
            i2v_pipeline="LTXImageToVideoPipeline",
            upsampler="tiny-ltx-upsampler",
            negative_prompt="dark blurry",
            dtype="float32",
            width=64,
            height=64,
            frames=17,
            fps=8,
            steps=2,
            guidance=3.0,
            size_multiple=32,
            frame_step=8,
            vram_gb=0.1,
            tiny=True,
        ),  # fmt: skip
    )
}

_FAMILY_OF_PIPELINE = {"WanPipeline": "wan", "LTXPipeline": "ltx", "CogVideoXPipeline": "cogvideox"}
DEFAULT_PRESET = "wan2.1-t2v-1.3b"


def resolve_preset(model: str | None) -> Preset:
    """A preset by name, or one made for a local diffusers folder (read from model_index.json)."""
    name = model or DEFAULT_PRESET
    if name in PRESETS:
        return PRESETS[name]
    folder = Path(name).expanduser()
    index = folder / "model_index.json"
    if not index.is_file():
        known = ", ".join(sorted(PRESETS))
        raise UnknownPreset(
            f"{name!r} is neither a preset ({known}) nor a diffusers folder with a model_index.json"
        )
    class_name = json.loads(index.read_text()).get("_class_name", "")
    if class_name not in _FAMILY_OF_PIPELINE:
        raise UnknownPreset(
            f"{folder} holds a {class_name or 'unknown'} pipeline; supported: "
            + ", ".join(sorted(_FAMILY_OF_PIPELINE))
        )
    family = _FAMILY_OF_PIPELINE[class_name]
    base = next(p for p in PRESETS.values() if p.family == family and not p.tiny)
    return replace(
        base,
        name=f"folder:{folder.resolve()}",
        pipeline=class_name,
        model=str(folder.resolve()),
        i2v_pipeline=image_to_video_of(folder, class_name),
        i2v_model=None,
        upsampler=None,
        i2v_vram_gb=0.0,
        shares_text_encoder=False,
    )


def _config(path: Path) -> dict[str, object]:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return {}


def image_to_video_of(folder: Path, class_name: str) -> str | None:
    """The image-to-video pipeline a text-to-video folder's own weights can drive, read from
    its configs; None when they cannot start from an image.

    LTX-Video conditions on an image through its latents, so one set of weights does both.
    A Wan transformer takes an image only when it was trained for it: Wan 2.2 TI2V
    (`expand_timesteps`, the image latents replace the first noise frame, in_channels == the
    VAE's z_dim). A Wan 2.1 text-to-video transformer (16 input channels) cannot: the
    image-to-video pipeline would feed it 36 (noise + image latents + mask)."""
    if class_name == "LTXPipeline":
        return "LTXImageToVideoPipeline"
    if class_name != "WanPipeline":
        return None
    index = _config(folder / "model_index.json")
    transformer = _config(folder / "transformer" / "config.json")
    vae = _config(folder / "vae" / "config.json")
    if index.get("expand_timesteps") and transformer.get("in_channels") == vae.get("z_dim"):
        return "WanImageToVideoPipeline"
    return None
