"""Review commands: check, approve, review sheets, exports, memory accept and export."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .catalog import (
    catalog_paths,
    parse_locale,
    read_catalog,
)
from .cli_common import existing_catalogs, langs_arg
from .errors import PipelineError
from .segment import load_document


def cmd_check(args: argparse.Namespace) -> int:
    from .checks import ERROR, check_all

    langs = langs_arg(args.langs)
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

    doc, catalogs = existing_catalogs(args)
    for lang, (_, catalog) in catalogs.items():
        html = render_review(doc, lang, catalog, args.translations)
        target = args.output / doc.name / "review" / f"{lang}.html"
        atomic_write(target, html.encode("utf-8"))
        print(target)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .export import export_catalog, export_errors

    doc, catalogs = existing_catalogs(args)
    # XML cannot hold some characters: refuse (one line per entry) rather than change the text.
    errors = [error for path, catalog in catalogs.values() for error in export_errors(catalog, path)]
    if errors:
        for error in errors:
            print(error, file=sys.stderr)
        return 1
    for lang, (_, catalog) in catalogs.items():
        xlf, tmx, count = export_catalog(catalog, lang, args.output / doc.name / "export", doc.name)
        print(f"{xlf}, {tmx}: {count} reviewed pairs")
    return 0


def cmd_accept(args: argparse.Namespace) -> int:
    from .locks import CatalogFile, save_catalog
    from .recall import accept_letter, record_acceptance

    parse_locale(args.lang, "LANG")
    doc = load_document(args.source)
    path = catalog_paths(doc.name, args.translations, [args.lang])[1][args.lang]
    snapshot, catalog = CatalogFile.read(path)
    if catalog is None:
        raise PipelineError(path, "no catalog for this language")
    report, date = accept_letter(path, catalog, args.lang, doc.name, args.translations, args.by)
    if report.accepted:
        for note in save_catalog(snapshot, catalog)[1]:
            print(note, file=sys.stderr)
        record_acceptance(path.parent, args.lang, args.by.strip(), date, report.accepted)
    changed = f"; {report.changed} differ from the memory now (review them)" if report.changed else ""
    print(f"{path}: {len(report.accepted)} memory matches accepted as reviewed by {args.by.strip()}{changed}")
    return 0


def cmd_memory(args: argparse.Namespace) -> int:
    from .memory import all_units, open_memory
    from .tmx import export_memory

    conn = open_memory(args.translations)
    try:
        units = all_units(conn)
    finally:
        conn.close()
    print(f"{export_memory(units, args.output, args.translations)}: {len(units)} reviewed pairs (TMX 1.4)")
    return 0
