"""Contact sheets of videos made from people's own pictures, for docs/gallery.md.

A product demo from four screenshots of a small web app (drawn by Chromium), made through the
library as a person would in chat: planned from the pictures, shot 1 zoomed to the export
button, shot 4's toast highlighted, the workspace's logo in the corner. Then an onboarding batch
of three people, each with their photo (one a sideways phone JPEG with an EXIF orientation), the
logo from the brand kit, through the CLI (`reelchat media add`, `brand set`, `batch
--media-dir`). Narration is off to keep it quick; one frame from the middle of every shot is
tiled into a sheet. Last, the frame's layout (frame_layout): logo, words and pictures in
three aspects.

    python bench/gallery_media.py --out docs/gallery [--only demo batch layout]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from gallery import contact_sheet  # noqa: E402

from reelchat import Studio  # noqa: E402
from reelchat.generation.stitch import StitchOptions  # noqa: E402
from reelchat.storyboard.models import Storyboard  # noqa: E402
from tests.screenshots import app_screenshots  # noqa: E402

PEOPLE = [
    ("Priya", "design team", (64, 92, 160), (205, 150, 120)),
    ("Mei", "support team", (150, 70, 90), (235, 200, 170)),
    ("Tomás", "data team", (60, 130, 100), (160, 110, 80)),
]


def logo(path: Path) -> Path:
    """A transparent PNG logo: an orange rounded square with a white ring."""
    image = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((8, 8, 248, 248), radius=48, fill=(242, 120, 30, 255))
    draw.ellipse((64, 64, 192, 192), outline=(255, 255, 255, 255), width=22)
    image.save(path)
    return path


def portrait(path: Path, background: tuple[int, int, int], skin: tuple[int, int, int]) -> None:
    """A 1200x1600 head-and-shoulders picture; a .jpg is stored sideways with EXIF
    orientation 6, as phones write them."""
    image = Image.new("RGB", (1200, 1600), background)
    draw = ImageDraw.Draw(image)
    for y in range(1600):  # a soft vertical gradient
        shade = tuple(min(255, c + y // 20) for c in background)
        draw.line((0, y, 1200, y), fill=shade)
    draw.ellipse((250, 1050, 950, 1900), fill=(40, 44, 60))
    draw.ellipse((420, 420, 780, 900), fill=skin)
    draw.pieslice((400, 360, 800, 760), 180, 360, fill=(50, 35, 30))
    if path.suffix == ".jpg":
        exif = Image.Exif()
        exif[0x0112] = 6  # rotate 90° clockwise to display
        image.transpose(Image.Transpose.ROTATE_90).save(path, exif=exif, quality=90)
    else:
        image.save(path)


def product_demo(work: Path, out: Path) -> None:
    screens = app_screenshots(work / "shots")
    studio = Studio(work / "ws", stitch=StitchOptions(narration=False))
    brand_logo = studio.add_workspace_media(logo(work / "logo.png"))
    session = studio.new_session()
    for path, _region in screens:
        session.add_media(path)
    for text in (
        "a 16 second demo of our app's new export button, 480p",
        "zoom into the export button (top right) in shot 1",
        "highlight the bottom left corner in shot 4",
        "put our logo in the top right corner of every shot, smaller",
    ):
        print(f"> {text}\n{session.ask(text)}")
    assert session.storyboard.brand.logo is not None, brand_logo
    sheet = out / "media-product-demo.png"
    contact_sheet(session.video_path, session.storyboard, sheet)
    print(f"{sheet} ({sheet.stat().st_size // 1024} KB)")


def onboarding_batch(work: Path, out: Path) -> None:
    photos = work / "photos"
    photos.mkdir()
    rows = []
    for number, (name, team, background, skin) in enumerate(PEOPLE):
        photo = f"{name.lower()}.{'jpg' if number == 0 else 'png'}"
        portrait(photos / photo, background, skin)
        rows.append({"name": name, "team": team, "photo": photo})
    with (work / "people.csv").open("w", newline="", encoding="utf-8") as table:
        writer = csv.DictWriter(table, fieldnames=["name", "team", "photo"])
        writer.writeheader()
        writer.writerows(rows)
    face = {"x": 0.25, "y": 0.15, "width": 0.5, "height": 0.5}
    template = {
        "script": {"title": "Welcome, {name}"},
        "resolution": 480,
        "fps": 24,
        "shots": [
            {"title": "Welcome, {name}!", "prompt": "balloons and confetti for a warm welcome",
             "duration": 3, "camera": "zoom_in", "transition": "crossfade"},
            {"title": "Meet {name}", "prompt": "{name}'s photo", "duration": 4,
             "camera": "zoom_in", "media": {"id": "{photo}", "focus": face},
             "caption": "{name} joins the {team}", "transition": "crossfade"},
            {"title": "Say hello to {name}", "prompt": "a friendly team wave", "duration": 3,
             "camera": "pan_right", "transition": "fade_to_black"},
        ],
    }  # fmt: skip
    (work / "template.json").write_text(json.dumps(template), encoding="utf-8")
    env = dict(os.environ, REELCHAT_WORKSPACE=str(work / "batch-ws"))
    reelchat = str(Path(sys.executable).parent / "reelchat")

    def run(*args: str) -> str:
        done = subprocess.run([reelchat, *args], capture_output=True, text=True, env=env,
                              cwd=work, check=True)  # fmt: skip
        print(f"$ reelchat {' '.join(args)}\n{done.stdout.strip()}")
        return done.stdout

    run("media", "add", str(logo(work / "logo.png")), "--shared")
    listed = run("media", "list")
    logo_id = next(word for word in listed.split() if len(word) == 16 and word.isalnum())
    run("brand", "set", "--logo", logo_id, "--corner", "top_right", "--size", "0.1")
    run("batch", "template.json", "people.csv", "--media-dir", "photos", "-o", "videos",
        "--no-narration")  # fmt: skip
    timing = [{k: v for k, v in shot.items() if k != "media"} for shot in template["shots"]]
    board = Storyboard.model_validate(template | {"shots": timing})
    for number, (name, *_rest) in enumerate(PEOPLE, start=1):
        sheet = out / f"media-onboarding-{name.lower().replace('á', 'a')}.png"
        contact_sheet(work / "videos" / f"person-{number:04d}.mp4", board, sheet)
        print(f"{sheet} ({sheet.stat().st_size // 1024} KB)")


LAYOUT_CAPTION = "Need to export a quarterly report to PDF? There's an easier way."


def frame_layout(work: Path, out: Path) -> None:
    """The logo, the words and the pictures sharing a frame, in 16:9, 9:16 and 1:1: a
    screenshot highlighted in its top left corner (no focus region), a screenshot zoomed with
    no region, and a plain one-colour banner panned; every shot with a title and a caption
    spanning the frame, the logo bottom right at 12 % of the width."""
    from reelchat import store
    from reelchat.generation.animatic import AnimaticBackend
    from reelchat.generation.runner import render_session
    from reelchat.media_library import add_media
    from reelchat.store.tables import WORKSPACE_SCOPE
    from reelchat.workspace import Workspace

    screens = app_screenshots(work / "shots")
    banner = work / "banner.png"
    Image.new("RGB", (4000, 100), (30, 110, 200)).save(banner)
    workspace = Workspace(root=work / "ws", database=work / "ws" / "reelchat.db")
    logo_id = add_media(workspace, logo(work / "logo.png"), scope=WORKSPACE_SCOPE).id
    corner = {"x": 0.0, "y": 0.0, "width": 0.3, "height": 0.2}
    pictures = [screens[0][0], screens[2][0], banner]
    for aspect, name in (("16:9", "16x9"), ("9:16", "9x16"), ("1:1", "1x1")):
        session = store.create_session(workspace.engine, title=f"layout {name}").id
        ids = [add_media(workspace, path, scope=session).id for path in pictures]
        board = Storyboard.model_validate({
            "script": {"title": "Frame layout"}, "aspect": aspect, "resolution": 360, "fps": 12,
            "brand": {"logo": {"media": logo_id, "corner": "bottom_right", "size": 0.12}},
            "shots": [
                {"title": "The problem", "prompt": "the dashboard", "duration": 2,
                 "camera": "zoom_in", "caption": LAYOUT_CAPTION,
                 "media": {"id": ids[0], "highlight": corner}},
                {"title": "Export", "prompt": "the export page", "duration": 2,
                 "camera": "zoom_in", "caption": LAYOUT_CAPTION, "media": {"id": ids[1]}},
                {"title": "A plain banner", "prompt": "the banner", "duration": 2,
                 "camera": "pan_right", "caption": LAYOUT_CAPTION, "media": {"id": ids[2]}},
            ],
        })  # fmt: skip
        store.add_version(workspace.engine, session_id=session, storyboard=board)
        outcome = render_session(workspace, AnimaticBackend(), session_id=session,
                                 options=StitchOptions(narration=False))  # fmt: skip
        print(f"{name}: shot check notes {list(outcome.checks) or 'none'}")
        sheet = out / f"media-layout-{name}.png"
        contact_sheet(outcome.video_path, board, sheet)
        print(f"{sheet} ({sheet.stat().st_size // 1024} KB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/gallery"))
    parser.add_argument("--only", choices=["demo", "batch", "layout"], nargs="+",
                        default=["demo", "batch", "layout"])  # fmt: skip
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    runs = {"demo": product_demo, "batch": onboarding_batch, "layout": frame_layout}
    with tempfile.TemporaryDirectory() as temp:
        for name in args.only:
            (Path(temp) / name).mkdir()
            runs[name](Path(temp) / name, args.out.resolve())


if __name__ == "__main__":
    main()
