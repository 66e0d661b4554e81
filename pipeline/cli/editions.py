"""Edition commands: render, index, publish, pseudo-translation."""

from __future__ import annotations

import argparse
import sys

from pipeline.cli.common import langs_arg
from pipeline.document.load import load_document
from pipeline.errors import PipelineError
from pipeline.lang.codes import split_codes
from pipeline.lang.locales import language_code


def edition_langs(value: str) -> list[str]:
    from pipeline.editions import SOURCE_LANG

    return [SOURCE_LANG] + [lang for lang in langs_arg(value) if lang != SOURCE_LANG]


def cmd_edition(args: argparse.Namespace) -> int:
    from pipeline.editions import build_language

    langs = edition_langs(args.langs)
    doc = load_document(args.source)
    out = args.output / doc.name
    for lang in (language_code(code, "LANG") for code in split_codes(args.lang)):
        if lang not in langs:
            raise PipelineError("LANGS", f"{lang!r} is not among the languages {' '.join(langs)}")
        edition = build_language(
            doc, lang, langs, args.translations, out, pdf=not args.html_only, pages=args.max_pages
        )
        print(f"{out / lang}.html{'' if args.html_only else ' + .pdf'}: {edition.state_label}")
    return 0


def cmd_editions(args: argparse.Namespace) -> int:
    from pipeline.editions import build_editions
    from pipeline.editions.progress import Progress

    doc = load_document(args.source)
    out = args.output / doc.name
    progress = Progress()  # "ru.pdf: page 12" on stderr while an edition renders
    try:
        results = build_editions(
            doc, edition_langs(args.langs), args.translations, out, args.jobs, args.max_pages, progress
        )
    finally:
        progress.close()
    failed = [r for r in results if r.error]
    for result in results:
        if result.error:
            print(result.error, file=sys.stderr)
        elif result.rendered:
            print(f"{out / result.lang}.html + .pdf: {result.state}")
    rendered = sum(r.rendered for r in results)
    unchanged = len(results) - rendered - len(failed)
    summary = f"{out / 'index.html'}: {rendered} rendered, {unchanged} unchanged"
    if failed:
        summary += f", {len(failed)} failed ({' '.join(r.lang for r in failed)})"
    print(summary, file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0


def cmd_index(args: argparse.Namespace) -> int:
    from pipeline.editions import build_index

    doc = load_document(args.source)
    out = args.output / doc.name
    editions = build_index(doc, edition_langs(args.langs), args.translations, out)
    print(
        f"{out / 'index.html'}: {sum(e.final for e in editions)} final, {sum(not e.final for e in editions)} draft"
    )
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from pipeline.editions import publish
    from pipeline.fileio import write_target

    doc = load_document(args.source)
    target = args.publish / doc.name
    write_target(target)  # the site is swapped in whole: refuse a link out of the project before building it
    blockers = publish(doc, edition_langs(args.langs), args.translations, args.output / doc.name, target)
    if blockers:
        print(f"not published: {len(blockers)}; the others are in {target}", file=sys.stderr)
        for line in blockers:
            print(f"  {line}", file=sys.stderr)
        return 1
    print(f"all editions final; published to {target}")
    return 0


def cmd_pseudo(args: argparse.Namespace) -> int:
    from pipeline.editions import PSEUDO_LANG, build_language
    from pipeline.editions.pseudo import pseudo_catalog, pseudo_path
    from pipeline.fileio import atomic_write
    from pipeline.po.catalog import catalog_bytes

    doc = load_document(args.source)
    catalog = pseudo_catalog(doc)
    atomic_write(pseudo_path(args.output, doc.name), catalog_bytes(catalog))
    langs = [*edition_langs(args.langs), PSEUDO_LANG]
    out = args.output / doc.name
    build_language(doc, PSEUDO_LANG, langs, args.translations, out, catalog=catalog)
    print(f"{out / PSEUDO_LANG}.html + .pdf: pseudo-translation (always a draft)")
    return 0
