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

from pipeline.document.model import Document
from pipeline.editions.font_stacks import font_coverage
from pipeline.editions.model import Edition, build_edition, edition_for
from pipeline.editions.pdf import max_pages, pdf_identifier, pdf_key, render_pdf
from pipeline.editions.progress import Progress
from pipeline.editions.render import render_html
from pipeline.editions.site import render_index
from pipeline.errors import PipelineError
from pipeline.fileio import atomic_write


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


class _Renderer:
    """Renders editions here, or up to ``jobs`` at a time in workers forked from this process.

    An edition starts as soon as it is handed over (``submit``), while the
    next one is prepared here: with 2 cores, the slowest edition of a long
    letter no longer waits for the others' HTML. The worker pool is forked at
    the first edition that is not the last, so a build with one stale edition
    (or none) neither imports WeasyPrint early nor forks. A worker sends its
    statuses to a thread of this process, which shows them.
    """

    def __init__(self, jobs: int, progress: Progress | None) -> None:
        self.jobs, self.progress = jobs, progress
        self.pool = self.queue = self.listener = None
        self.pending: list = []
        self.done: list[Result] = []

    def show(self, name: str, status: str | None) -> None:
        if status is None:
            self.progress.done(name, "done")
        else:
            self.progress.update(name, status)

    def submit(self, job: Job, remaining: int) -> None:
        """Start rendering ``job``; ``remaining``: how many editions may still follow it."""
        global _REPORT
        if self.pool is None and (self.jobs <= 1 or remaining == 0):
            _REPORT = self.show if self.progress else None
            try:
                self.done.append(_render_one(job))
            finally:
                _REPORT = None
            return
        if self.pool is None:
            self._start_pool(min(self.jobs, remaining + 1))
        self.pending.append(self.pool.apply_async(_render_one, (job,)))

    def _start_pool(self, size: int) -> None:
        global _REPORT
        import multiprocessing
        import threading

        import weasyprint  # noqa: F401 - imported once here, inherited by the workers

        font_coverage()
        context = multiprocessing.get_context("fork")
        if self.progress:
            self.queue = queue = context.SimpleQueue()

            def listen() -> None:  # drains the queue to the end, so a worker never blocks on it
                for name, status in iter(queue.get, None):
                    # stderr closed: statuses are lost, not work
                    with contextlib.suppress(OSError, ValueError):
                        self.show(name, status)

            self.listener = threading.Thread(target=listen, daemon=True)
            self.listener.start()
        _REPORT = (lambda name, status: queue.put((name, status))) if self.progress else None
        try:
            self.pool = context.Pool(size)
        finally:
            _REPORT = None  # the workers have their copy; this process reports directly

    def results(self) -> list[Result]:
        """Every submitted edition's result, waiting for the workers."""
        return self.done + [pending.get() for pending in self.pending]

    def close(self, abort: bool = False) -> None:
        """Wait for the workers, or (``abort``: an error or an interrupt here) stop them now."""
        if self.pool is not None:
            if abort:
                self.pool.terminate()
            else:
                self.pool.close()
            self.pool.join()
        if self.listener is not None:
            self.queue.put(None)
            self.listener.join()


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
    renderer = _Renderer(jobs, progress)
    # The translations first: English fallback text makes them the longer to render.
    order = sorted(langs, key=lambda lang: lang == "en")
    try:
        for position, lang in enumerate(order):
            try:
                editions[lang] = edition_for(doc, lang, translations)
                job = prepare(editions[lang], langs, out, pages=limit)
            except Exception as exc:  # see _render_one
                results[lang] = Result(lang, _failure(lang, exc))
                continue
            if job.current():
                results[lang] = Result(lang, None, job.edition.state_label)
            else:
                renderer.submit(job, remaining=len(order) - position - 1)
        results.update((r.lang, r) for r in renderer.results())
    except BaseException:
        renderer.close(abort=True)
        raise
    renderer.close()
    if not any(r.error for r in results.values()):  # else the index on disk stays as it is
        try:
            write_index(doc, [editions[lang] for lang in langs if lang in editions], out)
        except PipelineError as exc:
            results["index"] = Result("index", str(exc))
    return [results[lang] for lang in langs] + ([results["index"]] if "index" in results else [])
