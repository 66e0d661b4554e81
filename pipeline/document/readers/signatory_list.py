"""The signatory list: where it starts, its sections and notes, and each signatory's parts.

A mixin of the structure Builder (structure.py), kept apart to keep each module small.
"""

from __future__ import annotations

import re

from pipeline.document.model import ORGANISATION, Segment, Signatory, TextBlock
from pipeline.document.readers.raw import Raw
from pipeline.document.readers.signatories import (
    TITLE_ABBREVIATIONS,
    clean_title,
    entity_of,
    section_hint,
    split_comma,
    split_dash,
    split_parentheses,
)
from pipeline.errors import PipelineError
from pipeline.text.markup import to_plain

SHORT_LINE_WORDS = 12
# A line that announces the signatories: "Signed," "The undersigned:" "Signatories".
SIGN_CUE = re.compile(
    r"^(?:signed|signed by|signatories|signatures|signers|the undersigned|undersigned|endorsed by)\b"
    r"[^.!?]{0,30}[,:.]?$",
    re.IGNORECASE,
)


def _is_short_line(text: str, endings: str) -> bool:
    return len(text.split()) <= SHORT_LINE_WORDS and text[-1:] in endings


class SignatoryRules:
    """Finding and reading the signatory list (used by structure.Builder)."""

    source: str
    markup: bool
    format: str
    # --- signatories ---------------------------------------------------------------

    def find_signatories(self, raws: list[Raw]) -> tuple[list[Raw], bool]:
        """The raws that make the signatory list, at the end; and whether a cue line announced it."""
        self.trailing_notes(raws)
        start = len(raws)
        items = 0
        while start > 0:
            raw = raws[start - 1]
            if raw.kind == "item" and raw.loose:
                follower = raws[start] if start < len(raws) else None
                if not (
                    follower is not None
                    and follower.kind == "item"
                    and follower.number == (raw.number or 0) + 1
                ):
                    raw.kind, raw.lines = (
                        "para",
                        [(raw.line, f"{raw.number}, {raw.lines[0][1]}"), *raw.lines[1:]],
                    )
                    raw.loose = False
                    break
                self.warn(
                    raw.line, f'read "{raw.number}, …" as signatory {raw.number} (write "{raw.number}. Name")'
                )
                raw.loose = False
            if raw.kind == "item":
                items += 1
                start -= 1
                continue
            if raw.kind == "note":
                start -= 1
                continue
            if items and self.is_section_heading(raws, start - 1):
                raw.kind = "heading"
                start -= 1
                if SIGN_CUE.match(raw.text):  # "Signatures", "Signed by": the list starts here
                    break
                continue
            if items and self.is_note(raws, start - 1):
                raw.kind = "note"
                start -= 1
                continue
            break
        if items:
            return raws[start:], False
        return self.plain_signatories(raws)

    def is_section_heading(self, raws: list[Raw], index: int) -> bool:
        """A heading (or a short "Organisations:" line) followed by list items."""
        raw = raws[index]
        after = raws[index + 1] if index + 1 < len(raws) else None
        if after is None or after.kind not in ("item", "heading", "note"):
            return False
        if raw.kind == "heading":
            return True
        if raw.kind != "para" or len(raw.lines) != 1:
            return False
        text = raw.text
        if len(text.split()) > 6 or SIGN_CUE.match(text):
            return False
        before = raws[index - 1] if index > 0 else None
        between_lists = before is not None and before.kind == "item"
        if _is_short_line(text, ",") or not text[:1].isupper():
            return False
        named = text.endswith(":") and section_hint(text) is not None
        return named or between_lists or (text.isupper() and len(text) > 3)

    @staticmethod
    def is_note(raws: list[Raw], index: int) -> bool:
        """A paragraph between a section heading and its list ("Affiliations for identification only")."""
        raw = raws[index]
        if raw.kind != "para" or index == 0 or _is_short_line(raw.text, ",") or SIGN_CUE.match(raw.text):
            return False
        before = index - 1
        while before > 0 and raws[before].kind == "para":
            before -= 1
        after = index + 1
        while after < len(raws) and raws[after].kind == "note":
            after += 1
        if after >= len(raws):
            return False
        kinds = (raws[before].kind, raws[after].kind)
        return kinds in (("heading", "item"), ("item", "heading"))

    def trailing_notes(self, raws: list[Raw]) -> None:
        """Paragraphs after a list announced by "Signatures" / "Signed by" are notes, not the letter."""
        last_item = max((i for i, r in enumerate(raws) if r.kind == "item"), default=-1)
        if last_item < 0 or last_item == len(raws) - 1:
            return
        if any(r.kind not in ("para", "heading") for r in raws[last_item + 1 :]):
            return
        announced = any(
            r.kind in ("heading", "para") and len(r.lines) == 1 and SIGN_CUE.match(r.text)
            for r in raws[:last_item]
        )
        if announced:
            for raw in raws[last_item + 1 :]:
                if raw.kind == "para":
                    raw.kind = "note"

    def plain_signatories(self, raws: list[Raw]) -> tuple[list[Raw], bool]:
        """Names as plain lines after "Signed," / "The undersigned" (or, three or more, after a closing)."""
        for index in range(len(raws) - 2, -1, -1):
            raw = raws[index]
            if raw.kind not in ("para", "heading"):
                break
            after = raws[index + 1]  # the blocks after it are names: checked once each, from the end
            if not (after.kind == "para" and self.name_lines(after)):
                break  # every earlier start would have this one among its names
            text = raw.text
            cue = bool(SIGN_CUE.match(text)) and len(raw.lines) == 1
            closing = _is_short_line(text, ",") and len(raw.lines) == 1
            count = len(raws) - index - 1
            names = len(after.lines) if count == 1 else count
            if cue or (closing and names >= 3):
                return raws[index + 1 :], cue
            if not cue:
                continue
        raise PipelineError(
            self.source,
            'no numbered signatory list found, nor a bulleted one or names after "Signed,"'
            ' (expected lines like "1. Name – Title")',
        )

    @staticmethod
    def name_lines(raw: Raw) -> bool:
        """Short lines without a sentence end ("Acme Holdings, Inc." ends an abbreviation, not a sentence)."""

        def name_like(text: str) -> bool:
            if len(text.split()) > SHORT_LINE_WORDS or text[-1:] in "?!;:":
                return False
            last = text.rsplit(" ", 1)[-1]
            return not text.endswith(".") or last[:-1].lower() in TITLE_ABBREVIATIONS or "." in last[:-1]

        return all(name_like(t) for _, t in raw.lines)

    def signatory_blocks(self, raws: list[Raw]) -> list[TextBlock | Signatory]:
        blocks: list[TextBlock | Signatory] = []
        section: str | None = None
        expected: int | None = None
        # Plain lines: one signatory per line, or per block when blocks are name + title lines.
        entries: list[tuple[Raw, str]] = []
        for raw in raws:
            if raw.kind == "item":
                entries.append((raw, "item"))
            elif raw.kind == "para" and (len(raw.lines) == 1 or (len(raws) > 1 and len(raw.lines) <= 3)):
                entries.append((raw, "plain"))
            elif raw.kind == "para":
                entries.extend((Raw("para", [line]), "plain") for line in raw.lines)
            elif raw.kind == "note":
                entries.append((raw, "note"))
            else:
                entries.append((raw, "section"))
        for raw, what in entries:
            if what == "note":
                blocks.append(self.text_block("note", raw))
                continue
            if what == "section":
                section = to_plain(raw.text).rstrip(":").strip()
                blocks.append(self.text_block("section", raw, split=False))
                expected = None
                continue
            number = raw.number
            if number is not None and self.format == "text":
                if expected is None and number != 1 and not blocks:
                    raise PipelineError(
                        self.source, f"signatory number {number} out of sequence (expected 1)", raw.line
                    )
                if expected is not None and number != expected and number != 1:
                    raise PipelineError(
                        self.source,
                        f"signatory number {number} out of sequence (expected {expected})",
                        raw.line,
                    )
                expected = number + 1
            blocks.append(self.signatory(raw, number, section))
        return blocks

    def signatory(self, raw: Raw, number: int | None, section: str | None) -> Signatory:
        lines = [(n, to_plain(t) if self.markup else t) for n, t in raw.lines]
        first = lines[0][1]
        label = f"signatory {number}" if number is not None else f"the signatory on line {raw.line}"
        dash = split_dash(first)
        if dash is not None and not dash[0]:
            raise PipelineError(
                self.source,
                f'{label} has no name before the dash ({first[:60]!r}); write "Name – Title"',
                raw.line,
            )
        text = " ".join(t for _, t in lines)
        hint = section_hint(section)
        if hint == ORGANISATION and len(lines) == 1:  # under "Organisations" a line is one name
            dash, lines = None, lines
            return Signatory(number, Segment(text.strip(), raw.line), None, ORGANISATION, section)
        if dash is not None or len(lines) == 1:
            dashed = dash if len(lines) == 1 else split_dash(text)
            parts = dashed or split_parentheses(text) or split_comma(text) or (text.strip(), "")
        else:  # the title on the next line(s)
            parts = (
                split_parentheses(first)
                or split_comma(first)
                or (first.strip(), ", ".join(t for _, t in lines[1:]))
            )
        name, title = parts[0], clean_title(parts[1])
        if not name:
            raise PipelineError(self.source, f"{label} has no name", raw.line)
        offset = text.find(title) if title else -1
        title_line = Raw("para", lines).line_at(offset) if title and offset >= 0 else raw.line
        if title and offset < 0:
            title_line = lines[1][0] if len(lines) > 1 else raw.line
        return Signatory(
            number=number,
            name=Segment(name, raw.line),
            title=Segment(title, title_line) if title else None,
            entity=entity_of(name, title, hint),
            section=section,
        )
