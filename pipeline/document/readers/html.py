"""HTML letters (.html): a saved web page or article, read with lxml's HTML parser.

The letter is the page's main content: its <article>, <main> or
role="main" element, else the <body> without navigation, header, footer,
forms and scripts (the HTML landmarks every publishing tool writes; see the
report on trafilatura in tests/data/letters/SOURCES.md for why not a
general content extractor). Headings, paragraphs, quotes, lists and table
rows become blocks; emphasis, strong, code and http(s)/mailto links become
inline markup (markup.py); scripts, styles and images are never run or
fetched. The headline is the first <h1> (else og:title / <title>), the
standfirst the page's description, the date its published time or first
<time datetime>.
"""

from __future__ import annotations

import datetime
import os
import re

import lxml.html
from lxml import etree

from pipeline.document.readers.limits import HTML_MAX_ATTRIBUTES, HTML_MAX_DEPTH
from pipeline.document.readers.raw import Meta, Raw, dropped_notice, list_item
from pipeline.document.readers.structure import Builder
from pipeline.document.sentences import decode_text, split_sentences
from pipeline.errors import PipelineError
from pipeline.text.markup import escape

SKIP = {
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "button",
    "form",
    "nav",
    "header",
    "footer",
    "aside",
    "iframe",
    "object",
    "select",
    "textarea",
    "input",
    "head",
    "canvas",
    "video",
    "audio",
}
BLOCKS = {
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "ul",
    "ol",
    "li",
    "table",
    "tr",
    "div",
    "section",
    "article",
    "main",
    "pre",
    "dl",
    "dt",
    "dd",
    "figure",
    "figcaption",
    "address",
    "hr",
    "center",
    "tbody",
    "thead",
    "tfoot",
    "body",
    "caption",
    "header",
    "footer",
    "nav",
    "aside",
    "details",
    "summary",
    "fieldset",
    "legend",
}
LINK_SCHEMES = ("http://", "https://", "mailto:")
XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")  # an XHTML page's; lxml refuses it in a str
START_TAG = re.compile(r"<[A-Za-z][^>]*>")
QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")
SPACES = re.compile(r"[ \t\n\r\f\v\u00a0\u2028\u2029\u0085]+")


def _tag(element) -> str:
    return element.tag.lower() if isinstance(element.tag, str) else ""


class Walker:
    """Collects raw blocks from an element tree, one block element at a time."""

    def __init__(self) -> None:
        self.raws: list[Raw] = []
        self.quote = 0
        self.skip = SKIP

    # inline content -> lines of text with markup
    def inline(self, element, lines: list[list], skip_blocks: bool = True) -> None:
        if element.text:
            self.add_text(lines, element.text, element.sourceline)
        for child in element:
            tag = _tag(child)
            if tag and tag not in self.skip and not (skip_blocks and tag in BLOCKS):
                self.inline_element(child, lines)
            if child.tail:
                self.add_text(lines, child.tail, child.sourceline)

    def inline_element(self, element, lines: list[list]) -> None:
        tag = _tag(element)
        if tag == "br":
            lines.append([element.sourceline or lines[-1][0], ""])
            return
        if tag == "img":
            self.add_text(lines, element.get("alt") or "", element.sourceline)
            return
        wrap = {"em": "*", "i": "*", "cite": "*", "strong": "**", "b": "**"}.get(tag)
        if tag == "code":
            lines[-1][1] += f"`{element.text_content().replace('`', '')}`"
            return
        href = (element.get("href") or "").strip() if tag == "a" else ""
        link = href.lower().startswith(LINK_SCHEMES)
        before = lines[-1][1]
        if wrap:
            lines[-1][1] += wrap
        elif link:
            lines[-1][1] += "["
        self.inline(element, lines, skip_blocks=False)
        if wrap:
            if lines[-1][1].endswith(wrap) and lines[-1][1] == before + wrap:
                lines[-1][1] = before  # empty <b></b>
            else:
                lines[-1][1] = lines[-1][1].rstrip() + wrap
        elif link:
            if lines[-1][1] == before + "[":  # a link with no text (an icon): nothing to read
                lines[-1][1] = before
            else:
                lines[-1][1] = lines[-1][1].rstrip() + f"]({href.replace(' ', '%20').replace(')', '%29')})"

    @staticmethod
    def add_text(lines: list[list], text: str, line: int | None) -> None:
        if lines[-1][0] is None:
            lines[-1][0] = line
        lines[-1][1] += escape(SPACES.sub(" ", text))

    def lines_of(self, element) -> list[tuple[int, str]]:
        lines: list[list] = [[element.sourceline, ""]]
        self.inline(element, lines)
        out = []
        for number, text in lines:
            text = re.sub(r"\s+", " ", text).strip()
            if text:
                out.append((number or element.sourceline or 1, text))
        return out

    # block content
    def block(self, element, ordered: list | None = None) -> None:
        tag = _tag(element)
        if not tag or tag in self.skip:
            return
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.emit(Raw("heading", self.lines_of(element), level=int(tag[1])))
        elif tag == "blockquote":
            self.quote += 1
            self.container(element)
            self.quote -= 1
        elif tag in ("ul", "ol"):
            start = element.get("start", "1").strip()
            counter = [int(start) if re.fullmatch(r"[0-9]{1,9}", start) else 1] if tag == "ol" else None
            for child in element:
                if _tag(child) == "li":
                    self.item(child, counter)
                else:
                    self.block(child)
        elif tag == "li":
            self.item(element, None)
        elif tag == "tr":
            cells = [self.lines_of(c) for c in element if _tag(c) in ("td", "th")]
            cells = [c for c in cells if c]
            if cells:
                text = " – ".join(" ".join(t for _, t in c) for c in cells)
                self.emit(Raw("item", [(cells[0][0][0], text)], marker="-"))
        elif tag in ("p", "dt", "dd", "figcaption", "address", "caption", "pre"):
            self.paragraph(self.lines_of(element))
        else:
            self.container(element)

    def container(self, element) -> None:
        """A div-like element: its own loose text is a paragraph; block children are blocks."""
        pending: list[list] = [[element.sourceline, ""]]
        if element.text:
            self.add_text(pending, element.text, element.sourceline)
        for child in element:
            tag = _tag(child)
            if tag in BLOCKS:
                self.flush(pending)
                pending = [[None, ""]]
                self.block(child)
            elif tag and tag not in self.skip:
                self.inline_element(child, pending)
            if child.tail:
                self.add_text(pending, child.tail, child.sourceline)
        self.flush(pending)

    def flush(self, pending: list[list]) -> None:
        lines = [(n or 1, re.sub(r"\s+", " ", t).strip()) for n, t in pending]
        self.paragraph([(n, t) for n, t in lines if t])

    def paragraph(self, lines: list[tuple[int, str]]) -> None:
        if not lines:
            return
        if self.quote:
            self.emit(Raw("quote", lines))
            return
        first = list_item(*lines[0])  # "1. Name" typed in a <p>: a list item as in plain text
        if first is not None:
            items = [first]
            for number, text in lines[1:]:
                item = list_item(number, text)
                if item is not None:
                    items.append(item)
                else:
                    items[-1].lines.append((number, text))
            for item in items:
                self.emit(item)
            return
        self.emit(Raw("para", lines))

    def item(self, element, counter: list | None) -> None:
        lines = self.lines_of(element)
        if lines:
            number = counter[0] if counter else None
            self.emit(Raw("item", lines, marker=f"{number}." if counter else "-", number=number))
        if counter:
            counter[0] += 1
        for child in element:  # a nested list continues the item's text
            if _tag(child) in ("ul", "ol", "p", "div") and self.raws:
                extra = self.lines_of(child)
                if extra:
                    self.raws[-1].lines.extend(extra)

    def emit(self, raw: Raw) -> None:
        if raw.lines:
            self.raws.append(raw)


def _meta(root, name: str) -> str | None:
    for attr in ("property", "name"):
        found = root.xpath(f'//meta[@{attr}="{name}"]/@content')
        if found and found[0].strip():
            return SPACES.sub(" ", found[0]).strip()
    return None


def _date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def main_content(root):
    """The letter's element: <article>, <main>, role="main", else <body>."""
    for xpath in ("//article", "//main", '//*[@role="main"]', "//body"):
        found = root.xpath(xpath)
        if found:
            return max(found, key=lambda e: len(e.text_content())) if xpath == "//article" else found[0]
    return root


def _check_attributes(path, text: str) -> None:
    """Refuse a tag with more than HTML_MAX_ATTRIBUTES attributes before parsing.

    libxml2 checks each attribute against the ones before it: 100,000 attributes
    on one tag (600 kB) take it minutes. No tool writes even a hundred.
    """
    for match in START_TAG.finditer(text):
        tag = match.group(0)
        if tag.count(" ") + tag.count("\n") + tag.count("\t") <= HTML_MAX_ATTRIBUTES:
            continue  # cheap bound first: an attribute needs a space before it
        if len(QUOTED.sub("", tag).split()) - 1 > HTML_MAX_ATTRIBUTES:
            line = text.count("\n", 0, match.start()) + 1
            raise PipelineError(
                path, f"a tag with more than {HTML_MAX_ATTRIBUTES} attributes; not a letter?", line
            )


def read_html(path, text: str) -> tuple[list[Raw], Meta]:
    from pipeline.document.readers.markdown import TEMPLATE_TAG

    notices: list[str] = []
    if "{" in text:  # a page template (Jinja, Liquid): its tags are not letter text
        found = list(TEMPLATE_TAG.finditer(text))
        lines = [text.count("\n", 0, m.start()) + 1 for m in found]
        notices += dropped_notice(path, "template tag", lines, found[0].group(0) if found else "")
        text = TEMPLATE_TAG.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    text = XML_DECLARATION.sub("", text)
    _check_attributes(path, text)
    parser = lxml.html.HTMLParser()
    try:
        root = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise PipelineError(path, f"not an HTML page: {exc}") from None
    for error in parser.error_log:
        # libxml2 stops building the tree at a resource limit and says so only in its log:
        # what lies deeper would be dropped without a word.
        if error.type_name == "ERR_RESOURCE_LIMIT":
            reason = error.message.split(",")[0]
            if "depth" in reason:
                reason = f"elements nested deeper than {HTML_MAX_DEPTH} (the HTML parser's limit)"
            raise PipelineError(path, f"cannot read this page: {reason}", error.line or None)
    for comment in root.xpath("//comment()"):
        if comment.getparent() is not None:
            comment.getparent().remove(comment)
    main = main_content(root)
    walker = Walker()
    if main.tag != "body":  # an article's own <header> holds its title and date
        walker.skip = SKIP - {"header"}
    walker.block(main)
    raws = walker.raws
    meta = Meta(notices=notices)
    has_h1 = any(r.kind == "heading" and r.level == 1 for r in raws[:3])
    if not has_h1:
        title = _meta(root, "og:title") or (SPACES.sub(" ", root.findtext(".//title") or "").strip() or None)
        meta.title = escape(title) if title else None
    description = _meta(root, "description") or _meta(root, "og:description")
    meta.description = escape(description) if description else None
    times = main.xpath(".//time/@datetime")
    meta.date = _date(
        _meta(root, "article:published_time") or _meta(root, "date") or (times[0] if times else None)
    )
    return raws, meta


def read(path: str | os.PathLike, data: bytes):

    raws, meta = read_html(path, decode_text(path, data))
    return Builder(os.fspath(path), markup=True, fmt="html", split=split_sentences).build(raws, meta)
