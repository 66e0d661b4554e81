"""Markdown letters (.md): CommonMark through markdown-it-py, with YAML front matter.

Front matter ``title`` is the headline, ``description`` (or ``summary``,
``subtitle``) the standfirst, ``date`` the letter's date. Template tags
(Liquid/Jinja ``{% … %}``, ``{{ … }}``, Hugo ``{{< … >}}``) and HTML comments
are dropped, each with a notice naming its line. Inline markup is kept in
its Markdown form (see markup.py).
"""

from __future__ import annotations

import datetime
import os
import re

import yaml
from markdown_it import MarkdownIt

from pipeline.document.readers.limits import FRONT_MATTER_MAX_BYTES, FRONT_MATTER_MAX_DEPTH
from pipeline.document.readers.raw import Meta, Raw, dropped_notice
from pipeline.document.readers.structure import Builder
from pipeline.document.sentences import decode_text, split_sentences
from pipeline.errors import PipelineError
from pipeline.text.markup import escape

TEMPLATE_TAG = re.compile(r"\{%-?.*?-?%\}|\{\{<.*?>\}\}|\{\{%.*?%\}\}|\{\{.*?\}\}")
FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)\s*$")


class FrontMatterLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader without aliases, and with a nesting limit.

    SafeLoader still expands aliases: nine anchors of nine aliases each (a
    "billion laughs" of 500 bytes) make 9**9 strings, gigabytes and minutes.
    Front matter needs neither aliases nor merge keys, so any alias is refused
    as it is met, before anything is built; and PyYAML recurses once per level
    of nesting, so a deep ``[[[[…]]]]`` is refused before Python's stack runs out.
    """

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise yaml.composer.ComposerError(None, None, "aliases (*name) are not allowed", mark)
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > FRONT_MATTER_MAX_DEPTH:
                mark = self.peek_event().start_mark
                problem = f"nested more than {FRONT_MATTER_MAX_DEPTH} levels deep"
                raise yaml.composer.ComposerError(None, None, problem, mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_object(self, node, deep=False):
        try:
            return super().construct_object(node, deep)
        except (ValueError, OverflowError) as exc:  # date 2026-02-30, an int of 5,000 digits
            raise yaml.constructor.ConstructorError(
                None, None, f"{str(node.value)[:40]!r}: {exc}", node.start_mark
            ) from None


def front_matter(path, lines: list[str]) -> tuple[dict, int]:
    """The YAML front matter (``---`` … ``---`` at the top) and how many lines it takes."""
    if not lines or lines[0].strip() != "---":
        return {}, 0
    size = 0
    for index in range(1, len(lines)):
        if FRONT_MATTER_END.match(lines[index]):
            try:
                data = yaml.load("\n".join(lines[1:index]), Loader=FrontMatterLoader) or {}
            except yaml.YAMLError as exc:
                mark = getattr(exc, "problem_mark", None)
                line = mark.line + 2 if mark is not None else 1
                reason = getattr(exc, "problem", None) or "not valid YAML"
                raise PipelineError(path, f"front matter: {reason}", line) from None
            if not isinstance(data, dict):
                raise PipelineError(path, "front matter is not a mapping of keys to values", 2)
            return data, index + 1
        size += len(lines[index].encode("utf-8", "surrogatepass")) + 1
        if size > FRONT_MATTER_MAX_BYTES:
            raise PipelineError(
                path, f"front matter longer than {FRONT_MATTER_MAX_BYTES} bytes; is it closed with ---?", 1
            )
    raise PipelineError(path, "front matter opened with --- but never closed", 1)


def _date(value, path) -> datetime.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        return None  # "July 2026": not a day; the caller notes it and looks for a date line


def _inline_lines(children) -> list[str]:
    """markdown-it inline tokens -> text lines with Markdown markup (breaks end a line)."""
    lines = [""]
    links: list[str] = []
    for token in children:
        kind = token.type
        if kind == "text":
            lines[-1] += escape(token.content)
        elif kind in ("softbreak", "hardbreak"):
            lines.append("")
        elif kind in ("em_open", "em_close"):
            lines[-1] += "*"
        elif kind in ("strong_open", "strong_close"):
            lines[-1] += "**"
        elif kind == "code_inline":
            lines[-1] += f"`{token.content}`"
        elif kind == "link_open":
            links.append(str(token.attrGet("href") or ""))
            lines[-1] += "["
        elif kind == "link_close":
            lines[-1] += f"]({links.pop()})" if links else "]"
        elif kind == "image":
            lines[-1] += escape(token.content or "")
        elif kind == "html_inline":
            continue  # raw HTML inside a sentence: dropped (never rendered)
    return [re.sub(r"\s+", " ", line).strip() for line in lines]


def read_markdown(path, text: str) -> tuple[list[Raw], Meta]:
    lines = text.split("\n")
    data, skip = front_matter(path, lines)
    meta = Meta()
    if skip:
        title, description = (
            data.get("title"),
            data.get("description") or data.get("summary") or data.get("subtitle"),
        )
        meta.title = str(title).strip() if title else None
        meta.description = str(description).strip() if description else None
        meta.date = _date(data.get("date"), path)
        if data.get("date") and meta.date is None:
            meta.notices.append(
                f"{path}:1: notice: front matter date {data.get('date')!r} is not a day; ignored"
            )
        meta.title_line = meta.description_line = 1
        for number, line in enumerate(lines[:skip], start=1):
            if line.startswith("title:"):
                meta.title_line = number
            elif re.match(r"^(description|summary|subtitle):", line):
                meta.description_line = number
        if meta.title:
            meta.title = escape(meta.title)
        if meta.description:
            meta.description = escape(meta.description)
    # Blank out what is not the letter, keeping every line where it was.
    for index in range(skip):
        lines[index] = ""
    tags: list[int] = []
    example = ""
    for index, line in enumerate(lines):
        if "{" in line and TEMPLATE_TAG.search(line):
            found = TEMPLATE_TAG.findall(line)
            tags += [index + 1] * len(found)
            example = example or found[0]
            lines[index] = TEMPLATE_TAG.sub("", line)
    meta.notices += dropped_notice(path, "template tag", tags, example)
    comments: list[int] = []
    blocks: list[int] = []
    code: list[int] = []
    tokens = MarkdownIt("commonmark").enable("table").parse("\n".join(lines))
    raws: list[Raw] = []
    quote_depth = 0
    lists: list[list] = []  # [ordered, next number]
    item: Raw | None = None
    for index, token in enumerate(tokens):
        kind = token.type
        if kind == "blockquote_open":
            quote_depth += 1
        elif kind == "blockquote_close":
            quote_depth -= 1
        elif kind in ("ordered_list_open", "bullet_list_open"):
            start = int(token.attrGet("start") or 1) if kind == "ordered_list_open" else None
            lists.append([start is not None, start])
        elif kind in ("ordered_list_close", "bullet_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            ordered, number = lists[-1]
            marker = f"{number}{token.markup}" if ordered else token.markup
            item = Raw("item", [], marker=marker, number=number if ordered else None)
            if ordered:
                lists[-1][1] = number + 1
            raws.append(item)
        elif kind == "list_item_close":
            item = None
        elif kind == "tr_open" and tokens[index - 1].type != "thead_open":
            row = Raw("item", [], marker="-")
            raws.append(row)
            item = row
            lists.append([False, None])
        elif kind == "tr_close" and item is not None and lists:
            lists.pop()
            if item.lines:  # cells "Name | Role | Affiliation" -> "Name – Role – Affiliation"
                cells = [t for _, t in item.lines if t.strip() not in ("", "None", "-", "—")]
                item.lines = [(item.lines[0][0], " – ".join(cells))]
            item = None
        elif kind == "inline":
            first = token.map[0] + 1 if token.map else 1
            texts = _inline_lines(token.children or [])
            pairs = [(first + i, t) for i, t in enumerate(texts) if t]
            if not pairs:
                continue
            opener = tokens[index - 1]
            if item is not None and len(lists) == 1:
                item.lines.extend(pairs)
            elif item is not None:  # a nested list: its lines continue the outer item
                raws[-1].lines.extend(pairs)
            elif opener.type == "heading_open":
                raws.append(Raw("heading", pairs, level=int(opener.tag[1:])))
            else:
                raws.append(Raw("quote" if quote_depth else "para", pairs))
        elif kind == "html_block":
            line = token.map[0] + 1 if token.map else 1
            (comments if token.content.lstrip().startswith("<!--") else blocks).append(line)
        elif kind in ("fence", "code_block"):
            code.append(token.map[0] + 1 if token.map else 1)
    meta.notices += dropped_notice(path, "HTML comment", comments)
    meta.notices += dropped_notice(path, "raw HTML block", blocks)
    meta.notices += dropped_notice(path, "code block", code)
    return [r for r in raws if r.lines], meta


def read(path: str | os.PathLike, data: bytes):

    raws, meta = read_markdown(path, decode_text(path, data))
    return Builder(os.fspath(path), markup=True, fmt="markdown", split=split_sentences).build(raws, meta)
