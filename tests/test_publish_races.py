"""Publish against real processes: an edition turning draft mid-publish, and kill -9 mid-publish.

A writer process does what an editor and `make editions` do (saves the
catalog with an entry turned fuzzy, then writes the draft HTML and PDF that
`make editions` renders from it); its files are rendered once by the real
command. The default tier runs a few trials timed to land inside the publish;
the slow tier runs at least 50 at random moments.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from conftest import ROOT, SEED, run_cli

from pipeline.errors import PipelineError
from pipeline.po.catalog import catalog_bytes, read_catalog

SITE = "output/publish/letter"
ARGS = ("publish", "source/letter.txt", "--langs", "fr")


def start(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    """A project whose fr edition is built and final, and the files of the same edition turned draft."""
    root = tmp_path_factory.mktemp("races") / "project"
    (root / "source").mkdir(parents=True)
    shutil.copy2(SEED, root / "source/letter.txt")
    folder = root / "translations/letter"
    folder.mkdir(parents=True)
    for name in ("fr.po", "settings.toml"):
        shutil.copy2(ROOT / "translations/letter" / name, folder / name)
    run_cli("pot", "source/letter.txt", cwd=root, check=True)
    run_cli("editions", "source/letter.txt", "--langs", "fr", "--jobs", "1", cwd=root, check=True)
    draft = root.parent / "draft"
    shutil.copytree(root, draft)
    po = draft / "translations/letter/fr.po"
    catalog = read_catalog(po)
    next(m for m in catalog if m.id).flags.add("fuzzy")
    po.write_bytes(catalog_bytes(catalog))
    run_cli("editions", "source/letter.txt", "--langs", "fr", "--jobs", "1", cwd=draft, check=True)
    assert (draft / "output/letter/fr.pdf").read_bytes() != (root / "output/letter/fr.pdf").read_bytes()
    return root, draft


# Waits for a delay, or (delay < 0) for the publish to set up its new site (a hidden folder
# beside the live one: the checks are done), then saves the catalog turned fuzzy and writes the
# draft edition, each file by a rename, as an editor and `make editions` do.
EDITOR_AND_EDITIONS = """
    import os, shutil, sys, time
    root, draft, delay = sys.argv[1], sys.argv[2], float(sys.argv[3])
    publish = os.path.join(root, "output/publish")

    def staging():
        try:
            live = os.readlink(os.path.join(publish, "letter"))
        except OSError:
            live = None
        names = os.listdir(publish) if os.path.isdir(publish) else []
        return any(n.startswith(".letter.") and n != live and os.path.isdir(os.path.join(publish, n)) for n in names)

    began = time.monotonic()
    while not (time.monotonic() - began >= delay if delay >= 0 else staging()):
        time.sleep(0.001)
    for name in ("translations/letter/fr.po", "output/letter/fr.pdf", "output/letter/fr.html"):
        shutil.copyfile(os.path.join(draft, name), os.path.join(root, name + "~new"))
        os.replace(os.path.join(root, name + "~new"), os.path.join(root, name))
"""


def publish_race(tmp_path: Path, built: tuple[Path, Path], delays: list[float]) -> list[str]:
    """Publish while the edition turns draft, once per delay; a draft is never published as final."""
    final, draft = built
    final_pdf = (final / "output/letter/fr.pdf").read_bytes()
    draft_pdf = (draft / "output/letter/fr.pdf").read_bytes()
    outcomes = []
    for trial, delay in enumerate(delays):
        root = tmp_path / f"t{trial}"
        shutil.copytree(final, root, symlinks=True)
        publish = start(root, "-m", "pipeline", *ARGS)
        writer = start(root, "-c", textwrap.dedent(EDITOR_AND_EDITIONS), str(root), str(draft), str(delay))
        out, err = publish.communicate(timeout=300)
        assert writer.wait(timeout=60) == 0
        site = root / SITE
        published = (site / "fr.pdf").read_bytes() if (site / "fr.pdf").exists() else None
        is_draft = published == draft_pdf
        assert not is_draft, f"a draft fr.pdf published ({publish.returncode}: {out}{err})"
        assert "Traceback" not in err and "internal error" not in err, err
        if publish.returncode == 0:
            assert "all editions final" in out and published == final_pdf
            outcomes.append("published, final")
        else:
            assert publish.returncode == 1, err
            assert "changed while publishing" in err or "fr: draft" in err, err
            assert published is None, "the refused publish changed the site"
            outcomes.append("refused" if "changed while publishing" in err else "held back (draft)")
    return outcomes


def test_an_edition_turning_draft_mid_publish_is_never_published_as_final(tmp_path, built):
    # the writer acts right after the checks: before the fix, every trial published the draft PDF
    outcomes = publish_race(tmp_path, built, [-1.0] * 3)
    assert outcomes == ["refused"] * 3, outcomes


@pytest.mark.slow
def test_an_edition_turning_draft_mid_publish_many(tmp_path, built):
    rng = random.Random(21)
    began = time.monotonic()
    assert run_cli(*ARGS, cwd=built[0]).returncode == 0
    duration = time.monotonic() - began
    shutil.rmtree(built[0] / "output/publish")
    delays = [-1.0] * 10 + [rng.uniform(0, 1.2 * duration) for _ in range(50)]
    print(publish_race(tmp_path, built, delays))


# --- kill -9 mid-publish: the live site is always whole, and the next publish clears what was left


# Reads the live site's index as fast as it can until stopped; counts the reads that found none.
READER = """
    import os, signal, sys, time
    index = os.path.join(sys.argv[1], "index.html")
    misses = reads = 0
    running = True

    def stop(*_):
        global running
        running = False

    signal.signal(signal.SIGTERM, stop)
    while running:
        reads += 1
        try:
            with open(index, "rb") as handle:
                if not handle.read(1):
                    misses += 1
        except OSError:
            misses += 1
        time.sleep(0.0002)  # a shared machine: a few thousand reads a second
    print(misses, reads)
"""


def beside(root: Path) -> list[str]:
    """What is beside the live site, but the folder it links to and the publish lock."""
    site = root / SITE
    keep = {"letter", ".letter.publish.lock", os.readlink(site) if site.is_symlink() else "letter"}
    return sorted(p.name for p in site.parent.iterdir() if p.name not in keep)


def whole(site: Path) -> bool:
    return subprocess.run(["sha256sum", "--quiet", "-c", "SHA256SUMS"], cwd=site).returncode == 0


def kill_race(tmp_path: Path, built: tuple[Path, Path], delays: list[float]) -> list[str]:
    """kill -9 a publish ``delay`` s after it set up its new site; then publish again to the end."""
    root = tmp_path / "project"
    shutil.copytree(built[0], root, symlinks=True)
    assert run_cli(*ARGS, cwd=root).returncode == 0
    site = root / SITE
    reader = start(root, "-c", textwrap.dedent(READER), str(site))
    outcomes = []
    try:
        for delay in delays:
            publish = start(root, "-m", "pipeline", *ARGS)
            while not beside(root) and publish.poll() is None:
                time.sleep(0.001)
            time.sleep(delay)
            publish.kill()
            publish.wait(timeout=60)
            left = beside(root)
            outcomes.append(f"killed, {len(left)} left" if publish.returncode == -9 else "finished")
            assert whole(site), "no complete live site after kill -9"
            result = run_cli(*ARGS, cwd=root)
            assert result.returncode == 0, result.stderr
            assert beside(root) == [], f"left beside the site after the next publish: {beside(root)}"
            assert whole(site)
    finally:
        reader.terminate()
        out, _ = reader.communicate(timeout=60)
    misses, reads = map(int, out.split())
    assert reads > 0 and misses == 0, f"{misses} of {reads} reads found no live site"
    return outcomes


def test_kill_during_publish_leaves_a_whole_site_and_the_next_publish_cleans_up(tmp_path, built):
    # before the fix, every kill while the site was written left a hidden .letter.new-* folder for good
    outcomes = kill_race(tmp_path, built, [0.0, 0.4, 0.8])
    print(outcomes)
    assert any(o.endswith("left") and not o.endswith(" 0 left") for o in outcomes), outcomes


@pytest.mark.slow
def test_kill_during_publish_many(tmp_path, built):
    rng = random.Random(10)
    print(kill_race(tmp_path, built, [rng.uniform(0, 2.0) for _ in range(50)]))


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "no-renameat2"])
def test_a_site_folder_of_an_earlier_version_becomes_the_symlink(tmp_path, monkeypatch, exchange):
    from pipeline.editions import swap

    target = tmp_path / "publish/letter"
    target.mkdir(parents=True)
    (target / "index.html").write_text("old", encoding="utf-8")
    (target.parent / ".letter.new-abcd1234").mkdir()  # left by a publish of an earlier version
    if not exchange:
        monkeypatch.setattr(swap, "_exchange", lambda first, second: False)
    swap.check_target(target)
    assert swap.clean_leftovers(target) == [".letter.new-abcd1234"]
    folder = swap.new_site_folder(target)
    (folder / "index.html").write_text("new", encoding="utf-8")
    swap.swap_in(folder, target)
    assert target.is_symlink() and (target / "index.html").read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in target.parent.iterdir()) == sorted(["letter", folder.name])
    other = tmp_path / "elsewhere"
    other.mkdir()
    target.unlink()
    target.symlink_to(other)
    with pytest.raises(PipelineError, match="a symlink publish did not make"):
        swap.check_target(target)
