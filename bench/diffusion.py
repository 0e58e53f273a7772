"""Video-diffusion speed: the plain diffusers call vs reelchat's backend, same settings, same run.

Both paths load the same folder (random weights: the compute is the same as with trained ones)
in the same dtypes (the preset's, bf16 on a GPU, with the VAE and image encoder in float32 as
the model authors run them), render the same shot at the same size, frame count and steps,
without a step cache unless --cache-hook asks for one (then only reelchat's path has it and its
TFLOP/s is not reported: it skips blocks). Each path is warmed up once (two steps), then the
runs alternate (baseline, reelchat, baseline, ...).

Reported per path: seconds per shot, seconds per second of video, peak memory (GPU: peak
allocated; CPU: the process's peak RSS), transformer TFLOP/s and MFU. The FLOPs are counted
from one transformer forward on the meta device (no weights, no compute) times the calls of a
shot (steps x 2 with classifier-free guidance); MFU divides by the GPU's dense bf16 peak.

  python bench/diffusion.py --tiny     tiny-wan on the CPU, seconds
  python bench/diffusion.py --stages   the temporal stage (16 -> 24 fps) on the CPU
  python bench/diffusion.py --spatial  the spatial stage (resample vs latent upsampler), tiny-ltx
  python bench/diffusion.py            Wan 2.1 T2V 1.3B at full size on one GPU (see
                                       docs/benchmarks.md for the command and its run time)
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch.utils.flop_counter import FlopCounterMode  # noqa: E402

from reelchat.generation.backend import ShotRequest  # noqa: E402
from reelchat.generation.diffusion import DiffusersBackend, DiffusionOptions  # noqa: E402
from reelchat.generation.presets import PRESETS, Preset  # noqa: E402
from reelchat.generation.tiny import _tokenizer, ensure_tiny_model  # noqa: E402
from reelchat.storyboard.models import Camera  # noqa: E402

PEAK_BF16_TFLOPS = {"H100": 989.0, "H200": 989.0, "H800": 989.0, "A100": 312.0, "L40S": 362.0}
"""Dense bf16 tensor-core peaks (NVIDIA datasheets: H100/H200 SXM, A100, L40S), for MFU."""
PROMPT = "a lighthouse on a cliff at night, waves below"


def _full_wan_1_3b(folder: Path, device: str) -> Path:
    """Wan 2.1 T2V 1.3B at full size with random weights, saved in bf16 (configs as published
    with Wan-AI/Wan2.1-T2V-1.3B-Diffusers). Built on `device` so the 5.7B-parameter UMT5
    encoder initialises in seconds; the tokenizer is a small word-level one (the encoder still
    runs on 512 tokens, as with the real one)."""
    from diffusers import (
        AutoencoderKLWan,
        FlowMatchEulerDiscreteScheduler,
        WanPipeline,
        WanTransformer3DModel,
    )
    from transformers import UMT5Config, UMT5EncoderModel

    if (folder / "model_index.json").is_file():
        return folder
    torch.manual_seed(0)
    with torch.device(device):
        text_encoder = UMT5EncoderModel(
            UMT5Config(
                vocab_size=256384, d_model=4096, d_kv=64, d_ff=10240, num_layers=24,
                num_heads=64, feed_forward_proj="gated-gelu",
            )  # fmt: skip
        ).to(torch.bfloat16)
        transformer = WanTransformer3DModel(
            patch_size=(1, 2, 2), num_attention_heads=12, attention_head_dim=128,
            in_channels=16, out_channels=16, text_dim=4096, freq_dim=256, ffn_dim=8960,
            num_layers=30, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
        ).to(torch.bfloat16)  # fmt: skip
        vae = AutoencoderKLWan()
    pipe = WanPipeline(
        tokenizer=_tokenizer(), text_encoder=text_encoder, transformer=transformer, vae=vae,
        scheduler=FlowMatchEulerDiscreteScheduler(shift=3.0),
    )  # fmt: skip
    pipe.save_pretrained(str(folder))
    del pipe, text_encoder, transformer, vae
    return folder


def transformer_flops(folder: Path, batch: int, latents: tuple[int, int, int], text: int) -> float:
    """FLOPs of one Wan transformer forward, counted on the meta device (shapes only).

    `latents` is (frames, height, width) in latent units; `text` the prompt length in tokens."""
    from diffusers import WanTransformer3DModel

    config = WanTransformer3DModel.load_config(str(folder / "transformer"))
    with torch.device("meta"):
        model = WanTransformer3DModel.from_config(config)
        hidden = torch.empty(batch, config["in_channels"], *latents)
        context = torch.empty(batch, text, config["text_dim"])
        timestep = torch.ones(batch)
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        model(hidden_states=hidden, timestep=timestep, encoder_hidden_states=context)
    return float(counter.get_total_flops())


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def _peak_gib(device: str) -> float:
    if device.startswith("cuda"):
        return torch.cuda.max_memory_allocated() / 1024**3
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2


def _timed(run: Any, device: str) -> tuple[float, float]:
    """Seconds of one run and the peak memory during it."""
    if device.startswith("cuda"):
        torch.cuda.reset_peak_memory_stats()
    _sync(device)
    start = time.perf_counter()
    run()
    _sync(device)
    return time.perf_counter() - start, _peak_gib(device)


def bench(preset: Preset, folder: Path, device: str, args: argparse.Namespace) -> list[str]:
    import diffusers

    steps = args.steps or preset.steps
    frames = preset.frame_count(args.frames or preset.frames)
    width, height = args.size or preset.render_size(16 / 9)
    seconds_of_video = frames / preset.fps
    dtype = torch.float32 if preset.tiny else getattr(torch, preset.dtype)
    dtypes = {"default": dtype, **{name: torch.float32 for name in preset.float32_modules}}
    text = 16 if preset.tiny else 512
    call = {
        "prompt": PROMPT, "negative_prompt": preset.negative_prompt, "height": height,
        "width": width, "num_frames": frames, "guidance_scale": preset.guidance,
        "output_type": "np", "max_sequence_length": text,
    }  # fmt: skip

    baseline = getattr(diffusers, preset.pipeline).from_pretrained(str(folder), dtype=dtypes)
    baseline.to(device)
    baseline.set_progress_bar_config(disable=True)

    options = DiffusionOptions(
        device=device, steps=steps, offload="none", vae_tiling=False, compile=args.compile,
        cache_hook=args.cache_hook,
    )  # fmt: skip
    local = replace(preset, model=str(folder), tiny=False, dtype=str(dtype).split(".")[-1])
    backend = DiffusersBackend(local, options, folder)
    request = ShotRequest(
        title="bench", prompt=PROMPT, negative_prompt="", camera=Camera.static, seed=1,
        style="", width=width, height=height, fps=preset.fps, frames=frames,
    )  # fmt: skip

    with tempfile.TemporaryDirectory() as temp:
        output = Path(temp) / "shot.mp4"

        def plain(count: int) -> None:
            generator = torch.Generator("cpu").manual_seed(1)
            baseline(**call, num_inference_steps=count, generator=generator)

        def ours(count: int) -> None:
            backend.steps = count
            backend.generate(request, output, lambda _f: None)

        backend.text_to_video()  # loaded with the timed step count (a step cache plans with it)
        plain(2)  # warm-up: kernels, allocator, (with --compile) compilation
        ours(2)
        runs: dict[str, list[tuple[float, float]]] = {"plain": [], "ours": []}
        for _ in range(args.repeat):
            runs["plain"].append(_timed(lambda: plain(steps), device))
            runs["ours"].append(_timed(lambda: ours(steps), device))

    calls = steps * (2 if preset.guidance > 1 else 1)
    latents = ((frames - 1) // 4 + 1, height // 8, width // 8)
    flops = transformer_flops(folder, 1, latents, text) * calls
    name = torch.cuda.get_device_name() if device.startswith("cuda") else ""
    peak = next((v for k, v in PEAK_BF16_TFLOPS.items() if k in name), None)

    def row(label: str, key: str, counted: bool) -> str:
        shot = min(t for t, _ in runs[key])
        memory = max(m for _, m in runs[key])
        tflops = flops / shot / 1e12
        achieved = f"{tflops:.3g}" if counted else "n/a (skips blocks)"
        mfu = f"{100 * tflops / peak:.0f}%" if counted and peak else "n/a"
        return (
            f"| {preset.name} | {label} | {width}x{height}, {frames} frames, {steps} steps | "
            f"{shot:.2f} | {shot / seconds_of_video:.2f} | {memory:.2f} | {achieved} | {mfu} |"
        )

    plain_s, ours_s = min(t for t, _ in runs["plain"]), min(t for t, _ in runs["ours"])
    return [
        row(f"diffusers call ({preset.dtype if not preset.tiny else 'float32'})", "plain", True),
        row(
            f"reelchat backend (cache={args.cache_hook}, compile={args.compile})",
            "ours", args.cache_hook == "none",
        ),  # fmt: skip
        f"| {preset.name} | ratio reelchat / diffusers | | {ours_s / plain_s:.2f}× | | | | |",
    ]


def bench_stages(repeat: int) -> list[str]:
    """The temporal stage on a Wan-native clip (832x480, 81 frames at 16 fps, a textured pan)
    to a 5 s shot at 24 fps: seconds per shot and judder, repeat vs minterpolate (CPU)."""
    from PIL import Image, ImageFilter

    from reelchat.generation.stages import judder, to_fps

    rows = []
    rng = np.random.default_rng(0)
    for step in (2, 4, 8):
        noise = rng.integers(0, 255, (480, 832 + 81 * step, 3), np.uint8)
        big = np.asarray(Image.fromarray(noise).filter(ImageFilter.GaussianBlur(3)))
        clip = [big[:, i * step : i * step + 832] for i in range(81)]
        for stage in ("repeat", "minterpolate"):
            convert = partial(to_fps, clip, 16, 24, 120, stage)
            times = [_timed(convert, "cpu")[0] for _ in range(repeat)]
            frames = convert()  # for the judder figure, outside the timing
            rows.append(
                f"| pan {step} px/frame | {stage} | {min(times):.2f} | "
                f"{judder(clip):.3f} | {judder(frames):.3f} |"
            )
    return rows


def bench_spatial(repeat: int) -> list[str]:
    """The spatial stage on tiny-ltx (CPU, 2 steps) for a 640x360 shot of 2 s at 8 fps:
    seconds per shot rendering at the preset's size and resampling, vs rendering at half size
    and upsampling the latents 2x with the (tiny) latent upsampler; runs interleaved."""
    from reelchat.generation.presets import PRESETS

    request = ShotRequest(
        title="bench", prompt=PROMPT, negative_prompt="", camera=Camera.static, seed=1,
        style="", width=640, height=360, fps=8, frames=16,
    )  # fmt: skip
    with tempfile.TemporaryDirectory() as temp:
        backends = {
            stage: DiffusersBackend(
                PRESETS["tiny-ltx"], DiffusionOptions(device="cpu", spatial_stage=stage), Path(temp)
            )
            for stage in ("resample", "latent-upsampler")
        }
        times: dict[str, list[float]] = {stage: [] for stage in backends}
        for _ in range(repeat + 1):  # the first round loads the pipelines: not counted
            for stage, backend in backends.items():
                run = partial(backend.generate, request, Path(temp) / "shot.mp4", lambda _f: None)
                times[stage].append(_timed(run, "cpu")[0])
    base = min(times["resample"][1:])
    return [
        f"| tiny-ltx | {stage} | {min(values[1:]):.2f} | {min(values[1:]) / base:.2f}× |"
        for stage, values in times.items()
    ]


def _size(text: str) -> tuple[int, int]:
    width, _, height = text.partition("x")
    return int(width), int(height)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="tiny-wan on the CPU")
    parser.add_argument("--stages", action="store_true", help="the temporal stage, CPU only")
    parser.add_argument("--spatial", action="store_true", help="the spatial stage, tiny-ltx")
    parser.add_argument("--steps", type=int, help="denoising steps (default: GPU 20, tiny 2)")
    parser.add_argument("--frames", type=int, help="frames per shot (default: the preset's)")
    parser.add_argument("--size", type=_size, help="WIDTHxHEIGHT (default: the preset's 16:9)")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per path")
    parser.add_argument("--compile", action="store_true", help="regional torch.compile")
    parser.add_argument(
        "--cache-hook", default="none", choices=["none", "first_block", "taylorseer"]
    )
    args = parser.parse_args()

    if args.stages:
        print("| clip | temporal stage | s/shot | judder at 16 fps | judder at 24 fps |")
        print("|---|---|---:|---:|---:|")
        for line in bench_stages(args.repeat):
            print(line, flush=True)
        return
    if args.spatial:
        print("| preset | spatial stage | s/shot | ratio to resample |")
        print("|---|---|---:|---:|")
        for line in bench_spatial(args.repeat):
            print(line, flush=True)
        return
    device = "cpu" if args.tiny else "cuda"
    if device == "cuda" and not torch.cuda.is_available():
        parser.error("no GPU here: use --tiny")
    name = "tiny-wan" if args.tiny else "wan2.1-t2v-1.3b"
    if not args.tiny and args.steps is None:
        args.steps = 20  # keeps the full-size run (both paths) within five minutes on an H100
    preset = PRESETS[name]
    import diffusers

    machine = torch.cuda.get_device_name() if device == "cuda" else "CPU"
    print(
        f"device: {machine}; torch {torch.__version__}; diffusers {diffusers.__version__}; "
        f"threads {torch.get_num_threads()}\n"
    )
    print("| preset | path | shot | s/shot | s per s of video | peak GiB | TFLOP/s | MFU |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as temp:
        folder = Path(temp) / name
        if preset.tiny:
            ensure_tiny_model(name, folder)
        else:
            _full_wan_1_3b(folder, device)
        for line in bench(preset, folder, device, args):
            print(line, flush=True)


if __name__ == "__main__":
    main()
