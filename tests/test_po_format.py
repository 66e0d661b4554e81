"""PO files as GNU gettext, Poedit and translate-toolkit read and write them (issue 9)."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Message
from conftest import ROOT, run_cli, snapshot
from translate.storage import pypo

from pipeline.errors import PipelineError
from pipeline.po.catalog import catalog_bytes, parse_locale, read_catalog, update_catalog
from pipeline.po.read import parse_catalog

FOLDER = Path("translations") / "letter"


def msgfmt_ok(path: Path) -> None:
    result = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def msgcat_bytes(path: Path) -> bytes:
    return subprocess.run(["msgcat", str(path)], capture_output=True, check=True).stdout


def toolkit_bytes(data: bytes) -> bytes:
    return bytes(pypo.pofile(data))


def generated_by(data: bytes) -> bytes:
    return re.sub(
        rb'^"Generated-By: Babel [^\\"]*\\n"$',
        lambda _: rb'"Generated-By: Babel\n"',
        data,
        count=1,
        flags=re.M,
    )


def without_unknown_flags(data: bytes) -> bytes:
    # GNU gettext drops flags it does not know (our checks' ignore-*); Poedit and
    # translate-toolkit keep them, and so do we.
    lines = data.split(b"\n")
    return b"\n".join(line for line in lines if not line.startswith(b"#, ignore-"))


@pytest.fixture
def translated(workdir: Path) -> Path:
    """A scratch project holding the committed, reviewed catalogs."""
    shutil.copytree(ROOT / FOLDER, workdir / FOLDER)
    return workdir


def test_long_sentence_edit_gives_msgmerge_style_previous_msgid(translated):
    letter = translated / "source" / "letter.txt"
    letter.write_text(letter.read_text().replace("bridge between", "bridge among"), encoding="utf-8")
    run_cli("pot", "source/letter.txt", cwd=translated, check=True)
    run_cli("po", "source/letter.txt", "--langs", "az ru fr", cwd=translated, check=True)
    for lang in ("az", "ru", "fr"):
        path = translated / FOLDER / f"{lang}.po"
        msgfmt_ok(path)
        data = path.read_bytes()
        assert b'#| msgid ""\n#| "We write to you as representatives' in data
        assert without_unknown_flags(msgcat_bytes(path)) == without_unknown_flags(data)
        assert toolkit_bytes(data) == data
        draft = next(m for m in read_catalog(path) if m.id.endswith("bridge among civilizations."))
        assert draft.fuzzy and draft.previous_id[0].endswith("bridge between civilizations.")
        unit = next(u for u in pypo.pofile(data).units if u.source.endswith("bridge among civilizations."))
        assert unit.prev_source.endswith("bridge between civilizations.")  # what Weblate shows


def test_merges_are_idempotent(translated):
    letter = translated / "source" / "letter.txt"
    letter.write_text(letter.read_text().replace("bridge between", "bridge among"), encoding="utf-8")
    run_cli("pot", "source/letter.txt", cwd=translated, check=True)
    run_cli("po", "source/letter.txt", "--langs", "az ru fr", cwd=translated, check=True)
    first = snapshot(translated / FOLDER)
    (translated / FOLDER / "letter.pot").touch()
    run_cli("po", "source/letter.txt", "--langs", "az ru fr", cwd=translated, check=True)
    run_cli("po", "source/letter.txt", "--langs", "az ru fr", cwd=translated, check=True)
    assert snapshot(translated / FOLDER) == first
    assert not any(b"# | msgid" in data for data in first.values())


def test_committed_catalogs_are_what_gnu_and_toolkit_write():
    for path in sorted([*(ROOT / FOLDER).glob("[!.]*.po"), *(ROOT / FOLDER).glob("[!.]*.pot")]):
        data = path.read_bytes()
        msgfmt_ok(path)
        assert without_unknown_flags(msgcat_bytes(path)) == without_unknown_flags(data), path
        assert toolkit_bytes(data) == data, path
        # Generated-By names the Babel that writes (volatile, like the dates: po_writer.VOLATILE_HEADERS)
        assert generated_by(catalog_bytes(read_catalog(path))) == generated_by(data), path


PIECES = [
    "word", "longerword", "«", "»", "« Victoire »", "“quoted”", '"q"', "(paren)", "-", "–", "/",
    "n % 10 >= 2", "e.g.", "3.14", "1,000", "50%", "a/b/c", "http://example.com/path", "l’union",
    "Баку", "中文字符", "日本語", "\t", "\\", "'", "&", "<b>", "№", "°C", "x" * 90,
]  # fmt: skip


def random_text(rng: random.Random) -> str:
    words = [rng.choice(PIECES) for _ in range(rng.randint(1, 30))]
    text = "".join(w + rng.choice([" ", " ", "", "  "]) for w in words).strip()
    if rng.random() < 0.15:
        text += "\n" + random_text(rng) if rng.random() < 0.5 else "\n"
    return text


def synthetic_catalog(rng: random.Random, size: int, controls: str = "") -> bytes:
    template = parse_catalog(
        b'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n', Path("t.pot")
    )
    catalog = update_catalog(template, None, parse_locale("fr"))
    for n in range(size):
        text = f"{random_text(rng)} {n}"
        if controls and rng.random() < 0.3:
            text += rng.choice(controls)
        context = rng.choice([None, None, None, "title"])
        translation = random_text(rng).rstrip("\n") if rng.random() < 0.8 else ""
        if rng.random() < 0.05:
            forms = (translation,) * catalog.num_plurals
            catalog.add((text, text + " (plural)"), forms, context=context)
            message = catalog.get((text, text + " (plural)"), context)
        else:
            catalog.add(text, translation, context=context)
            message = catalog.get(text, context)
        message.flags -= {"python-format", "python-brace-format"}  # Babel's guesses
        message.locations = [("source/letter.txt", n + 1)]
        message.auto_comments = [f"Paragraph {n}."]
        if rng.random() < 0.2:
            message.flags.add("fuzzy")
            message.previous_id = [random_text(rng)]
            message.previous_context = context
    for n in range(size // 20):
        text = f"{random_text(rng)} gone {n}"
        catalog.obsolete[text] = Message(text, random_text(rng).rstrip("\n"), user_comments=["kept"])
        catalog.obsolete[text].flags = {"fuzzy"} if n % 2 else set()
    return catalog_bytes(catalog)


def test_random_catalogs_match_msgcat_and_translate_toolkit(tmp_path):
    rng = random.Random(9)
    data = synthetic_catalog(rng, 400)
    path = tmp_path / "fr.po"
    path.write_bytes(data)
    msgfmt_ok(path)
    assert msgcat_bytes(path) == data
    subprocess.run(["msgattrib", "-o", str(tmp_path / "attrib.po"), str(path)], check=True)
    assert (tmp_path / "attrib.po").read_bytes() == data
    assert toolkit_bytes(data) == data
    assert catalog_bytes(read_catalog(path)) == data


def test_line_separators_and_control_characters_round_trip(tmp_path):
    # msgfmt accepts these inside strings; so must we, and keep them exactly.
    controls = "\u2028\u2029\u0085\v\f\x1c"
    data = synthetic_catalog(random.Random(3), 150, controls)
    path = tmp_path / "fr.po"
    path.write_bytes(data)
    msgfmt_ok(path)
    assert msgcat_bytes(path) == data
    catalog = read_catalog(path)
    assert any(c in str(m.id) for m in catalog for c in controls)
    assert catalog_bytes(catalog) == data
    # A raw U+2028 in a string (as Poedit may save it) reads as itself.
    raw = data.replace(b"\\v", b"\v").replace(b"\\f", b"\f")
    assert [m.id for m in parse_catalog(raw, path)] == [m.id for m in catalog]


HEADER = (
    'msgid ""\nmsgstr ""\n"Project-Id-Version: letter 2026\\n"\n'
    '"Content-Type: text/plain; charset=UTF-8\\n"\n"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
)
BAD_ENTRIES = [
    ('msgid "One."\nmsgstr[0] "Un."\n', 8, "without a msgid_plural"),
    ('msgid "One."\nmsgstr "Un \\q."\n', 8, "invalid escape sequence '\\q'"),
    ('#, c-format\nmsgid "%d letters"\nmsgstr "%s lettres"\n', 9, "c-format"),
    ('#, c-format\nmsgid "%d letters"\nmsgstr "lettres"\n', 9, "c-format"),
    ('#, python-format\nmsgid "%(n)s letters"\nmsgstr "%(m)s lettres"\n', 9, "python-format"),
    ('msgid "One.\\n"\nmsgstr "Un."\n', 8, "do not both end with '\\n'"),
    ('msgid "One."\nmsgstr "Un.\n', 8, "end-of-line within string"),
    ('msgid "a"\nmsgid_plural "as"\nmsgstr[0] "un"\n', 9, "nplurals=2"),
    ('msgid "One."\nmsgstr "Un."\n\nmsgid "One."\nmsgstr "Deux."\n', 10, "duplicate"),
]


@pytest.mark.parametrize(("entry", "line", "needle"), BAD_ENTRIES)
def test_what_msgfmt_rejects_is_one_line_error(translated, tmp_path, entry, line, needle):
    po = translated / FOLDER / "fr.po"
    po.write_bytes((HEADER + entry).encode())
    gnu = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], capture_output=True)
    assert gnu.returncode != 0  # the same files GNU gettext refuses
    run_cli("pot", "source/letter.txt", cwd=translated, check=True)
    before = snapshot(translated / FOLDER)
    result = run_cli("po", "source/letter.txt", "--langs", "fr", cwd=translated)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"{FOLDER / 'fr.po'}:{line}: error:" in lines[0] and needle in lines[0], lines[0]
    assert snapshot(translated / FOLDER) == before


def test_fuzzy_entries_are_not_format_checked_as_msgfmt_does(tmp_path):
    data = HEADER + '#, fuzzy, c-format\nmsgid "%d letters"\nmsgstr "%s lettres"\n'
    path = tmp_path / "fr.po"
    path.write_text(data, encoding="utf-8")
    msgfmt_ok(path)
    assert read_catalog(path).get("%d letters").string == "%s lettres"


@pytest.mark.parametrize(
    ("header_line", "needle"),
    [
        ('"Content-Type: text/plain; charset=ISO-8859-1\\n"', "charset=ISO-8859-1"),
        # An unterminated header line runs into the next one: a clear error, not a LookupError.
        ('"Content-Type: text/plain; charset=UTF-8"\n"Content-Transfer-Encoding: 8bit\\n"', "charset="),
    ],
    ids=["latin1-header", "unterminated-header-line"],
)
def test_charset_header_other_than_utf8_is_an_error(translated, header_line, needle):
    po = translated / FOLDER / "ru.po"
    lines = po.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line.startswith('"Content-Type:'))
    lines[index] = header_line
    po.write_text("\n".join(lines), encoding="utf-8")
    before = snapshot(translated / FOLDER)
    result = run_cli("po", "source/letter.txt", "--langs", "ru", cwd=translated)
    assert result.returncode != 0
    out = result.stderr.strip().splitlines()
    assert len(out) == 1 and "Traceback" not in result.stderr, result.stderr
    assert f"{FOLDER / 'ru.po'}:{index + 1}: error:" in out[0] and needle in out[0], out[0]
    assert snapshot(translated / FOLDER) == before


def test_parse_errors_carry_the_line():
    with pytest.raises(PipelineError) as info:
        parse_catalog(b'msgid ""\nmsgstr ""\n\nmsgid "a"\nmsgstr "b" junk\n', Path("x.po"))
    assert str(info.value).startswith("x.po:5: error:")
