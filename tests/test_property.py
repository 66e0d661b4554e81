"""Property: source edits interleaved with translator edits never lose reviewed work."""

from __future__ import annotations

import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.document.load import segment_letter
from pipeline.po.catalog import (
    build_template,
    catalog_bytes,
    message_state,
    parse_locale,
    read_catalog,
    update_catalog,
)

WORDS = ["peace", "return", "heritage", "family", "union", "village", "church", "dialogue", "river", "bridge"]
NAMES = ["Aysel", "Murad", "Leyla", "Kamran", "Nigar", "Orhan", "Sabina", "Tural"]

# Few distinct sentences, so that edits often bring back a text seen before.
sentence = st.lists(st.sampled_from(WORDS[:4]), min_size=3, max_size=4).map(
    lambda ws: " ".join([ws[0].capitalize(), *ws[1:]]) + "."
)
person = st.tuples(st.sampled_from(NAMES), st.sampled_from(NAMES)).map(lambda p: f"{p[0]} {p[1]}ova")
title = st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(
    lambda ws: "Chair of the " + " ".join(w.capitalize() for w in ws) + " Union"
)

operation = st.one_of(
    st.tuples(st.just("change"), st.integers(0, 50), sentence),
    st.tuples(st.just("tweak"), st.integers(0, 50), st.sampled_from(WORDS)),
    st.tuples(st.just("insert"), st.integers(0, 50), sentence),
    st.tuples(st.just("delete"), st.integers(0, 50), st.none()),
    st.tuples(st.just("sign"), st.integers(0, 50), st.tuples(person, title)),
    st.tuples(st.just("unsign"), st.integers(0, 50), st.none()),
    st.tuples(st.just("retitle"), st.integers(0, 50), title),
    st.tuples(st.just("review"), st.integers(0, 200), st.none()),
    st.tuples(st.just("review_all"), st.integers(0, 200), st.none()),
    st.tuples(st.just("revert"), st.integers(0, 50), st.none()),
    st.tuples(st.just("draft"), st.integers(0, 200), st.none()),
)


def letter(sentences: list[str], signatories: list[tuple[str, str]]) -> str:
    body = "\n\n".join(sentences)
    sigs = "\n\n".join(f"{i}. {n} – {t}" for i, (n, t) in enumerate(signatories, start=1))
    return f"Dear Friends,\n\n{body}\n\nWith respect,\n\nThe Undersigned\n\n{sigs}\n"


def assert_gnu_valid(path) -> None:
    """The file passes `msgfmt -c` and `msgcat` writes it back byte for byte."""
    checked = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    assert subprocess.run(["msgcat", str(path)], capture_output=True, check=True).stdout == path.read_bytes()


SCENARIO = (
    st.lists(sentence, min_size=1, max_size=5),
    st.lists(st.tuples(person, title), min_size=1, max_size=3),
    st.lists(operation, max_size=14),
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(*SCENARIO)
def test_reviewed_translations_survive_any_edit_sequence(tmp_path_factory, sentences, signatories, ops):
    run_scenario(tmp_path_factory, sentences, signatories, ops)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(*SCENARIO)
def test_reviewed_translations_survive_any_edit_sequence_long(tmp_path_factory, sentences, signatories, ops):
    run_scenario(tmp_path_factory, sentences, signatories, ops)


def run_scenario(tmp_path_factory, sentences, signatories, ops) -> None:
    """Source edits, translator edits and merges; after every step the .po is
    GNU-valid, msgcat-stable, and a second merge changes no byte."""
    locale = parse_locale("fr")
    po_path = tmp_path_factory.mktemp("prop") / "fr.po"
    reviewed: dict[tuple[str, str | None], str] = {}  # what translators approved
    counter = 0

    def merge() -> None:
        template = build_template(segment_letter(letter(sentences, signatories)), "letter.txt")
        existing = read_catalog(po_path) if po_path.exists() else None
        catalog = update_catalog(template, existing, locale)
        po_path.write_bytes(catalog_bytes(catalog))
        assert_gnu_valid(po_path)
        again = update_catalog(template, read_catalog(po_path), locale)
        assert catalog_bytes(again) == po_path.read_bytes(), "a second merge changed the file"
        check(template)

    def check(template) -> None:
        catalog = read_catalog(po_path)
        live = {(m.id, m.context) for m in template if m.id}
        for key, text in reviewed.items():
            if key in live:
                message = catalog.get(*key)
                assert message is not None and message.string == text and not message.fuzzy, key
            else:  # gone from the source: kept as obsolete, never lost
                obsolete_key = key if key[1] is not None else key[0]
                assert catalog.obsolete[obsolete_key].string == text, key

    history = []
    merge()
    for kind, index, value in ops:
        if kind == "review_all":
            catalog = read_catalog(po_path)
            for message in catalog:
                if message.id and not message.string:
                    counter += 1
                    message.string = f"Traduction {counter}"
                    message.flags.discard("fuzzy")
                    reviewed[(message.id, message.context)] = message.string
            po_path.write_bytes(catalog_bytes(catalog))
            assert_gnu_valid(po_path)
            continue
        if kind in ("review", "draft"):
            catalog = read_catalog(po_path)
            messages = [m for m in catalog if m.id]
            message = messages[index % len(messages)]
            counter += 1
            message.string = f"Traduction {counter}"
            key = (message.id, message.context)
            if kind == "review":
                message.flags.discard("fuzzy")
                reviewed[key] = message.string
            else:
                message.flags.add("fuzzy")
                reviewed.pop(key, None)
            po_path.write_bytes(catalog_bytes(catalog))
            assert_gnu_valid(po_path)
            assert message_state(read_catalog(po_path).get(*key)) == (
                "reviewed" if kind == "review" else "draft"
            )
            continue
        if kind == "revert":  # back to an earlier version of the letter
            if history:
                sentences, signatories = history[index % len(history)]
                sentences, signatories = list(sentences), list(signatories)
                merge()
            continue
        history.append((tuple(sentences), tuple(signatories)))
        if kind == "change":
            sentences[index % len(sentences)] = value
        elif kind == "tweak":
            i = index % len(sentences)
            sentences[i] = sentences[i][:-1] + f" {value}."
        elif kind == "insert":
            sentences.insert(index % (len(sentences) + 1), value)
        elif kind == "delete" and len(sentences) > 1:
            del sentences[index % len(sentences)]
        elif kind == "sign":
            signatories.insert(index % (len(signatories) + 1), value)
        elif kind == "unsign" and len(signatories) > 1:
            del signatories[index % len(signatories)]
        elif kind == "retitle":
            i = index % len(signatories)
            signatories[i] = (signatories[i][0], value)
        merge()
