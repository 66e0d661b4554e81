"""Building editions: one language, the index, and every edition whose content changed.

Whether an edition is current is decided by content, not by file times: its
HTML is rendered again (cheap) and compared with the file, and the PDF is
current when its identifier is the key of that HTML (see ``pdf.py``). So an
unchanged edition is neither rendered nor touched, whatever make decided to
run, and one failing edition never costs the others.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog

from ..document import Document
from ..errors import PipelineError
from ..fileio import atomic_write
from .fonts import font_coverage
from .model import Edition, build_edition, edition_for
from .pdf import max_pages, pdf_identifier, pdf_key, render_pdf
from .progress import Progress
from .render import render_html, render_index


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

    def write(self, progress: Callable[[str], None] | None = None) -> None:
        """Render the PDF, then write the HTML: both atomic, the HTML only once the PDF is made."""
        html_path, pdf_path = self.paths
        if self.pdf:
            render_pdf(self.html, pdf_path, self.key, self.pages, progress)
        atomic_write(html_path, self.html.encode("utf-8"))


def prepare(edition: Edition, langs: list[str], out: Path, pdf: bool = True, pages: int | None = None) -> Job:
    """Render the edition's HTML, its glyphs checked (no PDF yet)."""
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
    data = render_index(doc, editions, Path(out)).encode("utf-8")  # sizes of the files in out
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


# Where a rendering edition's statuses go: Progress.update in this process, or a queue to
# the parent from a forked worker (set before the pool forks; None: no progress shown).
_REPORT: Callable[[str, str | None], None] | None = None


def _render_one(job: Job) -> Result:
    lang, report = job.edition.lang, _REPORT
    name = f"{lang}.pdf"
    try:
        job.write((lambda status: report(name, status)) if report and job.pdf else None)
    except Exception as exc:  # one failing edition is reported, never a traceback or the others' loss
        return Result(lang, _failure(lang, exc))
    finally:
        if report and job.pdf:
            report(name, None)  # finished (or failed): off the progress line
    return Result(lang, None, job.edition.state_label, rendered=True)


def _render_all(work: list[Job], jobs: int, progress: Progress | None) -> list[Result]:
    """Render the jobs here, or ``jobs`` at a time in workers forked from this process.

    The longest HTML goes first, each job to the next free worker, so a long
    edition never waits behind short ones. A worker sends its statuses to a
    thread of this process, which shows them.
    """
    global _REPORT

    def show(name: str, status: str | None) -> None:
        if status is None:
            progress.done(name, "done")
        else:
            progress.update(name, status)

    if len(work) <= 1 or jobs <= 1:
        _REPORT = show if progress else None
        try:
            return [_render_one(job) for job in work]
        finally:
            _REPORT = None
    import multiprocessing
    import threading

    import weasyprint  # noqa: F401 - imported once here, inherited by the workers

    font_coverage()
    context = multiprocessing.get_context("fork")
    queue = context.SimpleQueue() if progress else None
    _REPORT = (lambda name, status: queue.put((name, status))) if queue else None
    listener = None
    if queue:

        def listen() -> None:  # drains the queue to the end, so a worker never blocks on it
            for name, status in iter(queue.get, None):
                with contextlib.suppress(OSError, ValueError):  # stderr closed: statuses are lost, not work
                    show(name, status)

        listener = threading.Thread(target=listen, daemon=True)
        listener.start()
    try:
        with context.Pool(min(jobs, len(work))) as pool:
            order = sorted(work, key=lambda job: len(job.html), reverse=True)
            return list(pool.imap_unordered(_render_one, order, chunksize=1))
    finally:
        _REPORT = None
        if listener:
            queue.put(None)
            listener.join()


def build_editions(
    doc: Document,
    langs: list[str],
    translations: Path,
    out: Path,
    jobs: int,
    pages: int | None = None,
    progress: Progress | None = None,
) -> list[Result]:
    """Render every edition whose content changed, ``jobs`` at a time, in processes forked from this one.

    Each language is built on its own: a missing catalog, a broken interface
    catalog, a missing glyph or a failed write stops that edition only; the
    others are written, and nothing already on disk is removed. The index is
    rewritten only when every edition is built. The parent imports WeasyPrint and
    loads the fonts once; forked workers inherit them. ``progress`` shows each
    rendering edition's status.
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
    results.update((r.lang, r) for r in _render_all(work, jobs, progress))
    if not any(r.error for r in results.values()):  # else the index on disk stays as it is
        try:
            write_index(doc, list(editions.values()), out)
        except PipelineError as exc:
            results["index"] = Result("index", str(exc))
    return [results[lang] for lang in langs] + ([results["index"]] if "index" in results else [])
