"""Fonts per script through fontconfig; uncovered characters from the fonts' cmaps."""

from __future__ import annotations

import pytest
from fontTools.ttLib import TTFont

from pipeline.fonts import FontFace, coverage, css_font_family, font_stack, missing_glyphs, uncovered

KOREAN, ARABIC, HEBREW, CHINESE, DEVANAGARI = "김민준", "محمد علي", "דוד כהן", "王小明", "राहुल शर्मा"
EMOJI = "Thanks ✊🏽 😀 👩\u200d👩\u200d👧"


@pytest.mark.parametrize(
    ("texts", "lang", "family"),
    [
        ([ARABIC], "ar", "Noto Naskh Arabic"),
        ([HEBREW], "he", "Noto Serif Hebrew"),
        ([CHINESE], "zh", "Noto Serif CJK SC"),
        ([CHINESE], "zh_TW", "Noto Serif CJK TC"),
        (["山田太郎 やまだ"], "ja", "Noto Serif CJK JP"),
        ([KOREAN], "de", "Noto Serif CJK KR"),
        ([DEVANAGARI], "hi", "Noto Serif Devanagari"),
        (["Hello"], "en", "Noto Serif"),
    ],
)
def test_each_script_gets_its_face(texts, lang, family):
    stack = font_stack(texts, lang)
    assert family in [face.family for face in stack]
    assert uncovered(texts, stack) == []


def test_own_script_first_then_the_serif():
    stack = font_stack([ARABIC, "John Smith 12"], "ar")
    assert [f.family for f in stack][:2] == ["Noto Naskh Arabic", "Noto Serif"]
    assert font_stack(["Hello"], "en")[0].family == "Noto Serif"


def test_a_letter_with_every_script_and_an_emoji():
    texts = ["Open letter", KOREAN, ARABIC, HEBREW, CHINESE, DEVANAGARI, "Українська", EMOJI]
    stack = font_stack(texts, "uk")
    assert uncovered(texts, stack) == []
    assert len({f.family for f in stack}) >= 6


def test_uncovered_names_each_missing_character():
    serif = font_stack(["Hello"], "en")
    assert [f.family for f in serif] == ["Noto Serif"]
    missing = uncovered(["Hello", KOREAN, "😀", "\u200d\ufe0f \t\n"], serif)
    assert missing == [("김", 0xAE40), ("민", 0xBBFC), ("준", 0xC900), ("😀", 0x1F600)]


def test_coverage_is_the_fonts_cmap():
    face = font_stack([HEBREW], "he")[0]
    with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
        assert coverage(face) == set(font.getBestCmap())
    assert ord("ש") in coverage(face)


def test_css_font_family_quotes_names():
    stack = [FontFace("Noto Serif", None), FontFace('Odd "Name"', None)]  # type: ignore[arg-type]
    assert css_font_family(stack) == '"Noto Serif", "Odd \\"Name\\"", serif'


def test_missing_glyphs_name_the_entry():
    serif = font_stack(["Hello"], "en")
    items = [("Dear friends,", "Dear friends,"), (KOREAN, "Signatory 3"), ("김 again", "Signatory 4")]
    assert missing_glyphs(items, serif) == [
        ("김", 0xAE40, "Signatory 3"),
        ("민", 0xBBFC, "Signatory 3"),
        ("준", 0xC900, "Signatory 3"),
    ]
    assert missing_glyphs(items, font_stack([t for t, _ in items], "en")) == []
