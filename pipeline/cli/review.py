"""Review commands: check, approve, review sheets, exports, memory accept and export."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from pipeline.cli.common import existing_catalogs, langs_arg
from pipeline.document.load import load_document
from pipeline.errors import PipelineError
from pipeline.lang.locales import language_code
from pipeline.po.catalog import catalog_paths


def cmd_check(args: argparse.Namespace) -> int:
    from pipeline.review.checks import ERROR, check_all

    langs = langs_arg(args.langs)
    doc = load_document(args.source)
    findings = check_all(doc, langs, args.translations)
    for finding in sorted(findings, key=lambda f: (f.severity != ERROR, f.lang, f.ref)):
        print(finding)
    errors = sum(f.severity == ERROR for f in findings)
    print(f"{errors} errors, {len(findings) - errors} warnings in {' '.join(langs)}", file=sys.stderr)
    return 1 if errors else 0


def cmd_approve(args: argparse.Namespace) -> int:
    from pipeline.fileio import read_bytes_or_none
    from pipeline.po.read import read_catalog_bytes
    from pipeline.po.save import catalog_lock
    from pipeline.po.signoff import approve, check_approver, read_signoffs
    from pipeline.review.checks import ERROR, check_all
    from pipeline.settle import read_settled

    lang = language_code(args.lang, "LANG")
    doc = load_document(args.source)
    _, paths = catalog_paths(doc.name, args.translations, [lang])
    path = paths[lang]
    if not path.exists():
        raise PipelineError(path, "no catalog for this language")
    check_approver(args.translations, doc.name, args.by)
    read_signoffs(args.translations, doc.name)  # a bad name or file is reported before a lock file is made
    # The catalog is read once: the bytes checked are the bytes hashed, and the sign-off is
    # written only while the file still holds them (an editor does not take our lock).
    with catalog_lock(path):
        data, catalog = read_settled(path, lambda data: read_catalog_bytes(data, path))
        errors = [
            f for f in check_all(doc, [lang], args.translations, {lang: catalog}) if f.severity == ERROR
        ]
        signoff = approve(
            args.translations,
            doc.name,
            lang,
            args.by,
            Path(args.source),
            catalog,
            len(errors),
            unchanged=lambda: read_bytes_or_none(path) == data,
            catalog_path=path,
        )
    print(f"{lang} approved by {signoff.by} on {signoff.date} (source {signoff.source_sha256[:12]})")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    from pipeline.fileio import atomic_write, write_target
    from pipeline.review.sheets import render_review

    doc, catalogs = existing_catalogs(args)
    targets = {lang: args.output / doc.name / "review" / f"{lang}.html" for lang in catalogs}
    for target in targets.values():  # links out of the project: refused before any sheet is written
        write_target(target)
    for lang, (_, catalog) in catalogs.items():
        html = render_review(doc, lang, catalog, args.translations)
        atomic_write(targets[lang], html.encode("utf-8"))
        print(targets[lang])
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from pipeline.fileio import write_target
    from pipeline.review.export import export_catalog, export_errors

    doc, catalogs = existing_catalogs(args)
    # XML cannot hold some characters: refuse (one line per entry) rather than change the text.
    errors = [error for path, catalog in catalogs.values() for error in export_errors(catalog, path)]
    if errors:
        for error in errors:
            print(error, file=sys.stderr)
        return 1
    folder = args.output / doc.name / "export"
    for name in (f"{lang}.{ext}" for lang in catalogs for ext in ("xlf", "tmx")):
        write_target(folder / name)  # links out of the project: refused before any file is written
    for lang, (_, catalog) in catalogs.items():
        xlf, tmx, count = export_catalog(catalog, lang, args.output / doc.name / "export", doc.name)
        print(f"{xlf}, {tmx}: {count} reviewed pairs")
    return 0


def cmd_accept(args: argparse.Namespace) -> int:
    from pipeline.memory.recall import accept_letter, record_acceptance
    from pipeline.po.save import CatalogFile, save_catalog

    lang = language_code(args.lang, "LANG")
    doc = load_document(args.source)
    path = catalog_paths(doc.name, args.translations, [lang])[1][lang]
    snapshot, catalog = CatalogFile.read(path)
    if catalog is None:
        raise PipelineError(path, "no catalog for this language")
    report, date = accept_letter(path, catalog, lang, doc.name, args.translations, args.by)
    if report.accepted:
        for note in save_catalog(snapshot, catalog)[1]:
            print(note, file=sys.stderr)
        record_acceptance(path.parent, lang, args.by.strip(), date, report.accepted)
    changed = f"; {report.changed} differ from the memory now (review them)" if report.changed else ""
    print(f"{path}: {len(report.accepted)} memory matches accepted as reviewed by {args.by.strip()}{changed}")
    return 0


def cmd_memory(args: argparse.Namespace) -> int:
    from pipeline.memory.store import all_units, open_memory
    from pipeline.memory.tmx import export_memory

    conn = open_memory(args.translations)
    try:
        units = all_units(conn)
    finally:
        conn.close()
    print(f"{export_memory(units, args.output, args.translations)}: {len(units)} reviewed pairs (TMX 1.4)")
    return 0
