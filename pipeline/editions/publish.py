"""Publishing: copy the final editions, all or nothing, into the publish folder."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from ..document import Document
from ..errors import PipelineError
from .build import file_bytes
from .model import PSEUDO_LANG, SOURCE_LANG, Edition, edition_for
from .pdf import pdf_identifier, pdf_key
from .render import render_html


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


def publish(doc: Document, langs: list[str], translations: Path, out: Path, target: Path) -> list[str]:
    """Publish the final editions of ``langs`` to ``target``; return one line per edition held back.

    An edition is published only when it is final, its catalog has no check
    errors, and its HTML and PDF are both built from the current catalog. The
    new folder is assembled beside the target and swapped in whole, so a
    reader never sees one file of an edition without the other; files of
    languages not in ``langs`` are carried over unchanged.
    """
    out, target = Path(out), Path(target)
    blockers, files = [], []
    for lang in langs:
        try:
            edition = edition_for(doc, lang, translations)
            reasons = _blockers(doc, edition, langs, translations, out)
        except PipelineError as exc:
            reasons = [str(exc)]
        if reasons:
            blockers.append(f"{lang}: {'; '.join(reasons)}")
        else:
            files += [out / f"{lang}.html", out / f"{lang}.pdf"]
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    except OSError as exc:
        raise PipelineError(target.parent, f"cannot write here: {exc.strerror or exc}") from exc
    try:
        if target.is_dir():
            for old in target.iterdir():
                if old.is_file() and old.name.split(".", 1)[0] not in langs:
                    shutil.copy2(old, staging / old.name)
        for source in files:
            shutil.copyfile(source, staging / source.name)
        os.chmod(staging, 0o755)
        _swap(staging, target)
    except OSError as exc:
        raise PipelineError(target, f"cannot publish: {exc.strerror or exc}") from exc
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(staging)
    return blockers
