"""Stage 5: document + catalogs -> HTML and PDF editions (Jinja2, WeasyPrint, Babel).

An edition is *final* only when every entry of its catalog is reviewed;
otherwise it is a *draft* and looks like one on every page. The package:
``model`` (what an edition shows), ``render`` (HTML), ``fonts`` (glyph
coverage), ``pdf`` (WeasyPrint, content key), ``build`` (what to render),
``publish`` (the site of the final editions, all or nothing), ``site`` (its index,
card metadata, checksums and zip) and ``webfonts`` (WOFF2 subsets).
"""

from pipeline.editions.build import Result, build_editions, build_index, build_language, write_index
from pipeline.editions.font_stacks import check_glyphs, font_coverage, font_families, font_fingerprint
from pipeline.editions.model import (
    PSEUDO_LANG,
    SOURCE_LANG,
    Edition,
    Text,
    build_edition,
    edition_for,
    load_catalog,
)
from pipeline.editions.pdf import (
    DEFAULT_MAX_PAGES,
    MAX_PAGES_ENV,
    max_pages,
    pdf_identifier,
    pdf_key,
    project_url_fetcher,
    render_pdf,
)
from pipeline.editions.publish import publish
from pipeline.editions.render import (
    colophon,
    edition_date,
    language_name,
    render_html,
    ui_strings,
    ui_translations,
)
from pipeline.editions.site import render_index

__all__ = [
    "DEFAULT_MAX_PAGES",
    "MAX_PAGES_ENV",
    "PSEUDO_LANG",
    "SOURCE_LANG",
    "Edition",
    "Result",
    "Text",
    "build_edition",
    "build_editions",
    "build_index",
    "build_language",
    "check_glyphs",
    "colophon",
    "edition_date",
    "edition_for",
    "font_coverage",
    "font_families",
    "font_fingerprint",
    "language_name",
    "load_catalog",
    "max_pages",
    "pdf_identifier",
    "pdf_key",
    "project_url_fetcher",
    "publish",
    "render_html",
    "render_index",
    "render_pdf",
    "ui_strings",
    "ui_translations",
    "write_index",
]
