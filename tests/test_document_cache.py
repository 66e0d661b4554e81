"""The segmented letter kept between steps (pipeline/document/cache.py)."""

from __future__ import annotations

import json
import shutil
import tracemalloc
from pathlib import Path

import pytest

from pipeline.document import cache as document_cache
from pipeline.document import load as load_module
from pipeline.document import readers
from pipeline.document.cache import _decode, _encode
from pipeline.document.load import load_document

ROOT = Path(__file__).resolve().parent.parent
LETTERS = sorted((ROOT / "tests/data/letters").glob("*.*"))
LETTERS = [p for p in LETTERS if p.suffix in (".txt", ".md", ".html", ".docx") and p.name != "SOURCES.md"]


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setattr(document_cache, "CACHE", folder)
    return folder


@pytest.mark.parametrize("path", [ROOT / "source/letter.txt", *LETTERS], ids=lambda p: p.name)
def test_a_cached_document_equals_the_one_read(path):
    doc = readers.read(path)
    assert _decode(json.loads(json.dumps(_encode(doc)))) == doc


def test_the_second_load_reads_the_cache_and_a_change_reads_the_letter(cache, tmp_path, monkeypatch):
    letter = tmp_path / "letter.txt"
    shutil.copy(ROOT / "source/letter.txt", letter)
    calls = []
    real_read = readers.read

    def counting_read(*args, **kwargs):
        calls.append(args[0])
        return real_read(*args, **kwargs)

    monkeypatch.setattr(load_module, "read", counting_read)  # what load_document calls
    first = load_document(letter)
    assert load_document(letter) == first and len(calls) == 1
    assert (cache / "letter.json").exists()

    letter.write_text(letter.read_text(encoding="utf-8").replace("peace", "Peace", 1), encoding="utf-8")
    changed = load_document(letter)
    assert len(calls) == 2 and changed != first

    monkeypatch.setenv("DATE", "2020-02-02")
    dated = load_document(letter)  # DATE is read only for a letter without a date: read again all the same
    assert len(calls) == 3

    (cache / "letter.json").write_bytes(b'{"key": "')  # torn: ignored, read again
    assert load_document(letter) == dated and len(calls) == 4

    monkeypatch.setenv("LETTER_FORMAT", "md")  # another reader: read again
    assert load_document(letter).format == "markdown" and len(calls) == 5


def test_the_cache_holds_json_never_code(cache, tmp_path):
    letter = tmp_path / "letter.txt"
    shutil.copy(ROOT / "source/letter.txt", letter)
    load_document(letter)
    stored = json.loads((cache / "letter.json").read_bytes())
    assert set(stored) == {"key", "document"}
    assert stored["document"]["blocks"]


def test_an_unwritable_cache_is_no_error(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setattr(document_cache, "CACHE", blocker / "cache")  # a folder under a file
    letter = tmp_path / "letter.txt"
    shutil.copy(ROOT / "source/letter.txt", letter)
    assert load_document(letter).blocks


def test_a_stale_cache_is_not_read_past_its_key(cache, tmp_path):
    """A stale cache of another version of the letter (a 300 MB one, from a bomb) costs one short read."""
    letter = tmp_path / "letter.txt"
    shutil.copy(ROOT / "source/letter.txt", letter)
    load_document(letter)
    cached = cache / "letter.json"
    stale = cached.read_bytes().replace(b'{"key": "', b'{"key": "0', 1)
    cached.write_bytes(stale + b" " * 50_000_000)  # still valid JSON: whitespace after the object
    tracemalloc.start()
    try:
        assert document_cache.cached_document("letter", "f" * 64) is None
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000
