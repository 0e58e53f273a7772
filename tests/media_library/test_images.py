"""Adding pictures: decoded in full, upright, sRGB, RGB(A), no metadata; bad ones refused."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from reelchat.config import Settings
from reelchat.errors import MediaRefused
from reelchat.media_library import add_media, list_media, media_file
from reelchat.store.tables import MediaKind
from reelchat.workspace import Workspace
from tests.media_library.conftest import assert_nothing_stored
from tests.media_library.samples import (
    huge_png_header,
    jpeg_bytes,
    png_bytes,
    swapped_primaries_profile,
)


def _stored(workspace: Workspace, media_id: str) -> Image.Image:
    image = Image.open(media_file(workspace, media_id))
    image.load()
    return image


def test_a_text_file_named_png_is_refused_and_nothing_is_stored(
    workspace, session_id, settings, tmp_path
):
    fake = tmp_path / "screenshot.png"
    fake.write_text("this is a shopping list, not a picture\n")
    with pytest.raises(MediaRefused, match=r"screenshot\.png is not something reelchat can use"):
        add_media(workspace, fake, scope=session_id, settings=settings)
    assert_nothing_stored(workspace)


@pytest.mark.parametrize("side", [30000, 12000])
def test_a_huge_png_is_refused_from_its_header_before_decoding(
    workspace, session_id, settings, side
):
    # 30000² passes Pillow's own bomb limit twice over; 12000² only the configured limit
    with pytest.raises(MediaRefused, match=r"huge\.png .*pixels.*decompression bomb"):
        add_media(
            workspace,
            huge_png_header(side, side),
            scope=session_id,
            label="huge.png",
            settings=settings,
        )
    assert_nothing_stored(workspace)


def test_the_pixel_limit_is_a_setting(workspace, session_id):
    small = Settings(workspace=workspace.root, media_max_pixels=100)
    with pytest.raises(MediaRefused, match=r"20×20 pixels, more than the 100 allowed"):
        add_media(
            workspace,
            png_bytes(Image.new("RGB", (20, 20))),
            scope=session_id,
            label="a.png",
            settings=small,
        )
    assert_nothing_stored(workspace)


def test_a_truncated_jpeg_is_refused_and_nothing_is_stored(workspace, session_id, settings):
    noise = Image.effect_noise((96, 96), 60).convert("RGB")
    whole = jpeg_bytes(noise)
    with pytest.raises(MediaRefused, match=r"photo\.jpg is a damaged or truncated JPEG"):
        add_media(
            workspace,
            whole[: len(whole) // 2],
            scope=session_id,
            label="photo.jpg",
            settings=settings,
        )
    assert_nothing_stored(workspace)


def test_a_cmyk_jpeg_is_stored_as_rgb_with_its_colours(workspace, session_id, settings):
    cmyk = Image.new("CMYK", (32, 32), (0, 255, 255, 0))  # no cyan, full magenta + yellow: red
    cmyk.paste((255, 0, 255, 0), (0, 16, 32, 32))  # cyan + yellow: green
    entry = add_media(
        workspace, jpeg_bytes(cmyk), scope=session_id, label="print.jpg", settings=settings
    )
    stored = _stored(workspace, entry.id)
    assert stored.mode == "RGB" and entry.kind is MediaKind.image
    red, green = stored.getpixel((16, 4)), stored.getpixel((16, 28))
    assert red[0] > 230 and red[1] < 30 and red[2] < 30
    assert green[1] > 230 and green[0] < 30 and green[2] < 30


def test_an_exif_rotated_phone_photo_comes_out_upright(workspace, session_id, settings):
    # as the sensor stored it: landscape, red on the left, blue on the right; Orientation 6
    # says "turn 90° clockwise to view", so upright it is portrait with red on top
    sensor = Image.new("RGB", (40, 20), (0, 0, 255))
    sensor.paste((255, 0, 0), (0, 0, 20, 20))
    exif = Image.Exif()
    exif[0x0112] = 6
    entry = add_media(
        workspace,
        jpeg_bytes(sensor, exif=exif),
        scope=session_id,
        label="IMG_0001.JPG",
        settings=settings,
    )
    stored = _stored(workspace, entry.id)
    assert (entry.width, entry.height) == stored.size == (20, 40)
    top, bottom = stored.getpixel((10, 5)), stored.getpixel((10, 35))
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60
    assert 0x0112 not in stored.getexif()


def test_a_transparent_png_logo_keeps_its_alpha(workspace, session_id, settings):
    logo = Image.new("RGBA", (24, 24), (0, 0, 0, 0))
    logo.paste((200, 30, 30, 255), (6, 6, 18, 18))
    logo.putpixel((0, 23), (10, 20, 30, 128))
    entry = add_media(
        workspace, png_bytes(logo), scope=session_id, label="logo.png", settings=settings
    )
    stored = _stored(workspace, entry.id)
    assert entry.has_alpha and stored.mode == "RGBA"
    assert stored.getpixel((0, 0))[3] == 0
    assert stored.getpixel((12, 12)) == (200, 30, 30, 255)
    assert stored.getpixel((0, 23)) == (10, 20, 30, 128)


def test_an_opaque_alpha_channel_is_stored_as_rgb(workspace, session_id, settings):
    entry = add_media(
        workspace,
        png_bytes(Image.new("RGBA", (8, 8), (1, 2, 3, 255))),
        scope=session_id,
        settings=settings,
    )
    assert not entry.has_alpha and _stored(workspace, entry.id).mode == "RGB"


@pytest.mark.parametrize("kind", ["GIF", "PNG", "WEBP"])
def test_an_animated_image_is_refused_in_one_sentence(workspace, session_id, settings, kind):
    frames = [Image.new("RGB", (16, 16), colour) for colour in ("red", "green", "blue")]
    buffer = io.BytesIO()
    frames[0].save(buffer, format=kind, save_all=True, append_images=frames[1:], duration=100)
    with pytest.raises(
        MediaRefused,
        match=r"spinner is an animated .* \(3 frames\); reelchat "
        r"takes still images",
    ):
        add_media(
            workspace, buffer.getvalue(), scope=session_id, label="spinner", settings=settings
        )
    assert_nothing_stored(workspace)


def test_a_still_gif_with_a_transparent_palette_entry_keeps_it(workspace, session_id, settings):
    palette = Image.new("P", (8, 8), 1)
    palette.putpalette([0, 0, 0, 255, 0, 0])
    palette.putpixel((0, 0), 0)
    buffer = io.BytesIO()
    palette.save(buffer, format="GIF", transparency=0)
    entry = add_media(workspace, buffer.getvalue(), scope=session_id, settings=settings)
    stored = _stored(workspace, entry.id)
    assert entry.has_alpha and stored.getpixel((0, 0))[3] == 0
    assert stored.getpixel((4, 4)) == (255, 0, 0, 255)


@pytest.mark.parametrize(
    ("mode", "value", "expected"),
    [
        ("LA", (90, 255), (90, 90, 90)),
        ("I;16", 65535, (255, 255, 255)),
        ("I;16", 32896, (128, 128, 128)),
        ("L", 7, (7, 7, 7)),
    ],
)
def test_grey_and_deep_images_become_8_bit_rgb(
    workspace, session_id, settings, mode, value, expected
):
    entry = add_media(
        workspace, png_bytes(Image.new(mode, (4, 4), value)), scope=session_id, settings=settings
    )
    stored = _stored(workspace, entry.id)
    assert stored.mode == "RGB" and stored.getpixel((1, 1)) == expected


def test_an_embedded_colour_profile_is_converted_to_srgb(workspace, session_id, settings):
    red = Image.new("RGB", (8, 8), (255, 0, 0))
    tagged = png_bytes(red, icc_profile=swapped_primaries_profile())
    entry = add_media(workspace, tagged, scope=session_id, settings=settings)
    stored = _stored(workspace, entry.id)
    red, green, blue = stored.getpixel((4, 4))
    assert green > 230 and red < 40 and blue < 40
    assert "icc_profile" not in stored.info


def test_location_camera_and_text_metadata_are_never_stored(workspace, session_id, settings):
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 15"  # Model
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (48.0, 51.0, 29.0)
    gps[3], gps[4] = "E", (2.0, 17.0, 40.0)
    photo = jpeg_bytes(Image.new("RGB", (16, 16), (20, 120, 60)), exif=exif)
    assert Image.open(io.BytesIO(photo)).getexif().get_ifd(0x8825)  # the input does carry GPS
    entry = add_media(workspace, photo, scope=session_id, label="trip.jpg", settings=settings)
    raw = media_file(workspace, entry.id).read_bytes()
    stored = _stored(workspace, entry.id)
    assert not stored.getexif() and not stored.getexif().get_ifd(0x8825)
    assert stored.info == {} or set(stored.info) <= {"dpi"}
    for marker in (b"eXIf", b"tEXt", b"iTXt", b"zTXt", b"iCCP", b"PhoneMaker", b"Exif"):
        assert marker not in raw

    texted = png_bytes(Image.new("RGB", (4, 4)), pnginfo=_text_chunk("Author", "Mei at home"))
    raw = media_file(
        workspace, add_media(workspace, texted, scope=session_id, settings=settings).id
    ).read_bytes()
    assert b"Mei at home" not in raw and b"tEXt" not in raw


def _text_chunk(key: str, value: str):
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text(key, value)
    return info


def test_the_same_image_added_twice_is_one_item(workspace, session_id, settings, tmp_path):
    picture = tmp_path / "shot1.png"
    picture.write_bytes(png_bytes(Image.new("RGB", (10, 10), "orange")))
    first = add_media(workspace, picture, scope=session_id, settings=settings)
    again = add_media(
        workspace, picture.read_bytes(), scope=session_id, label="copy.png", settings=settings
    )
    assert first.id == again.id
    assert [(entry.id, entry.label) for entry in list_media(workspace, session_id)] == [
        (first.id, "shot1.png")
    ]
    assert [p.name for p in (workspace.root / "media").iterdir()] == [f"{first.id}.png"]


def test_a_webp_photo_is_stored_as_png(workspace, session_id, settings):
    buffer = io.BytesIO()
    Image.new("RGB", (12, 8), (0, 90, 200)).save(buffer, format="WEBP", lossless=True)
    entry = add_media(workspace, buffer.getvalue(), scope=session_id, settings=settings)
    assert media_file(workspace, entry.id).suffix == ".png"
    assert _stored(workspace, entry.id).getpixel((3, 3)) == (0, 90, 200)


def test_an_image_format_outside_the_list_is_refused_by_name(workspace, session_id, settings):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4)).save(buffer, format="BMP")
    with pytest.raises(MediaRefused, match=r"scan\.png is a BMP image; reelchat takes"):
        add_media(
            workspace, buffer.getvalue(), scope=session_id, label="scan.png", settings=settings
        )
    assert_nothing_stored(workspace)


def test_the_persons_file_is_only_read(workspace, session_id, settings, tmp_path: Path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "a.png").write_bytes(png_bytes(Image.new("RGB", (4, 4))))
    add_media(workspace, folder / "a.png", scope=session_id, settings=settings)
    assert [p.name for p in folder.iterdir()] == ["a.png"]
