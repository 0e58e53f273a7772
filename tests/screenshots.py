"""Real screenshots for media tests: four screens of a small notes app, drawn by Chromium.

`app_screenshots(folder)` writes screen-1.png .. screen-4.png (1280x800) and returns their paths
with the region (fractions of the picture) of the thing each screen is about, so a test can zoom
to it and check the zoom landed there. Skips the test when Chromium is not installed.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from reelchat.storyboard.models import Region

WIDTH, HEIGHT = 1280, 800

_PAGE = """<!doctype html><html><head><meta charset="utf-8"><style>
body {{ margin: 0; font: 20px sans-serif; background: #f4f6fb; color: #1d2233; }}
header {{ background: #232946; color: #fff; height: 64px; display: flex; align-items: center;
         padding: 0 24px; font-size: 24px; }}
header .spacer {{ flex: 1; }}
.export {{ background: #1f9d6b; color: #fff; border-radius: 8px; padding: 10px 22px; }}
main {{ padding: 32px 48px; }}
.card {{ background: #fff; border-radius: 10px; padding: 20px 28px; margin-bottom: 18px;
         box-shadow: 0 2px 6px #0002; width: 560px; }}
.menu {{ position: absolute; right: 24px; top: 72px; width: 260px; background: #fff;
         border-radius: 10px; box-shadow: 0 6px 18px #0004; }}
.menu div {{ padding: 14px 20px; border-bottom: 1px solid #e3e6ef; }}
.dialog {{ position: absolute; left: 340px; top: 180px; width: 600px; height: 380px;
           background: #fff; border-radius: 14px; box-shadow: 0 10px 40px #0005; padding: 28px; }}
.primary {{ position: absolute; right: 28px; bottom: 28px; background: #1f9d6b; color: #fff;
            padding: 12px 30px; border-radius: 8px; }}
.toast {{ position: absolute; left: 24px; bottom: 24px; background: #232946; color: #fff;
          padding: 18px 28px; border-radius: 10px; }}
</style></head><body>
<header>Acme Notes<span class="spacer"></span><span class="export">Export</span></header>
<main><div class="card">Q3 planning: budget, hiring, launch dates</div>
<div class="card">Design review notes</div><div class="card">Customer interviews</div></main>
{extra}</body></html>"""

_SCREENS: list[tuple[str, Region]] = [
    ("", Region(x=0.88, y=0.0, width=0.12, height=0.08)),
    (
        '<div class="menu"><div>PDF document</div><div>Markdown</div><div>Word (.docx)</div></div>',
        Region(x=0.78, y=0.09, width=0.21, height=0.2),
    ),
    (
        '<div class="dialog"><h2>Export "Q3 planning"</h2><p>Format: PDF</p>'
        '<p>Include comments: yes</p><span class="primary">Export</span></div>',
        Region(x=0.26, y=0.22, width=0.48, height=0.5),
    ),
    (
        '<div class="toast">Exported Q3-planning.pdf</div>',
        Region(x=0.0, y=0.88, width=0.3, height=0.12),
    ),
]


def app_screenshots(folder: Path) -> list[tuple[Path, Region]]:
    """Four 1280x800 PNG screenshots in `folder`, each with the region it is about."""
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Chromium is not installed (apt install chromium)")
    folder.mkdir(parents=True, exist_ok=True)
    shots = []
    for number, (extra, region) in enumerate(_SCREENS, start=1):
        page = folder / f"screen-{number}.html"
        page.write_text(_PAGE.format(extra=extra), encoding="utf-8")
        image = folder / f"screen-{number}.png"
        subprocess.run(
            [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--user-data-dir={folder / 'profile'}", f"--window-size={WIDTH},{HEIGHT}",
             f"--screenshot={image}", page.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        shots.append((image, region))
    return shots
