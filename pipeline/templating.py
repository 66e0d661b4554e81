"""The Jinja2 environment every HTML page is rendered with: editions, the index, review sheets."""

from __future__ import annotations

from functools import cache

import jinja2

from pipeline.lang.locales import bcp47
from pipeline.lang.typography import typeset
from pipeline.project import TEMPLATES
from pipeline.text.unichars import text_direction


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


def _render_inline(text: str):
    """readers.markup.render_inline, imported on first use: markdown-it costs a plain-text letter's
    editions about a tenth of a second of start-up otherwise."""
    from pipeline.text.markup import render_inline

    return render_inline(text)


@cache
def template_environment() -> jinja2.Environment:
    """One environment per process: each template is compiled once, in memory.

    No bytecode cache on disk: Jinja executes what it loads from one, so a file
    planted in a shared output folder or a restored CI cache would run at the next
    render. Compiling the two templates costs a few milliseconds per process.
    """
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        # Autoescape every template, whatever its name: select_autoescape()
        # would leave "*.html.j2" unescaped.
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["placeholders"] = _split_placeholders
    env.filters["typeset"] = typeset
    env.filters["bcp47"] = bcp47  # lang/hreflang attributes: pt_BR -> pt-BR
    env.filters["inline"] = _render_inline  # segment markup -> escaped HTML (readers/markup.py)
    env.filters["text_dir"] = text_direction  # dir of a name or title, isolated with <bdi> (unichars.py)
    return env
