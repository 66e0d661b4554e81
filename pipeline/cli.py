"""Command line: ``python -m pipeline COMMAND``; the Makefile's targets call these."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from babel.messages.catalog import Catalog

from .catalog import (
    build_template,
    catalog_paths,
    catalog_stats,
    parse_locale,
    read_catalog,
    update_catalog,
    write_catalog,
)
from .document import Document, document_outline, document_to_json
from .errors import PipelineError
from .segment import load_document

DEFAULT_LANGS = "az ru fr"


def _source_ref(path: str) -> str:
    """The letter's path as written in ``#:`` references: relative, with slashes."""
    try:
        rel = os.path.relpath(path)
    except ValueError:
        rel = path
    return Path(rel).as_posix() if not rel.startswith("..") else Path(path).as_posix()


def _langs(value: str) -> list[str]:
    langs = value.replace(",", " ").split()
    for lang in langs:
        parse_locale(lang, "LANGS")
    return langs


def _existing_catalogs(args: argparse.Namespace) -> tuple[Document, dict[str, tuple[Path, Catalog]]]:
    """The letter and every language's catalog, all read (and so all valid) before anything is written."""
    langs = _langs(args.langs)
    doc = load_document(args.source)
    _, paths = catalog_paths(doc.name, args.translations, langs)
    catalogs = {}
    for lang, path in paths.items():
        if not path.exists():
            raise PipelineError(path, "no catalog; run `make po` first")
        catalogs[lang] = (path, read_catalog(path))
    return doc, catalogs


def cmd_segment(args: argparse.Namespace) -> int:
    doc = load_document(args.source)
    if args.json:
        json.dump(document_to_json(doc), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(document_outline(doc))
    return 0


def cmd_pot(args: argparse.Namespace) -> int:
    doc = load_document(args.source)
    pot_path, _ = catalog_paths(doc.name, args.translations, [])
    template = build_template(doc, _source_ref(args.source))
    written = write_catalog(pot_path, template)
    print(f"{pot_path}: {len(template)} entries{'' if written else ' (unchanged)'}")
    return 0


def cmd_po(args: argparse.Namespace) -> int:
    langs = _langs(args.langs)
    doc = load_document(args.source)
    pot_path, po_paths = catalog_paths(doc.name, args.translations, langs)
    if not pot_path.exists():
        raise PipelineError(pot_path, "no template; run `make pot` first")
    template = read_catalog(pot_path)
    # Read and merge everything before writing anything: one bad file leaves all untouched.
    updated = {}
    for lang, path in po_paths.items():
        locale = parse_locale(lang, path)
        existing = read_catalog(path, locale=locale) if path.exists() else None
        updated[lang] = (path, update_catalog(template, existing, locale), existing is None)
    for path, catalog, created in updated.values():
        written = write_catalog(path, catalog)
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
    _, catalogs = _existing_catalogs(args)
    rows = [(lang, catalog_stats(catalog)) for lang, (_, catalog) in catalogs.items()]
    if args.json:
        print(json.dumps({lang: vars(s) for lang, s in rows}, indent=2))
    else:
        print(format_stats_table(rows))
    return 0


def _edition_langs(value: str) -> list[str]:
    from .editions import SOURCE_LANG

    return [SOURCE_LANG] + [lang for lang in _langs(value) if lang != SOURCE_LANG]


def cmd_edition(args: argparse.Namespace) -> int:
    from .editions import build_language

    langs = _edition_langs(args.langs)
    doc = load_document(args.source)
    out = args.output / doc.name
    for lang in args.lang.split():
        if lang not in langs:
            raise PipelineError("LANGS", f"{lang!r} is not among the languages {' '.join(langs)}")
        edition = build_language(doc, lang, langs, args.translations, out, pdf=not args.html_only)
        print(f"{out / lang}.html{'' if args.html_only else ' + .pdf'}: {edition.state_label}")
    return 0


def cmd_editions(args: argparse.Namespace) -> int:
    from .editions import build_editions

    doc = load_document(args.source)
    out = args.output / doc.name
    results = build_editions(
        doc, _edition_langs(args.langs), args.translations, out, args.output / ".mt" / doc.name, args.jobs
    )
    failed = 0
    for lang, error, state in results:
        if error:
            print(error, file=sys.stderr)
            failed += 1
        else:
            print(f"{out / lang}.html + .pdf: {state}")
    print(f"{out / 'index.html'}: {len(results)} rendered" + (f", {failed} failed" if failed else ""))
    return 1 if failed else 0


def cmd_index(args: argparse.Namespace) -> int:
    from .editions import build_index

    doc = load_document(args.source)
    out = args.output / doc.name
    editions = build_index(doc, _edition_langs(args.langs), args.translations, out)
    print(
        f"{out / 'index.html'}: {sum(e.final for e in editions)} final, {sum(not e.final for e in editions)} draft"
    )
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from .editions import publish

    doc = load_document(args.source)
    target = args.publish / doc.name
    blockers = publish(doc, _edition_langs(args.langs), args.translations, args.output / doc.name, target)
    if blockers:
        print(f"not published (drafts): {len(blockers)}; final editions copied to {target}", file=sys.stderr)
        for line in blockers:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"all editions final; published to {target}")
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from .models import LOCK_NAME, install_models

    local = Path(args.from_dir) if args.from_dir else None
    lock = args.translations / LOCK_NAME
    for line in install_models(
        _langs(args.langs), local_dir=local, update_lock=args.update_lock, lock_path=lock
    ):
        print(line)
    return 0


def cmd_translate(args: argparse.Namespace) -> int:
    import signal

    from tqdm import tqdm

    from .models import installed_package
    from .translate import missing_model_message, translate_catalog

    doc, catalogs = _existing_catalogs(args)
    po_paths = {lang: path for lang, (path, _) in catalogs.items()}

    def terminate(signum, frame):  # kill: stop like Ctrl-C, after saving finished batches
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    missing = []
    for lang, path in po_paths.items():
        bar = None

        def progress(done: int, total: int, lang=lang) -> None:
            nonlocal bar
            if bar is None:
                bar = tqdm(total=total, desc=f"translate {lang}", unit="seg", leave=True)
            bar.update(1)

        try:
            report = translate_catalog(doc, lang, path, installed_package, on_result=progress)
        except KeyboardInterrupt:
            print(f"{path}: interrupted; finished batches are saved, run again to continue", file=sys.stderr)
            return 130
        finally:
            if bar is not None:
                bar.close()
        if report.missing_model:
            missing.append(lang)
            print(f"{path}: {report.names} name drafts; {missing_model_message(lang)}", file=sys.stderr)
            continue
        parts = [f"{report.translated} MT drafts", f"{report.names} name drafts"]
        if report.loaded_model:
            parts.append(f"model {report.loaded_model}")
        if report.flagged:
            parts.append(f"{report.flagged} flagged: numbers differ")
        print(f"{path}: {'; '.join(report.notes) if report.notes else ', '.join(parts)}")
    if missing and not args.if_available:
        return 1
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from .checks import ERROR, check_all

    langs = _langs(args.langs)
    doc = load_document(args.source)
    findings = check_all(doc, langs, args.translations)
    for finding in sorted(findings, key=lambda f: (f.severity != ERROR, f.lang, f.ref)):
        print(finding)
    errors = sum(f.severity == ERROR for f in findings)
    print(f"{errors} errors, {len(findings) - errors} warnings in {' '.join(langs)}", file=sys.stderr)
    return 1 if errors else 0


def cmd_approve(args: argparse.Namespace) -> int:
    from .checks import ERROR, check_all
    from .signoff import approve

    lang = args.lang
    parse_locale(lang, "LANG")
    doc = load_document(args.source)
    _, paths = catalog_paths(doc.name, args.translations, [lang])
    if not paths[lang].exists():
        raise PipelineError(paths[lang], "no catalog for this language")
    catalog = read_catalog(paths[lang])
    errors = [f for f in check_all(doc, [lang], args.translations) if f.severity == ERROR]
    signoff = approve(args.translations, doc.name, lang, args.by, Path(args.source), catalog, len(errors))
    print(f"{lang} approved by {signoff.by} on {signoff.date} (source {signoff.source_sha256[:12]})")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from .fileio import atomic_write
    from .review import render_review

    doc, catalogs = _existing_catalogs(args)
    for lang, (_, catalog) in catalogs.items():
        html = render_review(doc, lang, catalog, args.translations)
        target = args.output / doc.name / "review" / f"{lang}.html"
        atomic_write(target, html.encode("utf-8"))
        print(target)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .export import export_catalog

    doc, catalogs = _existing_catalogs(args)
    for lang, (_, catalog) in catalogs.items():
        xlf, tmx, count = export_catalog(catalog, lang, args.output / doc.name / "export", doc.name)
        print(f"{xlf}, {tmx}: {count} reviewed pairs")
    return 0


def cmd_pseudo(args: argparse.Namespace) -> int:
    from .catalog import catalog_bytes
    from .editions import PSEUDO_LANG, build_language
    from .fileio import atomic_write
    from .pseudo import pseudo_catalog, pseudo_path

    doc = load_document(args.source)
    catalog = pseudo_catalog(doc)
    atomic_write(pseudo_path(args.output, doc.name), catalog_bytes(catalog))
    langs = [*_edition_langs(args.langs), PSEUDO_LANG]
    out = args.output / doc.name
    build_language(doc, PSEUDO_LANG, langs, args.translations, out, catalog=catalog)
    print(f"{out / PSEUDO_LANG}.html + .pdf: pseudo-translation (always a draft)")
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
    p = add("editions", cmd_editions, "render every stale edition (HTML + PDF) and the index", langs=True)
    p.add_argument("--output", type=Path, default=Path("output"), help="editions root")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="editions rendered at once")
    p = add("index", cmd_index, "write output/<letter>/index.html linking every edition", langs=True)
    p.add_argument("--output", type=Path, default=Path("output"), help="editions root")
    p = add("publish", cmd_publish, "copy final editions to the publish folder; fail on drafts", langs=True)
    p.add_argument("--output", type=Path, default=Path("output"), help="editions root")
    p.add_argument("--publish", type=Path, default=Path("output/publish"), help="publish root")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except PipelineError as exc:
        print(exc, file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; files on disk are complete (writes are atomic)", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
