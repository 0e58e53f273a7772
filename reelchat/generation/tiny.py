"""Tiny random-weight video pipelines for tests and CI: the real architectures, built from
small configs, saved with `save_pretrained` so the real `from_pretrained` path loads them.

The text encoder is a small T5 and the tokenizer a word-level one built here, so nothing is
fetched from a hub. The pixels are noise-like; what the tiny models prove is the plumbing.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

WORDS = [
    "a", "an", "the", "of", "and", "in", "on", "with", "to", "at", "over", "under", "near",
    "from", "into", "light", "dark", "slow", "fast", "camera", "shot", "scene", "person",
    "people", "city", "sea", "sky", "sun", "night", "day", "red", "blue", "green", "warm",
    "cool", "soft", "bright",
]  # fmt: skip


def _tokenizer() -> Any:
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocabulary = {word: index for index, word in enumerate(["<pad>", "</s>", "<unk>", *WORDS])}
    core = Tokenizer(models.WordLevel(vocabulary, unk_token="<unk>"))
    core.pre_tokenizer = pre_tokenizers.Whitespace()
    return PreTrainedTokenizerFast(
        tokenizer_object=core, pad_token="<pad>", eos_token="</s>", unk_token="<unk>"
    )


def _t5_config() -> Any:
    from transformers import T5Config

    return T5Config(
        vocab_size=len(WORDS) + 3, d_model=32, d_kv=8, d_ff=64, num_layers=2, num_heads=4,
        relative_attention_num_buckets=8,
    )  # fmt: skip


def _wan_parts(in_channels: int, image_dim: int | None) -> dict[str, Any]:
    """Components Wan's text-to-video and image-to-video pipelines share the shape of; the
    text encoder is seeded alike, so both folders hold the same one (as the real 1.3B and 14B
    models do)."""
    import torch
    from diffusers import AutoencoderKLWan, FlowMatchEulerDiscreteScheduler, WanTransformer3DModel
    from transformers import UMT5EncoderModel

    torch.manual_seed(0)
    return {
        "tokenizer": _tokenizer(),
        "text_encoder": UMT5EncoderModel(_t5_config()),
        "transformer": WanTransformer3DModel(
            patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12,
            in_channels=in_channels, out_channels=16, text_dim=32, freq_dim=256, ffn_dim=32,
            num_layers=2, cross_attn_norm=True, qk_norm="rms_norm_across_heads",
            rope_max_seq_len=32, image_dim=image_dim,
        ),
        "vae": AutoencoderKLWan(
            base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
            temperal_downsample=[False, True, True],
        ),
        "scheduler": FlowMatchEulerDiscreteScheduler(shift=7.0),
    }  # fmt: skip


def _tiny_wan() -> Any:
    from diffusers import WanPipeline

    return WanPipeline(**_wan_parts(in_channels=16, image_dim=None))


def _tiny_wan_i2v() -> Any:
    """Wan 2.1 image-to-video in small: the first frame's latents join the noise (16 + 16 + 4
    mask channels) and a CLIP vision encoder (built from a config) embeds the start image.
    Shapes follow diffusers' own fast test of WanImageToVideoPipeline."""
    import torch
    from diffusers import WanImageToVideoPipeline
    from transformers import CLIPImageProcessor, CLIPVisionConfig, CLIPVisionModel

    parts = _wan_parts(in_channels=36, image_dim=4)
    torch.manual_seed(0)
    encoder = CLIPVisionModel(
        CLIPVisionConfig(
            hidden_size=4, num_hidden_layers=2, num_attention_heads=2,
            image_size=32, intermediate_size=16, patch_size=1,
        )  # fmt: skip
    )
    processor = CLIPImageProcessor(crop_size=32, size=32)
    return WanImageToVideoPipeline(**parts, image_encoder=encoder, image_processor=processor)


def _tiny_ltx() -> Any:
    import torch
    from diffusers import (
        AutoencoderKLLTXVideo,
        FlowMatchEulerDiscreteScheduler,
        LTXPipeline,
        LTXVideoTransformer3DModel,
    )
    from transformers import T5EncoderModel

    torch.manual_seed(0)
    return LTXPipeline(
        tokenizer=_tokenizer(),
        text_encoder=T5EncoderModel(_t5_config()),
        transformer=LTXVideoTransformer3DModel(
            in_channels=8,
            out_channels=8,
            patch_size=1,
            patch_size_t=1,
            num_attention_heads=4,
            attention_head_dim=8,
            cross_attention_dim=32,
            num_layers=2,
            caption_channels=32,
        ),  # fmt: skip
        vae=AutoencoderKLLTXVideo(
            latent_channels=8,
            block_out_channels=(8, 8, 8, 8),
            decoder_block_out_channels=(8, 8, 8, 8),
            spatio_temporal_scaling=(True, True, False, False),
            decoder_spatio_temporal_scaling=(True, True, False, False),
            layers_per_block=(1, 1, 1, 1, 1),
            decoder_layers_per_block=(1, 1, 1, 1, 1),
            patch_size=1,
            patch_size_t=1,
            encoder_causal=True,
            decoder_causal=False,
            spatial_compression_ratio=4,
            temporal_compression_ratio=4,
        ),  # fmt: skip
        scheduler=FlowMatchEulerDiscreteScheduler(),
    )


def _tiny_ltx_upsampler() -> Any:
    """LTX's latent upsampler in small, for tiny-ltx's 8 latent channels. Saved without a VAE:
    the backend hands it the text-to-video pipeline's one, as the real upsampler folder is used."""
    import torch
    from diffusers import LTXLatentUpsamplePipeline
    from diffusers.pipelines.ltx.modeling_latent_upsampler import LTXLatentUpsamplerModel

    torch.manual_seed(0)
    upsampler = LTXLatentUpsamplerModel(in_channels=8, mid_channels=32, num_blocks_per_stage=1)
    return LTXLatentUpsamplePipeline(vae=None, latent_upsampler=upsampler)


BUILDERS: dict[str, Callable[[], Any]] = {
    "tiny-wan": _tiny_wan, "tiny-wan-i2v": _tiny_wan_i2v, "tiny-ltx": _tiny_ltx,
    "tiny-ltx-upsampler": _tiny_ltx_upsampler,
}  # fmt: skip


def ensure_tiny_model(name: str, folder: Path) -> Path:
    """Build and save the tiny pipeline `name` into `folder` unless it is already there.

    Saved beside it and renamed into place, so processes building it at once (Ray workers on
    one machine) never see or leave a half-written folder."""
    if not (folder / "model_index.json").is_file():
        folder.parent.mkdir(parents=True, exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
        try:
            BUILDERS[name]().save_pretrained(str(building))
            with contextlib.suppress(OSError):  # another process finished first: keep theirs
                building.rename(folder)
        finally:
            shutil.rmtree(building, ignore_errors=True)
    return folder
