"""Hyphenation: the generated Azerbaijani dictionary, and the limits on hyphenated lines in the PDFs.

Run as a script for the numbers: ``python tests/test_hyphenation.py A.pdf B.pdf …``
prints, per PDF, the hyphenated lines, the longest run and the shortest fragments.
"""

from __future__ import annotations

import itertools
import re
import statistics
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pyphen
import pytest
from conftest import ROOT, SEED
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.po.catalog import read_catalog
from pipeline.typesetting import hyphenation_az
from pipeline.typesetting.hooks import line_boxes, line_limits, pyphen_dictionaries, typeset

HYPHEN = "\u2010"  # WeasyPrint's hyphenate-character
LEFT, RIGHT, RUN = 2, 3, 3  # at least 2 letters before a break, 3 after; at most 3 lines in a row
AZ_VOWELS = set("aeəıioöuü")
AZ_LETTERS = AZ_VOWELS | set("bcçdfgğhxjkqlmnprsştvyz")
LETTERS = re.compile(r"[^\W\d_]+")


def az_lower(word: str) -> str:
    return word.replace("İ", "i").replace("I", "ı").lower()


def syllable_breaks(word: str) -> set[int]:
    """The rules themselves, independent of the patterns: where two Azerbaijani syllables meet.

    Between two vowels, a lone consonant or the last of several opens the next
    syllable (a-na, mək-təb, dost-luq); two vowels side by side part (şa-ir).
    """
    vowels = [i for i, ch in enumerate(az_lower(word)) if ch in AZ_VOWELS]
    return {b if b == a + 1 else b - 1 for a, b in itertools.pairwise(vowels)}


def az_dictionary(left: int = 1, right: int = 1) -> pyphen.Pyphen:
    pyphen_dictionaries.register()
    return pyphen.Pyphen(lang="az", left=left, right=right)


# --- the dictionary ---------------------------------------------------------------


def test_dictionary_is_the_generators_output():
    assert hyphenation_az.DICTIONARY.read_text("utf-8") == hyphenation_az.dictionary_text()
    assert hyphenation_az.main(["--check"]) == 0
    text = hyphenation_az.DICTIONARY.read_text("utf-8").splitlines()
    assert text[:3] == ["UTF-8", f"LEFTHYPHENMIN {LEFT}", f"RIGHTHYPHENMIN {RIGHT}"]


def test_check_mode_fails_on_a_hand_edited_file(tmp_path):
    edited = tmp_path / "hyph_az.dic"
    edited.write_text(hyphenation_az.dictionary_text().replace("1ba\n", "1ba\n1ab\n"), "utf-8")
    assert hyphenation_az.main(["--check", "--output", str(edited)]) == 1


KNOWN = [
    "a-na",
    "A-zər-bay-can",
    "mü-əl-lim",
    "mək-təb",
    "dost-luq",
    "şa-ir",
    "tə-bi-i",
    "sa-at",
    "türk-mən",
    "qar-daş",
    "Ba-kı",
    "a-zad-lıq",
    "a-ğac",
    "da-ğı",
    "bay-raq",
    "ki-tab",
    "hü-quq",
    "dün-ya",
    "öl-kə",
    "mət-bu-at",
    "cə-miy-yət",
    "fə-a-liy-yət",
    "müs-tə-qil",
    "Er-mə-nis-tan",
    "mü-da-fi-ə-çi-si",
    "qo-run-ma-sı",
    "stra-te-gi-ya",
    "pre-zi-dent",
    "de-mok-ra-ti-ya",
    "sülh",
    "şəxs",
    "irs",
    "ilk",
    "üst",
    "İc-ti-ma-i",
    "İl-ham",
    "İN-SAN",
    "I-ŞIQ",
]


@pytest.mark.parametrize("syllabified", KNOWN)
def test_known_syllabifications(syllabified):
    word = syllabified.replace("-", "")
    assert az_dictionary().inserted(word) == syllabified
    # the rules as written in this test agree, so they can judge the words below
    breaks = syllable_breaks(word)
    assert "".join(("-" if i in breaks else "") + ch for i, ch in enumerate(word)) == syllabified


az_words = st.text(alphabet=sorted(AZ_LETTERS), min_size=1, max_size=14).filter(
    lambda w: len(re.match(r"[^aeəıioöuü]*", w).group()) <= 3  # no word begins with 4 consonants
)


@settings(max_examples=400, deadline=None)
@given(az_words, st.booleans())
def test_patterns_equal_the_rules_on_any_word(word, capital):
    if capital:  # Azerbaijani capitals: i -> İ, ı -> I (Python's lower() makes İ two letters)
        word = {"i": "İ", "ı": "I"}.get(word[0], word[0].upper()) + word[1:]
    assert az_dictionary().positions(word) == sorted(syllable_breaks(word))


def test_every_word_of_the_azerbaijani_letter_breaks_at_syllables():
    limited = az_dictionary(LEFT, RIGHT)
    words = {
        word
        for message in read_catalog(ROOT / "translations" / "letter" / "az.po")
        if message.id and message.string
        for word in LETTERS.findall(message.string)
    }
    checked = broken = 0
    for word in sorted(words):
        if not set(az_lower(word)) <= AZ_LETTERS:
            continue  # a foreign name: letters outside the Azerbaijani alphabet
        expected = sorted(b for b in syllable_breaks(word) if LEFT <= b <= len(word) - RIGHT)
        assert limited.positions(word) == expected, word
        checked += 1
        broken += bool(expected)
    assert checked > 300 and broken > 200, (checked, broken)


# --- layout: a narrow column makes the faults, render() removes them ---------------

NARROW = (
    "<html lang='{lang}'><head><style>body {{ overflow-wrap: anywhere; font-family: 'Noto Serif' }}"
    " p {{ width: 10em; font-size: 11pt; text-align: justify; hyphens: auto;"
    " hyphenate-limit-chars: 6 2 3 }}</style></head><body><p>{text}</p></body></html>"
)
SAMPLES = {
    "en": "Representatives internationally acknowledge extraordinary responsibilities; organizations "
    "commemorate irreplaceable understanding, notwithstanding unprecedented circumstances and "
    "considerable administrative complications everywhere mutual.",
    "az": "Azərbaycan vətəndaş cəmiyyətinin nümayəndələri Amerika Birləşmiş Ştatlarının "
    "vitse-prezidentinə açıq məktub ünvanlayıblar və beynəlxalq ictimaiyyətin diqqətini müqəddəs "
    "məkanların qorunmasına yönəldiblər.",
}


def longest_run(lines) -> int:
    run = longest = 0
    for line in lines:
        run = run + 1 if line.hyphenated else 0
        longest = max(longest, run)
    return longest


def laid_out_words(lines) -> list[str]:
    """The words as the lines show them, hyphenated halves joined again."""
    text = "".join(
        line.text if line.hyphenated or line.text.endswith("-") else line.text + " " for line in lines
    )
    return text.split()


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_render_limits_runs_and_last_lines_without_changing_the_text(lang):
    from weasyprint import HTML

    pyphen_dictionaries.register()
    source = NARROW.format(lang=lang, text=SAMPLES[lang])
    ((_, plain),) = line_boxes.paragraph_lines(HTML(string=source).render())
    assert longest_run(plain) > RUN  # the fixture really has the fault
    html = HTML(string=source)
    ((element, lines),) = line_boxes.paragraph_lines(typeset.render(html))
    assert longest_run(lines) <= RUN
    assert not lines[-2].hyphenated, "the last full line ends hyphenated"
    assert sum(line.hyphenated for line in lines) > 0
    assert laid_out_words(lines) == SAMPLES[lang].split()  # no word broken without a hyphen
    assert "".join(element.itertext()) == SAMPLES[lang]
    assert len(element) == 0, "the paragraph's markup changed"
    # outside render(), WeasyPrint lays out as it always does (a bare render stays bare)
    ((_, again),) = line_boxes.paragraph_lines(HTML(string=source).render())
    assert again == plain
    if lang == "az":
        for line, following in itertools.pairwise(lines):
            if line.hyphenated:
                head = LETTERS.findall(line.text)[-1]
                word = head + LETTERS.match(following.text).group()
                assert len(head) in syllable_breaks(word), (head, word)


def narrow(lang: str, text: str, css: str = "", body: str | None = None) -> str:
    """The narrow-column page of the layout tests, with extra ``css``, around ``body`` (default: one <p>)."""
    page = NARROW.format(lang=lang, text=text)
    if body is not None:
        page = page.replace(f"<p>{text}</p>", body)
    return page.replace("</style>", f" {css}</style>")


def lines_per_page(document) -> list[list[list]]:
    """``paragraph_lines`` of each page alone: the lines of each block's fragment on that page."""
    alone = (SimpleNamespace(pages=[page]) for page in document.pages)
    return [[lines for _, lines in line_boxes.paragraph_lines(one)] for one in alone]


def test_a_word_longer_than_the_line_stays_hyphenated(monkeypatch):
    """A line that must not end hyphenated, but whose only word is longer than the line, keeps its hyphen."""
    from weasyprint import HTML

    pyphen_dictionaries.register()
    monkeypatch.setattr(line_limits, "MAX_RUN", 0)  # every line is asked to end unhyphenated
    text = "The Pneumonoultramicroscopicsilicovolcanoconiosis hospitalisation notwithstanding, we write."
    ((_, lines),) = line_boxes.paragraph_lines(typeset.render(HTML(string=narrow("en", text))))
    assert laid_out_words(lines) == text.split()  # not cut between two letters without a hyphen
    long_word_lines = [line for line in lines if "oniosis" not in line.text and line.hyphenated]
    assert long_word_lines, "the long word is hyphenated"
    assert all(
        line.text.split()[-1] in "Pneumonoultramicroscopicsilicovolcanoconiosis" for line in long_word_lines
    ), lines  # no other word is hyphenated when every line is asked not to be


def test_a_block_with_a_float_keeps_weasyprints_own_lines():
    """Lines laid out twice would place a float twice: such a block is laid out as WeasyPrint does."""
    from weasyprint import HTML

    pyphen_dictionaries.register()
    text = SAMPLES["en"]
    words = text.split()
    body = f"<p>{' '.join(words[:3])} <b style='float: right'>*</b> {' '.join(words[3:])}</p>"
    source = narrow("en", text, body=body)
    plain = line_boxes.paragraph_lines(HTML(string=source).render())
    limited = line_boxes.paragraph_lines(typeset.render(HTML(string=source)))
    assert [lines for _, lines in limited] == [lines for _, lines in plain]
    assert longest_run(plain[0][1]) > RUN  # the limits would have changed it


def test_a_drop_capital_line_is_laid_out_once():
    """A hyphenated first line that is also the last full one keeps its hyphen under ::first-letter
    (laid out again, the line would get a second first letter: "iinternationally")."""
    from weasyprint import HTML

    pyphen_dictionaries.register()
    text = "internationally acknowledge"
    source = narrow("en", text, "p::first-letter { font-size: 2.5em }")
    ((_, plain),) = line_boxes.paragraph_lines(HTML(string=source).render())
    assert len(plain) == 2 and plain[0].hyphenated  # the fixture has the fault
    ((_, lines),) = line_boxes.paragraph_lines(typeset.render(HTML(string=source)))
    assert lines == plain


def test_first_letter_and_page_breaks_keep_the_text_and_the_limits():
    """A drop capital is not laid out twice; a paragraph over pages keeps its limits on each page."""
    from weasyprint import HTML

    pyphen_dictionaries.register()
    text = " ".join([SAMPLES["en"]] * 6)
    css = "@page { size: 12em 24em; margin: 1em } p::first-letter { font-size: 2.5em }"
    document = typeset.render(HTML(string=narrow("en", text, css)))
    assert len(document.pages) > 2
    ((_, lines),) = line_boxes.paragraph_lines(document)
    assert laid_out_words(lines) == text.split()
    assert sum(line.hyphenated for line in lines) > 3
    assert not lines[-2].hyphenated
    for page in lines_per_page(document):
        assert all(longest_run(fragment) <= RUN for fragment in page)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(
    lang=st.sampled_from(sorted(SAMPLES)),
    picks=st.lists(st.integers(0, 10**6), min_size=2, max_size=120),
    width=st.integers(10, 30),
    page_height=st.sampled_from([0, 12, 20, 40]),
    align=st.sampled_from(["justify", "left"]),
)
def test_random_paragraphs_keep_their_words_and_the_limits(lang, picks, width, page_height, align):
    """Any paragraph of the samples' words, at any measure and page height: every word kept whole or
    hyphenated, no 4th hyphenated line in a row on a page, no hyphenated last full line."""
    from weasyprint import HTML

    pyphen_dictionaries.register()
    words = SAMPLES[lang].split()
    text = " ".join(words[pick % len(words)] for pick in picks)
    css = f"p {{ width: {width}em; text-align: {align} }}"
    if page_height:
        css += f" @page {{ size: {width + 4}em {page_height}em; margin: 1em }}"
    document = typeset.render(HTML(string=narrow(lang, text, css)))
    ((_, lines),) = line_boxes.paragraph_lines(document)
    assert laid_out_words(lines) == text.split()
    assert len(lines) < 2 or not lines[-2].hyphenated, lines[-2:]
    for page in lines_per_page(document):
        assert all(longest_run(fragment) <= RUN for fragment in page), page


# --- the PDFs of the sample letter ------------------------------------------------

EDITIONS = ["en", "az", "ru", "fr"]


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> Path:
    from pipeline.document.load import load_document
    from pipeline.editions import build_language

    out = tmp_path_factory.mktemp("hyphenation")
    doc = load_document(SEED)
    for lang in EDITIONS:
        build_language(doc, lang, EDITIONS, ROOT / "translations", out)
    return out


def body_lines(pdf: Path) -> list[str]:
    """The PDF's text lines in reading order, without each page's running header and footer."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = []
    for page in text.split("\f"):
        kept = [line.strip() for line in page.splitlines() if line.strip()]
        lines += kept[1:-1]
    return lines


def breaks(lines: list[str]) -> list[tuple[int, str, str]]:
    """Each hyphenation break: (line index, letters before it, letters after it)."""
    found = []
    for index, line in enumerate(lines[:-1]):
        if re.search(rf"\w{HYPHEN}$", line):
            head = LETTERS.findall(line[:-1])[-1]
            tail = LETTERS.match(lines[index + 1])
            found.append((index, head, tail.group() if tail else ""))
    return found


def stats(pdf: Path) -> dict:
    lines = body_lines(pdf)
    found = breaks(lines)
    run = longest = 0
    for _index, line in enumerate(lines):
        run = run + 1 if re.search(rf"\w{HYPHEN}$", line) else 0
        longest = max(longest, run)
    median = statistics.median(len(line) for line in lines)
    return {
        "hyphenated": len(found),
        "longest_run": longest,
        "shortest_before": min((len(h) for _, h, _ in found), default=None),
        "shortest_after": min((len(t) for _, _, t in found), default=None),
        "short_line_after_break": sum(len(lines[i + 1]) < median / 2 for i, _, _ in found),
    }


@pytest.mark.parametrize("lang", EDITIONS)
def test_pdf_breaks_keep_the_limits(editions, lang):
    lines = body_lines(editions / f"{lang}.pdf")
    found = breaks(lines)
    assert found, "the edition is not hyphenated"
    median = statistics.median(len(line) for line in lines)
    for index, head, tail in found:
        assert len(head) >= LEFT and len(tail) >= RIGHT, (lines[index], lines[index + 1])
        assert len(lines[index + 1]) >= median / 2, f"short last line after a break: {lines[index + 1]!r}"
        if lang == "az" and set(az_lower(head + tail)) <= AZ_LETTERS:
            assert len(head) in syllable_breaks(head + tail), (head, tail)
    assert stats(editions / f"{lang}.pdf")["longest_run"] <= RUN


def test_azerbaijani_edition_is_justified_and_hyphenated(editions):
    html = (editions / "az.html").read_text("utf-8")
    assert re.search(r"\.lang-az p[^{]*\{[^}]*(text-align:\s*left|hyphens:\s*manual)", html) is None
    assert stats(editions / "az.pdf")["hyphenated"] >= 5


def test_sample_paragraphs_keep_every_word(editions):
    from weasyprint import HTML

    from pipeline.project import TEMPLATES

    html = HTML(string=(editions / "ru.html").read_text("utf-8"), base_url=str(TEMPLATES) + "/")
    document = typeset.render(html)
    paragraphs = [(e, lines) for e, lines in line_boxes.paragraph_lines(document) if e.tag == "p"]
    assert len(paragraphs) > 10
    for element, lines in paragraphs:
        assert laid_out_words(lines) == "".join(element.itertext()).split()
        assert not line_boxes.faults(lines)


if __name__ == "__main__":
    for name in sys.argv[1:]:
        print(name, stats(Path(name)))
