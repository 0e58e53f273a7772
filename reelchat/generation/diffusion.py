"""The diffusers backend: shots rendered by a video-diffusion model loaded once per process.

A shot longer than the model's longest clip is made of several generated segments, each one
started from the last frame of the one before through the preset's image-to-video pipeline
(or, without one, by playing one clip slower). Frames are then brought to the storyboard's fps
(motion-compensated interpolation by default, generation.stages) and size (for LTX-Video, a
half-size render whose latents its latent upsampler doubles), so the clip always
has exactly the frames the shot asks for. Progress comes from `callback_on_step_end`; raising
there (on cancel) stops the pipeline within one step.

torch and diffusers are imported only when this backend is used.
"""

from __future__ import annotations

import gc
import hashlib
import importlib.util
import inspect
import logging
import math
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from PIL import Image

from reelchat.config import Settings
from reelchat.errors import ReelchatError, RenderFailed, first_line
from reelchat.generation.backend import Clip, Progress, ShotRequest
from reelchat.generation.media import FrameWriter, read_frame
from reelchat.generation.media_shot import DRAWN_FIELDS
from reelchat.generation.presets import Preset, resolve_preset
from reelchat.generation.stages import Spatial, Temporal, to_fps
from reelchat.generation.tiny import ensure_tiny_model
from reelchat.storyboard.models import Camera

log = logging.getLogger(__name__)
GIB = 1024**3
T = TypeVar("T")

OFFLOAD_LADDER = ("none", "model", "group", "sequential")
"""Offload modes from fastest to leanest; after an out-of-memory error the next one is tried."""
MIN_VERSIONS = {"diffusers": "0.40", "torch": "2.5"}
"""diffusers reads `from_pretrained(..., dtype=)` from 0.40 (earlier versions ignore it and
load float32) and has TaylorSeerCacheConfig and pipeline-level group offload there;
torch.OutOfMemoryError exists from torch 2.5. Kept in step with pyproject's [diffusion] extra."""

CAMERA_WORDS: dict[Camera, str] = {
    Camera.static: "static camera, fixed shot",
    Camera.pan_left: "the camera pans left",
    Camera.pan_right: "the camera pans right",
    Camera.tilt_up: "the camera tilts up",
    Camera.tilt_down: "the camera tilts down",
    Camera.zoom_in: "the camera slowly zooms in",
    Camera.zoom_out: "the camera slowly zooms out",
    Camera.orbit: "the camera orbits around the subject",
}
"""A camera move as prompt words: the cinematography terms the Wan and LTX-Video prompt guides
use for camera motion (pan, tilt, zoom, orbit), which these text-conditioned models follow."""

TAYLORSEER_WARMUP_STEPS = 3
"""Steps TaylorSeer computes in full before it predicts (diffusers' default)."""
ATTENTION_MODULES = {
    "wan": r"blocks\.\d+\.attn[12]",
    "ltx": r"transformer_blocks\.\d+\.attn[12]",
    "cogvideox": r"transformer_blocks\.\d+\.attn[12]",
}
"""Each family's attention modules: what TaylorSeer predicts. Its own default patterns
(`^blocks.*attn`, fullmatched) match no module of these transformers (`blocks.0.attn1`)."""


class ModelUnavailable(ReelchatError):
    """The weights for a preset are not on this machine (and could not be downloaded)."""


class MissingDependency(ReelchatError):
    """An installed library is missing or too old for the diffusion backend."""


def check_versions(installed: dict[str, str]) -> None:
    """Raise MissingDependency naming what to upgrade when a version in `installed`
    (library name -> version string) is below MIN_VERSIONS."""
    from packaging.version import Version

    old = [
        f"{name} {installed[name]} (needs >= {floor})"
        for name, floor in MIN_VERSIONS.items()
        if name in installed and Version(installed[name]).release < Version(floor).release
    ]
    if old:
        raise MissingDependency(
            f"the diffusion backend needs newer libraries: {', '.join(old)}; run "
            "`pip install -U 'reelchat[diffusion]'`"
        )


def _check_environment(pipeline_class: str) -> None:
    import diffusers

    check_versions({"diffusers": diffusers.__version__, "torch": _torch().__version__})
    if pipeline_class.startswith("Wan") and importlib.util.find_spec("ftfy") is None:
        raise MissingDependency(
            f"diffusers' {pipeline_class} cleans prompts with ftfy, which is not installed; "
            "run `pip install 'reelchat[diffusion]'` (or `pip install ftfy`)"
        )


class OutOfMemory(RenderFailed):
    """A shot did not fit in memory even with every memory-saving level tried."""


def _is_out_of_memory(error: BaseException) -> bool:
    """CUDA's OutOfMemoryError, or another backend's allocator saying the same in words."""
    if isinstance(error, _torch().OutOfMemoryError):
        return True
    return isinstance(error, RuntimeError) and "out of memory" in str(error).lower()


@dataclass(frozen=True)
class DiffusionOptions:
    """Switches for memory and speed; each one is a setting (REELCHAT_OFFLOAD, ...)."""

    device: str | None = None
    steps: int | None = None
    offload: str = "auto"
    vae_tiling: bool = True
    compile: bool = False
    cache_hook: str = "none"
    chain_shots: bool = False
    max_batch: int = 4
    temporal_stage: Temporal = "minterpolate"
    spatial_stage: Spatial = "auto"


def _torch() -> Any:
    import torch

    return torch


def _pick_device(wanted: str | None) -> str:
    torch = _torch()
    if wanted:
        return wanted
    return "cuda" if torch.cuda.is_available() else "cpu"


def _dtype(preset: Preset, device: str) -> Any:
    """The compute dtype: the preset's, except float16 on the CPU (slow and often unsupported
    there), which becomes float32."""
    torch = _torch()
    if device == "cpu" and preset.dtype == "float16":
        return torch.float32
    return getattr(torch, preset.dtype)


def auto_offload(free_gib: float, need_gib: float) -> str:
    """The offload mode 'auto' picks: 'none' when everything fits in the free GPU memory,
    'model' (one component on the GPU at a time) when half of it does, else 'group'."""
    if free_gib >= need_gib:
        return "none"
    return "model" if free_gib >= need_gib / 2 else "group"


def module_dtypes(pipe: Any) -> dict[str, Any]:
    """Each model of a pipeline and the dtype of its weights (as diffusers and transformers
    report it: the modules a model keeps in float32 whatever it loads in do not count)."""
    torch = _torch()
    return {
        name: module.dtype
        for name, module in pipe.components.items()
        if isinstance(module, torch.nn.Module) and hasattr(module, "dtype")
    }


def share_components(pipeline_class: Any, pipe: Any) -> Any:
    """A `pipeline_class` pipeline on `pipe`'s own modules and settings, as they are.

    diffusers' `from_pipe` does the same but then casts every shared module to one dtype
    (float32 unless told), which would undo bf16 weights or a float32 VAE, and cast the
    modules a model keeps in float32 (lossy when cast back), so the modules are handed over
    here without it."""
    accepted = inspect.signature(pipeline_class.__init__).parameters
    components = {name: module for name, module in pipe.components.items() if name in accepted}
    settings = {
        name: value
        for name, value in pipe.config.items()
        if name in accepted and name not in components and not name.startswith("_")
    }
    return pipeline_class(**components, **settings)


def _reset_step_cache(pipe: Any) -> None:
    """Forget a step cache's per-call state (first-block residuals, Taylor factors). diffusers
    resets it only at the end of a finished call; after a cancel or an out-of-memory error the
    next call would compare against the stopped call's tensors."""
    for name in ("transformer", "transformer_2"):
        module = getattr(pipe, name, None)
        if module is not None and getattr(module, "is_cache_enabled", False):
            module._reset_stateful_cache()


def compile_transformer(transformer: Any) -> None:
    """torch.compile the transformer's repeated blocks (diffusers' regional compilation: each
    block class compiles once, in seconds) with dynamic shapes, so a new frame count, size or
    batch does not recompile; the whole model when it names no repeated blocks."""
    if getattr(transformer, "_repeated_blocks", None):
        transformer.compile_repeated_blocks(fullgraph=False, dynamic=True)
    else:
        transformer.compile(fullgraph=False, dynamic=True)


def _short_hash(value: object) -> str:
    return hashlib.sha256(repr(value).encode()).hexdigest()[:8]


def _download_hint(preset: Preset, model: str) -> str:
    return (
        f"the weights for preset {preset.name!r} ({model}) are not on this machine. Download them "
        f"with `huggingface-cli download {model}` (they go to the Hugging Face cache: $HF_HOME, "
        "default ~/.cache/huggingface; unset HF_HUB_OFFLINE to let reelchat fetch them), or set "
        "REELCHAT_MODEL to a local diffusers folder"
    )


class DiffusersBackend:
    """A VideoBackend on a diffusers pipeline; keeps its pipelines warm between shots."""

    consumes = frozenset(
        {"prompt", "negative_prompt", "camera", "seed", "style", "width", "height", "fps",
         "frames", "media"}
    )  # fmt: skip
    """What reaches the model (generation.cache keys on these): not the title. The camera move
    reaches it as prompt words (CAMERA_WORDS); the shot's picture as its first frame."""

    def __init__(self, preset: Preset, options: DiffusionOptions, models_dir: Path) -> None:
        self.consumes_with_media = DRAWN_FIELDS if preset.i2v_pipeline is None else None
        """A preset without image-to-video draws a picture shot as the animatic does, without
        brand colours (generate): its key holds only what that drawing uses."""
        self.preset = preset
        self.options = options
        self.models_dir = models_dir
        self.device = _pick_device(options.device)
        self.steps = options.steps or preset.steps
        self.chains_shots = options.chain_shots and preset.i2v_pipeline is not None
        self._text_to_video: Any = None
        self._image_to_video: Any = None
        self._upsampler: Any = None
        self._lock = threading.RLock()
        """One model call (or load) at a time: pipelines keep per-call state."""
        self.offload: str | None = None
        """The offload mode in use, once the first pipeline is placed ('auto' resolved)."""
        self.tiling = options.vae_tiling and self.device != "cpu"
        self.batch_cap = options.max_batch
        """Lowered to 1 after a batched call runs out of memory."""
        self.loads = 0
        """How many pipelines were loaded from disk: once each for a whole storyboard."""
        if options.spatial_stage == "latent-upsampler" and preset.upsampler is None:
            log.warning(
                "preset %r has no latent upsampler; the spatial stage resamples (Lanczos)",
                preset.name,
            )

    @classmethod
    def from_settings(cls, settings: Settings) -> DiffusersBackend:
        options = DiffusionOptions(
            device=settings.device,
            steps=settings.steps,
            offload=settings.offload,
            vae_tiling=settings.vae_tiling,
            compile=settings.compile,
            cache_hook=settings.cache_hook,
            chain_shots=settings.chain_shots,
            max_batch=settings.max_batch,
            temporal_stage=settings.temporal_stage,
            spatial_stage=settings.spatial_stage,
        )
        return cls(resolve_preset(settings.model), options, settings.workspace_dir / "models")

    @property
    def cache_hook(self) -> str:
        """The step cache that will run: 'none' when the setting's hook would skip nothing
        (TaylorSeer predicts only after its warm-up steps)."""
        hook = self.options.cache_hook
        if hook == "taylorseer" and self.steps <= TAYLORSEER_WARMUP_STEPS:
            return "none"
        return hook

    @property
    def spatial_stage(self) -> str:
        """'latent-upsampler' when the setting asks for it (or is 'auto') and the preset has
        one, else 'resample'."""
        if self.options.spatial_stage == "resample" or self.preset.upsampler is None:
            return "resample"
        return "latent-upsampler"

    @property
    def name(self) -> str:
        """Everything that changes the pixels, so cache keys change with it."""
        preset = self.preset
        parts = [
            "diffusers", preset.name, preset.model, str(preset.i2v_model),
            str(_dtype(preset, self.device)), f"fp32={','.join(preset.float32_modules)}",
            f"steps={self.steps}", f"cfg={preset.guidance}", f"cache={self.cache_hook}",
            f"chain={self.chains_shots}", f"negative={_short_hash(preset.negative_prompt)}",
            f"camera={_short_hash(sorted(CAMERA_WORDS.items()))}",
            f"temporal={self.options.temporal_stage}", f"spatial={self.spatial_stage}",
        ]  # fmt: skip
        if self.spatial_stage == "latent-upsampler":
            parts.append(f"upsampler={preset.upsampler}")
        return "|".join(parts)

    # --- loading --------------------------------------------------------------------------

    def _model_path(self, model: str) -> str:
        if self.preset.tiny:
            return str(ensure_tiny_model(model, self.models_dir / model))
        return model

    def load_dtypes(self) -> dict[str, Any]:
        """`from_pretrained`'s dtype per component: the compute dtype, and float32 for the
        components the model authors keep in float32."""
        float32 = {name: _torch().float32 for name in self.preset.float32_modules}
        return {"default": _dtype(self.preset, self.device), **float32}

    def _load(self, class_name: str, model: str, **shared: Any) -> Any:
        """Load a pipeline from disk and place it; `shared` components are reused, not loaded."""
        _check_environment(class_name)
        import diffusers
        import transformers

        # reelchat shows its own progress; the libraries' loading bars would garble it
        diffusers.utils.logging.disable_progress_bar()
        transformers.utils.logging.disable_progress_bar()

        pipeline_class = getattr(diffusers, class_name)
        path = self._model_path(model)
        try:
            pipe = pipeline_class.from_pretrained(path, dtype=self.load_dtypes(), **shared)
        except (OSError, ValueError) as error:
            if Path(path).is_dir():
                raise ModelUnavailable(f"cannot load {path}: {error}") from None
            raise ModelUnavailable(_download_hint(self.preset, model)) from None
        self.loads += 1
        self._place(pipe)
        pipe.set_progress_bar_config(disable=True)
        return pipe

    @property
    def vram_gb(self) -> float:
        """GPU memory (GiB) the preset needs with nothing offloaded: text-to-video plus the
        separate image-to-video weights when shots may continue through them."""
        return self.preset.vram_gb + (self.preset.i2v_vram_gb if self.preset.i2v_model else 0.0)

    def _place(self, pipe: Any) -> None:
        """Put the pipeline on the device with the memory and speed options the settings ask."""
        torch = _torch()
        mode = self.offload or self.options.offload
        if mode == "auto":
            mode = "none"
            if self.device.startswith("cuda"):
                mode = auto_offload(torch.cuda.mem_get_info()[0] / GIB, self.vram_gb)
        self.offload = mode
        if mode == "model":
            pipe.enable_model_cpu_offload(device=self.device)
        elif mode == "sequential":
            pipe.enable_sequential_cpu_offload(device=self.device)
        elif mode == "group":
            pipe.enable_group_offload(
                onload_device=torch.device(self.device), offload_type="leaf_level", use_stream=True
            )
        else:
            pipe.to(self.device)
        log.info("loaded %s on %s (offload: %s)", self.preset.name, self.device, mode)
        if self.tiling and hasattr(pipe.vae, "enable_tiling"):
            pipe.vae.enable_tiling()
        if hasattr(pipe.vae, "enable_slicing"):
            pipe.vae.enable_slicing()  # a batch decodes one video at a time; one video: no-op
        if self.cache_hook != "none":
            self._enable_step_cache(pipe.transformer)
        if self.options.compile:
            compile_transformer(pipe.transformer)

    def _enable_step_cache(self, transformer: Any) -> None:
        """Attach the step cache hook; ReelchatError when it cannot hook this transformer."""
        from diffusers import FirstBlockCacheConfig, TaylorSeerCacheConfig

        hook = self.cache_hook

        def refused(detail: str) -> ReelchatError:
            return ReelchatError(
                f"the {hook} cache hook does not work with preset {self.preset.name!r} "
                f"({detail}); set REELCHAT_CACHE_HOOK=none"
            )

        if hook == "first_block":
            config: Any = FirstBlockCacheConfig(threshold=0.05)
        else:
            pattern = ATTENTION_MODULES[self.preset.family]
            config = TaylorSeerCacheConfig(
                disable_cache_before_step=TAYLORSEER_WARMUP_STEPS, cache_identifiers=[pattern]
            )
            if not any(re.fullmatch(pattern, name) for name, _ in transformer.named_modules()):
                raise refused("no attention module to predict")
        try:
            transformer.enable_cache(config)
        except (IndexError, ValueError) as error:
            raise refused(str(error)) from None

    def text_to_video(self) -> Any:
        with self._lock:
            if self._text_to_video is None:
                self._text_to_video = self._load(self.preset.pipeline, self.preset.model)
            return self._text_to_video

    def image_to_video(self) -> Any:
        """The image-to-video pipeline: built from the loaded components when the preset's
        one model does both, loaded from its own weights otherwise."""
        if self.preset.i2v_pipeline is None:
            raise ReelchatError(f"preset {self.preset.name!r} cannot start from an image")
        with self._lock:
            return self._image_to_video_locked()

    def _image_to_video_locked(self) -> Any:
        if self._image_to_video is None:
            class_name = str(self.preset.i2v_pipeline)
            text_to_video = self.text_to_video()
            if self.preset.i2v_model is None:
                import diffusers

                _check_environment(class_name)
                pipe = share_components(getattr(diffusers, class_name), text_to_video)
                pipe.set_progress_bar_config(disable=True)
            else:
                shared = {}
                if self.preset.shares_text_encoder:
                    shared = {
                        "text_encoder": text_to_video.text_encoder,
                        "tokenizer": text_to_video.tokenizer,
                    }
                pipe = self._load(class_name, self.preset.i2v_model, **shared)
            self._image_to_video = pipe
        return self._image_to_video

    def upsampler(self) -> Any:
        """The preset's LTXLatentUpsamplePipeline, loaded once, on the text-to-video
        pipeline's VAE (the upsampler folder holds only the upsampler's weights)."""
        with self._lock:
            if self._upsampler is None:
                import diffusers

                vae = self.text_to_video().vae
                path = self._model_path(str(self.preset.upsampler))
                try:
                    pipe = diffusers.LTXLatentUpsamplePipeline.from_pretrained(
                        path, vae=vae, dtype=_dtype(self.preset, self.device)
                    )
                except (OSError, ValueError) as error:
                    if Path(path).is_dir():
                        raise ModelUnavailable(f"cannot load {path}: {error}") from None
                    hint = _download_hint(self.preset, str(self.preset.upsampler))
                    raise ModelUnavailable(
                        f"{hint}, or set REELCHAT_SPATIAL_STAGE=resample"
                    ) from None
                self.loads += 1
                pipe.latent_upsampler.to(self.device)  # the VAE is placed with text-to-video
                pipe.set_progress_bar_config(disable=True)
                self._upsampler = pipe
            return self._upsampler

    def _render(self, pipe: Any, call: dict[str, Any]) -> np.ndarray:
        """One pipeline call's videos (batch, frames, height, width, 3) in 0..1.

        With the latent upsampler (LTX-Video's two-stage recipe, without the refining pass):
        the model renders at half the size, its latents are upsampled 2x and decoded, so the
        frames come out at about the size `call` asks."""
        if self.spatial_stage != "latent-upsampler":
            return _run(pipe, call)
        step = self.preset.size_multiple
        width, height = (max(step, round(call[k] / 2 / step) * step) for k in ("width", "height"))
        try:
            packed = pipe(**{**call, "width": width, "height": height, "output_type": "latent"})
        finally:
            _reset_step_cache(pipe)
        spatial, temporal = pipe.vae_spatial_compression_ratio, pipe.vae_temporal_compression_ratio
        latents = pipe._unpack_latents(
            packed.frames, (call["num_frames"] - 1) // temporal + 1, height // spatial,
            width // spatial, pipe.transformer_spatial_patch_size,
            pipe.transformer_temporal_patch_size,
        )  # fmt: skip
        upsampled = self.upsampler()(
            latents=latents, width=2 * width, height=2 * height, output_type="np",
            generator=call["generator"],
        )  # fmt: skip
        return np.asarray(upsampled.frames)

    # --- generation -----------------------------------------------------------------------

    def plan_segments(self, request: ShotRequest) -> list[int]:
        """Frame counts of the segments to generate for a shot (at the model's fps)."""
        preset = self.preset
        needed = max(1, math.ceil(request.frames / request.fps * preset.fps))
        if needed <= preset.frames or preset.i2v_pipeline is None:
            return [preset.frame_count(needed)]  # too long without i2v: played slower
        segments: list[int] = []
        remaining = needed
        while remaining > 0:
            count = preset.frame_count(remaining + (1 if segments else 0))
            segments.append(count)
            remaining -= count - (1 if len(segments) > 1 else 0)
        return segments

    def batch_size(self, request: ShotRequest) -> int:
        """How many shots shaped like `request` to render in one call. One when shots are
        chained or long (segments); on a GPU, also what free memory allows (a rough budget of
        a quarter of the model's footprint per extra video)."""
        if self.chains_shots or request.media is not None or len(self.plan_segments(request)) > 1:
            return 1
        limit = self.batch_cap
        if self.device.startswith("cuda"):
            free_gib = _torch().cuda.mem_get_info()[0] / GIB
            limit = min(limit, max(1, int(free_gib // max(1.0, self.preset.vram_gb / 4))))
        return limit

    def generate_batch(
        self, requests: list[ShotRequest], outputs: list[Path], progress: Progress
    ) -> list[Clip]:
        """Several single-segment shots of one shape in one pipeline call; out of memory, the
        same shots one at a time (and every later call too). Shots with a picture of their own
        start from it, so they render one at a time."""
        if any(request.media is not None for request in requests):
            return [
                self.generate(request, output, progress)
                for request, output in zip(requests, outputs, strict=True)
            ]
        with self._lock:
            try:
                return self._generate_batch(requests, outputs, progress)
            except Exception as error:
                if not _is_out_of_memory(error):
                    raise
            self._free_memory()  # outside the except block: the traceback held the tensors
            log.warning("out of memory with %d shots in one call; one at a time", len(requests))
            self.batch_cap = 1
            return [
                self._with_memory_retries(
                    lambda r=request, o=output: self._generate(r, o, progress),
                    tried=["one shot at a time"],
                )
                for request, output in zip(requests, outputs, strict=True)
            ]

    # --- memory -----------------------------------------------------------------------------

    def _free_memory(self) -> None:
        gc.collect()
        if self.device.startswith("cuda"):
            _torch().cuda.empty_cache()

    def _save_more_memory(self) -> str | None:
        """Turn on the next memory-saving level and name it; None when none is left.

        VAE tiling first (cheap, no reload), then each leaner offload mode; the pipelines are
        dropped and loaded again with the new placement (weights come from the disk cache).
        """
        if not self.tiling:
            self.tiling = True
            for pipe in (self._text_to_video, self._image_to_video):
                if pipe is not None and hasattr(pipe.vae, "enable_tiling"):
                    pipe.vae.enable_tiling()
            return "VAE tiling"
        if not self.device.startswith("cuda") or self.offload not in OFFLOAD_LADDER[:-1]:
            return None  # offloading moves weights to the CPU, so it only helps on a GPU
        self.offload = OFFLOAD_LADDER[OFFLOAD_LADDER.index(self.offload) + 1]
        self._text_to_video = self._image_to_video = self._upsampler = None
        self._free_memory()
        return f"offload={self.offload}"

    def _with_memory_retries(self, attempt: Callable[[], T], tried: list[str] | None = None) -> T:
        """Run `attempt`; out of memory, free it, save more and try again until nothing is left,
        then raise OutOfMemory naming what was tried and what the person can change."""
        tried = list(tried or [])
        while True:
            try:
                return attempt()
            except Exception as error:
                if not _is_out_of_memory(error):
                    raise
                reason = first_line(error, 200)
            self._free_memory()
            level = self._save_more_memory()
            if level is None:
                raise OutOfMemory(
                    f"out of {'GPU' if self.device.startswith('cuda') else self.device} memory "
                    f"rendering this shot ({reason or 'no detail'}), even after trying: "
                    f"{', '.join(tried) or 'nothing left to try'}. Lower the storyboard's "
                    "resolution or the shot's length, pick a smaller model (REELCHAT_MODEL), or "
                    "free the GPU, then render again; finished shots are kept"
                )
            log.warning("out of memory; trying again with %s", level)
            tried.append(level)

    def _generate_batch(
        self, requests: list[ShotRequest], outputs: list[Path], progress: Progress
    ) -> list[Clip]:
        torch = _torch()
        first = requests[0]
        width, height = self.preset.render_size(first.width / first.height)
        (count,) = self.plan_segments(first)

        def on_step(_pipe: Any, step: int, _t: Any, kwargs: dict[str, Any]) -> dict[str, Any]:
            progress(0.95 * (step + 1) / self.steps)
            return kwargs

        call = self._call(
            prompt=[full_prompt(r) for r in requests],
            negative_prompt=[self.negative_prompt(r) for r in requests],
            generator=[torch.Generator(device="cpu").manual_seed(r.seed) for r in requests],
            size=(width, height),
            frames=count,
            on_step=on_step,
        )
        videos = self._render(self.text_to_video(), call)
        clips = [
            self._write(list(_to_uint8(video)), request, output)
            for video, request, output in zip(videos, requests, outputs, strict=True)
        ]
        progress(1.0)
        return clips

    def _call(
        self, *, prompt: Any, negative_prompt: Any, generator: Any, size: tuple[int, int],
        frames: int, on_step: Any,
    ) -> dict[str, Any]:  # fmt: skip
        """Pipeline arguments shared by single and batched calls."""
        call: dict[str, Any] = {
            "prompt": prompt,
            "negative_prompt": negative_prompt,
            "width": size[0],
            "height": size[1],
            "num_frames": frames,
            "num_inference_steps": self.steps,
            "guidance_scale": self.preset.guidance,
            "generator": generator,
            "callback_on_step_end": on_step,
            "output_type": "np",
        }
        if self.preset.family == "ltx":
            call["frame_rate"] = self.preset.fps  # LTX conditions its RoPE on the frame rate
        if self.preset.tiny:
            call["max_sequence_length"] = 16  # the tiny text encoder's limit
        return call

    def negative_prompt(self, request: ShotRequest) -> str:
        """The shot's negative prompt, then the preset's default one."""
        return ", ".join(p for p in (request.negative_prompt, self.preset.negative_prompt) if p)

    def _write(self, frames: list[np.ndarray], request: ShotRequest, output: Path) -> Clip:
        """Bring frames at the model's rate and size to the shot's (generation.stages: the
        temporal stage, then Lanczos to the frame size) and encode them."""
        frames = to_fps(
            frames, self.preset.fps, request.fps, request.frames, self.options.temporal_stage
        )
        writer = FrameWriter(output, width=request.width, height=request.height, fps=request.fps)
        try:
            for frame in frames:
                writer.write(fit_frame(frame, request.width, request.height))
        finally:
            writer.close()
        return Clip(output, request.frames, request.width, request.height, request.fps)

    def notes_for(self, request: ShotRequest) -> tuple[str, ...]:
        """What a person should know about how this backend renders `request`: a shot with a
        picture on a preset without image-to-video shows the picture as the animatic does."""
        if request.media is not None and self.preset.i2v_pipeline is None:
            return (
                f"its picture is shown as an animatic shot (moved and highlighted), because "
                f"the {self.preset.name} preset has no image-to-video model to start from it",
            )
        return ()

    def generate(self, request: ShotRequest, output: Path, progress: Progress) -> Clip:
        """Render one shot. A shot with a picture (media) starts from it through the preset's
        image-to-video pipeline (a clip: from its first frame); a preset without one renders
        that shot as the animatic does (notes_for says so)."""
        if request.media is not None and self.preset.i2v_pipeline is None:
            from reelchat.generation.animatic import AnimaticBackend

            # only what this backend's cache key covers decides the pixels: no brand colours
            return AnimaticBackend().generate(
                request.model_copy(update={"palette": ()}), output, progress
            )
        with self._lock:
            return self._with_memory_retries(lambda: self._generate(request, output, progress))

    def _generate(self, request: ShotRequest, output: Path, progress: Progress) -> Clip:
        torch = _torch()
        width, height = self.preset.render_size(request.width / request.height)
        segments = self.plan_segments(request)
        total_steps = self.steps * len(segments)
        frames: list[np.ndarray] = []
        start_image = _start_image(_start_frame(request), width, height)
        for index, count in enumerate(segments):
            done_before = index * self.steps

            def on_step(
                _pipe: Any, step: int, _t: Any, kwargs: dict[str, Any], base: int = done_before
            ) -> dict[str, Any]:
                progress(0.95 * (base + step + 1) / total_steps)
                return kwargs

            call = self._call(
                prompt=full_prompt(request),
                negative_prompt=self.negative_prompt(request),
                generator=torch.Generator(device="cpu").manual_seed(request.seed + index),
                size=(width, height),
                frames=count,
                on_step=on_step,
            )
            if start_image is not None:
                pipe = self.image_to_video()
                call["image"] = start_image
            else:
                pipe = self.text_to_video()
            segment = _to_uint8(self._render(pipe, call)[0])
            frames.extend(segment[1:] if index and start_image is not None else segment)
            start_image = Image.fromarray(fit_frame(segment[-1], width, height))
        clip = self._write(frames, request, output)
        progress(1.0)
        return clip


def _run(pipe: Any, call: dict[str, Any]) -> np.ndarray:
    """One pipeline call's videos (batch, frames, height, width, 3) in 0..1; the step cache
    is reset however the call ends."""
    try:
        return np.asarray(pipe(**call).frames)
    finally:
        _reset_step_cache(pipe)


def full_prompt(request: ShotRequest) -> str:
    """The shot's prompt, its camera move in words (CAMERA_WORDS), and the video's style
    phrase, which keeps shots consistent."""
    parts = (request.prompt, CAMERA_WORDS[request.camera], request.style)
    return ", ".join(part for part in parts if part)


def _start_frame(request: ShotRequest) -> np.ndarray | None:
    """The frame a shot starts from (height, width, 3): its own picture, or the first frame of
    its own clip, before the last frame of the shot it continues from; None for neither."""
    if request.media is not None:
        if request.media_file is None:
            raise RenderFailed("this shot's picture was not found in the workspace; render again")
        if request.media_file.suffix == ".mp4":
            return read_frame(request.media_file, 0.0)
        with Image.open(request.media_file) as picture:
            return np.asarray(picture.convert("RGB"))
    if request.condition_frame is None:
        return None
    with Image.open(request.condition_frame) as frame:
        return np.asarray(frame.convert("RGB"))


def _start_image(frame: np.ndarray | None, width: int, height: int) -> Image.Image | None:
    """The frame a shot starts from, cropped (not squeezed) to the render size."""
    if frame is None:
        return None
    return Image.fromarray(fit_frame(frame, width, height))


def _to_uint8(video: np.ndarray) -> np.ndarray:
    if not np.isfinite(video).all():
        raise RenderFailed(
            "the model produced invalid frames (NaN or infinite values), so no clip was "
            "written; regenerate the shot (a new seed), or use a preset in bfloat16 or float32"
        )
    return (np.clip(video, 0.0, 1.0) * 255).round().astype(np.uint8)


def fit_frame(frame: np.ndarray, width: int, height: int) -> np.ndarray:
    """Scale a frame (height, width, 3) to cover width x height (Lanczos), then crop the
    middle: another aspect is cropped, never squeezed."""
    image = Image.fromarray(frame)
    scale = max(width / image.width, height / image.height)
    size = (max(width, round(image.width * scale)), max(height, round(image.height * scale)))
    image = image.resize(size, Image.Resampling.LANCZOS)
    left, top = (image.width - width) // 2, (image.height - height) // 2
    return np.asarray(image.crop((left, top, left + width, top + height)))
