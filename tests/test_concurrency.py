"""A translator saving a .po while the pipeline runs, and two pipeline runs at once.

Real races, no test hook in the code: the simulated translator loads the file
before a run starts (as Poedit would), edits it, and saves it at a random
moment of the run. A save that lands after the run's own save simply replaces
the file (that is the editor's doing, and shows as the run's changes missing),
so each test retries until its save landed *inside* the run, and then asserts
that both the translator's edits and the run's work are in the file.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from argos_builder import build_package
from conftest import ROOT, SEED, run_cli

from pipeline.po.catalog import catalog_bytes, read_catalog

REVIEWED = "We stand at a historic crossroads."
REVIEWED_OLD = "Nous sommes à un carrefour historique."
REVIEWED_NEW = "Nous voici à un carrefour historique."
UNTRANSLATED = "Dear Mr. Vice President,"
TRANSLATED = "Monsieur le Vice-Président,"
TRIES = 8


@pytest.fixture(scope="module")
def identity_fr(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("argos-conc")
    lines = [line for line in SEED.read_text(encoding="utf-8-sig").splitlines() if line.strip()]
    build_package(folder, "identity", "fr", lines)
    return folder


def new_project(root: Path, letter: str | None = None, models: Path | None = None) -> tuple[Path, dict]:
    (root / "source").mkdir(parents=True)
    if letter is None:
        shutil.copy2(SEED, root / "source/letter.txt")
    else:
        (root / "source/letter.txt").write_text(letter, encoding="utf-8")
    env = {"SOURCE_DATE_EPOCH": "1767225600", "HOME": str(root / "home")}
    if models is not None:
        env |= {"LETTER_MODELS_DIR": str(models), "ARGOS_PACKAGES_DIR": str(models / "packages")}
    run_cli("pot", "source/letter.txt", cwd=root, check=True, env=env)
    run_cli("po", "source/letter.txt", "--langs", "fr", cwd=root, check=True, env=env)
    po = root / "translations/letter/fr.po"
    catalog = read_catalog(po)
    catalog[REVIEWED].string = REVIEWED_OLD  # reviewed: translated, not fuzzy
    po.write_bytes(catalog_bytes(catalog))
    return po, env


def translator_edit(text: str) -> str:
    """What the translator does in the editor: revise a reviewed entry, translate a new one."""
    edited = text.replace(f'msgstr "{REVIEWED_OLD}"', f'msgstr "{REVIEWED_NEW}"', 1)
    edited = edited.replace(
        f'msgid "{UNTRANSLATED}"\nmsgstr ""', f'msgid "{UNTRANSLATED}"\nmsgstr "{TRANSLATED}"', 1
    )
    assert edited.count(REVIEWED_NEW) == 1 and edited.count(TRANSLATED) == 1
    return edited


def editor_save(path: Path, text: str, in_place: bool) -> None:
    """Save as a text editor does (rewrite in place) or as Poedit does (new file, rename)."""
    if in_place:
        with open(path, "r+b") as handle:
            handle.truncate(0)
            handle.write(text.encode("utf-8"))
    else:
        tmp = path.with_name(path.name + "~editor")
        tmp.write_bytes(text.encode("utf-8"))
        os.replace(tmp, path)


def line_of(text: str, msgid: str) -> int:
    return text.splitlines().index(f'msgid "{msgid}"') + 1


def start(root: Path, env: dict, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipeline", *args],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(ROOT), **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def assert_edits_kept(po: Path) -> None:
    catalog = read_catalog(po)
    assert (catalog[REVIEWED].string, catalog[REVIEWED].fuzzy) == (REVIEWED_NEW, False)
    assert (catalog[UNTRANSLATED].string, catalog[UNTRANSLATED].fuzzy) == (TRANSLATED, False)
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)]).returncode == 0


def test_a_save_during_translate_is_kept(tmp_path, identity_fr):
    rng = random.Random(9)
    outcomes = []
    for attempt in range(TRIES):
        root = tmp_path / f"t{attempt}"
        models = root / "models"
        po, env = new_project(root, models=models)
        run_cli("models", "--langs", "fr", "--from-dir", identity_fr, cwd=root, env=env, check=True)
        loaded = po.read_text(encoding="utf-8")  # the translator opens the file before the run
        env |= {"MT_BATCH_SIZE": "1", "MT_INTER_THREADS": "1"}  # many small batches: a long run
        began = time.monotonic()
        process = start(root, env, "translate", "source/letter.txt", "--langs", "fr")
        journal = po.with_name(".fr.mt-journal.jsonl")
        while not journal.exists() and process.poll() is None:  # the run has started drafting
            time.sleep(0.005)
        time.sleep(rng.uniform(0, 0.5 + attempt * 0.2))
        edited = translator_edit(loaded)
        editor_save(po, edited, in_place=attempt % 2 == 0)
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        catalog = read_catalog(po)
        drafts = [m for m in catalog if any(c.startswith("MT draft") for c in m.user_comments)]
        if not drafts:  # the save came after the run's own: the editor replaced the file
            outcomes.append(f"late ({time.monotonic() - began:.1f} s run)")
            continue
        assert_edits_kept(po)
        assert len(drafts) == 75 - 2  # every other sentence drafted
        # the untranslated entry the translator filled was also drafted by the run: theirs wins, reported
        assert f"fr.po: kept your newer edit of entry at line {line_of(edited, UNTRANSLATED)}" in err
        assert f"fr.po: kept your newer edit of entry at line {line_of(edited, REVIEWED)}" in err
        outcomes.append("inside the run")
        break
    print(outcomes)
    assert "inside the run" in outcomes, outcomes


def synthetic_letter(sentences: int, changed: int | None = None) -> str:
    """A letter of ``sentences`` numbered sentences (3 per paragraph) and 40 signatories."""
    words = [
        "peace",
        "heritage",
        "family",
        "union",
        "village",
        "dialogue",
        "river",
        "bridge",
        "nation",
        "future",
        "justice",
    ]
    texts = []
    for n in range(sentences):
        rng = random.Random(n)
        text = " ".join(rng.choice(words) for _ in range(12)).capitalize() + f" number {n}."
        texts.append(text.replace("number", "count") if n == changed else text)
    paragraphs = [" ".join(texts[i : i + 3]) for i in range(0, len(texts), 3)]
    signatories = [f"{i}. Person{i} Surname{i} – Chair of Society {i}" for i in range(1, 41)]
    return (
        'date 2026-01-01 A lead sentence.\n\nIntro:\n\n"Dear Mr. Vice President,\n\n'
        + f"We stand at a historic crossroads. {texts[0]}\n\n"
        + "\n\n".join(paragraphs[1:])
        + "\n\nWith respect,\n\nThe Undersigned\n\n"
        + "\n\n".join(signatories)
        + '"\n'
    )


def test_a_save_during_po_is_kept(tmp_path):
    rng = random.Random(4)
    outcomes = []
    prepared, env = new_project(tmp_path / "prepared", synthetic_letter(3000))
    (prepared.parents[2] / "source/letter.txt").write_text(
        synthetic_letter(3000, changed=1500), encoding="utf-8"
    )
    run_cli("pot", "source/letter.txt", cwd=prepared.parents[2], check=True, env=env)
    loaded = prepared.read_text(encoding="utf-8")  # the translator opens the file before the run
    shutil.copytree(prepared.parents[2], tmp_path / "calibration")
    began = time.monotonic()
    run_cli("po", "source/letter.txt", "--langs", "fr", cwd=tmp_path / "calibration", check=True, env=env)
    duration = time.monotonic() - began
    delay = 0.75 * duration  # the file is read after the imports and the template, saved at the end
    for attempt in range(TRIES):
        root = tmp_path / f"p{attempt}"
        shutil.copytree(prepared.parents[2], root)
        po = root / "translations/letter/fr.po"
        began = time.monotonic()
        process = start(root, env, "po", "source/letter.txt", "--langs", "fr")
        time.sleep(max(0.0, delay + rng.uniform(-0.05, 0.05) * duration))
        edited = translator_edit(loaded)
        editor_save(po, edited, in_place=attempt % 2 == 1)
        _, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        if "count 1500" not in po.read_text(encoding="utf-8"):  # the save came after the run's own
            outcomes.append(f"late ({time.monotonic() - began:.1f} s run)")
            delay -= 0.1 * duration
            continue
        assert_edits_kept(po)
        if "kept your newer edit" not in err:
            outcomes.append("before the run read the file")
            delay += 0.1 * duration
            continue
        assert f"fr.po: kept your newer edit of entry at line {line_of(edited, UNTRANSLATED)}" in err
        outcomes.append("inside the run")
        break
    print(outcomes)
    assert "inside the run" in outcomes, outcomes


def test_two_concurrent_po_runs_give_one_valid_result(tmp_path):
    alone, env = new_project(tmp_path / "alone", synthetic_letter(400))
    twice, _ = new_project(tmp_path / "twice", synthetic_letter(400))
    for attempt in range(2):
        for po in (alone, twice):
            root = po.parents[2]
            (root / "source/letter.txt").write_text(
                synthetic_letter(400, changed=100 + attempt), encoding="utf-8"
            )
            run_cli("pot", "source/letter.txt", cwd=root, check=True, env=env)
        run_cli("po", "source/letter.txt", "--langs", "fr", cwd=alone.parents[2], check=True, env=env)
        first = start(twice.parents[2], env, "po", "source/letter.txt", "--langs", "fr")
        second = start(twice.parents[2], env, "po", "source/letter.txt", "--langs", "fr")
        for process in (first, second):
            _, err = process.communicate(timeout=300)
            assert process.returncode == 0, err
            assert "kept your newer edit" not in err  # the other run changed nothing differently
        assert twice.read_bytes() == alone.read_bytes()
        assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(twice)]).returncode == 0


def test_three_way_merge_of_entries_and_header():
    """The merge rules, in process: each side's changes kept; a person's conflicting edit wins."""
    from babel.messages.catalog import Catalog, Message

    from pipeline.po.read import parse_catalog
    from pipeline.po.save import merge_into

    def catalog(strings: dict, obsolete=(), translator="Team <t@example.org>") -> bytes:
        c = Catalog(locale="fr", charset="utf-8", last_translator=translator)
        for msgid, string in strings.items():
            c[msgid] = Message(msgid, string, flags=["fuzzy"] if string.startswith("~") else [])
        for msgid in obsolete:
            c.obsolete[msgid] = Message(msgid, "vieux")
        return catalog_bytes(c)

    base = {"A.": "", "B.": "", "C.": "c", "D.": "d"}
    theirs = parse_catalog(
        catalog({**base, "A.": "a (person)", "C.": "c (person)"}, translator="Ana <ana@example.org>"),
        Path("fr.po"),
    )
    ours = parse_catalog(catalog({**base, "A.": "~a (MT)", "B.": "~b (MT)", "E.": ""}, ["D."]), Path("fr.po"))
    notes = merge_into(parse_catalog(catalog(base), Path("fr.po")), ours, theirs)
    got = {m.id: (m.string, m.fuzzy) for m in ours if m.id}
    assert got == {
        "A.": ("a (person)", False),  # both changed it: the person's edit wins, reported
        "B.": ("~b (MT)", True),  # only we changed it
        "C.": ("c (person)", False),  # only the person changed it
        "E.": ("", False),  # new in the template
    }
    assert list(ours.obsolete) == ["D."]  # only we made it obsolete
    assert ours.last_translator == "Ana <ana@example.org>"
    assert notes == [
        f"kept your newer edit of entry at line {theirs['A.'].lineno}",
        f"kept your newer edit of entry at line {theirs['C.'].lineno}",
    ]
    # a person who deletes an obsolete entry we did not change: it stays deleted
    base2 = parse_catalog(catalog({"A.": "a"}, ["Z."]), Path("fr.po"))
    ours2 = parse_catalog(catalog({"A.": "a"}, ["Z."]), Path("fr.po"))
    assert merge_into(base2, ours2, parse_catalog(catalog({"A.": "a"}), Path("fr.po"))) == []
    assert not ours2.obsolete
