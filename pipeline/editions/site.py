"""The landing page's content and the published site's metadata, checksums and bundle.

The index is in the source language; each entry is in its edition's own
language (its name, state and file sizes), tagged with ``lang`` and ``dir``.
Published pages carry OpenGraph/Twitter card metadata taken from the page
itself (its headline or title, its standfirst or lead), ``og:locale`` in
CLDR's ``language_TERRITORY`` form.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.core import get_global
from babel.units import format_unit

from pipeline import config
from pipeline.document.model import Document
from pipeline.editions.model import PSEUDO_LANG, SOURCE_LANG, Edition
from pipeline.editions.render import (
    created_stamp,
    edition_date,
    translation_notice,
    ui_translations,
)
from pipeline.lang.locales import babel_locale, bcp47, direction
from pipeline.lang.locales import language_name as own_language_name
from pipeline.lang.typography import typeset
from pipeline.templating import template_environment

SUMS = "SHA256SUMS"
DESCRIPTION_CHARS = 300  # og:description: a few lines in a link preview


@dataclass(frozen=True)
class Page:
    """What a rendered page says about itself, read back from its HTML."""

    title: str
    description: str
    texts: dict[str, list[str]]  # the text it sets, by the BCP 47 tag of its nearest lang attribute


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def read_page(html: str) -> Page:
    """The page's title (its ``<title>``, else ``<h1>``), description (standfirst, else lead) and text."""
    import lxml.html

    root = lxml.html.document_fromstring(html)
    for junk in root.xpath("//body//style | //body//script | //body//template"):
        junk.drop_tree()
    title_el, h1 = root.find(".//title"), root.find(".//h1")
    title = _text(title_el) if title_el is not None else (_text(h1) if h1 is not None else "")
    description = ""
    for cls in ("standfirst", "lead", "paragraph"):
        found = root.find_class(cls)
        if found:
            description = _text(found[0])
            break
    if len(description) > DESCRIPTION_CHARS:  # cut at a word, with an ellipsis
        description = description[:DESCRIPTION_CHARS].rsplit(" ", 1)[0].rstrip(",;:") + "…"
    texts: dict[str, list[str]] = {}
    body = root.find("body")
    if body is not None:
        _collect(body, root.get("lang") or "en", texts)
    return Page(title, description, texts)


def _collect(element, lang: str, texts: dict[str, list[str]]) -> None:
    """Add the element's text under its language, its children's under theirs."""
    lang = element.get("lang") or lang
    if isinstance(element.tag, str) and element.text:
        texts.setdefault(lang, []).append(element.text)
    for child in element:
        if isinstance(child.tag, str):
            _collect(child, lang, texts)
        if child.tail:
            texts.setdefault(lang, []).append(child.tail)


def og_locale(lang: str) -> str:
    """OpenGraph's locale: ``ru`` → ``ru_RU``, ``az`` → ``az_AZ``, ``pt_BR`` stays (CLDR likely subtags)."""
    locale = babel_locale(lang)
    territory = locale.territory
    if not territory:
        likely = get_global("likely_subtags")
        key = f"{locale.language}_{locale.script}" if locale.script else locale.language
        full = likely.get(key) or likely.get(locale.language)
        territory = Locale.parse(full).territory if full else None
    return f"{locale.language}_{territory}" if territory else locale.language


def state_words(edition: Edition) -> tuple[str, str]:
    """The edition's state in its own language, for the index: (state, detail or "").

    The detail of a final translation is what the edition itself says under
    its title (reviewed by whom and when, or unofficial: ``translation_notice``).
    """
    t = ui_translations(edition.lang)
    if edition.lang == SOURCE_LANG:
        state, detail = t.gettext("Original text"), ""
    elif edition.final:
        state, detail = t.gettext("Final translation"), " · ".join(translation_notice(edition)[1:])
    elif edition.lang == PSEUDO_LANG:
        state, detail = t.gettext("Draft"), ""
    elif edition.draft_count:
        state, detail = t.gettext("Machine-translated draft, not reviewed"), ""
    elif edition.untranslated_count:
        state, detail = t.gettext("Incomplete draft: some parts are not translated yet"), ""
    elif edition.stale_signoff:
        state, detail = (
            t.gettext("Draft"),
            t.gettext("The approved translation has changed since its sign-off"),
        )
    else:
        state, detail = t.gettext("Draft"), ""
    return typeset(state, edition.lang), typeset(detail, edition.lang)


def file_size(path: Path, locale: Locale) -> str:
    """``48 kB``, ``1,2 МБ``: a file's size in CLDR's short units for the locale ("" when missing)."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        return ""
    if size < 1_000_000:
        return format_unit(max(1, round(size / 1000)), "digital-kilobyte", length="short", locale=locale)
    return format_unit(
        round(size / 1_000_000, 1), "digital-megabyte", length="short", locale=locale, format="#,##0.0"
    )


def sample_sizes(locale: Locale) -> list[str]:
    """Both units as the locale writes them, for the web fonts (the sizes come after the fonts)."""
    return [
        format_unit(1, "digital-kilobyte", length="short", locale=locale),
        format_unit(1.5, "digital-megabyte", length="short", locale=locale, format="#,##0.0"),
    ]


def _headline(edition: Edition) -> str:
    return " ".join(
        " ".join(t.text for t in b["segments"]) for b in edition.blocks if b["kind"] == "headline"
    ).strip()


def index_context(doc: Document, editions: list[Edition], folder: Path | None) -> dict:
    """What templates/index.html.j2 shows: the title, and one entry per edition."""
    source = next((e for e in editions if e.lang == SOURCE_LANG), editions[0] if editions else None)
    _ = ui_translations(SOURCE_LANG).gettext
    date_text = edition_date(source) if source else ""
    headline = _headline(source) if source else ""
    langs = [e.lang for e in editions if e.lang != PSEUDO_LANG]
    entries = []
    for e in editions:
        name = f"Pseudo ({PSEUDO_LANG})" if e.lang == PSEUDO_LANG else own_language_name(e.lang, langs)
        entries.append(
            {
                "lang": e.lang,
                "tag": bcp47(e.lang),
                "dir": direction(e.lang),
                "name": name,
                "final": e.final,
                "state": state_words(e)[0],
                "detail": state_words(e)[1],
                "html_size": file_size(folder / f"{e.lang}.html", e.locale) if folder else "",
                "pdf_size": file_size(folder / f"{e.lang}.pdf", e.locale) if folder else "",
            }
        )
    return {
        "_": _,
        "lang": SOURCE_LANG,
        "dir": direction(SOURCE_LANG),
        "headline": headline,
        "title": headline or (_("Open letter") + (f" · {date_text}" if date_text else "")),
        "date": source.date if source else None,
        "date_text": date_text,
        "entries": entries,
    }


# --- checksums and the bundle --------------------------------------------------------------


def site_files(folder: Path, skip: tuple[str, ...] = ()) -> list[str]:
    """Every file under ``folder``, as sorted POSIX paths relative to it."""
    folder = Path(folder)
    return sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name not in skip
    )


def sums(folder: Path, names: list[str]) -> bytes:
    """``sha256sum`` output for the files (two spaces: text mode, as ``sha256sum -c`` reads it)."""
    lines = [f"{hashlib.sha256((Path(folder) / n).read_bytes()).hexdigest()}  {n}\n" for n in names]
    return "".join(lines).encode("utf-8")


def bundle_time(doc: Document) -> tuple[int, int, int, int, int, int]:
    """The zip entries' time: SOURCE_DATE_EPOCH, else the letter's date, else 1980-01-01 (zip's first day)."""
    moment = config.source_date()
    if moment is None:
        day = doc.date or datetime.date(1980, 1, 1)
        moment = datetime.datetime(day.year, day.month, day.day)
    moment = max(moment.replace(tzinfo=None), datetime.datetime(1980, 1, 1))
    return (moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second)


def bundle(entries: dict[str, bytes], prefix: str, when: tuple[int, int, int, int, int, int]) -> bytes:
    """A deterministic zip: sorted entries under ``prefix/``, one fixed time, fixed modes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(entries):
            info = zipfile.ZipInfo(f"{prefix}/{name}", date_time=when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the mode below is read
            info.external_attr = 0o100644 << 16
            archive.writestr(info, entries[name], compresslevel=9)
    return buffer.getvalue()


def render_index(
    doc: Document, editions: list[Edition], folder: Path | None = None, site: dict | None = None
) -> str:
    """The landing page: the letter's title, each edition in its own language with its state and
    file sizes (of the files in ``folder``); ``site`` as in :func:`render_html`."""
    template = template_environment().get_template("index.html.j2")
    return template.render(
        **index_context(doc, editions, Path(folder) if folder else None),
        created=created_stamp(editions[0]) if editions else "",
        site=site or {},
    )
