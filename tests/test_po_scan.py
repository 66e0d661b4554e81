"""The fast whole-file reader (pipeline/po/read_fast.py) reads what the strict reader reads."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from test_po_format import BAD_ENTRIES, HEADER, random_text

from pipeline.errors import PipelineError
from pipeline.po.catalog import catalog_bytes, parse_locale, update_catalog
from pipeline.po.read import parse_catalog, strict_catalog
from pipeline.po.read_fast import scan_catalog

PATH = Path("fr.po")


def fields(message: Message) -> tuple:
    return (
        message.id,
        message.string,
        message.context,
        message.locations,
        sorted(message.flags),
        message.auto_comments,
        message.user_comments,
        message.previous_id,
        message.lineno,
        hasattr(message, "previous_context"),
        getattr(message, "previous_context", None),
    )


def assert_same(fast: Catalog, strict: Catalog) -> None:
    assert list(fast._messages) == list(strict._messages)
    assert list(fast.obsolete) == list(strict.obsolete)
    assert [fields(m) for m in fast] == [fields(m) for m in strict]
    assert [fields(m) for m in fast.obsolete.values()] == [fields(m) for m in strict.obsolete.values()]
    assert (fast.mime_headers, fast.header_comment, fast.fuzzy) == (
        strict.mime_headers,
        strict.header_comment,
        strict.fuzzy,
    )


def random_catalog(rng: random.Random, size: int) -> str:
    """A catalog as the pipeline writes it, no plural forms, every kind of comment and string."""
    template = parse_catalog(
        b'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n', Path("t.pot")
    )
    catalog = update_catalog(template, None, parse_locale("fr"))
    extras = ["\t", "\\", '"', "\u2028", "\x0b", "\x1c", "\u4e2d\u6587", "« Victoire »", "%d", "{name}"]
    for n in range(size):
        text = f"{random_text(rng)} {rng.choice(extras)} {n}"
        context = rng.choice([None, None, None, "title", "name"])
        translation = random_text(rng).rstrip("\n") if rng.random() < 0.8 else ""
        if text.endswith("\n") and translation:
            translation += "\n"
        catalog.add(text, translation, context=context)
        message = catalog.get(text, context)
        message.flags -= {"python-format", "python-brace-format"}
        message.locations = [("source/letter.txt", n + 1)] * rng.randint(0, 3) + [("noline.txt", None)]
        message.auto_comments = [f"Paragraph {n}."] * rng.randint(0, 2)
        message.user_comments = ["", "a translator's note"][: rng.randint(0, 2)]
        if rng.random() < 0.1:
            message.flags.add(rng.choice(["no-wrap", "ignore-length", "c-format"]))
            if "c-format" in message.flags:
                message.string = ""
        if rng.random() < 0.2:
            message.flags.add("fuzzy")
            message.previous_id = [random_text(rng)]
            message.previous_context = rng.choice([None, context])
    for n in range(size // 10):
        text = f"{random_text(rng)} gone {n}"
        old = Message(text, random_text(rng).rstrip("\n") or "x", user_comments=["kept"])
        old.flags = {"fuzzy"} if n % 2 else set()
        if n % 3 == 0:
            old.previous_id, old.previous_context = [random_text(rng)], rng.choice([None, "title"])
        catalog.obsolete[text] = old
    return catalog_bytes(catalog).decode("utf-8")


@pytest.mark.parametrize("seed", range(4))
def test_fast_reader_reads_random_catalogs_as_the_strict_one(seed):
    text = random_catalog(random.Random(seed), 300)
    fast = scan_catalog(text, PATH, None)
    assert fast is not None  # canonical: the fast path read it
    assert_same(fast, strict_catalog(text, PATH))
    assert catalog_bytes(fast).decode("utf-8") == text


def test_fast_reader_takes_comments_in_any_order_and_octal_escapes():
    text = (
        HEADER
        + '#: a.txt:1\n#. auto\n# user\n#, fuzzy\n#| msgid "old"\nmsgid "caf\\303\\251"\nmsgstr "x"\n\n'
        '#~ msgid "gone"\n#~ msgstr "parti"\n'
    )
    fast = scan_catalog(text, PATH, None)
    assert fast is not None and fast.get("café").auto_comments == ["auto"]
    assert_same(fast, strict_catalog(text, PATH))


@pytest.mark.parametrize(
    "variant",
    [
        lambda t: t.replace("\n", "\r\n"),  # CRLF
        lambda t: t.replace('msgid "One."', 'msgid  "One."'),  # two spaces
        lambda t: t.replace('msgstr "Un."', 'msgstr "Un."  '),  # trailing spaces
        lambda t: t.replace("\n\nmsgid", "\nmsgid"),  # no blank line
        lambda t: t + 'msgid "a"\nmsgid_plural "as"\nmsgstr[0] "un"\nmsgstr[1] "des"\n',  # plural forms
        lambda t: "\n\n" + t,  # leading blank lines
    ],
    ids=["crlf", "two-spaces", "trailing-spaces", "no-blank-line", "plural", "leading-blank"],
)
def test_other_shapes_go_to_the_strict_reader_with_the_same_result(variant):
    text = variant(HEADER + 'msgid "One."\nmsgstr "Un."\n\nmsgid "Two."\nmsgstr "Deux."\n\n')
    assert scan_catalog(text, PATH, None) is None
    assert_same(parse_catalog(text.encode(), PATH), strict_catalog(text, PATH))


@pytest.mark.parametrize(("entry", "line", "needle"), BAD_ENTRIES)
def test_errors_come_from_the_strict_reader(entry, line, needle):
    text = HEADER + entry
    assert scan_catalog(text, PATH, None) is None
    with pytest.raises(PipelineError) as info:
        parse_catalog(text.encode(), PATH)
    assert str(info.value).startswith(f"fr.po:{line}: error:") and needle in str(info.value)
