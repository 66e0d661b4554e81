"""Language tags (BCP 47), names of languages in themselves, writing direction."""

from __future__ import annotations

import pytest
from babel import Locale, localedata

from pipeline.lang.locales import (
    OWN_NAME_OVERRIDES,
    bcp47,
    direction,
    gettext_code,
    is_rtl,
    language_name,
    likely_script,
    ui_catalog_path,
)


@pytest.mark.parametrize(
    ("code", "tag"),
    [
        ("pt_BR", "pt-BR"),
        ("zh_Hant_TW", "zh-Hant-TW"),
        ("zh-hant-tw", "zh-Hant-TW"),
        ("PT-br", "pt-BR"),
        ("sr@latin", "sr-Latn"),
        ("sr_RS@latin", "sr-Latn-RS"),
        ("en", "en"),
        ("en-XA", "en-XA"),
        ("az_Cyrl_AZ", "az-Cyrl-AZ"),
    ],
)
def test_bcp47(code, tag):
    assert bcp47(code) == tag
    assert bcp47(tag) == tag  # idempotent
    assert "_" not in bcp47(code)


def test_gettext_code_round_trip():
    for code in ("pt_BR", "zh_Hant_TW", "en", "az_Cyrl"):
        assert gettext_code(bcp47(code)) == code


@pytest.mark.parametrize("bad", ["", "??", "pt_BR_xx_yy_zz", "123"])
def test_bad_codes_raise_value_error(bad):
    with pytest.raises(ValueError):
        bcp47(bad)


@pytest.mark.parametrize(
    ("tag", "name"),
    [
        ("pt_BR", "Português (Brasil)"),
        ("fr", "Français"),
        ("ru", "Русский"),
        ("de", "Deutsch"),
        ("az", "Azərbaycan dili"),
        ("tr", "Türkçe"),
        ("ar", "العربية"),
        ("he", "עברית"),
        ("zh_Hant_TW", "中文（繁體，台灣）"),
    ],
)
def test_language_named_in_itself(tag, name):
    assert language_name(tag) == name


def test_region_and_script_only_when_needed():
    assert language_name("pt_BR", among=["en", "pt_BR"]) == "Português"
    assert language_name("pt_BR", among=["pt", "pt_BR"]) == "Português (Brasil)"
    assert language_name("pt", among=["pt", "pt_BR"]) == "Português"
    assert language_name("zh_Hans", among=["zh_Hans", "zh_Hant"]) == "中文（简体）"
    assert language_name("zh_Hant", among=["zh_Hans", "zh_Hant"]) == "中文（繁體）"


def test_no_language_is_named_like_its_country():
    """The switcher never shows a country ("Azərbaycan"): every CLDR language, against its own territories."""
    checked = 0
    for ident in localedata.locale_identifiers():
        if "_" in ident:
            continue
        locale = Locale.parse(ident)
        if not locale.get_language_name(locale):
            continue
        name = language_name(ident).casefold()
        countries = {str(v).casefold() for v in locale.territories.values()}
        assert name not in countries, (ident, name)
        checked += 1
    assert checked > 100
    assert set(OWN_NAME_OVERRIDES) <= set(localedata.locale_identifiers())


@pytest.mark.parametrize(
    ("tag", "rtl"),
    [
        ("ar", True),
        ("he", True),
        ("fa", True),
        ("ur", True),
        ("ar_EG", True),
        ("az_Arab", True),
        ("en", False),
        ("ru", False),
        ("zh_Hant", False),
        ("pt-BR", False),
        ("en-XA", False),
    ],
)
def test_direction(tag, rtl):
    assert is_rtl(tag) is rtl
    assert direction(tag) == ("rtl" if rtl else "ltr")


@pytest.mark.parametrize(
    ("tag", "script"),
    [("ru", "Cyrl"), ("zh", "Hans"), ("zh_TW", "Hant"), ("sr_Latn", "Latn"), ("ja", "Jpan"), ("ar", "Arab")],
)
def test_likely_script(tag, script):
    assert likely_script(tag) == script


def test_ui_catalog_lookup(tmp_path):
    for name in ("pt", "pt_BR", "zh_Hant", "zh_Hans", "de"):
        (tmp_path / f"{name}.po").write_text("")
    expect = {
        "pt_BR": "pt_BR",
        "pt-BR": "pt_BR",
        "pt_PT": "pt",
        "pt": "pt",
        "zh_TW": "zh_Hant",
        "zh_HK": "zh_Hant",
        "zh": "zh_Hans",
        "zh_CN": "zh_Hans",
        "de_AT": "de",
    }
    for tag, stem in expect.items():
        assert ui_catalog_path(tag, tmp_path) == tmp_path / f"{stem}.po", tag
    assert ui_catalog_path("uk", tmp_path) is None
