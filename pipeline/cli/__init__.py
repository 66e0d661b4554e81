"""Command line: ``python -m pipeline COMMAND``; the Makefile's targets call these."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from pathlib import Path

from pipeline import config
from pipeline.cli.common import DEFAULT_LANGS, existing_catalogs, langs_arg, source_ref
from pipeline.cli.editions import cmd_edition, cmd_editions, cmd_index, cmd_pseudo, cmd_publish
from pipeline.cli.review import cmd_accept, cmd_approve, cmd_check, cmd_export, cmd_memory, cmd_review
from pipeline.document.load import load_document
from pipeline.document.model import document_outline, document_to_json
from pipeline.errors import PipelineError
from pipeline.fileio import write_target
from pipeline.po.catalog import (
    build_template,
    catalog_paths,
    catalog_stats,
    parse_locale,
    read_catalog,
    update_catalog,
    write_catalog,
)


def cmd_segment(args: argparse.Namespace) -> int:
    doc = load_document(args.source, args.format)
    if args.json:
        json.dump(document_to_json(doc), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(document_outline(doc))
    return 0


def cmd_pot(args: argparse.Namespace) -> int:
    doc = load_document(args.source)
    pot_path, _ = catalog_paths(doc.name, args.translations, [])
    template = build_template(doc, source_ref(args.source))
    written = write_catalog(pot_path, template)
    print(f"{pot_path}: {len(template)} entries{'' if written else ' (unchanged)'}")
    return 0


def cmd_po(args: argparse.Namespace) -> int:
    langs = langs_arg(args.langs)
    doc = load_document(args.source)
    pot_path, po_paths = catalog_paths(doc.name, args.translations, langs)
    if not pot_path.exists():
        raise PipelineError(pot_path, "no template; run `make pot` first")
    from pipeline.memory.recall import (
        prepare_catalog,  # here, as in cmd_stats: the memory is no other command's start-up
    )
    from pipeline.po.save import CatalogFile, save_catalog

    template = read_catalog(pot_path)
    # Read and merge everything before writing anything: one bad file leaves all untouched.
    updated = {}
    for lang, path in po_paths.items():
        write_target(path)  # a link out of the project: refused before any catalog is written
        locale = parse_locale(lang, path)
        snapshot, existing = CatalogFile.read(path, locale)
        updated[lang] = (snapshot, update_catalog(template, existing, locale), existing is None)
        # translation memory drafts for untranslated entries, glossary notes (pipeline/memory/recall.py)
        note = prepare_catalog(updated[lang][1], lang, doc.name, args.translations)
        if note:
            print(f"{path}: {note}")
    for snapshot, catalog, created in updated.values():
        # Locked; merged with whatever a translator or another run saved since we read it.
        written, kept = save_catalog(snapshot, catalog)
        for note in kept:
            print(note, file=sys.stderr)
        path = snapshot.path
        stats = catalog_stats(catalog)
        state = "created" if created else ("updated" if written else "unchanged")
        print(
            f"{path}: {state}; {stats.reviewed} reviewed, {stats.draft} draft, "
            f"{stats.untranslated} untranslated, {len(catalog.obsolete)} obsolete"
        )
    return 0


def format_stats_table(rows: list[tuple[str, object]]) -> str:
    header = f"{'lang':<6}{'total':>7}{'reviewed':>10}{'draft':>7}{'untransl.':>11}   words: total  reviewed  draft  untransl.  done"
    lines = [header, "-" * len(header)]
    for lang, s in rows:
        done = 100.0 * s.reviewed_words / s.total_words if s.total_words else 100.0
        lines.append(
            f"{lang:<6}{s.total:>7}{s.reviewed:>10}{s.draft:>7}{s.untranslated:>11}"
            f"   {s.total_words:>12}{s.reviewed_words:>10}{s.draft_words:>7}{s.untranslated_words:>11}  {done:5.1f}%"
        )
    return "\n".join(lines)


def cmd_stats(args: argparse.Namespace) -> int:
    from pipeline.memory.recall import format_origin_table, origin_counts

    _, catalogs = existing_catalogs(args)
    rows = [(lang, catalog_stats(catalog)) for lang, (_, catalog) in catalogs.items()]
    origins = [(lang, origin_counts(catalog)) for lang, (_, catalog) in catalogs.items()]
    if args.json:
        print(json.dumps({lang: {**vars(s), "origin": dict(origins)[lang]} for lang, s in rows}, indent=2))
    else:
        print(format_stats_table(rows) + "\n\n" + format_origin_table(Path(args.source).stem, origins))
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from pipeline.mt.argos.models import LOCK_NAME, install_models

    local = Path(args.from_dir) if args.from_dir else None
    lock = args.translations / LOCK_NAME
    for line in install_models(
        langs_arg(args.langs), local_dir=local, update_lock=args.update_lock, lock_path=lock
    ):
        print(line)
    return 0


def cmd_translate(args: argparse.Namespace) -> int:
    import signal

    from tqdm import tqdm

    from pipeline.mt.argos.models import installed_package
    from pipeline.mt.drafts import journal_path, missing_model_message, translate_catalog
    from pipeline.terminal import unescaped

    doc, catalogs = existing_catalogs(args)
    po_paths = {lang: path for lang, (path, _) in catalogs.items()}
    for path in po_paths.values():  # links out of the project: refused before any language is translated
        write_target(path)
        write_target(journal_path(path))

    def terminate(signum, frame):  # kill: stop like Ctrl-C, after saving finished batches
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    missing = []
    for lang, path in po_paths.items():
        bar = None

        def progress(done: int, total: int, lang=lang) -> None:
            nonlocal bar
            if bar is None:
                bar = tqdm(
                    total=total, desc=f"translate {lang}", unit="seg", leave=True, file=unescaped(sys.stderr)
                )
            bar.update(1)

        try:
            report = translate_catalog(doc, lang, path, installed_package, on_result=progress)
        except KeyboardInterrupt:
            print(f"{path}: interrupted; finished batches are saved, run again to continue", file=sys.stderr)
            return 130
        finally:
            if bar is not None:
                bar.close()
        for note in report.kept:
            print(note, file=sys.stderr)
        if report.missing_model:
            missing.append(lang)
            print(f"{path}: {report.names} name drafts; {missing_model_message(lang)}", file=sys.stderr)
            continue
        parts = [f"{report.translated} MT drafts", f"{report.names} name drafts"]
        if report.resumed:
            parts.append(f"{report.resumed} drafts resumed from an interrupted run")
        if report.loaded_model:
            parts.append(f"model {report.loaded_model}")
        if report.flagged:
            parts.append(f"{report.flagged} flagged: numbers differ")
        if report.rejected:
            parts.append(f"{report.rejected} drafts rejected (their 'MT check' comments say why)")
        print(f"{path}: {'; '.join(report.notes) if report.notes else ', '.join(parts)}")
    if missing and not args.if_available:
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    def add(name: str, func, help_text: str, langs: bool = False) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("source", help="the letter (UTF-8 text)")
        p.add_argument("--translations", type=Path, default=Path("translations"), help="catalog root")
        if langs:
            p.add_argument("--langs", default=DEFAULT_LANGS, help="language codes (default: %(default)s)")
        p.set_defaults(func=func)
        return p

    p = add("segment", cmd_segment, "print the segmented letter")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--format",
        choices=["txt", "md", "html", "docx"],
        help="read the letter as this format, whatever its extension (also LETTER_FORMAT=)",
    )
    add("pot", cmd_pot, "write the gettext template for the letter")
    add("po", cmd_po, "create or update one .po per language", langs=True)
    p = add("stats", cmd_stats, "translation statistics per language", langs=True)
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p = add("approve", cmd_approve, "record who approved a language, against this letter and catalog")
    p.add_argument("--lang", required=True, help="the language approved")
    p.add_argument("--by", required=True, help="who approves")
    p = add(
        "review", cmd_review, "write a review sheet per language under output/<letter>/review/", langs=True
    )
    p.add_argument("--output", type=Path, default=Path("output"), help="editions root")
    p = add("export", cmd_export, "XLIFF 2 and TMX of the reviewed pairs, for CAT tools", langs=True)
    p.add_argument("--output", type=Path, default=Path("output"), help="editions root")
    p = add("pseudo", cmd_pseudo, "an extra, always-draft edition in a pseudo-language (en-XA)", langs=True)
    p.add_argument("--output", type=Path, default=Path("output"), help="editions root")
    add("check", cmd_check, "quality checks of every catalog; exit 1 on any error", langs=True)
    p = add(
        "translate", cmd_translate, "fill untranslated entries with machine-translated drafts", langs=True
    )
    p.add_argument("--if-available", action="store_true", help="a missing model is a notice, not an error")
    p = sub.add_parser("models", help="install the Argos models for LANGS and lock them")
    p.add_argument("--langs", default=DEFAULT_LANGS, help="language codes (default: %(default)s)")
    p.add_argument("--from-dir", help="install from the .argosmodel files in this folder (offline)")
    p.add_argument(
        "--update-lock", action="store_true", help="accept packages whose sha256 differs from the lock"
    )
    p.add_argument(
        "--translations", type=Path, default=Path("translations"), help="where the lock file lives"
    )
    p.set_defaults(func=cmd_models)
    p = add("edition", cmd_edition, "render the HTML and PDF edition of languages", langs=True)
    p.add_argument("--lang", required=True, help="the language(s) to render (en is the source)")
    p.add_argument("--output", type=Path, default=Path("output"), help="editions root")
    p.add_argument("--html-only", action="store_true", help="skip the PDF")
    p.add_argument(
        "--max-pages", type=int, help="most pages an edition may have (default: $LETTER_MAX_PAGES or 200)"
    )
    p = add("editions", cmd_editions, "render every edition whose content changed, and the index", langs=True)
    p.add_argument("--output", type=Path, default=Path("output"), help="editions root")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="editions rendered at once")
    p.add_argument(
        "--max-pages", type=int, help="most pages an edition may have (default: $LETTER_MAX_PAGES or 200)"
    )
    p = add("index", cmd_index, "write output/<letter>/index.html linking every edition", langs=True)
    p.add_argument("--output", type=Path, default=Path("output"), help="editions root")
    p = add("publish", cmd_publish, "copy final editions to the publish folder; fail on drafts", langs=True)
    p.add_argument("--output", type=Path, default=Path("output"), help="editions root")
    p.add_argument("--publish", type=Path, default=Path("output/publish"), help="publish root")
    p = add("accept", cmd_accept, "turn exact translation-memory drafts into reviewed entries, recorded")
    p.add_argument("--lang", required=True, help="the language whose memory drafts are accepted")
    p.add_argument("--by", required=True, help="who accepts them")
    p = sub.add_parser("memory", help="export the project translation memory as TMX 1.4")
    p.add_argument("--translations", type=Path, default=Path("translations"), help="catalog root")
    p.add_argument("--output", type=Path, default=Path("output/memory.tmx"), help="the TMX file")
    p.set_defaults(func=cmd_memory)
    return parser


def main(argv: list[str] | None = None) -> int:
    from pipeline.terminal import install

    install()  # controls in what is printed (a msgstr, a server's answer) become visible escapes
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except PipelineError as exc:
        print(exc, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; files on disk are complete (writes are atomic)", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `pipeline segment … | head`: the reader left, nothing to report
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:
        # A bug, not bad input (bad input is a PipelineError naming its file and line):
        # one line here; PIPELINE_DEBUG=1 shows the traceback to report.
        if config.is_set("PIPELINE_DEBUG"):
            raise
        from pipeline.text.unichars import escape_controls

        detail = escape_controls(" ".join(str(exc).split())[:300])
        print(
            f"pipeline: internal error: {type(exc).__name__}: {detail} (PIPELINE_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return 2


if __name__ == "__main__":
    sys.exit(main())
