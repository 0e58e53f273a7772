"""One Settings object, read from REELCHAT_* variables, a .env file and CLI flags."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from dotenv import dotenv_values
from pydantic import AliasChoices, Field, PrivateAttr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Where reelchat keeps its files and which engines it uses.

    The LLM fields also accept the variables the openai SDK reads (OPENAI_BASE_URL,
    OPENAI_API_KEY), so an existing setup works as it is; REELCHAT_* wins when both are set.

    A key goes only to an endpoint configured beside it: when a `.env` file in the current
    folder sets an endpoint (LLM or moderation) while the API key comes from the process
    environment, the key is not used (requests go without it) and `notice` names the `.env`
    that changed the endpoint. Put the key in that `.env` too, or set the endpoint in the
    environment, to use both. See docs/reliability.md, "Secrets".
    """

    model_config = SettingsConfigDict(
        env_prefix="REELCHAT_", env_file=".env", extra="ignore", populate_by_name=True
    )

    workspace: Path = Field(default=Path("~/.reelchat"), description="Folder for all files.")
    database: Path | None = Field(
        default=None, description="SQLite file; defaults to <workspace>/reelchat.db."
    )
    backend: Literal["animatic", "diffusers"] = Field(
        default="animatic", description="Video backend that renders shots."
    )
    model: str | None = Field(
        default=None, description="Diffusion preset name or local diffusers folder."
    )
    device: str | None = Field(default=None, description="torch device; default cuda if present.")
    chain_shots: bool = Field(
        default=False, description="Start each shot from the last frame of the one before."
    )
    steps: int | None = Field(default=None, ge=1, le=200, description="Override denoising steps.")
    confirm_over: float | None = Field(
        default=None, gt=0, description="Ask before a render expected to take more seconds."
    )
    check_min_spread: float = Field(
        default=2.0, ge=0, description="Shot check: a clip spreading less is one colour."
    )
    check_min_motion: float = Field(
        default=0.5, ge=0, description="Shot check: a clip moving less is frozen."
    )
    check_max_jump: float = Field(
        default=80.0, gt=0, description="Shot check: a brightness jump over this is flicker."
    )
    check_max_noise: float = Field(
        default=60.0, gt=0, description="Shot check: neighbouring pixels differing more is noise."
    )
    offload: Literal["auto", "none", "model", "group", "sequential"] = Field(
        default="auto", description="Move model parts to the CPU to fit in GPU memory."
    )
    vae_tiling: bool = Field(default=True, description="Decode video in tiles to save memory.")
    compile: bool = Field(default=False, description="torch.compile the transformer.")
    max_batch: int = Field(
        default=4, ge=1, le=32, description="Most shots of one shape rendered in one model call."
    )
    cache_hook: Literal["none", "first_block", "taylorseer"] = Field(
        default="none", description="diffusers step cache that skips repeated transformer work."
    )
    temporal_stage: Literal["minterpolate", "repeat"] = Field(
        default="minterpolate",
        description="How a diffusion clip at the model's fps becomes the storyboard's fps: "
        "motion-compensated in-between frames, or repeated frames.",
    )
    spatial_stage: Literal["auto", "resample", "latent-upsampler"] = Field(
        default="auto",
        description="How a diffusion clip reaches the storyboard's frame size: Lanczos "
        "resampling, or the preset's latent upsampler (LTX-Video) on a half-size render; auto "
        "uses the upsampler where the preset has one.",
    )
    executor: Literal["local", "ray"] = Field(
        default="local", description="Where shots render: in this process, or on a Ray cluster."
    )
    ray_address: str | None = Field(
        default=None,
        description="Ray cluster to use (auto, ray://host:10001); unset starts a local one.",
    )
    ray_workers: int | None = Field(
        default=None, ge=1, description="Most Ray worker actors (default: one per GPU or CPU)."
    )
    llm_base_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("REELCHAT_LLM_BASE_URL", "OPENAI_BASE_URL"),
    )
    llm_api_key: str | None = Field(
        default=None,
        validation_alias=AliasChoices("REELCHAT_LLM_API_KEY", "OPENAI_API_KEY"),
    )
    llm_model: str = Field(default="gpt-4o-mini", description="Model name at the endpoint.")
    llm_timeout: float = Field(
        default=60.0,
        gt=0,
        description="Seconds one model call may take in all, first byte to last.",
    )
    llm_max_retries: int = Field(
        default=2, ge=0, le=10,
        description="Retries on 429/5xx, and on timeouts of a remote (not 127.0.0.1) endpoint.",
    )  # fmt: skip
    llm_max_tokens: int = Field(
        default=4096, ge=64, le=131_072,
        description="Most tokens the model may write per call (a 6-shot storyboard is ~1,000).",
    )  # fmt: skip
    content_filter: Literal["off", "blocklist", "moderation"] = Field(
        default="off", description="Refuse listed or flagged text in messages and shots."
    )
    blocklist: list[str] = Field(
        default_factory=list, description="Words or phrases to refuse (plus blocklist.txt)."
    )
    moderation_base_url: str | None = Field(
        default=None, description="OpenAI-compatible moderations endpoint; default the LLM's."
    )
    moderation_model: str = Field(default="omni-moderation-latest")

    media_max_bytes: int = Field(
        default=400 * 1024**2, ge=1024,
        description="Largest media file (bytes) accepted. Default 400 MiB: about one minute "
        "of a phone's 4K 60 fps HEVC video (Apple lists 400 MB per minute for that setting).",
    )  # fmt: skip
    media_max_pixels: int = Field(
        default=89_478_485, ge=1, le=178_956_970,
        description="Most pixels (width x height) of an image, checked from its header before "
        "decoding: Pillow's Image.MAX_IMAGE_PIXELS default (a 24-bit image of 1/4 GiB), above "
        "which Pillow itself warns of a decompression bomb; at most twice that, where it refuses.",
    )  # fmt: skip
    media_max_clip_seconds: float = Field(
        default=60.0, gt=0, le=600,
        description="Longest clip (seconds) accepted, read from the container before decoding; "
        "a shot is at most a few seconds, so a minute leaves room to pick the part to use.",
    )  # fmt: skip

    _notice: str = PrivateAttr(default="")

    @property
    def notice(self) -> str:
        """Why the API key is not used (the .env rule above), or empty."""
        return self._notice

    @model_validator(mode="after")
    def _key_only_beside_its_endpoint(self) -> Settings:
        env_file = Path(".env")
        if not self.llm_api_key or not env_file.is_file():
            return self
        key_names = ("REELCHAT_LLM_API_KEY", "OPENAI_API_KEY")
        url_names = ("REELCHAT_LLM_BASE_URL", "OPENAI_BASE_URL", "REELCHAT_MODERATION_BASE_URL")
        from_file = {name.upper() for name, value in dotenv_values(env_file).items() if value}
        key_from_environment = any(os.environ.get(name) for name in key_names)
        endpoint_from_file = any(
            name in from_file and not os.environ.get(name) for name in url_names
        )
        if key_from_environment and endpoint_from_file:
            self.llm_api_key = None
            self._notice = (
                f"{env_file.resolve()} sets the LLM endpoint, but the API key comes from your "
                "environment: the key is not sent there. Put the key in that .env as well, or "
                "set the endpoint in your environment"
            )
        return self

    @property
    def workspace_dir(self) -> Path:
        return self.workspace.expanduser().resolve()

    @property
    def database_path(self) -> Path:
        if self.database is not None:
            return self.database.expanduser().resolve()
        return self.workspace_dir / "reelchat.db"

    def diffusion_key(self) -> tuple[object, ...]:
        """The settings that decide which diffusion backend is loaded (for the warm cache)."""
        return (
            self.device, self.chain_shots, self.steps, self.offload, self.vae_tiling,
            self.compile, self.cache_hook, self.max_batch, self.temporal_stage,
            self.spatial_stage,
        )  # fmt: skip
