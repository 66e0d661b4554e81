"""Publishing: the final editions as a complete static site, all or nothing.

The site (``output/publish/<letter>/``) holds the landing page, the HTML and
PDF of every edition that may be published, web fonts, a ``SHA256SUMS`` file
and a zip of it all. Its HTML is rendered for the published set: every
switcher, ``hreflang`` and ``og:locale:alternate`` lists exactly the editions
in the site, so adding or removing a language updates every page. The PDFs are
the built ones, byte for byte (the switcher is not printed).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
from pathlib import Path

from babel.messages.catalog import Catalog

from pipeline.document.model import Document
from pipeline.editions.build import file_bytes
from pipeline.editions.model import PSEUDO_LANG, SOURCE_LANG, Edition, build_edition, edition_for
from pipeline.editions.pdf import data_identifier, pdf_key
from pipeline.editions.render import render_html
from pipeline.editions.site import (
    SUMS,
    bundle,
    bundle_time,
    og_locale,
    read_page,
    render_index,
    sample_sizes,
    site_files,
    sums,
)
from pipeline.editions.swap import check_target, clean_leftovers, live_folder, new_site_folder, swap_in
from pipeline.editions.webfonts import CSS_NAME, FOLDER, family_rules, page_faces, write_webfonts
from pipeline.errors import PipelineError
from pipeline.fileio import read_bytes_or_none
from pipeline.lang.locales import bcp47
from pipeline.po.catalog import parse_locale
from pipeline.po.read import read_catalog_bytes
from pipeline.po.signoff import read_signoffs, signoff_path, source_hash
from pipeline.settle import read_settled


def _check_errors(doc: Document, lang: str, translations: Path, catalog: Catalog) -> int:
    """How many ERROR findings `make check` reports for this language's catalog (as read here)."""
    from pipeline.review.checks import ERROR, check_all

    return sum(f.severity == ERROR for f in check_all(doc, [lang], translations, {lang: catalog}))


def _read_edition(doc: Document, lang: str, translations: Path, read: dict[Path, bytes | None]):
    """The edition of ``lang`` and its catalog, built from bytes read once (kept in ``read``)."""
    if lang == SOURCE_LANG:
        return edition_for(doc, lang, translations), None
    po = Path(translations) / doc.name / f"{lang}.po"
    sign = signoff_path(translations, doc.name)
    read.setdefault(sign, read_bytes_or_none(sign))
    locale = parse_locale(lang, po)
    data, catalog = read_settled(  # a read mid-save is read again
        po, lambda data: None if data is None else read_catalog_bytes(data, po, locale), missing_ok=True
    )
    read[po] = data
    if catalog is None:
        raise PipelineError(po, "no catalog for this language; run `make po`")
    signoff = read_signoffs(translations, doc.name).get(lang)
    return build_edition(doc, lang, catalog, signoff, source_hash(doc.source) if signoff else None), catalog


def _blockers(
    doc: Document, edition: Edition, catalog: Catalog | None, langs: list[str], translations: Path, out: Path
) -> tuple[list[str], bytes | None]:
    """Why this edition may not be published (empty: it may), and its PDF's bytes as checked."""
    lang = edition.lang
    po = Path(translations) / doc.name / f"{lang}.po"
    reasons = []
    if not edition.final:
        reason = (
            f"draft: {edition.draft_count} draft (fuzzy) and {edition.untranslated_count} "
            f"untranslated entries in {po}"
        )
        if edition.stale_signoff:
            reason += f"; {edition.stale_signoff}: approve it again (make approve LANG={lang} BY=…)"
        reasons.append(reason)
    if catalog is not None and lang != PSEUDO_LANG:
        errors = _check_errors(doc, lang, translations, catalog)
        if errors:
            reasons.append(f"{errors} check errors in {po} (run `make check`)")
    pdf = None
    if not reasons:
        html = render_html(edition, langs)
        html_path, pdf_path = out / f"{lang}.html", out / f"{lang}.pdf"
        pdf = file_bytes(pdf_path)  # read once: these bytes are checked, copied and verified
        if file_bytes(html_path) != html.encode("utf-8"):
            reasons.append(f"{html_path} is missing or out of date; run `make editions`")
        elif pdf is None or data_identifier(pdf) != pdf_key(html):
            reasons.append(f"{pdf_path} is missing or out of date; run `make editions`")
    return reasons, pdf


def write_site(
    doc: Document, editions: list[Edition], out: Path, folder: Path, pdfs: dict[str, bytes] | None = None
) -> None:
    """Write the site of ``editions`` (built in ``out``) into the empty ``folder``.

    ``pdfs`` holds each edition's PDF as checked; without it, the PDFs are copied from ``out``.
    """
    langs = [e.lang for e in editions]
    pages = {e.lang: read_page(render_html(e, langs)) for e in editions}
    index_page = read_page(render_index(doc, editions))
    index_texts = {tag: list(texts) for tag, texts in index_page.texts.items()}
    for e in editions:  # the sizes are written after the fonts are cut: their units, in each language
        index_texts.setdefault(bcp47(e.lang), []).extend(sample_sizes(e.locale))
    faces = {lang: page_faces(page.texts) for lang, page in pages.items()}
    index_faces = page_faces(index_texts)
    write_webfonts(
        [(faces[lang], pages[lang].texts) for lang in langs] + [(index_faces, index_texts)], folder
    )
    locales = {lang: og_locale(lang) for lang in langs}

    def site(og_type: str, page, lang: str, rules) -> dict:
        return {
            "og_type": og_type,
            "title": page.title,
            "description": page.description,
            "locale": locales.get(lang) or og_locale(lang),
            "alternates": [locales[other] for other in langs if other != lang],
            "fonts_css": f"{FOLDER}/{CSS_NAME}",
            "font_rules": rules,
            "bundle": f"{doc.name}.zip",
        }

    for e in editions:
        if pdfs is None:
            shutil.copyfile(out / f"{e.lang}.pdf", folder / f"{e.lang}.pdf")
        else:
            (folder / f"{e.lang}.pdf").write_bytes(pdfs[e.lang])
        html = render_html(e, langs, site("article", pages[e.lang], e.lang, []))
        (folder / f"{e.lang}.html").write_bytes(html.encode("utf-8"))
    description = next((pages[lang].description for lang in langs if pages[lang].description), "")
    index_site = site("website", index_page, SOURCE_LANG, family_rules(bcp47(SOURCE_LANG), index_faces))
    index_site["description"] = description
    (folder / "index.html").write_bytes(render_index(doc, editions, folder, index_site).encode("utf-8"))
    # The bundle holds every file and a SHA256SUMS of them; the site's SHA256SUMS adds the bundle.
    names = site_files(folder)
    inner = sums(folder, names)
    archive = f"{doc.name}.zip"
    contents = {name: (folder / name).read_bytes() for name in names} | {SUMS: inner}
    (folder / archive).write_bytes(bundle(contents, doc.name, bundle_time(doc)))
    (folder / SUMS).write_bytes(sums(folder, sorted([*names, archive])))


def _verify(folder: Path, pdfs: dict[str, bytes], read: dict[Path, bytes | None]) -> None:
    """Refuse a site whose PDFs are not the bytes checked, or whose catalogs changed since they were read."""
    for lang, data in pdfs.items():
        copied = file_bytes(folder / f"{lang}.pdf")
        if copied is None or hashlib.sha256(copied).digest() != hashlib.sha256(data).digest():
            raise PipelineError(folder / f"{lang}.pdf", "the copy is not the PDF checked; nothing published")
    for path, data in read.items():
        if read_bytes_or_none(path) != data:  # an editor saved it (an editor takes no lock)
            raise PipelineError(
                path, "changed while publishing; nothing published: run `make editions` and publish again"
            )


def publish(doc: Document, langs: list[str], translations: Path, out: Path, target: Path) -> list[str]:
    """Publish the final editions of ``langs`` as a site in ``target``; return one line per edition held back.

    An edition is published only when it is final, its catalog has no check
    errors, and its HTML and PDF are both built from the current catalog. The
    catalogs are locked (no pipeline run saves them meanwhile) and each is read
    once; each PDF is read once, checked, written into the new site and its copy
    verified, and every catalog and sign-off is compared with the bytes read
    before the swap: an editor's save meanwhile refuses the whole publish. The
    new site is assembled beside the target and swapped in whole (``swap.py``),
    so a reader never sees one file of an edition without the other, nor a
    switcher naming an edition the site lacks. The site holds exactly the
    editions of ``langs`` that may be published: one held back or no longer
    listed leaves it.
    """
    out, target = Path(out), Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise PipelineError(target.parent, f"cannot write here: {exc.strerror or exc}") from exc
    check_target(target)
    from pipeline.po.save import (
        catalog_lock,  # here: building editions (which imports this module) needs no filelock
    )

    catalogs = sorted(Path(translations) / doc.name / f"{lang}.po" for lang in langs if lang != SOURCE_LANG)
    with contextlib.ExitStack() as locks:
        locks.enter_context(catalog_lock(target, "publish"))  # one publish of a letter at a time
        for po in catalogs:
            if po.exists():
                locks.enter_context(catalog_lock(po))
        try:
            clean_leftovers(target)
        except OSError as exc:
            raise PipelineError(target.parent, f"cannot clean up: {exc.strerror or exc}") from exc
        blockers, editions, pdfs, read = [], [], {}, {}
        for lang in langs:
            try:
                edition, catalog = _read_edition(doc, lang, translations, read)
                reasons, pdf = _blockers(doc, edition, catalog, langs, translations, out)
            except PipelineError as exc:
                reasons, pdf = [str(exc)], None
            if reasons:
                blockers.append(f"{lang}: {'; '.join(reasons)}")
            else:
                editions.append(edition)
                pdfs[lang] = pdf
        try:
            folder = new_site_folder(target)
        except OSError as exc:
            raise PipelineError(target.parent, f"cannot write here: {exc.strerror or exc}") from exc
        try:
            write_site(doc, editions, out, folder, pdfs)
            os.chmod(folder, 0o755)
            _verify(folder, pdfs, read)
            swap_in(folder, target)
        except OSError as exc:
            raise PipelineError(target, f"cannot publish: {exc.strerror or exc}") from exc
        finally:
            if live_folder(target) != folder:
                with contextlib.suppress(OSError):
                    shutil.rmtree(folder)
    return blockers
