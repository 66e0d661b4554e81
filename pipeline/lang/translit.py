"""Drafts of signatories' names in another language's script.

General names go through ICU transforms (PyICU): into Cyrillic by the inverse
of the BGN/PCGN romanization of Russian (so English transcriptions such as
"Khatira" or "Zhanna" come out as "Хатира", "Жанна") completed by ICU's
Latin-Cyrillic for letters BGN does not use; into Latin by the BGN/PCGN
romanization of the name's script where ICU has one, else ICU's
``<Script>-Latin``. Every output word is in one script, the target's, or the
name is kept as it is. Names are transliterated into scripts whose press
spells foreign names letter by letter (Cyrillic, Greek, Armenian, Georgian,
Latin); into other scripts (Arabic, Hebrew, CJK, Indic...) a reviewer writes
the usual form, so the draft keeps the source spelling. Organisations are
never transliterated: they are kept as in the source, to be translated or kept
by a reviewer.

The Azerbaijani table below is used only for a letter whose settings say its
names are Azerbaijani (``names_origin = "az"`` in
``translations/<letter>/settings.toml``). The sample letter spells
Azerbaijani names in English transcription ("Khatira Valiyeva", "Sevinc
Alizade"); Russian-language media in Azerbaijan write them in Cyrillic
("Хатира Велиева"). No library does this pairing (the usual ones
romanize Russian, or transliterate Azerbaijani Latin, not English
transcriptions of it), so this is a small table of our own. It gives a
*draft*: conventional spellings ("Мамедов" for Mammadov) still need a person.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import icu
from fontTools.unicodedata import script as char_script
from fontTools.unicodedata import script_name

from pipeline.errors import PipelineError
from pipeline.lang.locales import likely_script, split_tag

# Longest match first; English digraphs and Azerbaijani letters both appear in the source.
TABLE = {
    "shch": "щ",
    "kh": "х",
    "sh": "ш",
    "ch": "ч",
    "zh": "ж",
    "gh": "г",
    "ts": "ц",
    "ya": "я",
    "yu": "ю",
    "yo": "йо",
    "ye": "е",
    "a": "а",
    "b": "б",
    "c": "дж",
    "ç": "ч",
    "d": "д",
    "e": "е",
    "ə": "а",
    "f": "ф",
    "g": "г",
    "ğ": "г",
    "h": "х",
    "x": "х",
    "ı": "ы",
    "i": "и",
    "j": "дж",
    "k": "к",
    "q": "г",
    "l": "л",
    "m": "м",
    "n": "н",
    "o": "о",
    "ö": "ё",
    "p": "п",
    "r": "р",
    "s": "с",
    "ş": "ш",
    "t": "т",
    "u": "у",
    "ü": "ю",
    "v": "в",
    "w": "в",
    "y": "й",
    "z": "з",
}
KEYS = sorted(TABLE, key=len, reverse=True)
VOWELS = set("aeiouıəöüy")
WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def _word(word: str) -> str:
    lower = word.lower().replace("i̇", "i")
    out = []
    index = 0
    while index < len(lower):
        for key in KEYS:
            if lower.startswith(key, index):
                value = TABLE[key]
                if key == "h" and lower[index + 1 : index + 2] in VOWELS:
                    value = "г"  # before a vowel, Russian usage: Hasanova -> Гасанова, Rahimov -> Рагимов
                elif index == 0 and key == "e":
                    value = "э"  # word-initial e: Elshad -> Эльшад
                elif index == 0 and key == "ye":
                    value = "е"
                out.append(value)
                index += len(key)
                break
        else:
            out.append(lower[index])
            index += 1
    text = "".join(out)
    # A soft l before ш and г and at the end after и, ю: Эльшад, Ильгар, Рамиль, Агиль.
    text = re.sub(r"л(?=[гш])", "ль", text)
    text = re.sub(r"(?<=[ию])л$", "ль", text)
    if word[:1].isupper():
        text = text[:1].upper() + text[1:]
    return text


def _azerbaijani_name(name: str) -> str:
    """A Russian Cyrillic draft of a Latin-script (English-transcribed) Azerbaijani name."""
    return WORD.sub(lambda m: _word(m.group(0)), name)


SETTINGS_FILE = "settings.toml"
ORGANISATION_KINDS = frozenset({"organisation", "organization", "org"})
# Target scripts whose press writes foreign names letter by letter.
TRANSLITERATED_INTO = {
    "Cyrl": "Latin-ASCII; Latin-Russian/BGN; Latin-Cyrillic",
    "Grek": "Latin-ASCII; Latin-Greek/UNGEGN",
    "Armn": "Latin-ASCII; Latin-Armenian",
    "Geor": "Latin-ASCII; Latin-Georgian",
}
# Romanization of names: BGN/PCGN where ICU has it (the forms English-language
# press uses), Revised Romanization for Korean, pinyin for Han; accents are then
# dropped (Latin-ASCII), as the press writes romanized names.
TO_LATIN = {
    "Cyrl": "Russian-Latin/BGN",
    "Grek": "Greek-Latin/BGN",
    "Armn": "Armenian-Latin/BGN",
    "Geor": "Georgian-Latin/BGN",
    "Hang": "Hangul-Latin",
    "Hani": "Han-Latin",
}
# Scripts written without vowels (abjads): a romanization would guess them, so no draft.
UNRELIABLE = frozenset({"Arab", "Hebr", "Syrc", "Thaa", "Nkoo"})
# A word: a letter, then letters and combining marks (Latin, Cyrillic, Hebrew and
# Arabic marks; the Indic and Thai blocks, whose vowel signs are marks).
NAME_WORD = re.compile(
    r"[^\W\d_](?:[^\W\d_]|[\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f"
    r"\u0670\u06d6-\u06ed\u0900-\u0dff\u0e00-\u0e7f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f])*"
)


@dataclass(frozen=True)
class NameDraft:
    text: str
    method: str  # how it was made, for the reviewer's note


@cache
def _transform(ident: str) -> icu.Transliterator:
    return icu.Transliterator.createInstance(ident)


def letter_script(char: str) -> str:
    """ISO 15924 script of a letter; Hiragana and Katakana count as one, "Jpan" (kana)."""
    found = char_script(char)
    return "Jpan" if found in ("Hira", "Kana") else found


def word_scripts(word: str) -> set[str]:
    """The scripts of a word's letters (marks and punctuation aside)."""
    return {letter_script(c) for c in word if unicodedata.category(c).startswith("L")} - {"Zyyy", "Zinh"}


def _matches(found: set[str], target: str) -> bool:
    if target in ("Hans", "Hant", "Jpan", "Kore"):
        return found <= {"Hani", "Jpan", "Hang", "Bopo"}
    return found == {target}


def _to_latin(word: str, script: str) -> str:
    if script == "Latn":
        return word
    ident = TO_LATIN.get(script) or f"{_script_name(script)}-Latin"
    if ident not in _available():
        ident = "Any-Latin"
    return _transform(f"{ident}; Latin-ASCII; Any-Title").transliterate(word)


@cache
def _exemplars(lang: str) -> icu.UnicodeSet:
    """CLDR exemplar letters of a language (standard and auxiliary), from ICU."""
    data = icu.LocaleData(lang.replace("-", "_"))
    kinds = icu.ULocaleDataExemplarSetType
    letters = icu.UnicodeSet(data.getExemplarSet(0, kinds.ES_STANDARD))
    return letters.addAll(data.getExemplarSet(0, kinds.ES_AUXILIARY))


def _in_alphabet(text: str, lang: str) -> bool:
    letters = _exemplars(lang)
    return all(
        letters.contains(c.lower()) or letters.contains(unicodedata.normalize("NFD", c.lower())[0])
        for c in text
        if unicodedata.category(c).startswith("L")
    )


@cache
def _available() -> frozenset[str]:
    return frozenset(icu.Transliterator.getAvailableIDs())


def _script_name(code: str) -> str:
    return script_name(code, default=code).replace("_", "")


def _general(name: str, target: str) -> str | None:
    """The name in the target script, or None where no draft is reliable."""

    def convert(match: re.Match[str]) -> str:
        word = match.group(0)
        scripts = word_scripts(word)
        if not scripts or _matches(scripts, target):
            return word
        if len(scripts) > 1:
            raise ValueError(word)
        latin = _to_latin(word, scripts.pop())
        return latin if target == "Latn" else _transform(TRANSLITERATED_INTO[target]).transliterate(latin)

    try:
        text = NAME_WORD.sub(convert, name)
    except ValueError:
        return None
    words = NAME_WORD.findall(text)
    return text if all(_matches(word_scripts(w), target) or not word_scripts(w) for w in words) else None


def name_draft(name: str, lang: str, origin: str | None = None, kind: str = "person") -> NameDraft:
    """A draft of a signatory's name in the language's script, with how it was made.

    Every word of the result is in one script (the language's); where that
    cannot be made reliably, the draft is the name as in the source.
    """
    if kind.lower() in ORGANISATION_KINDS:
        return NameDraft(name, "kept as in the source (an organisation's name is translated or kept)")
    target = likely_script(lang)
    scripts = {s for w in NAME_WORD.findall(name) for s in word_scripts(w)}
    if not scripts or all(_matches({s}, target) for s in scripts):
        return NameDraft(name, "kept as in the source (already in this language's script)")
    if origin == "az" and split_tag(lang)[0] == "ru" and scripts == {"Latn"}:
        return NameDraft(_azerbaijani_name(name), "rule-based Cyrillic spelling of an Azerbaijani name")
    unreliable = scripts & UNRELIABLE or ("Jpan" in scripts and "Hani" in scripts)  # kanji readings
    if unreliable or (target != "Latn" and target not in TRANSLITERATED_INTO):
        return NameDraft(
            name, "kept as in the source (no reliable transliteration: write the usual spelling)"
        )
    text = _general(name, target)
    if text is None or not _in_alphabet(text, split_tag(lang)[0]):
        return NameDraft(
            name, "kept as in the source (no reliable transliteration: write the usual spelling)"
        )
    return NameDraft(text, f"ICU transliteration into {_script_name(target)} script")


def transliterate_name(name: str, lang: str = "ru", origin: str | None = None, kind: str = "person") -> str:
    """A draft of a name in the script of ``lang`` (see :func:`name_draft`)."""
    return name_draft(name, lang, origin, kind).text


def letter_settings(folder: Path) -> dict:
    """``translations/<letter>/settings.toml`` as a dict ({} when there is none)."""
    path = Path(folder) / SETTINGS_FILE
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise PipelineError(path, f"invalid TOML: {exc}", int(line.group(1)) if line else None) from exc


def names_origin(folder: Path) -> str | None:
    """The letter's ``names_origin`` setting: the language its names come from (e.g. "az")."""
    value = letter_settings(folder).get("names_origin")
    if value is not None and not isinstance(value, str):
        raise PipelineError(Path(folder) / SETTINGS_FILE, "names_origin must be a language code string")
    return value
