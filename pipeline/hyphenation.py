"""Hyphenation as typesetting: an Azerbaijani dictionary for WeasyPrint, and limits on hyphenated lines.

WeasyPrint hyphenates with Pyphen, which has no Azerbaijani dictionary; the
generated one (``pipeline/data/hyph_az.dic``, see ``hyphenation_az.py``) is
registered the way WeasyPrint's maintainers give (Kozea/WeasyPrint#1945):
``pyphen.LANGUAGES`` and ``pyphen.LANGUAGES_LOWERCASE``.

WeasyPrint has no ``hyphenate-limit-lines`` nor ``hyphenate-limit-last``, so
``render`` applies both after layout: where a 4th line in a row of one
paragraph ends hyphenated, or where the last full line of a paragraph does
(a short last line, "mu-/tuel."), the word broken there is put in a
``<span style="hyphens: manual">`` and the document laid out again. The text is
never changed; only where it may break.
"""

from __future__ import annotations

import copy
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
DICTIONARIES = {"az": DATA / "hyph_az.dic"}
MAX_RUN = 3  # hyphenated lines in a row, at most (CSS hyphenate-limit-lines: 3)
MAX_PASSES = 6  # layouts of the probe, then of the whole, at most (2 and 1 are usual)
# overflow-wrap: normal, or the body's "anywhere" lets WeasyPrint break the
# protected word between any two letters, without a hyphen, when it meets it
# at the end of a line; a word longer than MAX_PROTECTED is left unprotected,
# so no protected word can be wider than the line.
PROTECT_STYLE = "hyphens: manual; overflow-wrap: normal"
MAX_PROTECTED = 24
_WORD = re.compile(r"\w+")


def _azerbaijani_lower(word: str) -> str:
    """Lower case by Azerbaijani rules: İ -> i, I -> ı, one letter each.

    Python's ``"İ".lower()`` is two code points (i + U+0307), and Pyphen counts
    break positions in the lowered word, so every break after an İ ("İctimai",
    37 times in the sample letter) would land one letter late.
    """
    return word.replace("İ", "i").replace("I", "ı").lower()


@cache
def register() -> None:
    """Make Pyphen (and so WeasyPrint, for ``lang="az"`` and ``az-*``) use our dictionaries."""
    import pyphen

    class AzerbaijaniPatterns(pyphen.HyphDict):
        def positions(self, word):
            return super().positions(_azerbaijani_lower(word))

    for lang, path in DICTIONARIES.items():
        pyphen.LANGUAGES[lang] = path
        pyphen.LANGUAGES_LOWERCASE[lang.lower()] = lang
        # Pyphen(lang=...) reads patterns through this cache, keyed by path
        pyphen.hdcache[path] = AzerbaijaniPatterns(path) if lang == "az" else pyphen.HyphDict(path)


@cache
def fingerprint() -> str:
    """A digest of the dictionaries and of this module: part of every PDF's content key."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    for path in DICTIONARIES.values():
        digest.update(path.read_bytes())
    return digest.hexdigest()


@dataclass
class Line:
    """One laid-out line of a block: its text (less the hyphen WeasyPrint adds); ends in a hyphenation break?"""

    text: str
    hyphenated: bool


def _leaves(box) -> Iterator:
    from weasyprint.formatting_structure import boxes

    if isinstance(box, boxes.TextBox):
        yield box
    for child in getattr(box, "children", ()):
        yield from _leaves(child)


def paragraph_lines(document) -> list[tuple[object, list[Line]]]:
    """Every block's lines in order, across pages: ``(element, lines)`` in document order."""
    from weasyprint.formatting_structure import boxes

    found: dict[int, tuple[object, list[Line]]] = {}

    def walk(box) -> None:
        if isinstance(box, boxes.LineBox):
            leaves = list(_leaves(box))
            if leaves and box.element is not None:
                text = "".join(leaf.text for leaf in leaves)
                hyphen = leaves[-1].style["hyphenate_character"]
                ended = bool(hyphen) and bool(re.search(r"\w" + re.escape(hyphen) + "$", text))
                line = Line(text[: -len(hyphen)] if ended else text, ended)
                found.setdefault(id(box.element), (box.element, []))[1].append(line)
            return
        for child in getattr(box, "children", ()):
            walk(child)

    for page in document.pages:
        walk(page._page_box)  # the page's laid-out box tree, as WeasyPrint's own tests read it
    return list(found.values())


def faults(lines: list[Line]) -> list[int]:
    """Indexes of the lines whose hyphenation break must go: the 4th of a run, the last full line."""
    bad, run = [], 0
    for index, line in enumerate(lines):
        run = run + 1 if line.hyphenated else 0
        if run > MAX_RUN:
            bad.append(index)
            run = 0  # the line after it will start a new run once the word is protected
    if len(lines) > 1 and lines[-2].hyphenated and len(lines) - 2 not in bad:
        bad.append(len(lines) - 2)
    return sorted(bad)


def _broken_word(lines: list[Line], index: int) -> tuple[str, int] | None:
    """The word broken at the end of ``lines[index]`` and how many times it occurs before it."""
    text = ""
    for line in lines[:index]:
        text += line.text if line.hyphenated else line.text + " "
    head = re.search(r"\w+$", lines[index].text)
    tail = re.match(r"\w+", lines[index + 1].text) if index + 1 < len(lines) else None
    if not head or not tail:
        return None
    before = text + lines[index].text[: head.start()]
    word = head.group() + tail.group()
    return word, sum(1 for found in _WORD.finditer(before) if found.group() == word)


def _text_slots(element) -> Iterator[tuple[object, object, str]]:
    """Every text node under ``element`` in document order: (owner, parent, "text" | "tail")."""
    yield element, None, "text"
    for child in element:
        yield from _text_slots(child)
        yield child, element, "tail"


def _protect(element, word: str, occurrence: int) -> bool:
    """Wrap the ``occurrence``-th (0-based) whole ``word`` under ``element`` in a no-hyphenation span."""
    from xml.etree.ElementTree import Element

    seen = 0
    for owner, parent, slot in list(_text_slots(element)):
        value = getattr(owner, slot) or ""
        for found in _WORD.finditer(value):
            if found.group() != word:
                continue
            if seen < occurrence:
                seen += 1
                continue
            span = Element("span", {"style": PROTECT_STYLE})
            span.text, span.tail = word, value[found.end() :]
            setattr(owner, slot, value[: found.start()])
            if slot == "text":
                owner.insert(0, span)
            else:
                parent.insert(list(parent).index(owner) + 1, span)
            return True
    return False


def _fix(element, lines: list[Line]) -> int:
    """Protect the word broken at each fault of one block's ``lines``; how many were protected."""
    fixed = 0
    for index in faults(lines):
        broken = _broken_word(lines, index)
        # a protected span keeps its count of the word, so the later ones still match
        if broken and len(broken[0]) <= MAX_PROTECTED and _protect(element, *broken):
            fixed += 1
    return fixed


def _rewrap(html) -> None:
    """After a change to the tree, wrap it again, as WeasyPrint's ``HTML()`` does after parsing."""
    import cssselect2

    html.wrapper_element = cssselect2.ElementWrapper.from_html_root(html.etree_element)


def _probe(html, blocks: list) -> tuple[object, dict[int, object]]:
    """A copy of ``html`` that shows only ``blocks`` (and what holds them); its elements' originals.

    Lines of a block break the same way in the copy: same styles (the tree is
    the same, the rest emptied and ``display: none``), same width, and a line never
    depends on another block's lines. Laying out only the paragraphs costs
    about a tenth of the whole edition (its signatory list is most of it).
    """
    probe = copy.copy(html)
    probe.etree_element = copy.deepcopy(html.etree_element)
    originals = dict(zip(map(id, probe.etree_element.iter()), html.etree_element.iter(), strict=True))
    keep = {id(block) for block in blocks}
    holders = set()
    parents = {id(child): parent for parent in html.etree_element.iter() for child in parent}
    for block in blocks:
        while id(block) in parents:
            block = parents[id(block)]
            holders.add(id(block))

    def hide(element) -> None:
        for child in element:
            original = id(originals[id(child)])
            if original in holders:
                hide(child)
            elif original not in keep:
                # an empty stand-in: selectors (p + p, :first-child) still see it, nothing is laid out
                tail, attrib = child.tail, dict(child.attrib)
                child.clear()
                child.attrib.update(attrib, style=f"{attrib.get('style') or ''};display:none")
                child.tail = tail

    body = probe.etree_element.find("body")
    if body is not None:
        hide(body)
    _rewrap(probe)
    return probe, originals


def render(html, **options):
    """``html.render(**options)`` (a WeasyPrint ``HTML``) with the az dictionary and the line limits.

    The paragraphs are first laid out alone (``_probe``) until none has a
    fault; then the whole document once. Should it still show a fault (a
    hyphenated block that is not a ``<p>``), it is fixed and laid out again.
    """
    register()
    blocks = list(html.etree_element.iter("p"))
    for _ in range(MAX_PASSES):
        if not blocks:
            break
        probe, originals = _probe(html, blocks)
        document = probe.render(**options)
        blocks = [
            originals[id(element)]
            for element, lines in paragraph_lines(document)
            if id(element) in originals and _fix(originals[id(element)], lines)
        ]
    _rewrap(html)
    document = html.render(**options)
    for _ in range(MAX_PASSES):
        if not sum(_fix(element, lines) for element, lines in paragraph_lines(document)):
            break
        _rewrap(html)
        document = html.render(**options)
    return document
