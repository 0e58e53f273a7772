"""Contact sheets for docs/gallery.md: the three uses in three aspects, one frame per shot.

Each storyboard is planned from its template by this checkout, written as JSON and rendered by
two installs of reelchat (`--before` and `--after`, each a virtualenv's bin folder) with
`reelchat render --no-narration` in a fresh workspace; one frame from the middle of every shot is
scaled down and tiled into a PNG with a 256-colour palette, so a sheet stays a few tens of KB.

    python bench/gallery.py --before /work/main/.venv/bin --after .venv/bin --out docs/gallery
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from reelchat.generation.media import read_frame  # noqa: E402
from reelchat.storyboard.models import Aspect, Storyboard  # noqa: E402
from reelchat.storyboard.templates import (  # noqa: E402
    EXPLAINER,
    ONBOARDING,
    PRODUCT_DEMO,
    from_template,
)

USES = {
    "explainer": (EXPLAINER, {"topic": "how vaccines work", "audience": "teenagers"}),
    "product-demo": (PRODUCT_DEMO, {"topic": "the export button", "audience": "designers"}),
    "onboarding": (ONBOARDING, {"name": "Maya", "team": "design team", "role": "designer"}),
}
ASPECTS = {"16x9": Aspect.landscape, "9x16": Aspect.portrait, "4x5": Aspect.feed}
THUMB_AREA = 200 * 112
"""Pixels per thumbnail: 200x112 at 16:9, about the same area in the other shapes."""


def storyboard(use: str, aspect: Aspect) -> Storyboard:
    template, words = USES[use]
    board = from_template(template, aspect=aspect, seconds=24, shots=6, **words)
    return board.model_copy(update={"resolution": 360, "fps": 12})


def render(bin_dir: Path, board: Storyboard, output: Path) -> str:
    """Render with that install's CLI; '' on success, else the last line it printed."""
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "board.json"
        source.write_text(board.to_json())
        env = dict(os.environ, REELCHAT_WORKSPACE=work, REELCHAT_HOME=work)
        result = subprocess.run(
            [str(bin_dir / "reelchat"), "render", str(source), "-o", str(output),
             "--no-narration"],
            capture_output=True, text=True, env=env,
        )  # fmt: skip
    if result.returncode != 0 or not output.exists():
        return (result.stderr.strip() or result.stdout.strip()).splitlines()[-1]
    return ""


def contact_sheet(video: Path, board: Storyboard, sheet: Path) -> None:
    """One frame from the middle of each shot, scaled down, in a row; a 256-colour PNG."""
    width, height = board.size
    scale = (THUMB_AREA / (width * height)) ** 0.5
    thumb = (round(width * scale), round(height * scale))
    line = board.timeline
    tiles = []
    for start, frames in zip(line.starts, line.frames, strict=True):
        seconds = line.seconds(start + frames // 2)
        tiles.append(Image.fromarray(read_frame(video, seconds)).resize(thumb, Image.LANCZOS))
    gap = 4
    canvas = Image.new("RGB", (len(tiles) * (thumb[0] + gap) - gap, thumb[1]), (255, 255, 255))
    for number, tile in enumerate(tiles):
        canvas.paste(tile, (number * (thumb[0] + gap), 0))
    canvas.quantize(256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.FLOYDSTEINBERG).save(
        sheet, optimize=True
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="bin folder of the baseline")
    parser.add_argument("--after", type=Path, required=True, help="bin folder of this checkout")
    parser.add_argument("--out", type=Path, default=Path("docs/gallery"))
    parser.add_argument("--sides", nargs="+", default=["before", "after"])
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temp:
        for use in USES:
            for name, aspect in ASPECTS.items():
                board = storyboard(use, aspect)
                for side in args.sides:
                    bin_dir = getattr(args, side)
                    video = Path(temp) / f"{use}-{name}-{side}.mp4"
                    failure = render(bin_dir, board, video)
                    if failure:
                        print(f"{use} {name} {side}: not rendered: {failure}")
                        continue
                    sheet = args.out / f"{use}-{name}-{side}.png"
                    contact_sheet(video, board, sheet)
                    print(f"{use} {name} {side}: {sheet} ({sheet.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
