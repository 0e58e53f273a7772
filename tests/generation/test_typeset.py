"""Text in every script: the font chosen for each run really has the glyphs (checked in its cmap),
long words and CJK wrap inside the title-safe area, and missing scripts are named."""

import shutil
import subprocess
import unicodedata

import numpy as np
import pytest
from fontTools.ttLib import TTFont
from PIL import Image

from reelchat.generation import fonts
from reelchat.generation.fonts import clusters, fallback_fonts, missing_glyphs, shaping_warnings
from reelchat.generation.stitch import OnScreenText, _text_png
from reelchat.generation.typeset import TITLE_SAFE, draw_line, fit, runs, text_width, wrap

pytestmark = pytest.mark.skipif(shutil.which("fc-match") is None, reason="needs fontconfig")

CAPTIONS = {
    "cjk": "欢迎来到上海，这是一座永不停歇的城市，每一个夜晚都充满了灯光与故事",
    "emoji": "New export button is live 🎉🚀 Try it today 👉",
    "arabic": "مرحبا بكم في فريق التصميم",
    "hebrew": "ברוכים הבאים לצוות העיצוב 2025",
    "devanagari": "नमस्ते, आपका स्वागत है",
    "thai": "สวัสดีครับ ยินดีต้อนรับ",
}
SKIP_CODEPOINTS = {0x200D, 0xFE0F, 0xFE0E}
"""Zero-width joiner and variation selectors: they steer shaping and have no glyph of their own."""


def _cmap(path: str, index: int) -> set[int]:
    return set(TTFont(path, fontNumber=index, lazy=True).getBestCmap())


def _installed(char: str) -> bool:
    """Whether fontconfig lists any font with this character (asked directly, not through
    reelchat): without one the machine lacks the Debian font package, not reelchat a feature."""
    listed = subprocess.run(
        ["fc-list", f":charset={ord(char):x}", "file"], capture_output=True, text=True
    )
    return bool(listed.stdout.strip())


@pytest.mark.parametrize("script", sorted(CAPTIONS))
def test_every_character_is_drawn_by_a_font_that_has_it(script):
    text = CAPTIONS[script]
    if not all(_installed(c) for c in text if not c.isspace() and ord(c) > 0x7F):
        pytest.skip(f"no {script} font installed (.ci/run installs fonts-noto-core/-cjk/-emoji)")
    for run in runs(text):
        assert run.file is not None, f"no font for {run.text!r}"
        cmap = _cmap(run.file.path, run.file.index)
        missing = [
            f"U+{ord(c):04X}"
            for c in run.text
            if ord(c) not in SKIP_CODEPOINTS and not c.isspace() and ord(c) not in cmap
        ]
        assert not missing, f"{run.file.path} lacks {missing} (would draw .notdef boxes)"
    assert missing_glyphs(text) == []


def test_emoji_are_drawn_in_colour():
    image = Image.new("RGBA", (200, 60), (0, 0, 0, 255))
    draw_line(image, (4, 4), "🎉🚀", 32, (255, 255, 255, 255))
    rgb = np.asarray(image.convert("RGB")).astype(int)
    spread = rgb.max(axis=2) - rgb.min(axis=2)
    assert (spread > 80).sum() > 200, "the emoji came out grey or blank"
    assert [run.file.family for run in runs("🎉🚀")] == ["Noto Color Emoji"]


def test_a_60_character_word_wraps_inside_a_portrait_frame_and_keeps_every_letter():
    word = "Donaudampfschifffahrtselektrizitaetenhauptbetriebswerkbauunt"
    assert len(word) == 60
    width = 360 * TITLE_SAFE
    lines = wrap(word, 18, width)
    assert len(lines) > 1
    assert "".join(lines) == word
    assert all(text_width(line, 18) <= width for line in lines)


def test_chinese_without_spaces_wraps_by_character():
    lines = wrap(CAPTIONS["cjk"], 20, 200)
    assert len(lines) >= 3 and "".join(lines) == CAPTIONS["cjk"]
    assert all(text_width(line, 20) <= 200 for line in lines)


def test_a_long_caption_shrinks_before_it_is_cut():
    long = "word " * 30
    fitted = fit(long, 30, 300, 3, min_size=12)
    assert fitted.size < 30 and len(fitted.lines) <= 3
    assert all(text_width(line, fitted.size) <= 300 for line in fitted.lines)


@pytest.mark.parametrize(
    "caption",
    [
        "Sign up at https://example.com/onboarding/welcome/new-starters/handbook-2025",
        "Donaudampfschifffahrtselektrizitaetenhauptbetriebswerkbauunterbeamtengesellschaft",
        CAPTIONS["cjk"],
    ],
)
def test_title_and_caption_stay_inside_the_title_safe_area_of_a_portrait_frame(caption, tmp_path):
    width, height = 360, 640
    png = _text_png(OnScreenText(caption, caption), width, height, tmp_path / "text.png")
    alpha = np.asarray(Image.open(png))[..., 3]
    columns = np.nonzero(alpha.max(axis=0))[0]
    margin = width * (1 - TITLE_SAFE) / 2
    assert columns.min() >= margin - 1 and columns.max() <= width - margin + 1


def _uncovered_letter() -> str | None:
    """A letter of some script that no installed font has (there are always some)."""
    for codepoint in range(0x10000, 0x1E000):
        char = chr(codepoint)
        if unicodedata.category(char) == "Lo" and fonts.font_for(char) is None:
            return char
    return None


def test_a_script_no_font_has_is_named_with_its_debian_package():
    char = _uncovered_letter()
    if char is None:
        pytest.skip("every letter has a font here")
    script = unicodedata.name(char).split()[0].title()
    (message,) = missing_glyphs(f"Hello {char}{char}")
    assert script in message and "fonts-noto" in message


def test_cjk_missing_names_fonts_noto_cjk(monkeypatch):
    no_cjk = tuple(f for f in fallback_fonts(True) if not f.has(ord("上")))
    monkeypatch.setattr(fonts, "fallback_fonts", lambda bold: no_cjk)
    fonts.font_for.cache_clear()
    try:
        (message,) = missing_glyphs("上海")
    finally:
        fonts.font_for.cache_clear()
    assert "CJK" in message and "fonts-noto-cjk" in message


def test_without_libraqm_complex_scripts_get_a_warning(monkeypatch):
    monkeypatch.setattr(fonts.features, "check", lambda name: False)
    warnings = shaping_warnings(CAPTIONS["arabic"] + " " + CAPTIONS["thai"])
    assert len(warnings) == 2 and all("libraqm" in w for w in warnings)
    assert shaping_warnings("plain English") == []


def test_grapheme_clusters_keep_emoji_sequences_whole():
    assert len(clusters("👩‍👩‍👧🇯🇵é")) == 3
