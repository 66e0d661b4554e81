"""Caches hold data validated when read, never code (issue 21, hole 6)."""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
from array import array
from pathlib import Path

import jinja2
from conftest import ROOT, SEED

from pipeline import project, templating
from pipeline.document import cache as document_cache
from pipeline.document.load import load_document
from pipeline.editions import render, site
from pipeline.editions.model import build_edition
from pipeline.memory.store import all_units, default_db, open_memory
from pipeline.typesetting import fonts


def plant_bytecode(folder: Path, name: str, marker: Path) -> None:
    """A Jinja bytecode file for ``name`` whose code would create ``marker`` when loaded."""
    cache = jinja2.FileSystemBytecodeCache(str(folder))
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(render.TEMPLATES), bytecode_cache=cache)
    source, filename, _ = env.loader.get_source(env, name)
    bucket = cache.get_bucket(env, name, filename, source)
    bucket.code = compile(f"open({str(marker)!r}, 'w').close()", filename, "exec")
    cache.set_bucket(bucket)


def test_a_planted_jinja_bytecode_file_is_not_executed(tmp_path, monkeypatch):
    marker = tmp_path / "ran"
    old_home = tmp_path / "cache"
    (old_home / "jinja").mkdir(parents=True)
    for name in ("edition.html.j2", "index.html.j2"):
        plant_bytecode(old_home / "jinja", name, marker)
    assert list((old_home / "jinja").iterdir())
    monkeypatch.setattr(project, "CACHE", old_home)
    templating.template_environment.cache_clear()
    try:
        doc = load_document(SEED)
        html = render.render_html(build_edition(doc, "en", None), ["en"])
        index = site.render_index(doc, [build_edition(doc, "en", None)])
    finally:
        templating.template_environment.cache_clear()
    assert not marker.exists()
    assert "<html" in html and "<html" in index
    assert doc.blocks[0].sentences[0].text.split()[0] in html


def test_a_planted_memory_index_with_a_trigger_is_rebuilt(tmp_path):
    translations = tmp_path / "translations"
    (translations / "letter").mkdir(parents=True)
    shutil.copy2(ROOT / "translations" / "letter" / "ru.po", translations / "letter" / "ru.po")
    conn = open_memory(translations)
    conn.close()
    # a trigger that plants a "reviewed" unit whenever the index is refreshed
    db = default_db(translations)
    with contextlib.closing(sqlite3.connect(db)) as planted:
        planted.executescript(
            """
            CREATE TRIGGER poison AFTER INSERT ON files BEGIN
              INSERT INTO units VALUES (new.path, 'sentence', 'Sincerely,', 'PLANTED', 'ru', 'ru',
                                        'letter', 'nobody', '2099-01-01');
            END;
            DELETE FROM files;
            """
        )
    conn = open_memory(translations)
    units = all_units(conn, "ru")
    triggers = conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
    conn.close()
    assert triggers == []
    assert units and "PLANTED" not in {u.target for u in units}


def test_a_document_cache_of_the_wrong_types_is_a_miss(tmp_path, monkeypatch):
    monkeypatch.setattr(document_cache, "CACHE", tmp_path)
    doc = load_document(SEED)
    document_cache.store_document("letter", "k", doc)
    assert document_cache.cached_document("letter", "k") == doc
    stored = json.loads((tmp_path / "letter.json").read_text(encoding="utf-8"))
    stored["document"]["blocks"][0]["sentences"][0] = [{"not": "text"}, "1"]
    (tmp_path / "letter.json").write_text(json.dumps(stored), encoding="utf-8")
    assert document_cache.cached_document("letter", "k") is None


def test_a_cmap_cache_of_no_code_points_is_parsed_again(tmp_path, monkeypatch):
    monkeypatch.setattr(fonts, "CMAP_CACHE", tmp_path)
    face = fonts.font_stack(["Sincerely"], "en")[0]
    fonts._cmap.cache_clear()
    real = fonts.coverage(face)
    (cached,) = tmp_path.iterdir()
    cached.write_bytes(array("I", [0xFFFFFFFF]).tobytes())
    fonts._cmap.cache_clear()
    assert fonts.coverage(face) == real
    fonts._cmap.cache_clear()
