"""Rule-based Cyrillic drafts of personal names for the Russian catalog.

The letter spells Azerbaijani names in English transcription ("Khatira
Valiyeva", "Sevinc Alizade"); Russian-language media in Azerbaijan write them
in Cyrillic ("Хатира Велиева"). No library does this pairing (the usual ones
romanize Russian, or transliterate Azerbaijani Latin, not English
transcriptions of it), so this is a small table of our own. It gives a
*draft*: conventional spellings ("Мамедов" for Mammadov) still need a person.
"""

from __future__ import annotations

import re

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


def transliterate_name(name: str) -> str:
    """A Cyrillic draft of a Latin-script (English-transcribed) Azerbaijani name."""
    return WORD.sub(lambda m: _word(m.group(0)), name)
