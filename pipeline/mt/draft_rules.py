"""What a machine-translation draft must be before it is written into a catalog.

Any engine can answer garbage (a hostile or broken LibreTranslate server, a model
that loops): a draft far longer than its source, or one holding control
characters (a raw NUL or ESC in a ``.po`` file, and in the HTML edition), is
rejected: the entry stays untranslated, with a comment saying why.
"""

from __future__ import annotations

from pipeline.text.unichars import char_name, controls

# A translation can be longer than English (German, Tamil: up to ~2x in characters);
# three times plus a margin for short strings is no translation.
LENGTH_FACTOR = 3
LENGTH_SLACK = 50


def draft_problem(source: str, draft: str) -> str | None:
    """Why ``draft`` cannot be a draft of ``source``, or None."""
    if len(draft) > LENGTH_FACTOR * len(source) + LENGTH_SLACK:
        return f"{len(draft):,} characters for a source of {len(source):,}"
    bad = controls(draft)
    if bad:
        return "control characters (" + ", ".join(char_name(c) for c in bad[:3]) + ")"
    if draft.startswith("\n") != source.startswith("\n") or draft.endswith("\n") != source.endswith("\n"):
        return "a leading or trailing newline the source does not have"
    return None
