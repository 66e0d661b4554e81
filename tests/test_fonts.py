"""Fonts per script through fontconfig; uncovered characters from the fonts' cmaps."""

from __future__ import annotations

import re
import subprocess
from array import array
from pathlib import Path

import pytest
from conftest import run_cli
from fontTools.ttLib import TTFont

from pipeline.text.unichars import text_direction
from pipeline.typesetting import fonts
from pipeline.typesetting.fonts import (
    FontFace,
    coverage,
    css_families,
    css_font_family,
    font_stack,
    missing_glyphs,
    uncovered,
)

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


def test_css_font_family_leaves_out_names_unsafe_in_css():
    odd = ['Odd "Name"', "X</style><script>", "A;b", "Ünï", "Noto Serif"]
    stack = [FontFace(name, None) for name in ["Noto Naskh Arabic", *odd]]  # type: ignore[arg-type]
    assert css_families(stack) == ["Noto Naskh Arabic", "Noto Serif"]
    assert css_font_family(stack) == '"Noto Naskh Arabic", "Noto Serif", serif'


def test_cmaps_are_cached_on_disk_by_file(tmp_path, monkeypatch):
    face = font_stack([HEBREW], "he")[0]
    monkeypatch.setattr(fonts, "CMAP_CACHE", tmp_path)
    fonts._cmap.cache_clear()
    first = coverage(face)
    [cached] = tmp_path.iterdir()
    fonts._cmap.cache_clear()
    cached.write_bytes(array("I", [0x41, 0x5D0]).tobytes())  # the cache is what is read next time
    assert coverage(face) == {0x41, 0x5D0}
    cached.write_bytes(b"\0\0")  # damaged: read the font again
    fonts._cmap.cache_clear()
    assert coverage(face) == first
    fonts._cmap.cache_clear()


@pytest.mark.parametrize(
    ("text", "direction"),
    [
        ("محمد علي", "rtl"),
        ("דוד כהן", "rtl"),
        ("12 محمد", "rtl"),
        ("Anna", "ltr"),
        (KOREAN, "ltr"),
        ("12.", "auto"),
    ],
)
def test_text_direction_is_that_of_the_first_strong_character(text, direction):
    assert text_direction(text) == direction


def test_missing_glyphs_name_the_entry():
    serif = font_stack(["Hello"], "en")
    items = [("Dear friends,", "Dear friends,"), (KOREAN, "Signatory 3"), ("김 again", "Signatory 4")]
    assert missing_glyphs(items, serif) == [
        ("김", 0xAE40, "Signatory 3"),
        ("민", 0xBBFC, "Signatory 3"),
        ("준", 0xC900, "Signatory 3"),
    ]
    assert missing_glyphs(items, font_stack([t for t, _ in items], "en")) == []


def test_the_languages_han_face_comes_before_a_face_chosen_for_hangul_or_kana():
    stack = [f.family for f in font_stack(["Hello", KOREAN, CHINESE, "やまだ"], "en")]
    assert stack[:2] == ["Noto Serif", "Noto Serif CJK SC"]  # 王小明 in Chinese forms, not Korean ones
    assert uncovered([KOREAN, CHINESE, "やまだ"], font_stack([KOREAN, CHINESE], "en")) == []
    assert font_stack([KOREAN, CHINESE], "ja")[0].family == "Noto Serif CJK JP"


def _word_width(pdf: Path, word: str) -> float:
    """Width in points of the first occurrence of a word in the PDF's text (pdftotext -bbox)."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True)
    for m in re.finditer(
        r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', html.stdout
    ):
        if m.group(3) == word:
            return float(m.group(2)) - float(m.group(1))
    raise AssertionError(f"{word!r} not in {pdf}")


def test_an_emoji_face_draws_only_the_emoji(tmp_path):
    """Named in font-family, Noto Color Emoji would draw every digit (Pango's emoji
    itemization): the edition names it through an alias limited by unicode-range."""
    body = "Dear friends,\n\nWe write with 1234567890 supporters{}.\n\nSincerely,\n\nJane Roe\n\n1. Jane Roe – Director\n"
    widths = {}
    for name, extra in (("plain", ""), ("emoji", " ✨ 🌍")):
        letter = tmp_path / f"{name}.txt"
        letter.write_text(body.format(extra), encoding="utf-8")
        run_cli("editions", letter, "--langs", "", "--output", tmp_path / "out", check=True)
        widths[name] = _word_width(tmp_path / "out" / name / "en.pdf", "1234567890")
        html = (tmp_path / "out" / name / "en.html").read_text(encoding="utf-8")
        assert not re.search(r'font-family:[^;{]*"Noto Color Emoji"', html)
    assert (
        "Noto-Color-Emoji"
        in subprocess.run(
            ["pdffonts", str(tmp_path / "out" / "emoji" / "en.pdf")], capture_output=True, text=True
        ).stdout
    )
    assert abs(widths["emoji"] - widths["plain"]) < 0.5, widths
