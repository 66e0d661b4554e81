"""CLDR quotation marks for every locale, requoting, and Babel numbers and dates."""

from __future__ import annotations

import datetime

import pytest
from babel import localedata
from babel.messages.catalog import Message

from pipeline.lang.typography import (
    CLDR_VERSION,
    format_date,
    format_number,
    quote_counts,
    quotes_for,
    typeset,
)
from pipeline.review import checks


@pytest.mark.parametrize(
    ("lang", "marks"),
    [
        ("en", "“”‘’"),
        ("pl", "„”«»"),
        ("cs", "„“‚‘"),
        ("de", "„“‚‘"),
        ("pt", "“”‘’"),
        ("pt_PT", "«»“”"),
        ("pt-PT", "«»“”"),
        ("ar", "”“’‘"),
        ("he", "””’’"),
        ("ru", "«»„“"),
        ("ja", "「」『』"),
        ("zh_Hant", "「」『』"),
        ("xx", "“”‘’"),  # unknown: CLDR root
    ],
)
def test_cldr_quotation_marks(lang, marks):
    assert "".join(quotes_for(lang)) == marks


def test_every_cldr_locale_has_its_marks():
    """Four non-empty marks for every locale Babel knows, read from ICU's CLDR data."""
    assert CLDR_VERSION.isdigit()
    locales = localedata.locale_identifiers()
    assert len(locales) > 500
    distinct = set()
    for ident in locales:
        marks = quotes_for(ident)
        assert len(marks) == 4 and all(marks), ident
        distinct.add(marks)
    assert len(distinct) > 15  # real per-locale data, not one table for all


@pytest.mark.parametrize(
    ("lang", "typed", "expected"),
    [
        ("pl", 'Powiedział "Tak".', "Powiedział „Tak”."),
        ("cs", 'Řekl "ano".', "Řekl „ano“."),
        ("nl", 'Hij zei "ja".', "Hij zei ‘ja’."),
        ("pt", 'Disse "sim".', "Disse “sim”."),
        ("pt_PT", 'Disse "sim".', "Disse «sim»."),
        ("ar", 'قال "نعم" هنا', "قال ”نعم“ هنا"),
        ("ar", "قال “نعم” هنا", "قال ”نعم“ هنا"),
        ("he", 'אמר "כן".', "אמר ”כן”."),
        ("sv", "Han sa ”ja”.", "Han sa ”ja”."),
        ("de", '"ja" und "nein"', "„ja“ und „nein“"),
        ("ru", 'Он сказал "да "нет" да"', "Он сказал «да „нет“ да»"),
        ("zh", '他说"你好"。', "他说“你好”。"),
        ("ja", '彼は"はい"と言った', "彼は「はい」と言った"),
        ("fr", 'Il a dit "oui"; puis', "Il a dit «\u00a0oui\u00a0»\u202f; puis"),
        ("en", "He said \"she said 'no'\" today", "He said “she said ‘no’” today"),
    ],
)
def test_typeset_uses_the_locale_marks(lang, typed, expected):
    result = typeset(typed, lang)
    assert result == expected
    opened, closed = quote_counts(result, lang)
    assert opened == closed >= 1


@pytest.mark.parametrize(
    ("lang", "text", "counts"),
    [
        ("tr", "Türkiye’nin “evet” dediği", (1, 1)),  # apostrophe inside a word
        ("nl", "’s-Hertogenbosch zei ‘ja’", (1, 1)),  # elision before a word
        ("pl", "„Tak”", (1, 1)),
        ("pl", "„Tak", (1, 0)),
        ("he", "”כן”", (1, 1)),
        ("he", "”כן” ”", (2, 1)),
        ("hu", "„Igen, »nem«”", (2, 2)),
    ],
)
def test_quote_counts(lang, text, counts):
    assert quote_counts(text, lang) == counts


def _quote_findings(lang: str, source: str, target: str) -> list[tuple[str, str]]:
    entry = checks.Entry(lang, Message(source, target), "sentence", frozenset())
    return list(checks.check_quotes(entry)) + list(checks.check_typography(entry))


@pytest.mark.parametrize(
    ("lang", "target"),
    [
        ("pl", "Powiedział „Tak”."),
        ("cs", "Řekl „ano“."),
        ("nl", "Hij zei ‘ja’."),
        ("pt", "Disse “sim”."),
        ("pt_BR", "Disse “sim”."),
        ("ar", "قال ”نعم“."),
        ("he", "אמר ”כן”."),
        ("de", "Er sagte „ja“."),
        ("uk", "Він сказав «так»."),
        ("ja", "彼は「はい」と言った。"),
        ("tr", "Türkiye’nin “evet” dediği."),
    ],
)
def test_make_check_accepts_each_locale_marks(lang, target):
    assert not [f for f in _quote_findings(lang, 'He said "yes".', target) if f[0] == checks.ERROR]


@pytest.mark.parametrize(("lang", "target"), [("pl", "Powiedział „Tak."), ("he", "אמר ”כן.")])
def test_make_check_still_finds_unbalanced_marks(lang, target):
    assert [f for f in _quote_findings(lang, 'He said "yes".', target) if f[0] == checks.ERROR]


def test_numbers_and_dates_through_babel():
    assert format_number(3000, "de") == "3.000"
    assert format_number(3000.5, "fr") == "3\u202f000,5"
    assert format_number(1234567, "hi") == "12,34,567"
    date = datetime.date(2026, 2, 9)
    assert format_date(date, "ru") == "9 февраля 2026\u202fг."
    assert format_date(date, "pt-BR") == "9 de fevereiro de 2026"
    assert format_date(date, "pl") == "9 lutego 2026"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_typography_never_touches_link_addresses_titles_code_or_urls(lang):
    """The text is typeset; a link's href and title, a code span and a bare URL stay byte for byte
    (before: Hitchhiker's -> Hitchhiker%E2%80%99s in the href, " -> « in French titles and code)."""
    from lxml import html

    from pipeline.text.markup import render_inline

    href = "https://example.org/Hitchhiker's_Guide"
    segment = (
        f'He said "read [the Hitchhiker\'s guide]({href} "a \\"title\\"") and `don\'t "panic"`": '
        "see https://example.org/it's-here?x=1 now."
    )
    typeset_html = str(render_inline(typeset(segment, lang)))
    tree = html.fragment_fromstring(typeset_html, create_parent="p")
    link, code = tree.find("a"), tree.find("code")
    assert link.get("href") == href
    assert link.get("title") == 'a "title"'
    assert code.text == 'don\'t "panic"'
    assert "https://example.org/it's-here?x=1" in tree.text_content()
    assert link.text == "the Hitchhiker’s guide"  # the link's text is still typeset
    opening, closing = ("“", "”") if lang == "en" else ("«\u00a0", "\u00a0»")
    assert tree.text_content().startswith(f"He said {opening}read the Hitchhiker’s guide")
    assert closing in tree.text_content()
