"""Raw blocks of any format -> Document: title block, date, letter, body structure, signatories.

The rules are today's plain-text rules (docs/design.md), generalised: the
signatory list is the run of list items (numbered, bulleted, under section
headings) that ends the text, or plain lines after "Signed," / "The
undersigned" / a closing; the letter starts at an opening quotation mark or
a salutation; what comes before it is lead and intro.
"""

from __future__ import annotations

import datetime
import re

from pipeline import config
from pipeline.document.model import Document, Segment, Signatory, TextBlock
from pipeline.document.readers.raw import Meta, Raw
from pipeline.document.readers.signatory_list import (
    SHORT_LINE_WORDS,
    SIGN_CUE,
    SignatoryRules,
    _is_short_line,
)
from pipeline.errors import PipelineError
from pipeline.text.markup import balanced, to_plain

# Quotation marks that may open or close the letter itself.
OPENING_QUOTES = {'"': '"', "“": "”", "„": "“", "«": "»"}
DATE_MARKER = re.compile(r"^date\s+(\d{4}-\d{2}-\d{2})(?:\s+|$)(.*)$", re.IGNORECASE)
DATELINE = re.compile(r"^(?:[A-Z][\w .'’-]{1,40},\s+)?(?P<date>[\w ,.]{6,30}?)\s*[—–]\s+(?=\S)")
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%B %d, %Y", "%B %d %Y", "%d %b %Y", "%b %d, %Y", "%d.%m.%Y")


def parse_date(text: str) -> datetime.date | None:
    """A date written alone on a line ("2021-03-23", "23 March 2021", "March 23, 2021")."""
    bare = re.sub(r"^(?:date|dated)\s*:?\s*", "", text.strip().strip("*_ "), flags=re.IGNORECASE)
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(bare, fmt).date()
        except ValueError:
            continue
    return None


def _opens_letter(raw: Raw) -> bool:
    """Does the paragraph begin with a quotation mark that it does not close?"""
    text = raw.text
    mark = text[:1]
    if raw.kind != "para" or mark not in OPENING_QUOTES:
        return False
    closer = OPENING_QUOTES[mark]
    if mark == closer:
        return text.count(mark) % 2 == 1
    return text.count(mark) > text.count(closer)


def _strip_first(raw: Raw, count: int) -> None:
    number, text = raw.lines[0]
    raw.lines[0] = (number, text[count:].lstrip())
    if not raw.lines[0][1]:
        del raw.lines[0]


def _close_letter(raws: list[Raw], opener: str) -> None:
    """Remove the quotation mark that closes the letter, wherever it sits."""
    closer = OPENING_QUOTES[opener]
    for raw in reversed(raws):
        if not raw.lines:
            continue
        text = raw.text
        if not text.endswith(closer):
            continue
        balanced = (
            text.count(closer) % 2 == 0 if opener == closer else text.count(closer) <= text.count(opener)
        )
        if balanced:
            continue
        number, last = raw.lines[-1]
        raw.lines[-1] = (number, last[:-1].rstrip())
        if not raw.lines[-1][1]:
            del raw.lines[-1]
        return


class Builder(SignatoryRules):
    """Turns one letter's raw blocks into a Document."""

    def __init__(self, source: str, markup: bool, fmt: str, split) -> None:
        self.source = source
        self.markup = markup
        self.format = fmt
        self.split = split
        self.notices: list[str] = []
        self.after_date: Raw | None = None

    def warn(self, line: int | None, message: str) -> None:
        where = f"{self.source}:{line}" if line else self.source
        self.notices.append(f"{where}: warning: {message}")

    # --- text blocks -------------------------------------------------------------

    def text_block(self, kind: str, raw: Raw, split: bool = True) -> TextBlock:
        if kind == "signature":  # each line of a signature stays a line
            return TextBlock(kind, tuple(Segment(t, n) for n, t in raw.lines))
        text = raw.text
        pieces = self.split(text) if split else [text]
        spans = []
        cursor = 0
        for piece in pieces:
            found = text.find(piece, cursor)
            offset = found if found >= 0 else cursor
            spans.append([offset, offset + len(piece), piece])
            cursor = offset + len(piece) if found >= 0 else cursor
        if self.markup and len(spans) > 1:
            spans = self.keep_markup_whole(text, spans)
        sentences = tuple(Segment(piece, raw.line_at(offset)) for offset, _, piece in spans)
        marker = raw.marker if kind == "item" else None
        return TextBlock(kind, sentences, marker=marker, level=raw.level if kind == "heading" else 0)

    @staticmethod
    def keep_markup_whole(text: str, spans: list[list]) -> list[list]:
        """Never end a sentence inside ``**…**`` or a link: move closing marks back, or join."""
        merged: list[list] = []
        for span in spans:
            if merged and not balanced(merged[-1][2]):
                last = merged[-1]
                lead = re.match(r"[*_`]+", span[2])
                if lead and balanced(text[last[0] : span[0] + lead.end()]):
                    last[1] = span[0] + lead.end()
                    last[2] = text[last[0] : last[1]]
                    rest = span[2][lead.end() :]
                    if rest.strip():
                        start = span[0] + lead.end() + (len(rest) - len(rest.lstrip()))
                        merged.append([start, span[1], rest.strip()])
                    continue
                last[1] = span[1]
                last[2] = text[last[0] : last[1]]
                continue
            merged.append(list(span))
        return merged

    # --- the whole letter --------------------------------------------------------

    def build(self, raws: list[Raw], meta: Meta) -> Document:
        raws = [r for r in raws if r.lines]
        for raw in raws:  # "<h2>Dear Apple,</h2>": a salutation set as a heading
            if raw.kind == "heading" and re.match(r"^(dear|to)\b.*[,:!]$", raw.text, re.IGNORECASE):
                raw.kind = "para"
        if not raws and not meta.title:
            raise PipelineError(self.source, "empty letter")
        self.notices.extend(meta.notices)
        date = self.take_date(raws, meta)
        head = self.take_title_block(raws, meta)
        signatory_raws, cue = self.find_signatories(raws)
        body_and_before = raws[: len(raws) - len(signatory_raws)]
        blocks: list[TextBlock | Signatory] = list(head)
        blocks += self.letter_blocks(body_and_before, signatory_raws, cue, bool(head))
        blocks += self.signatory_blocks(signatory_raws)
        return Document(
            source=self.source,
            date=date,
            blocks=tuple(blocks),
            markup=self.markup,
            notices=tuple(self.notices),
            format=self.format,
        )

    def take_date(self, raws: list[Raw], meta: Meta) -> datetime.date | None:
        """The date marker, else front matter, else a date line near the top, else DATE=."""
        if raws and raws[0].kind == "para":
            number, first = raws[0].lines[0]
            match = DATE_MARKER.match(first)
            if match:
                try:
                    date = datetime.date.fromisoformat(match.group(1))
                except ValueError as exc:
                    raise PipelineError(self.source, f"bad date {match.group(1)!r}: {exc}", number) from exc
                raws[0].lines[0] = (number, match.group(2).strip())
                if not raws[0].lines[0][1]:
                    del raws[0].lines[0]
                if not raws[0].lines:
                    del raws[0]
                return date
        for index, raw in enumerate(raws[:4]):
            if raw.kind in ("para", "heading") and len(raw.lines) == 1:
                found = parse_date(to_plain(raw.text) if self.markup else raw.text)
                if found and (meta.date is None or meta.date == found):
                    del raws[index]
                    # A date line heads the letter: what comes before it is lead and intro.
                    self.after_date = raws[index] if index < len(raws) else None
                    return found
        if meta.date:
            return meta.date
        for raw in raws[:4]:  # a dateline: "LONDON, 3 March 2021 — The mayor …"
            match = DATELINE.match(raw.lines[0][1]) if raw.kind == "para" else None
            found = parse_date(match.group("date")) if match else None
            if found:
                number, text = raw.lines[0]
                raw.lines[0] = (number, text[match.end() :])
                return found
        value = config.raw("DATE")
        if value:
            try:
                return datetime.date.fromisoformat(value)
            except ValueError as exc:
                raise PipelineError("DATE", f"bad date {value!r}: {exc}") from exc
        return None

    def take_title_block(self, raws: list[Raw], meta: Meta) -> list[TextBlock]:
        """Headline and standfirst: from front matter or <meta>, or a title line at the top."""
        head: list[TextBlock] = []
        headline = None
        if meta.title:
            headline = Raw("heading", [(meta.title_line, meta.title)])
            if raws and raws[0].kind == "heading" and to_plain(raws[0].text) == to_plain(meta.title):
                del raws[0]
        elif (raws and raws[0].kind == "heading" and len(raws) > 1) or (raws and self.is_title_line(raws)):
            headline = raws.pop(0)
        if headline is None:
            return head
        head.append(self.text_block("headline", headline, split=False))
        if meta.description:
            standfirst = Raw("para", [(meta.description_line, meta.description)])
            head.append(self.text_block("standfirst", standfirst))
        elif (
            len(raws) > 1
            and not self.opens(raws[0])
            and any(self.opens(r) for r in raws[1:])
            and (
                raws[0].kind == "para"
                or (raws[0].kind == "heading" and raws[0].level > max(headline.level, 1))
            )
        ):
            head.append(self.text_block("standfirst", raws.pop(0)))
        return head

    @staticmethod
    def is_title_line(raws: list[Raw]) -> bool:
        first = raws[0]
        text = first.text
        return (
            first.kind == "para"
            and len(first.lines) == 1
            and len(raws) > 2
            and len(text.split()) <= 15
            and text[-1:] not in '.,:;!?"”»'
            and not re.match(r"^(dear|to)\b", text, re.IGNORECASE)
            and text[:1] not in OPENING_QUOTES
        )

    @staticmethod
    def opens(raw: Raw) -> bool:
        text = raw.text
        return (
            _opens_letter(raw)
            or (_is_short_line(text, ",") and not SIGN_CUE.match(text))
            or bool(re.match(r"^(dear|to)\b", text, re.IGNORECASE) and _is_short_line(text, ",:!"))
        )

    # --- the letter ------------------------------------------------------------------

    def letter_blocks(
        self, body_and_before: list[Raw], signatory_raws: list[Raw], cue: bool, has_head: bool
    ) -> list[TextBlock]:
        opener = None
        body_start = None
        for index, raw in enumerate(body_and_before):
            if _opens_letter(raw):
                opener = raw.text[0]
                _strip_first(raw, 1)
                body_start = index
                break
        if opener is not None:
            _close_letter(body_and_before[body_start:] + signatory_raws, opener)
        else:
            for index, raw in enumerate(body_and_before):
                text = raw.text
                if raw is self.after_date:
                    body_start = index
                    break
                if (
                    raw.kind == "para"
                    and index < len(body_and_before) - 1
                    and not SIGN_CUE.match(text)
                    and (
                        _is_short_line(text, ",")
                        or (_is_short_line(text, ":!") and re.match(r"^(dear|to)\b", text, re.IGNORECASE))
                    )
                ):
                    body_start = index
                    break
            else:
                body_start = 0
        before = [r for r in body_and_before[:body_start] if r.lines]
        body = [r for r in body_and_before[body_start:] if r.lines]
        for raw in signatory_raws:
            if not raw.lines:
                raise PipelineError(self.source, "a signatory line holds only the closing quotation mark")
        blocks = []
        for index, raw in enumerate(before):
            kind = ("lead" if index == 0 else "intro") if raw.kind == "para" else self.structural(raw)
            blocks.append(self.text_block(kind, raw, split=kind != "heading"))
        for kind, raw in self.classify_body(body):
            blocks.append(self.text_block(kind, raw, split=kind in ("paragraph", "quote")))
        return blocks

    @staticmethod
    def structural(raw: Raw) -> str:
        return {"heading": "heading", "quote": "quote", "item": "item"}.get(raw.kind, "paragraph")

    def classify_body(self, body: list[Raw]) -> list[tuple[str, Raw]]:
        """Name each block between the letter's start and its signatory list."""
        kinds = [self.structural(r) for r in body]
        # From the end: signature lines (short, no sentence end), then a closing
        # formula ("With respect," "Sincerely," "Signed,").
        index = len(body) - 1
        signature: list[int] = []
        while index >= 0 and body[index].kind == "para":
            text = body[index].text
            if len(text.split()) <= SHORT_LINE_WORDS and text[-1] not in ".?!,;:":
                signature.append(index)
                index -= 1
                continue
            break
        if (
            index >= 0
            and body[index].kind == "para"
            and (_is_short_line(body[index].text, ",") or SIGN_CUE.match(body[index].text))
        ):
            kinds[index] = "closing"
            for i in signature:
                kinds[i] = "signature"
            closing = index
        else:
            closing = len(body)
            # No closing formula: only a single trailing short line can be a signature.
            if signature and signature[0] == len(body) - 1 and len(signature) == 1:
                kinds[signature[0]] = "signature"
                closing = signature[0]
        for i in range(closing):
            raw = body[i]
            if raw.kind != "para":
                continue
            text = raw.text
            after = body[i + 1] if i + 1 < len(body) else None
            introduces = after is not None and (
                after.kind in ("quote", "item") or after.text[:1] in OPENING_QUOTES
            )
            if SIGN_CUE.match(text):
                continue
            if (
                _is_short_line(text, ",")
                or (_is_short_line(text, "!") and text.lower().startswith("dear"))
                or (
                    _is_short_line(text, ":")
                    and not introduces
                    and (i == 0 or re.match(r"^(dear|to)\b", text, re.IGNORECASE))
                )
            ):
                kinds[i] = "salutation"
        return list(zip(kinds, body, strict=True))
