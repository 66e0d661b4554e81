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
import os
import shutil
import tempfile
from pathlib import Path

from ..document import Document
from ..errors import PipelineError
from ..locales import bcp47
from .build import file_bytes
from .model import PSEUDO_LANG, SOURCE_LANG, Edition, edition_for
from .pdf import pdf_identifier, pdf_key
from .render import render_html, render_index
from .site import SUMS, bundle, bundle_time, og_locale, read_page, sample_sizes, site_files, sums
from .webfonts import CSS_NAME, FOLDER, family_rules, page_faces, write_webfonts


def _check_errors(doc: Document, lang: str, translations: Path) -> int:
    """How many ERROR findings `make check` reports for this language's catalog."""
    from ..checks import ERROR, check_all

    return sum(f.severity == ERROR for f in check_all(doc, [lang], translations))


def _blockers(doc: Document, edition: Edition, langs: list[str], translations: Path, out: Path) -> list[str]:
    """Why this edition may not be published (empty: it may)."""
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
    if lang not in (SOURCE_LANG, PSEUDO_LANG):
        errors = _check_errors(doc, lang, translations)
        if errors:
            reasons.append(f"{errors} check errors in {po} (run `make check`)")
    if not reasons:
        html = render_html(edition, langs)
        html_path, pdf_path = out / f"{lang}.html", out / f"{lang}.pdf"
        if file_bytes(html_path) != html.encode("utf-8"):
            reasons.append(f"{html_path} is missing or out of date; run `make editions`")
        elif pdf_identifier(pdf_path) != pdf_key(html):
            reasons.append(f"{pdf_path} is missing or out of date; run `make editions`")
    return reasons


def _swap(staging: Path, target: Path) -> None:
    """Put the folder ``staging`` in the place of ``target``.

    POSIX cannot rename a folder over a non-empty one, so the old folder is
    first renamed aside: for a moment there is no ``target``, but never a
    half-published one (renameat2's RENAME_EXCHANGE would close that moment,
    but Python does not offer it).
    """
    old = None
    if target.exists() or target.is_symlink():
        if not target.is_dir() or target.is_symlink():
            raise PipelineError(target, "the publish target exists and is not a folder")
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.rename(target, old / target.name)
    try:
        os.rename(staging, target)
    except OSError:
        if old is not None:
            os.rename(old / target.name, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def write_site(doc: Document, editions: list[Edition], out: Path, folder: Path) -> None:
    """Write the site of ``editions`` (built in ``out``) into the empty ``folder``."""
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
        shutil.copyfile(out / f"{e.lang}.pdf", folder / f"{e.lang}.pdf")
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


def publish(doc: Document, langs: list[str], translations: Path, out: Path, target: Path) -> list[str]:
    """Publish the final editions of ``langs`` as a site in ``target``; return one line per edition held back.

    An edition is published only when it is final, its catalog has no check
    errors, and its HTML and PDF are both built from the current catalog. The
    new site is assembled beside the target and swapped in whole, so a reader
    never sees one file of an edition without the other, nor a switcher
    naming an edition the site lacks. The site holds exactly the editions of
    ``langs`` that may be published: one held back or no longer listed leaves it.
    """
    out, target = Path(out), Path(target)
    blockers, editions = [], []
    for lang in langs:
        try:
            edition = edition_for(doc, lang, translations)
            reasons = _blockers(doc, edition, langs, translations, out)
        except PipelineError as exc:
            reasons = [str(exc)]
        if reasons:
            blockers.append(f"{lang}: {'; '.join(reasons)}")
        else:
            editions.append(edition)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    except OSError as exc:
        raise PipelineError(target.parent, f"cannot write here: {exc.strerror or exc}") from exc
    try:
        write_site(doc, editions, out, staging)
        os.chmod(staging, 0o755)
        _swap(staging, target)
    except OSError as exc:
        raise PipelineError(target, f"cannot publish: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
    return blockers
