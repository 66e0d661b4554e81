"""The msgmerge step: a template merged into a translation catalog, and its command.

:func:`merge_template` does what Babel's ``Catalog.update(template,
no_fuzzy_matching=True, keep_user_comments=True)`` does for catalogs without
plural forms, message for message, without Babel's per-message ``clone()``
(a ``Message.__init__`` each, a third of a 20,000-entry merge);
:func:`fuzzy_match` then gives new entries the translation of their closest
old one (:mod:`pipeline.po.fuzzy`). ``pipeline.po.catalog.update_catalog`` runs
both. ``python -m pipeline.po.merge DEF.po REF.pot -o OUT.po --lang fr`` is the
same update as one command, the counterpart of ``msgmerge --previous -o OUT.po
DEF.po REF.pot`` that ``bench/bench_catalog.py`` times against it.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING

from babel.messages.catalog import Catalog, Message, _has_python_brace_format

if TYPE_CHECKING:
    from pipeline.po.fuzzy import Matcher

_new = Message.__new__


def _copy(message: Message) -> Message:
    """``message.clone()`` (which is ``Message.__init__``) without python-format, which the merge drops."""
    copy = _new(Message)
    copy.id, copy.context, copy.lineno = message.id, message.context, message.lineno
    copy.string = message.string
    locations = message.locations
    copy.locations = list(dict.fromkeys(locations)) if locations else []
    flags = set(message.flags)
    flags.discard("python-format")
    if _has_python_brace_format(message.id):
        flags.add("python-brace-format")
    else:
        flags.discard("python-brace-format")
    copy.flags = flags
    auto, user = message.auto_comments, message.user_comments
    copy.auto_comments = [c for c, _ in groupby(auto)] if auto else []
    copy.user_comments = [c for c, _ in groupby(user)] if user else []
    previous = message.previous_id
    if previous:
        copy.previous_id = [previous] if isinstance(previous, str) else list(previous)
    else:
        copy.previous_id = []
    return copy


def has_plural_forms(catalog: Catalog) -> bool:
    return any(isinstance(m.id, (list, tuple)) for m in catalog._messages.values())


def merge_template(catalog: Catalog, template: Catalog) -> tuple[list[Message], dict]:
    """Entries of ``template`` with the translations of ``catalog`` (no plural forms in either).

    An entry whose key (msgctxt, msgid) is in the catalog keeps its
    translation, flags and translator comments; the template gives the rest.
    Old entries missing from the template become obsolete, after those
    already obsolete. Returns the new entries (still untranslated) and the
    catalog's old entries by key. A reviewed translation is never altered.
    """
    old_messages = catalog._messages
    merged: dict = {}
    new_entries: list[Message] = []
    for source in template._messages.values():
        if not source.id:
            continue
        key = source.id if source.context is None else (source.id, source.context)
        message = _copy(source)
        merged[key] = message
        old = old_messages.get(key)
        if old is None:
            new_entries.append(message)
            continue
        message.string = old.string
        if old.user_comments:
            message.user_comments = list(dict.fromkeys(old.user_comments))
        message.flags |= old.flags
        message.flags.discard("python-format")
        # Babel forgets the previous msgid of an entry that is still fuzzy.
        if "fuzzy" in message.flags and not message.previous_id and old.previous_id:
            message.previous_id = list(old.previous_id)
            message.previous_context = getattr(old, "previous_context", None)
        if old.string and "fuzzy" not in old.flags and "fuzzy" in message.flags:
            raise AssertionError(f"update would alter the reviewed translation of {key!r}")
    obsolete = catalog.obsolete
    for key, old in old_messages.items():
        if key not in merged:
            obsolete[key] = old
    catalog._messages = merged
    catalog.creation_date = template.creation_date
    return new_entries, old_messages


def fuzzy_match(
    catalog: Catalog, new_entries: list[Message], before: dict, matcher: Matcher | None = None
) -> None:
    """Give each new entry the translation of its closest old entry, as a fuzzy draft.

    Same rule as Babel's and msgmerge's fuzzy matching (similarity >= 0.6 on
    the lower-cased msgid), through an index that gives the same answers as
    rapidfuzz's exhaustive ``extractOne`` without scanning every old entry
    for every new one (pipeline/po/fuzzy.py).
    """
    candidates = [(key, old) for key, old in before.items() if old.string]
    if not candidates or not new_entries:
        return
    if matcher is None:
        # numpy and rapidfuzz: only when there is something to match
        from pipeline.po.fuzzy import best_matches as matcher

    matches = matcher(
        [str(m.id).lower().strip() for m in new_entries],
        [str(old.id).lower().strip() for _, old in candidates],
    )
    consumed = set()
    for message, match in zip(new_entries, matches, strict=True):
        if match is None:
            continue
        old_key, old = candidates[match]
        message.string = old.string
        message.flags |= old.flags | {"fuzzy"}
        message.flags.discard("python-format")
        message.previous_id = [old.id] if isinstance(old.id, str) else list(old.id)
        message.previous_context = old.context
        if old.user_comments:
            message.user_comments = list(dict.fromkeys(old.user_comments))
        consumed.add(old_key)
    for old_key in consumed:
        # A draft reused for a changed sentence is not worth keeping twice;
        # a reviewed one is kept as obsolete so it is never lost.
        old = before[old_key]
        if old_key in catalog.obsolete and not (old.string and "fuzzy" not in old.flags):
            del catalog.obsolete[old_key]


def main(argv: list[str] | None = None) -> int:
    """``python -m pipeline.po.merge DEF.po REF.pot -o OUT.po --lang LANG``; errors are one line."""
    parser = argparse.ArgumentParser(prog="python -m pipeline.po.merge", description=main.__doc__)
    parser.add_argument("definitions", type=Path, help="the translated catalog (.po)")
    parser.add_argument("reference", type=Path, help="the template (.pot)")
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--lang", required=True, help="language code of the catalog")
    args = parser.parse_args(argv)
    # A short-lived process that builds ~10 objects per entry and frees none
    # of them: the cyclic garbage collector would only walk them, again and again.
    gc.disable()
    from pipeline.errors import PipelineError
    from pipeline.fileio import atomic_write
    from pipeline.po.catalog import parse_locale, read_catalog, update_catalog
    from pipeline.po.fuzzy import MatcherProcess
    from pipeline.po.write import catalog_bytes, rendered_entries

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


if __name__ == "__main__":
    sys.exit(main())
