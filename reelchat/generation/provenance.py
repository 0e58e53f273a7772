"""Where a clip came from: the backend, model, settings, inputs as sent, machine and timing.

Nothing personal is recorded beyond what the person typed (prompts, title): no user name, host
name, path outside the workspace, or environment variable.
"""

from __future__ import annotations

import hashlib
import platform
import resource
import sys
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from reelchat.generation.backend import ShotRequest, VideoBackend
from reelchat.generation.cache import consumed_fields

_PACKAGES = ("reelchat", "torch", "diffusers", "transformers", "numpy", "imageio-ffmpeg")


def software_versions() -> dict[str, str]:
    """Python and the versions of the packages that shape a clip (absent ones left out)."""
    versions = {"python": platform.python_version()}
    for package in _PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            continue
    return versions


def peak_memory() -> dict[str, float]:
    """Peak memory of this process so far, in MiB: resident memory (getrusage's ru_maxrss, KiB
    on Linux) and, when torch has used a CUDA device, its peak allocated GPU memory."""
    peaks = {"process_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available() and torch.cuda.is_initialized():
        peaks["cuda_allocated_mib"] = torch.cuda.max_memory_allocated() / 2**20
    return peaks


def file_hash(path: Path | None) -> str:
    """SHA-256 of a file (the conditioning image), '' when there is none."""
    if path is None or not path.is_file():
        return ""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _model(backend: VideoBackend) -> dict[str, Any]:
    """Model id, revision, dtype, steps and guidance of a diffusion backend; the animatic's
    name otherwise."""
    preset = getattr(backend, "preset", None)
    if preset is None:
        return {"model": backend.name, "revision": backend.name, "dtype": "uint8", "device": "cpu"}
    from reelchat.generation.diffusion import _dtype  # only diffusion backends have a preset

    return {
        "model": preset.model,
        "preset": preset.name,
        "revision": "built from config (tiny)" if preset.tiny else _hub_revision(preset.model),
        "dtype": str(_dtype(preset, backend.device)).removeprefix("torch."),  # type: ignore[attr-defined]
        "steps": backend.steps,  # type: ignore[attr-defined]
        "guidance_scale": preset.guidance,
        "device": backend.device,  # type: ignore[attr-defined]
        "offload": backend.offload,  # type: ignore[attr-defined]
    }


def _hub_revision(model: str) -> str:
    """The commit of the locally cached hub snapshot, 'unknown' when it cannot be told offline."""
    try:
        from huggingface_hub import snapshot_download

        return Path(snapshot_download(model, local_files_only=True)).name
    except Exception:  # noqa: BLE001 - a local folder, or nothing cached: the id is all we have
        return "unknown"


def _sent_prompts(backend: VideoBackend, request: ShotRequest) -> dict[str, str]:
    """The prompt and negative prompt as the model received them."""
    if getattr(backend, "preset", None) is None:
        return {"prompt": request.prompt, "negative_prompt": request.negative_prompt}
    from reelchat.generation.diffusion import full_prompt

    return {
        "prompt": full_prompt(request),
        "negative_prompt": backend.negative_prompt(request),  # type: ignore[attr-defined]
    }


def _pictures(backend: VideoBackend, request: ShotRequest) -> dict[str, Any]:
    """What decided the pixels besides the words, for the inputs `backend` consumes: the shot's
    own picture or clip (content id, focus and highlight regions, SHA-256 of the file read), the
    brand colours and the brand font (id and SHA-256). `condition_image_sha256` is the file the
    first frame came from: the previous clip's last frame for a chained shot, else the shot's
    own picture or clip, '' when neither."""
    consumed = consumed_fields(backend)
    media_sha256 = file_hash(request.media_file)
    found: dict[str, Any] = {
        "condition_image_sha256": file_hash(request.condition_frame) or media_sha256,
    }
    if "media" in consumed:
        found["media"] = (
            {**request.media.model_dump(mode="json"), "sha256": media_sha256}
            if request.media is not None
            else None
        )
    if "palette" in consumed:
        found["palette"] = list(request.palette)
    if "font" in consumed:
        found["font"] = (
            {"id": request.font, "sha256": file_hash(request.font_file)} if request.font else None
        )
    return found


def clip_provenance(
    backend: VideoBackend,
    request: ShotRequest,
    *,
    started: datetime,
    finished: datetime,
    attempt: int,
) -> dict[str, Any]:
    """Everything that made one render of a clip, as JSON-ready values."""
    return {
        "backend": backend.name,
        **_model(backend),
        **_sent_prompts(backend, request),
        "title": request.title,
        "seed": request.seed,
        "camera": str(request.camera),
        "style": request.style,
        "width": request.width,
        "height": request.height,
        "fps": request.fps,
        "frames": request.frames,
        "condition_key": request.condition_key,
        **_pictures(backend, request),
        "attempt": attempt,
        "started_at": started.isoformat(),
        "finished_at": finished.isoformat(),
        "seconds": round((finished - started).total_seconds(), 3),
        "peak_memory": peak_memory(),
        "software": software_versions(),
        "platform": platform.machine(),
    }
