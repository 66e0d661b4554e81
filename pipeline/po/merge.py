"""The msgmerge step: a template merged into a translation catalog, and its command.

:func:`merge_template` does what Babel's ``Catalog.update(template,
no_fuzzy_matching=True, keep_user_comments=True)`` does for catalogs without
plural forms, message for message, without Babel's per-message ``clone()``
(a ``Message.__init__`` each, a third of a 20,000-entry merge);
:func:`fuzzy_match` then gives new entries the translation of their closest
old one (:mod:`pipeline.po.fuzzy`). ``pipeline.po.catalog.update_catalog`` runs
both; ``python -m pipeline.po`` (``__main__.py``) is the same update as one command.
"""

from __future__ import annotations

from itertools import groupby
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
