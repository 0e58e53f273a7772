"""Adding fonts: TrueType/OpenType read by fontTools and Pillow, stored as they came."""

from __future__ import annotations

from pathlib import Path

import pytest

from reelchat.errors import MediaRefused
from reelchat.media_library import add_media, media_file
from reelchat.store.tables import WORKSPACE_SCOPE, MediaKind
from tests.media_library.conftest import assert_nothing_stored

DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


def test_a_truetype_font_is_stored_as_it_came(workspace, settings):
    entry = add_media(workspace, DEJAVU, scope=WORKSPACE_SCOPE, settings=settings)
    assert entry.kind is MediaKind.font and entry.label == "DejaVuSans.ttf"
    stored = media_file(workspace, entry.id)
    assert stored.suffix == ".ttf" and stored.read_bytes() == DEJAVU.read_bytes()


def test_a_damaged_font_is_refused(workspace, settings):
    data = DEJAVU.read_bytes()
    with pytest.raises(MediaRefused, match=r"brand\.ttf is a damaged font file"):
        add_media(
            workspace, data[:2000], scope=WORKSPACE_SCOPE, label="brand.ttf", settings=settings
        )
    assert_nothing_stored(workspace)


@pytest.mark.skipif(not NOTO_CJK.exists(), reason="fonts-noto-cjk is not installed")
def test_a_font_collection_is_refused_by_name(workspace, settings):
    with open(NOTO_CJK, "rb") as handle:
        head = handle.read(4096)
    with pytest.raises(MediaRefused, match=r"a font collection \(\.ttc\)"):
        add_media(workspace, head, scope=WORKSPACE_SCOPE, label="cjk.ttc", settings=settings)
    assert_nothing_stored(workspace)
