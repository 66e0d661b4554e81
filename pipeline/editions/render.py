"""Edition and index HTML: the Jinja2 templates and their own interface strings."""

from __future__ import annotations

import datetime
import io
from functools import cache

from babel import Locale
from babel.dates import format_date
from babel.messages.mofile import write_mo
from babel.support import Translations

from pipeline import config
from pipeline.editions.font_stacks import check_glyphs, fallback_faces, font_families
from pipeline.editions.model import PSEUDO_LANG, SOURCE_LANG, Edition
from pipeline.errors import PipelineError
from pipeline.lang.locales import direction, ui_catalog_path
from pipeline.lang.locales import language_name as own_language_name
from pipeline.lang.typography import typeset
from pipeline.po.catalog import read_catalog
from pipeline.project import TEMPLATES
from pipeline.templating import template_environment

# The template's own strings, for the glyph check (see ui_strings).
UI_IDS = (
    "Open letter",
    "Draft",
    "Machine translation, not reviewed",
    "Not translated; shown in English",
    "Page {page} of {pages}",
    "Signatories",
    "Other languages",
    "The approved translation has changed since its sign-off",
    "Original language: {language}",
    "Translation reviewed by {name}, {date}",
    "Unofficial translation, not signed off by a reviewer",
    "Draft translation, not reviewed",
)


@cache
def ui_translations(lang: str) -> Translations:
    """The template's own strings ("Page 1 of 3", "Draft"), from templates/ui/<lang>.po."""
    path = ui_catalog_path(lang, TEMPLATES / "ui")  # zh_TW -> zh_Hant.po, pt_PT -> pt.po
    if path is None:
        return Translations()  # English
    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(path))
    buffer.seek(0)
    return Translations(buffer)


def language_name(lang: str) -> str:
    """The language's name in itself, capitalised (Babel: "français" -> "Français")."""
    if lang == PSEUDO_LANG:
        return f"Pseudo ({PSEUDO_LANG})"
    return own_language_name(lang)  # in itself, as a language, not a country (pipeline.lang.locales)


def edition_date(edition: Edition) -> str:
    return format_date(edition.date, format="long", locale=edition.locale) if edition.date else ""


def colophon(edition: Edition) -> str:
    """ "Russian translation reviewed by …, date, source version …" for a signed-off final edition."""
    if not (edition.final and edition.signoff):
        return ""
    text = ui_translations(edition.lang).gettext(
        "{language} translation reviewed by {name}, {date}, source version {version}"
    )
    try:
        signed = datetime.date.fromisoformat(edition.signoff.date)
    except ValueError as exc:  # read_signoffs checks dates; this guards a sign-off built elsewhere
        raise PipelineError(
            "signoff.json",
            f"{edition.lang}: sign-off date {edition.signoff.date!r} is not a date (YYYY-MM-DD)",
        ) from exc
    return text.format(
        language=own_language_name(edition.lang, standalone=False),  # inside a sentence
        name=edition.signoff.by,
        date=format_date(signed, format="long", locale=edition.locale),
        version=edition.signoff.source_sha256[:12],
    )


def translation_notice(edition: Edition) -> list[str]:
    """What a translated edition says of itself under its title: the original's language, then its
    state (reviewed by whom and when, unofficial, or a draft). Empty for the source edition."""
    if edition.lang in (SOURCE_LANG, PSEUDO_LANG):
        return []
    gettext = ui_translations(edition.lang).gettext
    source = Locale.parse(SOURCE_LANG).get_display_name(edition.locale) or SOURCE_LANG
    notice = [gettext("Original language: {language}").format(language=source)]
    if not edition.final:
        notice.append(gettext("Draft translation, not reviewed"))
    elif edition.signoff:
        signed = datetime.date.fromisoformat(edition.signoff.date)  # checked by colophon()
        date = format_date(signed, format="long", locale=edition.locale)
        notice.append(
            gettext("Translation reviewed by {name}, {date}").format(name=edition.signoff.by, date=date)
        )
    else:
        notice.append(gettext("Unofficial translation, not signed off by a reviewer"))
    return [typeset(line, edition.lang) for line in notice]


def created_stamp(edition: Edition) -> str:
    moment = config.source_date()
    if moment is not None:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return edition.date.isoformat() if edition.date else ""  # no date: no date anywhere


def render_html(edition: Edition, langs: list[str], site: dict | None = None) -> str:
    """The HTML edition (also the PDF's source), once its fonts can draw every character."""
    # The fonts of the page's own text, English fallback text and the switcher's names
    # (pipeline.typesetting.fonts through editions/fonts.py); an uncovered character fails here.
    fonts = check_glyphs(edition, ui_strings(edition), [(other, language_name(other)) for other in langs])
    fallbacks = fallback_faces(fonts)
    translations = ui_translations(edition.lang)
    signature = next((b for b in edition.blocks if b["kind"] == "signature"), None)
    author = " ".join(t.text for t in signature["segments"]) if signature else ""
    template = template_environment().get_template("edition.html.j2")
    return template.render(
        edition=edition,
        _=translations.gettext,
        date_text=edition_date(edition),
        author=author,
        created=created_stamp(edition),
        langs=langs,
        language_name=language_name,
        text_direction=direction(edition.lang),
        lang_class=edition.lang.split("_")[0],
        colophon=colophon(edition),
        notice=translation_notice(edition),
        font_families=font_families(
            fonts, fallbacks
        ),  # [(None or BCP 47 tag, [family, ...])], never translated text
        fallback_faces=list(fallbacks.values()),  # @font-face aliases limited by unicode-range
        site=site or {},  # published pages only: web fonts, card metadata (editions/publish.py)
    )


def ui_strings(edition: Edition) -> list[str]:
    """The template's text for this language, for the glyph check."""
    t = ui_translations(edition.lang)
    return [t.gettext(i) for i in UI_IDS] + [
        edition_date(edition),
        colophon(edition),
        *translation_notice(edition),
    ]
