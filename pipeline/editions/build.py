"""Building editions: one language, the index, and every edition whose content changed.

Whether an edition is current is decided by content, not by file times: its
HTML is rendered again (cheap) and compared with the file, and the PDF is
current when its identifier is the key of that HTML (see ``pdf.py``). So an
unchanged edition is neither rendered nor touched, whatever make decided to
run, and one failing edition never costs the others.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from ..document import Document
from ..errors import PipelineError
from ..fileio import atomic_write
from .fonts import check_glyphs, font_coverage
from .model import Edition, build_edition, edition_for
from .pdf import max_pages, pdf_identifier, pdf_key, render_pdf
from .render import language_name, render_html, render_index, ui_strings


def file_bytes(path: Path) -> bytes | None:
    """The file's bytes; None when it is missing or unreadable (then it is rebuilt)."""
    try:
        return Path(path).read_bytes()
    except OSError:
        return None


@dataclass(frozen=True)
class Result:
    """What happened to one language's edition."""

    lang: str
    error: str | None = None  # one line, naming the file (and line) and the edition
    state: str = ""  # Edition.state_label
    rendered: bool = False  # False: already current, left untouched


@dataclass(frozen=True)
class Job:
    """One edition ready to render: its HTML is made and its glyphs checked."""

    edition: Edition
    html: str
    key: str
    out: Path
    pdf: bool = True
    pages: int | None = None

    @property
    def paths(self) -> tuple[Path, Path]:
        return self.out / f"{self.edition.lang}.html", self.out / f"{self.edition.lang}.pdf"

    def current(self) -> bool:
        """True when the HTML on disk is this HTML and the PDF (if wanted) was rendered from it."""
        html_path, pdf_path = self.paths
        if file_bytes(html_path) != self.html.encode("utf-8"):
            return False
        return not self.pdf or pdf_identifier(pdf_path) == self.key

    def write(self) -> None:
        """Render the PDF, then write the HTML: both atomic, the HTML only once the PDF is made."""
        html_path, pdf_path = self.paths
        if self.pdf:
            render_pdf(self.html, pdf_path, self.key, self.pages)
        atomic_write(html_path, self.html.encode("utf-8"))


def prepare(edition: Edition, langs: list[str], out: Path, pdf: bool = True, pages: int | None = None) -> Job:
    """Check the edition's glyphs and render its HTML (no PDF yet)."""
    check_glyphs(edition, ui_strings(edition) + [language_name(other) for other in langs])
    html = render_html(edition, langs)
    return Job(edition, html, pdf_key(html), Path(out), pdf, pages)


def build_language(
    doc: Document,
    lang: str,
    langs: list[str],
    translations: Path,
    out: Path,
    pdf: bool = True,
    catalog: Catalog | None = None,
    edition: Edition | None = None,
    pages: int | None = None,
) -> Edition:
    """Write ``out/<lang>.html`` and ``out/<lang>.pdf`` for one language, unless already current.

    ``catalog`` replaces the language's .po; ``edition`` is one already built from it.
    """
    if edition is None:
        edition = (
            build_edition(doc, lang, catalog) if catalog is not None else edition_for(doc, lang, translations)
        )
    job = prepare(edition, langs, out, pdf, pages)
    if not job.current():
        job.write()
    return edition


def write_index(doc: Document, editions: list[Edition], out: Path) -> bool:
    """Write ``out/index.html`` unless it already holds exactly this; True when written."""
    data = render_index(doc, editions).encode("utf-8")
    path = Path(out) / "index.html"
    if file_bytes(path) == data:
        return False
    atomic_write(path, data)
    return True


def build_index(
    doc: Document, langs: list[str], translations: Path, out: Path, editions: list[Edition] | None = None
) -> list[Edition]:
    if editions is None:
        editions = [edition_for(doc, lang, translations) for lang in langs]
    write_index(doc, editions, out)
    return editions


def _failure(lang: str, exc: BaseException) -> str:
    """One line: the error as the pipeline reports it, and which edition it stopped."""
    text = str(exc) if isinstance(exc, PipelineError) else f"error: {type(exc).__name__}: {exc}"
    return f"{' '.join(text.split())} ({lang} edition not built)"


def _render_one(job: Job) -> Result:
    lang = job.edition.lang
    try:
        job.write()
    except Exception as exc:  # one failing edition is reported, never a traceback or the others' loss
        return Result(lang, _failure(lang, exc))
    return Result(lang, None, job.edition.state_label, rendered=True)


def build_editions(
    doc: Document, langs: list[str], translations: Path, out: Path, jobs: int, pages: int | None = None
) -> list[Result]:
    """Render every edition whose content changed, ``jobs`` at a time, in processes forked from this one.

    Each language is built on its own: a missing catalog, a broken interface
    catalog, a missing glyph or a failed write stops that edition only; the
    others are written, and nothing already on disk is removed. The index is
    rewritten only when every edition is built. The parent imports WeasyPrint and
    loads the fonts once; forked workers inherit them.
    """
    limit = max_pages(pages)
    results: dict[str, Result] = {}
    editions: dict[str, Edition] = {}
    work: list[Job] = []
    for lang in langs:
        try:
            editions[lang] = edition_for(doc, lang, translations)
            job = prepare(editions[lang], langs, out, pages=limit)
        except Exception as exc:  # see _render_one
            results[lang] = Result(lang, _failure(lang, exc))
            continue
        if job.current():
            results[lang] = Result(lang, None, job.edition.state_label)
        else:
            work.append(job)
    if len(work) > 1 and jobs > 1:
        import multiprocessing

        import weasyprint  # noqa: F401 - imported once here, inherited by the workers

        font_coverage()
        with multiprocessing.get_context("fork").Pool(min(jobs, len(work))) as pool:
            rendered = pool.map(_render_one, work)
    else:
        rendered = [_render_one(job) for job in work]
    results.update((r.lang, r) for r in rendered)
    if not any(r.error for r in results.values()):  # else the index on disk stays as it is
        try:
            write_index(doc, list(editions.values()), out)
        except PipelineError as exc:
            results["index"] = Result("index", str(exc))
    return [results[lang] for lang in langs] + ([results["index"]] if "index" in results else [])
