"""HTML -> PDF with WeasyPrint: a URL fetcher that reads only our templates, and a content key.

The key names everything a PDF is made from (its HTML, the fonts, the
renderer's code); it is written as the PDF's file identifier (``/ID``), so a
later build sees from the PDF itself whether it is current, and re-renders
nothing when the inputs are unchanged, whatever the files' times say.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from pipeline import config
from pipeline.editions.font_stacks import font_fingerprint
from pipeline.editions.progress import weasyprint_progress
from pipeline.editions.render import TEMPLATES
from pipeline.errors import PipelineError
from pipeline.fileio import atomic_write, installed_fingerprint
from pipeline.typesetting.hooks.typeset import typesetting
from pipeline.typesetting.hyphenation import fingerprint as hyphenation_fingerprint

PDF_VARIANT = "pdf/ua-1"
# Bump when the render options below change: old PDFs then no longer count as current.
RENDER_VERSION = "1"
MAX_PAGES_ENV = "LETTER_MAX_PAGES"
DEFAULT_MAX_PAGES = 200
_ID = re.compile(rb"/ID\s*\[\s*<([0-9a-fA-F]{32})>")


def max_pages(value: int | str | None = None) -> int:
    """The most pages an edition may have: ``value``, else $LETTER_MAX_PAGES, else 200."""
    raw = value if value is not None else config.raw(MAX_PAGES_ENV)
    try:
        pages = int(raw)
    except ValueError:
        pages = 0
    if pages < 1:
        raise PipelineError(MAX_PAGES_ENV, f"the maximum page count must be a whole number >= 1, not {raw!r}")
    return pages


@cache
def _renderer_fingerprint() -> str:
    """WeasyPrint's and pydyf's installed code (path, size, time), without importing them."""
    return installed_fingerprint("weasyprint", "pydyf")


def pdf_key(html: str) -> str:
    """32 hex digits naming the PDF that ``html`` renders to with these fonts and this renderer."""
    digest = hashlib.sha256()
    for part in (
        RENDER_VERSION,
        PDF_VARIANT,
        _renderer_fingerprint(),
        font_fingerprint(),
        hyphenation_fingerprint(),
    ):
        digest.update(part.encode() + b"\0")
    digest.update(html.encode("utf-8"))
    return digest.hexdigest()[:32]


def pdf_identifier(path: Path) -> str | None:
    """The file identifier in a PDF's trailer (lower-case hex), or None when absent or unreadable."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None
    return data_identifier(data)


def data_identifier(data: bytes) -> str | None:
    """The file identifier in the trailer of a PDF's bytes (lower-case hex), or None when absent."""
    found = _ID.search(data, max(0, data.rfind(b"startxref") - 65536))
    return found.group(1).decode().lower() if found else None


def _add_identifier(data: bytes, key: str) -> bytes:
    """Write ``/ID [<key> <key>]`` into the trailer of a PDF that has none.

    pydyf can write an identifier only by serializing and compressing every
    object a second time to hash them (about 7 % of a render); the key is
    known before rendering, so it goes straight into the trailer dictionary.
    Hand-written, because no option of WeasyPrint or pydyf does this. Nothing
    moves: the trailer (or the cross-reference stream's dictionary, the last
    object) begins at ``startxref``, and the bytes go in after its ``<<``.
    """
    tail = data.rfind(b"startxref")
    start = int(data[tail + len(b"startxref") :].split()[0])
    opening = data.index(b"<<", data.index(b"trailer", start) if data.startswith(b"xref", start) else start)
    ident = f"/ID [<{key}> <{key}>]".encode()
    return data[: opening + 2] + ident + data[opening + 2 :]


def project_url_fetcher(root: Path = TEMPLATES):
    """A WeasyPrint URL fetcher that reads only the project's own template files (and installed fonts)."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    from pipeline.typesetting.fonts import installed_font_files

    allowed_root = Path(root).resolve()

    class ProjectFetcher(URLFetcher):
        """Allows ``data:`` and ``file:`` under the templates folder; fails the build on anything else."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols=("file", "data"), allow_redirects=False)
            self.blocked: list[str] = []

        def fetch(self, url, headers=None):
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                # resolve() follows symlinks and "..", so neither can escape the folder
                path = Path(url2pathname(urlsplit(url).path)).resolve()
                if path.is_file() and path.is_relative_to(allowed_root):
                    return super().fetch(url, headers)
                # An @font-face alias of the template (src: local(...), editions/fonts.py)
                # reads an installed font file; no translated text ever names one.
                if path in installed_font_files():
                    return super().fetch(url, headers)
            self.blocked.append(url)
            raise FatalURLFetchingError(f"blocked URL {url!r}: editions read only the project's own files")

    return ProjectFetcher()


def render_pdf(
    html: str,
    target: Path,
    key: str | bytes | None = None,
    pages: int | None = None,
    progress: Callable[[str], None] | None = None,
) -> int:
    """Render HTML to a tagged, reproducible PDF/UA-1 file, atomically; return its page count.

    ``key`` (default: ``pdf_key(html)``) becomes the file identifier. More
    than ``pages`` pages (default: ``max_pages()``) is an error, and nothing
    is written. ``progress`` receives short statuses ("page 12", "writing
    PDF, 40 pages") while it renders.
    """
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    limit = max_pages(pages)
    key = key.decode() if isinstance(key, bytes) else key
    key = key if key and re.fullmatch(r"[0-9a-fA-F]{32}", key) else pdf_key(html)
    fetcher = project_url_fetcher()
    options = {"pdf_variant": PDF_VARIANT, "uncompressed_pdf": False}
    try:
        with weasyprint_progress(progress), typesetting():
            document = HTML(string=html, base_url=str(TEMPLATES) + "/", url_fetcher=fetcher).render(**options)
            if len(document.pages) > limit:
                raise PipelineError(
                    target,
                    f"{len(document.pages)} pages, more than the maximum of {limit} "
                    f"(raise it with {MAX_PAGES_ENV}=N or --max-pages N)",
                )
            if progress:
                progress(f"writing PDF, {len(document.pages)} pages")
            data = document.write_pdf(**options)
    except FatalURLFetchingError as exc:
        raise PipelineError(target, str(exc)) from exc
    atomic_write(target, _add_identifier(data, key.lower()))
    return len(document.pages)
