"""Stage 5: document + catalogs -> HTML and PDF editions (Jinja2, WeasyPrint, Babel).

An edition is *final* only when every entry of its catalog is reviewed;
otherwise it is a *draft* and looks like one on every page.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import json
import os
import shutil
import subprocess
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import jinja2
from babel import Locale
from babel.dates import format_date
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.support import Translations

from .catalog import catalog_stats, document_units, message_state, parse_locale, read_catalog
from .document import Document, Signatory
from .errors import PipelineError
from .fileio import atomic_write
from .signoff import SignOff, read_signoffs, signoff_status, source_hash
from .typography import typeset

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
SOURCE_LANG = "en"
PSEUDO_LANG = "en-XA"  # pseudo-translation (make pseudo): English locale data, never final
FONT_FAMILY = "Noto Serif"
FONT_STYLES = ("Regular", "Italic", "Bold")
CACHE = ROOT / "output" / ".cache"  # derived data only: safe to delete


@dataclass(frozen=True)
class Text:
    """One segment as an edition shows it."""

    text: str  # typeset translation, or the English source when untranslated
    state: str  # reviewed, draft, untranslated, or source (the English edition)
    msgid: str

    @property
    def lang_override(self) -> str | None:
        return SOURCE_LANG if self.state == "untranslated" else None


@dataclass(frozen=True)
class Edition:
    """Everything a template needs to render one language of one letter."""

    lang: str
    locale: Locale
    letter: str
    date: datetime.date | None
    blocks: list[dict]
    draft_count: int
    untranslated_count: int
    final: bool
    signoff: SignOff | None = None
    stale_signoff: str | None = None  # why a recorded sign-off no longer holds

    @property
    def state_label(self) -> str:
        """ "final", or "DRAFT (3 draft, 2 untranslated)" for people reading make's output."""
        if self.final:
            return "final"
        return f"DRAFT ({self.draft_count} draft, {self.untranslated_count} untranslated)"

    @property
    def segments(self) -> list[Text]:
        out: list[Text] = []
        for block in self.blocks:
            if block["kind"] == "signatory":
                out.extend(t for t in (block["name"], block["title"]) if t)
            else:
                out.extend(block["segments"])
        return out


def build_edition(
    doc: Document,
    lang: str,
    catalog: Catalog | None,
    signoff: SignOff | None = None,
    source_sha: str | None = None,
) -> Edition:
    """Look up every segment's translation and decide final versus draft.

    Final: every entry reviewed and, where the language has a sign-off, the
    sign-off still matching the letter and the catalog.
    """
    locale = parse_locale(SOURCE_LANG if lang == PSEUDO_LANG else lang)
    units = iter(document_units(doc))
    states: list[str] = []

    def text_for() -> Text:
        unit = next(units)
        if lang == SOURCE_LANG:
            text = Text(typeset(unit.text, lang), "source", unit.text)
        else:
            message = catalog.get(unit.text, unit.context) if catalog is not None else None
            state = message_state(message) if message is not None else "untranslated"
            if state == "untranslated":
                text = Text(typeset(unit.text, SOURCE_LANG), state, unit.text)
            else:
                text = Text(typeset(message.string, lang), state, unit.text)
        states.append(text.state)
        return text

    blocks: list[dict] = []
    for block in doc.blocks:
        if isinstance(block, Signatory):
            name = text_for()
            title = text_for() if block.title else None
            blocks.append({"kind": "signatory", "number": block.number, "name": name, "title": title})
        else:
            blocks.append({"kind": block.kind, "segments": [text_for() for _ in block.sentences]})
    complete = catalog is None or catalog_stats(catalog).complete
    draft, untranslated = states.count("draft"), states.count("untranslated")
    stale = signoff_status(signoff, source_sha, catalog) if catalog is not None and signoff else None
    final = lang == SOURCE_LANG or (complete and draft == 0 and untranslated == 0 and stale is None)
    final = final and lang != PSEUDO_LANG
    return Edition(lang, locale, doc.name, doc.date, blocks, draft, untranslated, final, signoff, stale)


# --- UI strings of the templates (our own small catalogs) ----------------------


@cache
def ui_translations(lang: str) -> Translations:
    """The template's own strings ("Page 1 of 3", "Draft"), from templates/ui/<lang>.po."""
    path = TEMPLATES / "ui" / f"{lang}.po"
    if not path.exists():
        return Translations()  # English
    buffer = io.BytesIO()
    write_mo(buffer, read_catalog(path))
    buffer.seek(0)
    return Translations(buffer)


def _split_placeholders(text: str, **values: str) -> list[tuple[str, str]]:
    """Split "Page {page} of {pages}" into [("text","Page "), ("page",""), ...]."""
    parts: list[tuple[str, str]] = []
    rest = text
    while "{" in rest:
        before, _, after = rest.partition("{")
        name, _, rest = after.partition("}")
        if before:
            parts.append(("text", before))
        parts.append((name, values.get(name, "")))
    if rest:
        parts.append(("text", rest))
    return parts


@cache
def template_environment() -> jinja2.Environment:
    bytecode = None
    with contextlib.suppress(OSError):  # compiled templates, reused by the next process
        (CACHE / "jinja").mkdir(parents=True, exist_ok=True)
        bytecode = jinja2.FileSystemBytecodeCache(str(CACHE / "jinja"))
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        bytecode_cache=bytecode,
        # Autoescape every template, whatever its name: select_autoescape()
        # would leave "*.html.j2" unescaped.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["placeholders"] = _split_placeholders
    env.filters["typeset"] = typeset
    return env


def language_name(lang: str) -> str:
    """The language's name in itself, capitalised (Babel: "français" -> "Français")."""
    if lang == PSEUDO_LANG:
        return f"Pseudo ({PSEUDO_LANG})"
    name = parse_locale(lang).get_display_name(parse_locale(lang)) or lang
    return name[:1].upper() + name[1:]


def edition_date(edition: Edition) -> str:
    return format_date(edition.date, format="long", locale=edition.locale) if edition.date else ""


def colophon(edition: Edition) -> str:
    """ "Russian translation reviewed by …, date, source version …" for a signed-off final edition."""
    if not (edition.final and edition.signoff):
        return ""
    text = ui_translations(edition.lang).gettext(
        "{language} translation reviewed by {name}, {date}, source version {version}"
    )
    date = format_date(
        datetime.date.fromisoformat(edition.signoff.date), format="long", locale=edition.locale
    )
    return text.format(
        language=edition.locale.get_display_name(edition.locale),
        name=edition.signoff.by,
        date=date,
        version=edition.signoff.source_sha256[:12],
    )


def render_html(edition: Edition, langs: list[str]) -> str:
    """The HTML edition (also the PDF's source)."""
    translations = ui_translations(edition.lang)
    signature = next((b for b in edition.blocks if b["kind"] == "signature"), None)
    author = " ".join(t.text for t in signature["segments"]) if signature else ""
    created = _created(edition)
    template = template_environment().get_template("edition.html.j2")
    return template.render(
        edition=edition,
        _=translations.gettext,
        date_text=edition_date(edition),
        author=author,
        created=created,
        langs=langs,
        language_name=language_name,
        text_direction=(edition.locale.character_order == "right-to-left" and "rtl") or "ltr",
        lang_class=edition.lang.split("_")[0],
        colophon=colophon(edition),
    )


def render_index(doc: Document, editions: list[Edition]) -> str:
    template = template_environment().get_template("index.html.j2")
    return template.render(
        letter=doc.name,
        editions=editions,
        date_text=edition_date(editions[0]) if editions else "",
        language_name=language_name,
        created=_created(editions[0]) if editions else "",
    )


def _created(edition: Edition) -> str:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return edition.date.isoformat() if edition.date else "2000-01-01"


# --- glyph coverage -------------------------------------------------------------


@cache
def font_files() -> dict[str, Path]:
    """The files of the edition font, as fontconfig (and so WeasyPrint) finds them."""
    found = {}
    for style in FONT_STYLES:
        pattern = f"{FONT_FAMILY}:style={style}"
        try:
            out = subprocess.run(
                ["fc-match", "-f", "%{file}", pattern], capture_output=True, text=True, check=True
            )
        except (OSError, subprocess.CalledProcessError) as exc:
            raise PipelineError(None, f"cannot query fontconfig for {pattern!r}: {exc}") from exc
        path = Path(out.stdout.strip())
        if not path.name.replace("-", "").lower().startswith(FONT_FAMILY.replace(" ", "").lower()):
            raise PipelineError(None, f"font {FONT_FAMILY!r} ({style}) is not installed; run `make install`")
        found[style] = path
    return found


@cache
def font_coverage() -> frozenset[int]:
    """Code points every style of the edition font can draw.

    Parsing the fonts' cmaps costs more than the rest of an edition's
    preparation, so the result is cached under output/.cache, keyed by the
    font files' paths, sizes and times.
    """
    files = font_files()
    key = hashlib.sha256(
        json.dumps([[str(p), p.stat().st_size, p.stat().st_mtime_ns] for p in files.values()]).encode()
    ).hexdigest()[:16]
    cached = CACHE / f"glyphs-{key}.json"
    try:
        return frozenset(json.loads(cached.read_text()))
    except (OSError, ValueError):
        pass
    from fontTools.ttLib import TTFont

    sets = []
    for path in files.values():
        with TTFont(path, lazy=True) as font:
            sets.append(set(font.getBestCmap()))
    coverage = frozenset(set.intersection(*sets))
    with contextlib.suppress(PipelineError):
        atomic_write(cached, json.dumps(sorted(coverage)).encode())
    return coverage


def check_glyphs(edition: Edition, extra: list[str]) -> None:
    """Fail, naming character, language and entry, if the font cannot draw a character.

    WeasyPrint itself only draws a blank box ("tofu") and logs a warning.
    """
    covered = font_coverage()
    items = [(t.text, t.msgid) for t in edition.segments] + [(s, "(edition text)") for s in extra]
    for text, msgid in items:
        for char in text:
            if ord(char) in covered or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
                continue
            name = unicodedata.name(char, "unnamed")
            raise PipelineError(
                None,
                f"{edition.lang}: the font {FONT_FAMILY!r} has no glyph for {char!r} "
                f"(U+{ord(char):04X} {name}) in entry {msgid!r}",
            )


# --- PDF ---------------------------------------------------------------------------


def project_url_fetcher(root: Path = TEMPLATES):
    """A WeasyPrint URL fetcher that reads only the project's own template files."""
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

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
            self.blocked.append(url)
            raise FatalURLFetchingError(f"blocked URL {url!r}: editions read only the project's own files")

    return ProjectFetcher()


def render_pdf(html: str, target: Path, identifier: bytes) -> None:
    """Render HTML to a tagged, reproducible PDF/UA-1 file, atomically."""
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError

    fetcher = project_url_fetcher()
    try:
        document = HTML(string=html, base_url=str(TEMPLATES) + "/", url_fetcher=fetcher)
        data = document.write_pdf(pdf_variant="pdf/ua-1", pdf_identifier=identifier, uncompressed_pdf=False)
    except FatalURLFetchingError as exc:
        raise PipelineError(target, str(exc)) from exc
    atomic_write(target, data)


# --- building editions ------------------------------------------------------------


def edition_for(doc: Document, lang: str, translations: Path) -> Edition:
    """Build one language's edition from its catalog and sign-off on disk."""
    catalog = load_catalog(translations, doc.name, lang)
    signoff = read_signoffs(translations, doc.name).get(lang)
    return build_edition(doc, lang, catalog, signoff, source_hash(doc.source) if signoff else None)


def load_catalog(translations: Path, letter: str, lang: str) -> Catalog | None:
    if lang == SOURCE_LANG:
        return None
    path = Path(translations) / letter / f"{lang}.po"
    if not path.exists():
        raise PipelineError(path, "no catalog for this language; run `make po`")
    return read_catalog(path, locale=parse_locale(lang, path))


def ui_strings(edition: Edition) -> list[str]:
    """The template's text for this language, for the glyph check."""
    t = ui_translations(edition.lang)
    ids = [
        "Open letter",
        "Draft",
        "Machine translation, not reviewed",
        "Not translated; shown in English",
        "Page {page} of {pages}",
        "Signatories",
        "Other languages",
        "The approved translation has changed since its sign-off",
    ]
    return [t.gettext(i) for i in ids] + [edition_date(edition), colophon(edition)]


def build_language(
    doc: Document,
    lang: str,
    langs: list[str],
    translations: Path,
    out: Path,
    pdf: bool = True,
    catalog: Catalog | None = None,
    edition: Edition | None = None,
) -> Edition:
    """Write ``out/<lang>.html`` and ``out/<lang>.pdf`` for one language.

    ``catalog`` replaces the language's .po; ``edition`` is one already built from it.
    """
    if edition is None:
        edition = (
            build_edition(doc, lang, catalog) if catalog is not None else edition_for(doc, lang, translations)
        )
    check_glyphs(edition, ui_strings(edition) + [language_name(other) for other in langs])
    html = render_html(edition, langs)
    if pdf:
        identifier = hashlib.md5(html.encode("utf-8")).hexdigest().encode()
        render_pdf(html, out / f"{lang}.pdf", identifier)
    atomic_write(out / f"{lang}.html", html.encode("utf-8"))
    return edition


def build_index(
    doc: Document, langs: list[str], translations: Path, out: Path, editions: list[Edition] | None = None
) -> list[Edition]:
    if editions is None:
        editions = [edition_for(doc, lang, translations) for lang in langs]
    atomic_write(out / "index.html", render_index(doc, editions).encode("utf-8"))
    return editions


def publish(doc: Document, langs: list[str], translations: Path, out: Path, target: Path) -> list[str]:
    """Copy final editions to ``target``; return one line per draft saying what blocks it."""
    blockers = []
    target.mkdir(parents=True, exist_ok=True)
    for lang in langs:
        edition = edition_for(doc, lang, translations)
        files = [out / f"{lang}.html", out / f"{lang}.pdf"]
        if not edition.final:
            for stale in (target / f.name for f in files):
                stale.unlink(missing_ok=True)
            reason = (
                f"{edition.draft_count} draft (fuzzy) and {edition.untranslated_count} untranslated entries "
                f"in {translations / doc.name / f'{lang}.po'}"
            )
            if edition.stale_signoff:
                reason += f"; {edition.stale_signoff}: approve it again (make approve LANG={lang} BY=…)"
            blockers.append(f"{lang}: draft: {reason}")
            continue
        for source in files:
            if not source.exists():
                raise PipelineError(source, "edition not built; run `make html pdf`")
            tmp = target / f".{source.name}.tmp"
            shutil.copyfile(source, tmp)
            os.replace(tmp, target / source.name)
    return blockers


# --- building all stale editions in one process --------------------------------------------------


def edition_inputs(doc: Document, lang: str, translations: Path, mt_stamps: Path) -> list[Path]:
    """Every file an edition of ``lang`` is made from."""
    inputs = [Path(doc.source), *TEMPLATES.glob("*.j2"), *TEMPLATES.glob("*.css"), *TEMPLATES.glob("ui/*.po")]
    inputs += list(Path(__file__).parent.glob("*.py"))
    if lang != SOURCE_LANG and lang != PSEUDO_LANG:
        inputs += [Path(translations) / doc.name / f"{lang}.po", Path(mt_stamps) / f"{lang}.done"]
    inputs.append(Path(translations) / doc.name / "signoff.json")
    return [p for p in inputs if p.exists()]


def stale_languages(
    doc: Document, langs: list[str], translations: Path, out: Path, mt_stamps: Path
) -> list[str]:
    """Languages whose HTML or PDF is missing or older than one of its inputs.

    make knows this per file, but a pattern rule runs one process per
    language, and each would pay WeasyPrint's start-up (about a fifth of a
    render); so make hands the whole set to one process, which decides.
    """
    stale = []
    for lang in langs:
        outputs = [Path(out) / f"{lang}.html", Path(out) / f"{lang}.pdf"]
        if not all(o.exists() for o in outputs):
            stale.append(lang)
            continue
        newest = max(
            (p.stat().st_mtime_ns for p in edition_inputs(doc, lang, translations, mt_stamps)), default=0
        )
        if min(o.stat().st_mtime_ns for o in outputs) < newest:
            stale.append(lang)
    return stale


def _render_one(job: tuple) -> tuple[str, str | None, str]:
    doc, edition, langs, translations, out = job
    lang = edition.lang
    try:
        build_language(doc, lang, langs, translations, out, edition=edition)
    except PipelineError as exc:
        return lang, str(exc), ""
    return lang, None, edition.state_label


def build_editions(
    doc: Document, langs: list[str], translations: Path, out: Path, mt_stamps: Path, jobs: int
) -> list[tuple[str, str | None, str]]:
    """Render the stale editions, ``jobs`` at a time, in processes forked from this one.

    The parent imports WeasyPrint and loads the fonts once; forked workers
    inherit them, so no edition pays the start-up again.
    """
    stale = stale_languages(doc, langs, translations, out, mt_stamps)
    editions = {lang: edition_for(doc, lang, translations) for lang in langs}  # each catalog read once
    work = [(doc, editions[lang], langs, translations, out) for lang in stale]
    if len(work) > 1 and jobs > 1:
        import multiprocessing

        import weasyprint  # noqa: F401 - imported once here, inherited by the workers

        font_coverage()
        with multiprocessing.get_context("fork").Pool(min(jobs, len(work))) as pool:
            results = pool.map(_render_one, work)
    else:
        results = [_render_one(job) for job in work]
    build_index(doc, langs, translations, out, list(editions.values()))
    for lang in langs:  # up to date now: newer than every input, for make
        for output in (Path(out) / f"{lang}.html", Path(out) / f"{lang}.pdf"):
            if output.exists() and lang not in stale:
                os.utime(output)
    return results
