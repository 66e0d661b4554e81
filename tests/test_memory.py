"""Translation memory across letters: a second letter reuses the sample's reviewed work."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from argos_builder import build_package
from conftest import ROOT, SEED, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.document.load import load_document
from pipeline.memory.recall import origin_counts
from pipeline.memory.store import Matcher, all_units, default_db, open_memory, refresh
from pipeline.memory.units import Unit
from pipeline.mt.argos.models import argos
from pipeline.mt.drafts import translate_catalog
from pipeline.po.catalog import catalog_bytes, read_catalog

SAMPLE = ROOT / "translations" / "letter"
LANGS = ("az", "ru", "fr")
SHARED = "Tunzala Abdullalimova"
CHANGED = "We write to you as representatives of a nation that has, for centuries, served as a bridge between cultures."
ORIGINAL = "We write to you as representatives of a nation that has, for centuries, served as a bridge between civilizations."
NEW = "We also invite your office to visit Baku in the spring."
SECOND_LETTER = f""" date 2026-03-01 Representatives of Azerbaijan's civil society have addressed an open letter to the Secretary-General of the United Nations.

Report presents the full text of the letter:

"Dear Mr. Vice President,

{CHANGED} Azerbaijan remains steadfast in its commitment to the spiritual and traditional values that form the bedrock of any stable society: the sanctity of the family, the preservation of heritage, and the protection of religious freedom. {NEW}

Sincerely,

1. {SHARED} — Chairwoman of the "For the Motherland - Support to Families of Martyrs" Public Union

2. Jeyran Hasanova — Chairwoman of the "Support to Mothers of Martyrs" Public Union

3. John Newperson — Director of the Baku Civic Forum
"""


def sample_reviewed(lang: str) -> dict[str, str]:
    return {str(m.id): str(m.string) for m in read_catalog(SAMPLE / f"{lang}.po") if m.id and not m.fuzzy}


def second_project(root: Path) -> Path:
    """A project holding the sample letter's reviewed catalogs and a second letter, after `po`."""
    (root / "source").mkdir(parents=True)
    shutil.copy2(SEED, root / "source" / "letter.txt")
    (root / "source" / "second.txt").write_text(SECOND_LETTER, encoding="utf-8")
    (root / "translations" / "letter").mkdir(parents=True)
    for lang in LANGS:
        shutil.copy2(SAMPLE / f"{lang}.po", root / "translations" / "letter" / f"{lang}.po")
    run_cli("pot", "source/second.txt", cwd=root, check=True)
    return root


def test_second_letter_gets_reviewed_names_and_sentences_as_drafts_with_provenance(tmp_path):
    root = second_project(tmp_path)
    before = read_catalog(root / "translations/second/second.pot")
    result = run_cli("po", "source/second.txt", cwd=root, check=True)
    assert "memory drafts: 7 exact (2 names), 2 near" in result.stdout
    for lang in LANGS:
        reviewed = sample_reviewed(lang)
        path = root / "translations/second" / f"{lang}.po"
        subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], check=True)
        catalog = read_catalog(path)
        exact = [
            m for m in catalog if m.id and any(c.startswith("Memory: exact match") for c in m.user_comments)
        ]
        assert {str(m.id) for m in exact} == {str(m.id) for m in before if str(m.id) in reviewed}
        for message in exact:
            assert message.fuzzy and message.string == reviewed[str(message.id)]
            assert any(
                f"from letter 'letter' ({lang}), reviewed by letter-pipeline" in c
                for c in message.user_comments
            )
        name = catalog.get(SHARED)
        assert name.string == reviewed[SHARED] and name.fuzzy
        near = catalog.get(CHANGED)
        assert near.fuzzy and near.string == reviewed[ORIGINAL] and near.previous_id == [ORIGINAL]
        assert any(c.startswith("Memory: 9") and "% match" in c for c in near.user_comments)
        assert catalog.get(NEW).string == "" and catalog.get("John Newperson").string == ""
        counts = origin_counts(catalog)
        untranslated_before = sum(1 for m in before if m.id)
        assert (untranslated_before, counts["untranslated"], counts["memory"]) == (13, 4, 9)


def test_memory_fills_only_untranslated_entries_and_never_its_own_letter(tmp_path):
    root = second_project(tmp_path)
    run_cli("po", "source/second.txt", cwd=root, check=True)
    # the second letter's French reviewer chooses another salutation
    path = root / "translations/second/fr.po"
    catalog = read_catalog(path)
    salutation = catalog.get("Dear Mr. Vice President,")
    salutation.string, salutation.user_comments = "Cher Monsieur le Vice-Président,", []
    salutation.flags.discard("fuzzy")
    path.write_bytes(catalog_bytes(catalog))
    sample_before = (root / "translations/letter/fr.po").read_bytes()
    run_cli("pot", "source/letter.txt", cwd=root, check=True)
    run_cli("po", "source/letter.txt", "--langs", "fr", cwd=root, check=True)
    after = read_catalog(root / "translations/letter/fr.po")
    assert after.get("Dear Mr. Vice President,").string == "Monsieur le Vice-Président,"
    assert {(m.id, m.string, m.fuzzy) for m in after} == {
        (m.id, m.string, m.fuzzy) for m in read_catalog_bytes(sample_before, tmp_path)
    }
    # and a rerun of the second letter keeps its reviewer's choice
    run_cli("po", "source/second.txt", "--langs", "fr", cwd=root, check=True)
    assert read_catalog(path).get("Dear Mr. Vice President,").string == "Cher Monsieur le Vice-Président,"


def read_catalog_bytes(data: bytes, tmp_path: Path):
    copy = tmp_path / "copy.po"
    copy.write_bytes(data)
    return read_catalog(copy)


def test_accept_turns_exact_drafts_into_reviewed_and_records_who(tmp_path):
    root = second_project(tmp_path)
    run_cli("po", "source/second.txt", cwd=root, check=True)
    path = root / "translations/second/fr.po"
    catalog = read_catalog(path)
    edited = catalog.get("Report presents the full text of the letter:")
    edited.string = (
        "Report publie le texte intégral de la lettre :"  # a person changed the draft, still fuzzy
    )
    path.write_bytes(catalog_bytes(catalog))
    result = run_cli(
        "accept", "source/second.txt", "--lang", "fr", "--by", "Marie Curie", cwd=root, check=True
    )
    assert "6 memory matches accepted as reviewed by Marie Curie; 1 differ" in result.stdout
    catalog = read_catalog(path)
    assert not catalog.get(SHARED).fuzzy
    assert any(
        c.startswith("Memory: accepted as reviewed by Marie Curie on ")
        for c in catalog.get(SHARED).user_comments
    )
    assert catalog.get(CHANGED).fuzzy  # near matches are never accepted this way
    assert catalog.get("Report presents the full text of the letter:").fuzzy
    record = json.loads((root / "translations/second/memory-accepted.json").read_text())
    assert record["fr"][0]["by"] == "Marie Curie" and len(record["fr"][0]["entries"]) == 6
    assert read_catalog(root / "translations/second/ru.po").get(SHARED).fuzzy  # other languages untouched
    before = path.read_bytes()
    assert run_cli("accept", "source/second.txt", "--lang", "fr", "--by", " ", cwd=root).returncode == 1
    assert path.read_bytes() == before


def test_mt_is_asked_only_for_what_the_memory_could_not_fill(tmp_path):
    root = second_project(tmp_path / "p")
    run_cli("po", "source/second.txt", "--langs", "fr", cwd=root, check=True)
    lines = [line for line in SECOND_LETTER.splitlines() if line.strip()]
    archive = build_package(tmp_path, "identity", "fr", lines)
    with zipfile.ZipFile(archive) as zf:
        zf.extractall(tmp_path / "pkg")
    package = argos().Package(next((tmp_path / "pkg").iterdir()))
    seen = []
    encode = package.tokenizer.encode
    package.tokenizer.encode = lambda text: seen.append(text) or encode(text)
    doc = load_document(root / "source/second.txt")
    path = root / "translations/second/fr.po"
    report = translate_catalog(doc, "fr", path, lambda lang: package)
    assert sorted(seen) == sorted([NEW, "Sincerely,", "Director of the Baku Civic Forum"])
    assert report.translated == 3 and report.names == 1  # John Newperson: a name draft, never the model
    counts = origin_counts(read_catalog(path))
    assert (counts["memory"], counts["mt"], counts["untranslated"]) == (9, 4, 0)
    stats = run_cli("stats", "source/second.txt", "--langs", "fr", cwd=root, check=True).stdout
    assert ["second", "fr", "0", "9", "4", "0", "(0,", "0,", "0)"] in [
        line.split() for line in stats.splitlines()
    ]
    # MT drafts are never accepted as reviewed
    run_cli("accept", "source/second.txt", "--lang", "fr", "--by", "Marie", cwd=root, check=True)
    catalog = read_catalog(path)
    assert catalog.get(NEW).fuzzy and catalog.get("John Newperson").fuzzy


def test_tmx_export_and_import_round_trip(tmp_path):
    root = second_project(tmp_path / "a")
    run_cli("memory", "--output", "output/memory.tmx", cwd=root, check=True)
    tmx = root / "output/memory.tmx"
    assert b'<tmx version="1.4">' in tmx.read_bytes()
    conn = open_memory(root / "translations")
    exported = {(u.role, u.source, u.target, u.lang) for u in all_units(conn)}
    conn.close()
    assert len(exported) == sum(len(sample_reviewed(lang)) for lang in LANGS)
    # another project that only has the TMX (say, work done in another tool)
    other = tmp_path / "b"
    (other / "translations/memory").mkdir(parents=True)
    shutil.copy2(tmx, other / "translations/memory/imported.tmx")
    conn = open_memory(other / "translations")
    imported = all_units(conn)
    conn.close()
    assert {(u.role, u.source, u.target, u.lang) for u in imported} == exported
    (other / "source").mkdir()
    (other / "source/second.txt").write_text(SECOND_LETTER, encoding="utf-8")
    run_cli("pot", "source/second.txt", cwd=other, check=True)
    result = run_cli("po", "source/second.txt", "--langs", "ru", cwd=other, check=True)
    assert "7 exact (2 names), 2 near" in result.stdout
    name = read_catalog(other / "translations/second/ru.po").get(SHARED)
    assert name.string == sample_reviewed("ru")[SHARED]
    # the TMX's props keep the provenance: letter, reviewer, role
    assert any("from letter 'letter' (ru), reviewed by letter-pipeline" in c for c in name.user_comments)


def test_refresh_is_incremental_and_a_corrupt_index_is_rebuilt(tmp_path):
    root = second_project(tmp_path)
    translations = root / "translations"
    conn = open_memory(translations)
    assert refresh(conn, translations) == 0
    path = translations / "letter/fr.po"
    catalog = read_catalog(path)
    catalog.get("Dear Mr. Vice President,").flags.add("fuzzy")  # no longer reviewed
    path.write_bytes(catalog_bytes(catalog))
    assert refresh(conn, translations) == 1
    assert "Dear Mr. Vice President," not in {u.source for u in all_units(conn, "fr")}
    conn.close()
    default_db(translations).write_bytes(b"not a database" * 100)
    conn = open_memory(translations)
    assert len(all_units(conn, "ru")) == len(sample_reviewed("ru"))
    conn.close()


def test_names_match_only_names_exactly():
    units = [Unit("name", "Jeyran Hasanova", "Джейран Гасанова", "ru", "a", "x", "")]
    units.append(Unit("sentence", "Jeyran Hasanova", "Sentence form", "ru", "a", "x", ""))
    matcher = Matcher(units, "ru")
    assert matcher.lookup("name", "Jeyran Hasanova").unit.target == "Джейран Гасанова"
    assert matcher.lookup("sentence", "Jeyran Hasanova").unit.target == "Sentence form"
    assert matcher.lookup("name", "Shalala Hasanova") is None  # a similar name is another person
    assert matcher.lookup("title", "Jeyran Hasanova") is None


STATES = st.sampled_from(["reviewed", "fuzzy", "untranslated"])
ENTRIES = st.lists(
    st.tuples(st.text("abc xyz", min_size=1, max_size=12).map(str.strip).filter(bool), STATES),
    min_size=1,
    max_size=12,
    unique_by=lambda e: e[0],
)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ENTRIES, ENTRIES)
def test_the_memory_never_holds_unreviewed_text(tmp_path_factory, first, second):
    from babel.messages.catalog import Catalog

    root = tmp_path_factory.mktemp("prop") / "translations"
    (root / "a").mkdir(parents=True)
    conn = None
    for entries in (first, second):  # the second round edits the same file: incremental update
        catalog = Catalog(locale="fr")
        for text, state in entries:
            catalog.add(
                text,
                "" if state == "untranslated" else f"fr {text}",
                flags={"fuzzy"} if state == "fuzzy" else (),
            )
        (root / "a/fr.po").write_bytes(catalog_bytes(catalog))
        conn = conn or open_memory(root)
        refresh(conn, root)
        held = {(u.source, u.target) for u in all_units(conn)}
        assert held == {(t, f"fr {t}") for t, state in entries if state == "reviewed"}
    conn.close()


@pytest.mark.slow
def test_near_matches_agree_with_a_full_scan(tmp_path):
    """The candidate filter finds the same best near matches as scoring every memory entry."""
    import random

    from rapidfuzz import fuzz, process

    rng = random.Random(7)
    words = [f"w{n}" for n in range(3000)]
    memory = [" ".join(rng.choices(words, k=rng.randint(5, 25))) for _ in range(3000)]
    matcher = Matcher([Unit("sentence", s, s.upper(), "fr", "a", "x", "") for s in memory], "fr")
    queries = []
    for text in rng.sample(memory, 300):
        parts = text.split()
        parts[rng.randrange(len(parts))] = rng.choice(words)
        queries.append(" ".join(parts) + " extra")
    for query in queries:
        full = process.extractOne(query, memory, scorer=fuzz.ratio, score_cutoff=75, processor=None)
        found = matcher.lookup("sentence", query)
        assert (full is None) == (found is None)
        if full:
            assert found.score == pytest.approx(full[1])
