"""Video-diffusion speed: the plain diffusers pipeline call vs reelchat's backend, same run.

For each preset it builds the model from configs with random weights (the compute is the same
as with trained weights), saves it and loads it back with `from_pretrained`, then renders the
same shot both ways and reports seconds per shot, seconds per second of video, peak memory and
the transformer's achieved TFLOP/s.

  --tiny      the tiny presets on the CPU (what CI and laptops can run)
  (default)   full-size architectures on the GPU; today: Wan 2.1 T2V 1.3B

Baseline: `Pipeline.from_pretrained(folder)` as shipped (float32, no options), one call per
shot. reelchat: `DiffusersBackend` (warm pipeline, bf16 on GPU, step cache hook, optional
torch.compile), including resampling and H.264 encoding of the clip.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import torch  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from reelchat.generation.backend import ShotRequest  # noqa: E402
from reelchat.generation.diffusion import DiffusersBackend, DiffusionOptions  # noqa: E402
from reelchat.generation.presets import PRESETS, Preset  # noqa: E402
from reelchat.generation.tiny import ensure_tiny_model  # noqa: E402
from reelchat.storyboard.models import Camera  # noqa: E402


def _full_wan_1_3b(folder: Path) -> Path:
    """Wan 2.1 T2V 1.3B at full size, random weights (configs as published with the model)."""
    from diffusers import (
        AutoencoderKLWan,
        FlowMatchEulerDiscreteScheduler,
        WanPipeline,
        WanTransformer3DModel,
    )
    from transformers import UMT5Config, UMT5EncoderModel

    from reelchat.generation.tiny import _tokenizer

    if (folder / "model_index.json").is_file():
        return folder
    torch.manual_seed(0)
    text_encoder = UMT5EncoderModel(
        UMT5Config(
            vocab_size=256384,
            d_model=4096,
            d_kv=64,
            d_ff=10240,
            num_layers=24,
            num_heads=64,
            feed_forward_proj="gated-gelu",
        )  # fmt: skip
    )
    pipe = WanPipeline(
        tokenizer=_tokenizer(),
        text_encoder=text_encoder,
        transformer=WanTransformer3DModel(
            patch_size=(1, 2, 2),
            num_attention_heads=12,
            attention_head_dim=128,
            in_channels=16,
            out_channels=16,
            text_dim=4096,
            freq_dim=256,
            ffn_dim=8960,
            num_layers=30,
            cross_attn_norm=True,
            qk_norm="rms_norm_across_heads",
        ),  # fmt: skip
        vae=AutoencoderKLWan(),
        scheduler=FlowMatchEulerDiscreteScheduler(shift=3.0),
    )
    pipe.save_pretrained(str(folder))
    return folder


FULL_SIZE = {"wan2.1-t2v-1.3b": _full_wan_1_3b}


def _peak_memory_gib(device: str) -> float:
    if device.startswith("cuda"):
        return torch.cuda.max_memory_allocated() / 1024**3
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def _transformer_flops(pipe: Any, call: dict[str, Any]) -> float:
    """FLOPs of one pipeline call as torch counts them (nearly all in the transformer)."""
    counter = FlopCounterMode(display=False)
    with counter:
        pipe(**call)
    return float(counter.get_total_flops())


def _timed(function: Any, repeat: int, device: str) -> float:
    times = []
    for _ in range(repeat):
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        start = time.perf_counter()
        function()
        if device.startswith("cuda"):
            torch.cuda.synchronize()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _plain(
    pipeline_class: Any, folder: Path, call: dict[str, Any], device: str, repeat: int
) -> tuple[float, float, float, float]:
    """The baseline: the pipeline as shipped (float32, no options), loaded once.

    Returns load seconds, seconds per call, peak memory and transformer FLOPs per call."""
    load_start = time.perf_counter()
    pipe = pipeline_class.from_pretrained(str(folder)).to(device)
    pipe.set_progress_bar_config(disable=True)
    load_seconds = time.perf_counter() - load_start
    pipe(**call)  # warm-up
    if device.startswith("cuda"):
        torch.cuda.reset_peak_memory_stats()
    seconds = _timed(lambda: pipe(**call), repeat, device)
    peak = _peak_memory_gib(device)
    flops = _transformer_flops(pipe, call)
    return load_seconds, seconds, peak, flops


def bench(preset: Preset, folder: Path, device: str, repeat: int, compile_: bool) -> list[str]:
    import diffusers

    seconds = (preset.frames - 1) / preset.fps
    width, height = preset.render_size(16 / 9)
    call = {
        "prompt": "a lighthouse on a cliff at night, slow camera",
        "height": height, "width": width, "num_frames": preset.frames,
        "num_inference_steps": preset.steps, "guidance_scale": preset.guidance,
        "output_type": "np",
    }  # fmt: skip
    if preset.tiny:
        call["max_sequence_length"] = 16

    load_seconds, plain_time, plain_peak, flops = _plain(
        getattr(diffusers, preset.pipeline), folder, call, device, repeat
    )
    if device.startswith("cuda"):  # the baseline pipeline is gone: measure ours on its own
        torch.cuda.empty_cache()
        torch.cuda.reset_peak_memory_stats()

    # reelchat: warm backend, its dtype and step cache, whole clip written to MP4
    options = DiffusionOptions(device=device, offload="none", compile=compile_,
                               cache_hook="first_block")  # fmt: skip
    backend = DiffusersBackend(replace(preset, model=str(folder), tiny=False), options, folder)
    request = ShotRequest(
        title="bench", prompt=call["prompt"], negative_prompt="", camera=Camera.static, seed=1,
        style="", width=width, height=height, fps=preset.fps, frames=preset.frames,
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as temp:
        output = Path(temp) / "shot.mp4"
        backend.generate(request, output, lambda _f: None)  # load + warm-up (and compile)
        ours = _timed(lambda: backend.generate(request, output, lambda _f: None), repeat, device)
    ours_peak = _peak_memory_gib(device)

    def row(label: str, shot: float, peak: float) -> str:
        return (
            f"| {preset.name} | {label} | {shot:.2f} | {shot / seconds:.2f} | {peak:.2f} | "
            f"{flops / shot / 1e12:.3f} |"
        )

    return [
        row("plain diffusers call (fp32)", plain_time, plain_peak),
        row("reelchat backend", ours, ours_peak),
        f"| {preset.name} | ratio plain / reelchat | {plain_time / ours:.2f}× | | | |",
        f"| {preset.name} | cold load (saved by the warm cache) | {load_seconds:.2f} | | | |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="tiny presets on the CPU")
    parser.add_argument("--presets", nargs="*", help="preset names (default: all of the mode)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--compile", action="store_true", help="torch.compile on the GPU path")
    args = parser.parse_args()

    device = "cpu" if args.tiny else "cuda"
    if device == "cuda" and not torch.cuda.is_available():
        parser.error("no GPU here: use --tiny")
    names = args.presets or (
        [p for p in PRESETS if PRESETS[p].tiny] if args.tiny else list(FULL_SIZE)
    )
    machine = torch.cuda.get_device_name() if device == "cuda" else "CPU"
    print(f"device: {machine}; torch {torch.__version__}; threads {torch.get_num_threads()}\n")
    print("| preset | path | s/shot | s per s of video | peak GiB | TFLOP/s (plain FLOPs / s) |")
    print("|---|---|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as temp:
        for name in names:
            preset = PRESETS[name]
            folder = Path(temp) / name
            if preset.tiny:
                ensure_tiny_model(name, folder)
            else:
                FULL_SIZE[name](folder)
            for line in bench(preset, folder, device, args.repeat, args.compile):
                print(line, flush=True)


if __name__ == "__main__":
    main()
