"""Language tags and names: BCP 47 for everything written, CLDR (Babel) names and direction.

Files keep gettext/Weblate names (``pt_BR.po``, ``zh_Hant.po``); everything the
pipeline *writes* as a language tag (HTML ``lang``/``hreflang``, PDF ``/Lang``,
XLIFF, TMX) goes through :func:`bcp47` (``pt_BR`` -> ``pt-BR``,
``zh_Hant_TW`` -> ``zh-Hant-TW``). Parsing and case rules are Babel's.
"""

from __future__ import annotations

import io
import re
from functools import cache
from pathlib import Path

from babel import Locale, UnknownLocaleError, localedata
from babel.core import get_global, get_locale_identifier, parse_locale

from pipeline.errors import PipelineError
from pipeline.lang.codes import MODIFIER_SCRIPTS, canonical
from pipeline.project import ROOT, UI_FOLDER

# CLDR's name of a few languages in themselves is also the name of their country
# ("azərbaycan" / "Azərbaycan"), so a capitalised switcher entry names the
# country. These are named the way their speakers name the *language* in a list
# of languages ("azərbaycan dili", literally "the Azerbaijani language"; CLDR
# itself names Turkmen "türkmen dili" and Kazakh "қазақ тілі" this way).
# tests/test_locales.py checks every CLDR language against its own territory
# names, so a collision in a new CLDR release fails until it is listed here.
OWN_NAME_OVERRIDES = {
    "az": "azərbaycan dili",
    "et": "eesti keel",
    "fi": "suomen kieli",
    "id": "Bahasa Indonesia",
    "lo": "ພາສາລາວ",
    "mn": "монгол хэл",
    "my": "မြန်မာဘာသာ",
    "th": "ภาษาไทย",
}


def language_code(value: str, where: str = "LANGS") -> str:
    """A language code given by a person, checked and in its one gettext form (``FR`` -> ``fr``).

    The shape and case are :func:`pipeline.lang.codes.canonical`'s (the Makefile runs
    the same code); the language and the whole locale must be known to CLDR.
    Anything else is a PipelineError naming ``where`` (``LANGS``, ``LANG``) and the value.
    """
    try:
        code = canonical(value)
    except ValueError as exc:
        raise PipelineError(where, str(exc)) from None
    language = code.split("_")[0].split("@")[0]
    try:
        known = localedata.exists(language) and Locale.parse(code) is not None
    except (UnknownLocaleError, ValueError):
        known = False
    if not known:
        raise PipelineError(where, f"unknown language code {value!r}: not a language or locale CLDR knows")
    return code


@cache
def split_tag(tag: str) -> tuple[str, str | None, str | None, str | None]:
    """(language, script, region, variant) of a gettext or BCP 47 code; raises ValueError."""
    parts = parse_locale(tag.strip().replace("-", "_"))
    language, region, script, variant = parts[:4]
    modifier = parts[4] if len(parts) > 4 else None
    if modifier:
        if modifier.lower() in MODIFIER_SCRIPTS and not script:
            script = MODIFIER_SCRIPTS[modifier.lower()]
        elif 5 <= len(modifier) <= 8 and not variant:
            variant = modifier.lower()  # ca@valencia -> ca-valencia (a registered variant)
    return language, script, region, variant


def bcp47(tag: str) -> str:
    """The BCP 47 form of a language code: ``pt_BR`` -> ``pt-BR``, ``sr@latin`` -> ``sr-Latn``."""
    language, script, region, variant = split_tag(tag)
    return get_locale_identifier((language, region, script, variant), sep="-")


def gettext_code(tag: str) -> str:
    """The gettext/Weblate file-name form: ``pt-BR`` -> ``pt_BR``."""
    language, script, region, variant = split_tag(tag)
    return get_locale_identifier((language, region, script, variant), sep="_")


@cache
def babel_locale(tag: str) -> Locale:
    """The closest Babel locale: ``en-XA`` (pseudo) falls back to ``en``; raises ValueError."""
    language, script, region, variant = split_tag(tag)
    for candidate in (
        (language, region, script, variant),
        (language, region, script),
        (language, None, script),
    ):
        try:
            return Locale(*candidate)
        except (UnknownLocaleError, ValueError):
            continue
    try:
        return Locale.parse(language)
    except (UnknownLocaleError, ValueError) as exc:
        raise ValueError(f"unknown language code {tag!r}") from exc


def likely_script(tag: str) -> str:
    """The script a language is written in (``ru`` -> ``Cyrl``, ``zh-TW`` -> ``Hant``), from CLDR."""
    language, script, region, _variant = split_tag(tag)
    if script:
        return script
    likely = get_global("likely_subtags")
    for key in (f"{language}_{region}" if region else None, language):
        if key and key in likely:
            found = parse_locale(likely[key])[2]
            if found:
                return found
    return "Latn"


def is_rtl(tag: str) -> bool:
    """Whether the language is written right to left (CLDR character order, through Babel)."""
    return babel_locale(tag).character_order == "right-to-left"


def direction(tag: str) -> str:
    """``rtl`` or ``ltr``, for HTML ``dir``."""
    return "rtl" if is_rtl(tag) else "ltr"


def _capitalize(text: str, language: str) -> str:
    # Names stand alone in a list, so the first letter is capitalised (as
    # language menus do); Turkic dotted i stays dotted.
    if not text:
        return text
    first = "İ" if text[0] == "i" and language in ("az", "tr", "crh", "kk", "tt") else text[0].upper()
    return first + text[1:]


def _own_name(language: str, locale: Locale) -> str:
    return OWN_NAME_OVERRIDES.get(language) or locale.get_language_name(locale) or language


def language_name(tag: str, among: list[str] | tuple[str, ...] | None = None, standalone: bool = True) -> str:
    """The language's name in itself, as a language: ``pt-BR`` -> "Português (Brasil)".

    ``standalone`` names stand alone (a menu) and are capitalised; inside a
    sentence (``standalone=False``) they keep CLDR's case ("перевод (русский)").

    Script and region are added only when needed: when ``among`` (the other
    languages listed with it) is given, only to tell apart two tags of one
    language ("中文（简体）" next to "中文（繁體）"); otherwise whenever the tag has them.
    """
    language, own_script, region, _variant = split_tag(tag)
    locale = babel_locale(tag)
    script = own_script
    if among is not None:
        same = [split_tag(o) for o in among if bcp47(o) != bcp47(tag) and split_tag(o)[0] == language]
        script = own_script if any(o[1] != own_script for o in same) else None
        region = region if any(o[2] != region and o[1] == own_script for o in same) else None
    name = _own_name(language, locale)
    details = [
        value
        for value in (
            script and locale.scripts.get(script),
            region and locale.territories.get(region),
        )
        if value
    ]
    if details:
        # CLDR's localeDisplayPattern and separator ("{0} ({1})", "{0}（{1}）" in Chinese), from ICU:
        # Babel's get_display_name always writes " (…, …)".
        import icu  # here: only a name with a script or region needs ICU (~25 ms of start-up)

        data = icu.LocaleData(gettext_code(tag))
        name = data.getLocaleDisplayPattern().format(name, data.getLocaleSeparator().join(details))
    return _capitalize(name, language) if standalone else name


def ui_catalog_path(tag: str, folder: Path) -> Path | None:
    """The interface catalog for a language: exact, then with its likely script, then the language.

    ``zh_TW`` finds ``zh_Hant.po``, ``pt_PT`` finds ``pt.po`` and ``pt_BR`` its own ``pt_BR.po``.
    """
    language, script, region, _variant = split_tag(tag)
    script = script or (likely_script(tag) if language in ("zh", "sr", "uz", "pa", "az") else None)
    candidates = [
        gettext_code(tag),
        get_locale_identifier((language, region, script)),
        get_locale_identifier((language, None, script)),
        language,
    ]
    for name in dict.fromkeys(candidates):
        path = Path(folder) / f"{name}.po"
        if path.exists():
            return path
    return None


# --- the interface catalogs' template ---------------------------------------------

UI_SOURCES = [("templates/**.j2", "jinja2"), ("pipeline/**.py", "python")]


def ui_template():
    """The interface strings of the templates and the edition code, as a Babel catalog.

    Extracted by Babel (Jinja2's extractor for ``_()`` in templates, Python's
    for ``gettext("...")`` calls); brace placeholders are flagged
    ``python-brace-format`` so ``msgfmt -c`` checks that translations keep them.
    """
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    catalog = Catalog(
        project="letter-pipeline templates",
        version="1",
        copyright_holder="letter-pipeline maintainers",
        header_comment=(
            "# Interface strings of the edition templates (not of the letter).\n"
            "# Generated; do not edit: run\n"
            "#   .venv/bin/python -c 'from pipeline.lang.locales import write_ui_template; write_ui_template()'\n"
            "# then translate every new entry in templates/ui/<lang>.po (tests/test_ui_catalogs.py)."
        ),
        fuzzy=False,
    )
    for _file, _line, message, comments, context in extract_from_dir(ROOT, method_map=UI_SOURCES):
        if isinstance(message, str) and message:
            flags = ["python-brace-format"] if re.search(r"\{\w+\}", message) else []
            catalog.add(message, context=context, auto_comments=comments, flags=flags)
    return catalog


def write_ui_template(path: Path = UI_FOLDER / "ui.pot") -> Path:
    """Regenerate ``templates/ui/ui.pot`` (run after adding an interface string)."""
    from babel.messages.pofile import write_po

    from pipeline.fileio import atomic_write

    buffer = io.BytesIO()
    write_po(buffer, ui_template(), omit_header=False, no_location=True, width=0)
    atomic_write(path, buffer.getvalue())
    return path
