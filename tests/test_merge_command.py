"""``python -m pipeline.po``: the fuzzy search in a second process, the entries it cannot
change written out meanwhile; the file is the same as the merge done in one process."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT

from pipeline.po.catalog import parse_locale, read_catalog, update_catalog
from pipeline.po.fuzzy import EXHAUSTIVE_PAIRS, MatcherProcess, best_matches
from pipeline.po.write import catalog_bytes

sys.path.insert(0, str(ROOT / "bench"))
from bench_catalog import prepare


def merge_command(folder: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipeline.po", "old.po", "new.pot", "-o", "out.po", "--lang", "fr", *extra],
        cwd=folder, capture_output=True, text=True, timeout=300,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip


@pytest.fixture(scope="module")
def catalogs(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("merge")
    prepare(folder, 3000)
    return folder


def test_the_command_writes_what_the_merge_in_one_process_writes(catalogs):
    result = merge_command(catalogs)
    assert result.returncode == 0 and result.stderr == ""
    merged = update_catalog(
        read_catalog(catalogs / "new.pot"), read_catalog(catalogs / "old.po"), parse_locale("fr")
    )
    expected = catalog_bytes(merged)
    assert (catalogs / "out.po").read_bytes() == expected
    assert sum("fuzzy" in m.flags for m in merged if m.id) > 10  # the search found drafts
    assert subprocess.run(["msgfmt", "-c", "-o", os.devnull, str(catalogs / "out.po")]).returncode == 0


def search_inputs() -> tuple[list[str], list[str]]:
    """Past EXHAUSTIVE_PAIRS, so that the matcher process is asked."""
    rng = random.Random(5)
    words = ["alpha", "beta", "gamma", "delta", "letter", "right", "return", "heritage", "support", "people"]
    choices = [" ".join(rng.choices(words, k=rng.randint(3, 9))) for _ in range(1200)]
    queries = [c.replace("a", "o", 1) for c in rng.sample(choices, 240)] + ["nothing like it"]
    assert len(queries) * len(choices) > EXHAUSTIVE_PAIRS
    return queries, choices


def test_the_matcher_process_gives_the_exhaustive_answers():
    queries, choices = search_inputs()
    helper = MatcherProcess()
    waited = []
    try:
        found = helper.matcher(lambda: waited.append(True))(queries, choices)
    finally:
        helper.close()
    assert waited == [True]
    assert found == best_matches(queries, choices, exhaustive_pairs=1 << 40)
    assert found[-1] is None and all(f is not None for f in found[:-1])


def test_a_killed_matcher_process_is_replaced_by_the_search_here():
    queries, choices = search_inputs()
    helper = MatcherProcess()
    os.kill(helper._pid, signal.SIGKILL)
    time.sleep(0.2)
    waited = []
    try:
        found = helper.matcher(lambda: waited.append(True))(queries, choices)
    finally:
        helper.close()
    assert waited == [True] and found == best_matches(queries, choices)


def test_bad_input_is_one_line_and_the_helper_does_not_linger(catalogs, tmp_path):
    for name in ("new.pot",):
        (tmp_path / name).write_bytes((catalogs / name).read_bytes())
    (tmp_path / "old.po").write_text('msgid "a"\nmsgstr "b"\nmsgid "unterminated\n', encoding="utf-8")
    start = time.monotonic()
    result = merge_command(tmp_path)
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "old.po" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out.po").exists() and time.monotonic() - start < 60
