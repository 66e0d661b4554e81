"""Template extraction, catalog creation and updates, statistics."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from conftest import SECOND, run_cli

from pipeline.document.load import load_document, segment_letter
from pipeline.po.catalog import (
    build_template,
    catalog_bytes,
    catalog_stats,
    document_units,
    parse_locale,
    read_catalog,
    update_catalog,
)

PAIRS_TEXT = (
    "Dear All,\n\nWe write today. We ask for peace.\n\nRegards,\n\nJane Doe\n\n1. Jane Doe – Chair of X\n"
)


def make_catalogs(workdir: Path, langs: str = "az ru fr") -> None:
    run_cli("pot", "source/letter.txt", cwd=workdir, check=True)
    run_cli("po", "source/letter.txt", "--langs", langs, cwd=workdir, check=True)


def translate(path: Path, mapping: dict[str, str], fuzzy: bool = False) -> None:
    """Act as a translator: fill some entries and save with Babel."""
    catalog = read_catalog(path)
    for msgid, text in mapping.items():
        message = catalog[msgid]
        message.string = text
        if fuzzy:
            message.flags.add("fuzzy")
        else:
            message.flags.discard("fuzzy")
    path.write_bytes(catalog_bytes(catalog))


def test_template_has_one_entry_per_sentence_name_and_title():
    doc = load_document(SECOND)
    template = build_template(doc, "tests/data/second_letter.txt")
    units = document_units(doc)
    assert len(units) == sum(len(b.sentences) for b in doc.blocks if b.kind != "signatory") + 7 + 7
    assert len(template) == len({(u.text, u.context) for u in units})
    name = template["Kadri Tamm"]
    assert name.auto_comments == [
        "Signatory 1: personal name. Use this language's usual spelling of the person's name; do not translate."
    ]
    title = template["President of the Estonian Educational Personnel Union"]
    assert title.auto_comments == ["Signatory 1: organisation title"]
    assert name.locations == [("tests/data/second_letter.txt", 21)]
    assert template["Did anyone ask the parents?"].auto_comments == ["Paragraph 2, sentence 2."]


def test_pot_file_content(workdir):
    run_cli("pot", "source/letter.txt", cwd=workdir, check=True)
    pot = (workdir / "translations" / "letter" / "letter.pot").read_text(encoding="utf-8")
    assert '#: source/letter.txt:5\nmsgid "Dear Mr. Vice President,"' in pot
    assert "#. Signatory 12: personal name." in pot
    assert "#. Signatory 12: organisation title\n#: source/letter.txt:59\n" in pot
    assert "python-format" not in pot
    assert '"Content-Type: text/plain; charset=utf-8\\n"' in pot


def test_msgctxt_only_where_the_same_text_plays_different_roles():
    doc = segment_letter(PAIRS_TEXT)
    units = {(u.role, u.text): u.context for u in document_units(doc)}
    assert units[("signature", "Jane Doe")] == "signature"
    assert units[("name", "Jane Doe")] == "name"
    assert units[("paragraph", "We write today.")] is None
    template = build_template(doc)
    assert template.get("Jane Doe", "signature") is not None
    assert template.get("Jane Doe", "name") is not None


def test_repeated_text_in_one_role_is_one_entry_with_two_references():
    doc = segment_letter(
        "Dear All,\n\nText.\n\nRegards,\n\nUs\n\n1. Ann Lee – Chair of X\n\n2. Bob Ray – Chair of X\n"
    )
    template = build_template(doc, "l.txt")
    message = template["Chair of X"]
    assert message.locations == [("l.txt", 9), ("l.txt", 11)]
    assert message.auto_comments == ["Signatory 1: organisation title", "Signatory 2: organisation title"]


@pytest.mark.parametrize("lang", ["az", "ru", "fr"])
def test_po_headers(workdir, lang):
    make_catalogs(workdir)
    path = workdir / "translations" / "letter" / f"{lang}.po"
    catalog = read_catalog(path)
    headers = dict(catalog.mime_headers)
    assert headers["Language"] == lang
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert headers["Plural-Forms"] == Catalog(locale=parse_locale(lang)).plural_forms
    assert not catalog.fuzzy


def test_generated_catalogs_pass_msgfmt_check(workdir):
    make_catalogs(workdir)
    folder = workdir / "translations" / "letter"
    translate(folder / "fr.po", {"Dear Mr. Vice President,": "Monsieur le Vice-Président,"})
    translate(folder / "ru.po", {"Ramil Iskandarli": "Рамиль Искандарли"}, fuzzy=True)
    text = (workdir / "source" / "letter.txt").read_text(encoding="utf-8")
    (workdir / "source" / "letter.txt").write_text(text.replace("Dear Mr.", "Dear Mister"), encoding="utf-8")
    make_catalogs(workdir)
    for lang in ("az", "ru", "fr"):
        result = subprocess.run(
            ["msgfmt", "-c", "--check-format", "-o", "/dev/null", str(folder / f"{lang}.po")],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        assert "warning" not in result.stderr, result.stderr
    assert "#| msgid" in (folder / "fr.po").read_text(encoding="utf-8")


def test_update_keeps_unchanged_marks_changed_fuzzy_and_keeps_obsolete(workdir):
    make_catalogs(workdir, "fr")
    po = workdir / "translations" / "letter" / "fr.po"
    translate(
        po,
        {
            "Mr. Vice President,": "Monsieur le Vice-Président,",
            "We stand at a historic crossroads.": "Nous sommes à un carrefour historique.",
            "Western Azerbaijanis harbor no territorial ambitions.": (
                "Les Azerbaïdjanais occidentaux n'ont aucune ambition territoriale."
            ),
        },
    )
    source = workdir / "source" / "letter.txt"
    text = source.read_text(encoding="utf-8")
    text = text.replace("We stand at a historic crossroads.", "We stand at a truly historic crossroads.")
    text = text.replace("Western Azerbaijanis harbor no territorial ambitions. ", "")
    source.write_text(text, encoding="utf-8")
    make_catalogs(workdir, "fr")

    catalog = read_catalog(po)
    kept = catalog["Mr. Vice President,"]
    assert (kept.string, kept.fuzzy) == ("Monsieur le Vice-Président,", False)
    changed = catalog["We stand at a truly historic crossroads."]
    assert changed.fuzzy
    assert changed.string == "Nous sommes à un carrefour historique."
    assert changed.previous_id == ["We stand at a historic crossroads."]
    assert "Western Azerbaijanis harbor no territorial ambitions." in catalog.obsolete
    raw = po.read_text(encoding="utf-8")
    assert '#| msgid "We stand at a historic crossroads."' in raw
    assert '#~ msgid "Western Azerbaijanis harbor no territorial ambitions."' in raw
    # the reviewed original of the changed sentence is kept too, never lost
    assert "We stand at a historic crossroads." in catalog.obsolete


def test_obsolete_entry_comes_back_when_its_text_returns(workdir):
    make_catalogs(workdir, "fr")
    po = workdir / "translations" / "letter" / "fr.po"
    translate(po, {"We stand at a historic crossroads.": "Nous sommes à un carrefour historique."})
    source = workdir / "source" / "letter.txt"
    original = source.read_bytes()
    source.write_text(original.decode().replace("We stand at a historic crossroads. ", ""), encoding="utf-8")
    make_catalogs(workdir, "fr")
    assert "We stand at a historic crossroads." in read_catalog(po).obsolete
    source.write_bytes(original)
    make_catalogs(workdir, "fr")
    message = read_catalog(po)["We stand at a historic crossroads."]
    assert (message.string, message.fuzzy) == ("Nous sommes à un carrefour historique.", False)


def test_fuzzy_entry_keeps_its_previous_msgid_across_updates(workdir):
    make_catalogs(workdir, "fr")
    po = workdir / "translations" / "letter" / "fr.po"
    translate(po, {"We stand at a historic crossroads.": "Nous sommes à un carrefour historique."})
    source = workdir / "source" / "letter.txt"
    source.write_text(
        source.read_text(encoding="utf-8").replace("a historic crossroads", "a new crossroads"),
        encoding="utf-8",
    )
    make_catalogs(workdir, "fr")
    source.write_text(source.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # touch, no content change
    make_catalogs(workdir, "fr")
    assert read_catalog(po)["We stand at a new crossroads."].previous_id == [
        "We stand at a historic crossroads."
    ]


def test_update_without_changes_does_not_rewrite(workdir):
    make_catalogs(workdir)
    folder = workdir / "translations" / "letter"
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    make_catalogs(workdir)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


def test_translator_comments_and_flags_survive(workdir):
    make_catalogs(workdir, "ru")
    po = workdir / "translations" / "letter" / "ru.po"
    catalog = read_catalog(po)
    catalog["Ramil Iskandarli"].user_comments = ["checked with the NGO Forum's website"]
    catalog["Ramil Iskandarli"].string = "Рамиль Искандарли"
    po.write_bytes(catalog_bytes(catalog))
    make_catalogs(workdir, "ru")
    message = read_catalog(po)["Ramil Iskandarli"]
    assert message.user_comments == ["checked with the NGO Forum's website"]
    assert message.string == "Рамиль Искандарли"


def test_context_change_does_not_lose_a_reviewed_translation():
    doc_before = segment_letter("Dear All,\n\nText.\n\nRegards,\n\nUs\n\n1. Jane Doe – Chair\n")
    doc_after = segment_letter(PAIRS_TEXT)
    locale = parse_locale("fr")
    catalog = update_catalog(build_template(doc_before), None, locale)
    catalog["Jane Doe"].string = "Jane Doe"
    updated = update_catalog(build_template(doc_after), catalog, locale)
    assert "Jane Doe" in updated.obsolete and updated.obsolete["Jane Doe"].string == "Jane Doe"
    assert updated.get("Jane Doe", "name").fuzzy


def test_stats_counts_entries_and_words(workdir):
    make_catalogs(workdir, "fr")
    po = workdir / "translations" / "letter" / "fr.po"
    translate(po, {"Mr. Vice President,": "Monsieur le Vice-Président,"})
    translate(
        po, {"We stand at a historic crossroads.": "Nous sommes à un carrefour historique."}, fuzzy=True
    )
    stats = catalog_stats(read_catalog(po))
    assert stats.total == 120
    assert (stats.reviewed, stats.draft, stats.untranslated) == (1, 1, 118)
    assert (stats.reviewed_words, stats.draft_words) == (3, 6)
    assert stats.untranslated_words == stats.total_words - 9
    result = run_cli("stats", "source/letter.txt", "--langs", "fr", cwd=workdir, check=True)
    row = result.stdout.splitlines()[2].split()
    assert row[:5] == ["fr", "120", "1", "1", "118"]


def test_po_for_a_new_language_is_created(workdir):
    make_catalogs(workdir, "de")
    assert (workdir / "translations" / "letter" / "de.po").exists()
    shutil.rmtree(workdir / "translations")


WORDS = [
    "peace",
    "return",
    "heritage",
    "family",
    "union",
    "village",
    "church",
    "dialogue",
    "river",
    "bridge",
    "nation",
]


@pytest.mark.parametrize(("seed", "workers"), [(0, 1), (1, 2), (2, 2)])
def test_indexed_fuzzy_match_equals_the_exhaustive_search(seed, workers):
    """The index of pipeline/po/fuzzy_index.py gives what extractOne over every old entry gives."""
    import random
    from collections import Counter

    from rapidfuzz import fuzz, process

    from pipeline.po.fuzzy import best_matches

    rng = random.Random(seed)
    outcomes = Counter()
    for _ in range(60):
        vocabulary = WORDS[: rng.randint(2, len(WORDS))]

        def text(vocabulary=vocabulary):
            return " ".join(rng.choice(vocabulary) for _ in range(rng.randint(1, 14)))

        choices = [text() for _ in range(rng.randint(1, 80))]
        edited = [rng.choice(choices)[: rng.randint(0, 60)] + text()[: rng.randint(0, 12)] for _ in range(25)]
        queries = edited + [text() for _ in range(25)] + [""]
        expected = []
        for query in queries:
            match = process.extractOne(query, choices, scorer=fuzz.ratio, score_cutoff=60, processor=None)
            expected.append(None if match is None else match[2])
        assert best_matches(queries, choices, exhaustive_pairs=0, workers=workers) == expected
        assert best_matches(queries, choices) == expected  # small: the exhaustive search itself
        outcomes.update("match" if e is not None else "none" for e in expected)
    assert outcomes["match"] > 100 and outcomes["none"] > 100  # both kinds were tested


def test_capped_fuzzy_search_still_finds_the_sentence_a_new_one_was_edited_from(monkeypatch):
    """When too many old entries could beat the seed, only the best-bound ones are scored
    (msgmerge's rule); an edited sentence still gets its origin or a closer match."""
    import random

    from rapidfuzz import fuzz

    from pipeline.po import fuzzy_index

    monkeypatch.setattr(fuzzy_index, "MIN_BUDGET", 4)
    survivors = []
    candidates = fuzzy_index._Index.candidates

    def spy(self, *args, **kwargs):
        found = candidates(self, *args, **kwargs)
        survivors.append(found[0].size)
        return found

    monkeypatch.setattr(fuzzy_index._Index, "candidates", spy)
    rng = random.Random(7)
    # Every old sentence is the same ten words in another order and a rare
    # two-letter Greek word (letters the bound counts in one bucket): the
    # character bound cannot tell the origin from the rest, the rare word can.
    words = WORDS[:10]
    greek = [chr(c) for c in range(0x3B1, 0x3B1 + 20)]
    choices = [
        " ".join(rng.sample(words, len(words))) + f" {greek[n // 20]}{greek[n % 20]}" for n in range(400)
    ]
    origins = rng.sample(range(len(choices)), 60)
    queries = []
    for i in origins:
        edited = choices[i].split()
        a, b = rng.sample(range(len(words)), 2)
        edited[a], edited[b] = edited[b], edited[a]
        queries.append(" ".join(edited))
    queries += [" ".join(rng.sample(words, len(words))) for _ in range(20)]  # inserted
    found = fuzzy_index.indexed_matches(queries, choices, 60, workers=2)
    assert max(survivors) > 20  # the cap was needed (budget: sqrt(400) = 20)
    for query, origin, match in zip(queries, origins, found, strict=False):
        assert match is not None
        assert fuzz.ratio(query, choices[match]) >= fuzz.ratio(query, choices[origin])
    for query, match in zip(queries, found, strict=True):
        assert match is None or fuzz.ratio(query, choices[match]) >= 60


def test_one_languages_fuzzy_draft_never_reaches_another_language():
    # Babel's update puts the template's own entry object into every catalog
    # updated from it; a fuzzy match written into the French one must stay French.
    template = Catalog()
    template.add("We ask the government to act now on this matter.", locations=[("letter.txt", 3)])
    french = Catalog(locale="fr")
    french.add("We ask the government to act today on this matter.", string="Nous demandons au gouvernement.")
    russian = Catalog(locale="ru")
    update_catalog(template, french, parse_locale("fr"))
    update_catalog(template, russian, parse_locale("ru"))
    key = "We ask the government to act now on this matter."
    assert french[key].string == "Nous demandons au gouvernement." and french[key].fuzzy
    assert not russian[key].string and not russian[key].fuzzy
    assert not template[key].string
