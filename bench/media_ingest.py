"""How long does adding a phone photo to the media library take?

Adds a 4000x3000 JPEG (a photo-like gradient with sensor-like noise, EXIF orientation 6) to a
fresh workspace through the real `add_media` path: copy and hash, decode, turn upright, convert,
write the PNG atomically, record the row. The stored PNG's zlib level is the one choice that
decides the time; the baseline is the same code with Pillow's default level (6). Runs of the
two alternate, each in a fresh workspace; medians of the seconds and the stored size.

    .venv/bin/python bench/media_ingest.py --repeat 5
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from reelchat.config import Settings
from reelchat.media_library import add_media, images
from reelchat.store.tables import WORKSPACE_SCOPE
from reelchat.workspace import Workspace


def photo(path: Path) -> Path:
    rng = np.random.default_rng(0)
    y, x = np.mgrid[0:3000, 0:4000]
    pixels = np.stack([x / 4000 * 255, y / 3000 * 255, (x + y) / 7000 * 255], -1)
    pixels += rng.normal(0, 6, pixels.shape)
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).save(path, quality=90, exif=exif)
    return path


def one_add(source: Path, folder: Path, level: int) -> tuple[float, int]:
    images.PNG_COMPRESS_LEVEL = level
    workspace = Workspace(root=folder, database=folder / "reelchat.db")
    settings = Settings(workspace=folder)
    assert workspace.engine is not None  # the database is opened outside the timing
    start = time.perf_counter()
    entry = add_media(workspace, source, scope=WORKSPACE_SCOPE, settings=settings)
    return time.perf_counter() - start, entry.bytes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    chosen = images.PNG_COMPRESS_LEVEL
    runs: dict[str, list[tuple[float, int]]] = {"reelchat": [], "baseline": []}
    with tempfile.TemporaryDirectory() as temp:
        source = photo(Path(temp) / "photo.jpg")
        for run in range(args.repeat):
            for name, level in (("reelchat", chosen), ("baseline", 6)):
                runs[name].append(one_add(source, Path(temp) / f"{name}-{run}", level))
        jpeg = source.stat().st_size / 1024**2
    print(f"4000x3000 JPEG of {jpeg:.1f} MiB, {args.repeat} runs each, interleaved")
    print("| | PNG level | median s | stored MiB |")
    print("|---|---|---|---|")
    for name, level in (("reelchat", chosen), ("baseline", 6)):
        seconds = statistics.median(r[0] for r in runs[name])
        size = statistics.median(r[1] for r in runs[name]) / 1024**2
        print(f"| {name} | {level} | {seconds:.2f} | {size:.1f} |")
    ratio = statistics.median(r[0] for r in runs["reelchat"]) / statistics.median(
        r[0] for r in runs["baseline"]
    )
    print(f"ratio reelchat / baseline: {ratio:.2f}")


if __name__ == "__main__":
    main()
