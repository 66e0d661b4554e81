"""``python -m pipeline.po DEF.po REF.pot -o OUT.po --lang fr``: one catalog merged with a template.

The counterpart of ``msgmerge --previous -o OUT.po DEF.po REF.pot`` that
``bench/bench_catalog.py`` times against it: the same update as ``make po``
(:func:`pipeline.po.catalog.update_catalog`), with the fuzzy search on a second core.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path

from pipeline.errors import PipelineError
from pipeline.fileio import atomic_write
from pipeline.po.catalog import parse_locale, read_catalog, update_catalog
from pipeline.po.fuzzy import MatcherProcess
from pipeline.po.write import catalog_bytes, rendered_entries


def main(argv: list[str] | None = None) -> int:
    """``python -m pipeline.po DEF.po REF.pot -o OUT.po --lang LANG``; errors are one line."""
    parser = argparse.ArgumentParser(prog="python -m pipeline.po", description=main.__doc__)
    parser.add_argument("definitions", type=Path, help="the translated catalog (.po)")
    parser.add_argument("reference", type=Path, help="the template (.pot)")
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--lang", required=True, help="language code of the catalog")
    args = parser.parse_args(argv)
    # A short-lived process that builds ~10 objects per entry and frees none
    # of them: the cyclic garbage collector would only walk them, again and again.
    gc.disable()

    # The fuzzy search runs on the second core while this one reads and
    # merges, then writes out the entries the search cannot change: those
    # whose key the old catalog had (the search only fills new entries).
    helper = MatcherProcess() if len(os.sched_getaffinity(0)) > 1 else None
    rendered: dict[int, str] = {}
    try:
        locale = parse_locale(args.lang)
        template = read_catalog(args.reference)
        existing = read_catalog(args.definitions) if args.definitions.exists() else None
        matcher = None
        if helper is not None and existing is not None:
            known = set(existing._messages) | set(existing.obsolete)

            def render_known() -> None:
                rendered.update(rendered_entries(m for k, m in existing._messages.items() if k in known))

            matcher = helper.matcher(render_known)
        catalog = update_catalog(template, existing, locale, matcher=matcher)
        atomic_write(args.output, catalog_bytes(catalog, rendered))
    except PipelineError as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        if helper is not None:
            helper.close()
    return 0


sys.exit(main())
