"""The Makefile's targets, exercised in a temporary copy of the repository."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import ROOT, share_venv, snapshot

from pipeline.po.catalog import catalog_bytes, catalog_stats, read_catalog

IGNORED = shutil.ignore_patterns(
    ".venv", ".git", "output", "__pycache__", ".pytest_cache", ".hypothesis", "*.egg-info", ".ruff_cache"
)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """A copy of the working tree sharing this checkout's installed .venv."""
    copy = tmp_path_factory.mktemp("repo") / "repo"
    shutil.copytree(ROOT, copy, ignore=IGNORED, symlinks=True)
    share_venv(copy)
    return copy


def make(repo: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
    result = subprocess.run(
        ["make", "--no-print-directory", *args], cwd=repo, capture_output=True, text=True, env=env
    )
    if check and result.returncode != 0:
        raise AssertionError(f"make {args} failed:\n{result.stdout}\n{result.stderr}")
    return result


def test_help_lists_every_target(repo):
    out = make(repo, "help").stdout
    makefile = (repo / "Makefile").read_text()
    targets = [line.split(":")[0] for line in makefile.splitlines() if re.match(r"^[a-z][a-z-]*:.*## ", line)]
    assert len(targets) >= 10
    for target in targets:
        assert f"  {target} " in out
    phony = next(line for line in makefile.splitlines() if line.startswith(".PHONY:")).split()[1:]
    assert set(phony) <= set(targets), set(phony) - set(targets)


def test_make_builds_then_a_second_make_does_nothing(repo):
    make(repo)
    assert (repo / "translations/letter/letter.pot").exists()
    for lang in ("az", "ru", "fr"):
        assert (repo / f"translations/letter/{lang}.po").exists()
    second = make(repo)
    assert "Nothing to be done" in second.stdout, second.stdout


def test_source_edit_flows_to_catalogs(repo):
    make(repo)
    letter = repo / "source/letter.txt"
    original = letter.read_bytes()
    fr = repo / "translations/letter/fr.po"
    catalogs = snapshot(repo / "translations/letter")
    fr_before = fr.read_bytes()
    fr.write_bytes(
        fr_before.replace(
            b'msgid "We stand at a historic crossroads."\nmsgstr ""',
            b'msgid "We stand at a historic crossroads."\nmsgstr "Nous sommes \xc3\xa0 un carrefour historique."',
        )
    )
    try:
        letter.write_bytes(
            original.replace(b"We stand at a historic crossroads.", b"We stand at a crossroads.")
        )
        out = make(repo).stdout
        assert "pipeline pot" in out and "pipeline po" in out
        assert (
            '#| msgid "We stand at a historic crossroads."'
            in (repo / "translations/letter/fr.po").read_text()
        )
    finally:
        letter.write_bytes(original)
        restore(repo, catalogs)
    make(repo)


def restore(repo: Path, catalogs: dict[str, bytes]) -> None:
    """Every catalog as it was, so one test's letter edit never reaches the tests after it."""
    for name, data in catalogs.items():
        (repo / "translations/letter" / name).write_bytes(data)


def test_source_and_langs_override(repo):
    make(repo, "SOURCE=tests/data/second_letter.txt", "LANGS=de lt")
    folder = repo / "translations/second_letter"
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "de.po",
        "lt.po",
        "second_letter.pot",
    ]
    stats = make(repo, "stats", "SOURCE=tests/data/second_letter.txt", "LANGS=de lt").stdout
    table = stats.split("\n\n")[0].splitlines()  # the first table: one row per language
    assert [line.split()[0] for line in table[-2:]] == ["de", "lt"]


def test_stats_prints_every_language(repo):
    make(repo, "po")
    out = make(repo, "stats").stdout.split("\n\n")[0].splitlines()  # the first table
    assert out[0].split()[:5] == ["lang", "total", "reviewed", "draft", "untransl."]
    assert [line.split()[0] for line in out[2:]] == ["az", "ru", "fr"]


def test_bad_language_fails_and_changes_nothing(repo):
    make(repo)
    before = snapshot(repo / "translations")
    result = make(repo, "po", "LANGS=az qq", check=False)
    assert result.returncode != 0
    assert "LANGS: error: unknown language code 'qq'" in result.stderr
    assert snapshot(repo / "translations") == before


def test_publish_fails_while_editions_are_drafts(repo):
    make(repo)
    result = make(repo, "publish", check=False)
    drafts = [
        lang
        for lang in ("az", "ru", "fr")
        if not catalog_stats(read_catalog(repo / f"translations/letter/{lang}.po")).complete
    ]
    assert (result.returncode != 0) == bool(drafts)
    for lang in drafts:
        assert f"{lang}: draft:" in result.stderr
    assert (repo / "output/publish/letter/en.pdf").exists()


# --- what runs again, and what does not ----------------------------------------------

OUTPUTS = [f"output/letter/{lang}.{ext}" for lang in ("en", "az", "ru", "fr") for ext in ("html", "pdf")]
CATALOG_FILES = [f"translations/letter/{name}" for name in ("letter.pot", "az.po", "ru.po", "fr.po")]


def times(repo: Path, files: list[str]) -> dict[str, int]:
    return {f: (repo / f).stat().st_mtime_ns for f in files}


def rendered(out: str) -> list[str]:
    """The editions the editions step rendered, from its output."""
    return re.findall(r"output/letter/(\S+)\.html \+ \.pdf", out)


def test_whitespace_only_edit_rerenders_no_edition(repo):
    make(repo)
    letter = repo / "source/letter.txt"
    original = letter.read_bytes()
    before = times(repo, OUTPUTS + CATALOG_FILES)
    try:
        # trailing spaces: the template does not change, so nothing after it runs
        lines = original.split(b"\n")
        lines[4] += b"   "
        letter.write_bytes(b"\n".join(lines))
        out = make(repo).stdout
        assert "pipeline pot" in out and "pipeline po " not in out, out
        assert rendered(out) == [], out
        assert times(repo, OUTPUTS + CATALOG_FILES) == before
        # a blank line moves every later line: references change, no edition does
        letter.write_bytes(original.replace(b"\n\n", b"\n\n\n", 1))
        out = make(repo).stdout
        assert rendered(out) == [] and "0 rendered" in out, out
        assert times(repo, OUTPUTS) == {f: before[f] for f in OUTPUTS}
    finally:
        letter.write_bytes(original)
        make(repo)
    assert "Nothing to be done" in make(repo).stdout


def test_one_po_edit_rerenders_only_that_language(repo):
    make(repo)
    po = repo / "translations/letter/ru.po"
    original = po.read_bytes()
    before = times(repo, OUTPUTS)
    try:
        edit_po(po, lambda m: m.string + " (испр.)" if m.id == first_translated(po).id else None)
        out = make(repo).stdout
        assert rendered(out) == ["ru"], out
        after = times(repo, OUTPUTS)
        changed = sorted(f for f in OUTPUTS if after[f] != before[f])
        assert changed == ["output/letter/ru.html", "output/letter/ru.pdf"]
        assert "Nothing to be done" in make(repo).stdout
        po.write_bytes(po.read_bytes())  # saved again unchanged: the step runs, renders nothing
        assert rendered(make(repo).stdout) == []
        (repo / "output/letter/az.pdf").unlink()  # a lost file comes back, alone
        out = make(repo).stdout
        assert rendered(out) == ["az"], out
        assert "Nothing to be done" in make(repo).stdout
    finally:
        po.write_bytes(original)
        make(repo)


def first_translated(path: Path):
    return next(m for m in read_catalog(path) if m.id and m.string)


def edit_po(path: Path, change) -> None:
    """Play translator: ``change(message)`` returns a message's new translation, or None."""
    catalog = read_catalog(path)
    for message in catalog:
        if message.id and (new := change(message)) is not None:
            message.string = new
    path.write_bytes(catalog_bytes(catalog))


def test_unrelated_code_templates_and_languages_trigger_nothing(repo):
    make(repo, "LANGS=ru fr")
    for name in (
        "pipeline/review/sheets.py",
        "pipeline/review/checks.py",
        "templates/review.css",
        "templates/ui/az.po",
    ):
        os.utime(repo / name)
        assert "Nothing to be done" in make(repo, "LANGS=ru fr").stdout, name
    os.utime(repo / "templates/ui/fr.po")  # the language's own interface catalog: looked at, unchanged
    out = make(repo, "LANGS=ru fr").stdout
    assert "pipeline editions" in out and rendered(out) == [], out


def _make_variable(repo: Path, name: str) -> set[str]:
    out = make(repo, "--eval", "print-var: ; @echo $(" + name + ")", "print-var").stdout
    return set(out.split())


def _modules_read(repo: Path, *args: str) -> set[str]:
    """The pipeline's own files a command imports, run as make runs it."""
    code = (
        "import atexit, runpy, sys\n"
        "def dump():\n"
        "    files = {getattr(m, '__file__', None) for n, m in list(sys.modules.items()) if n.startswith('pipeline')}\n"
        "    print('\\n'.join(sorted(f for f in files if f)), file=open('modules.txt', 'w'))\n"
        "atexit.register(dump)\n"
        "sys.argv = ['pipeline', *sys.argv[1:]]\n"
        "runpy.run_module('pipeline', run_name='__main__')\n"
    )
    subprocess.run([sys.executable, "-c", code, *args], cwd=repo, check=True, capture_output=True)
    files = (repo / "modules.txt").read_text().split()
    (repo / "modules.txt").unlink()
    return {str(Path(f).resolve().relative_to(repo.resolve())) for f in files}


def test_make_dependencies_follow_what_each_step_reads(repo):
    make(repo)
    catalog_code = _make_variable(repo, "CATALOG_CODE")
    edition_code = _make_variable(repo, "EDITION_CODE")
    read_by_po = _modules_read(repo, "pot", "source/letter.txt") | _modules_read(
        repo, "po", "source/letter.txt", "--langs", "fr"
    )
    read_by_editions = _modules_read(
        repo, "editions", "source/letter.txt", "--langs", "az ru fr", "--jobs", "1"
    )
    assert read_by_po <= catalog_code, read_by_po - catalog_code
    assert read_by_editions <= edition_code, read_by_editions - edition_code
    for unread in ("pipeline/review/sheets.py", "pipeline/review/checks.py", "pipeline/mt/drafts.py"):
        assert unread not in edition_code and unread not in catalog_code


# --- failures keep what is good ----------------------------------------------------------


def _failing_python(repo: Path, command: str, after: str) -> Path:
    """A stand-in for .venv/bin/python: runs the real one, then ``after`` for ``pipeline COMMAND``."""
    wrapper = repo / "failing-python"
    wrapper.write_text(
        "#!/bin/bash\n"
        f'"{repo}/.venv/bin/python" "$@"; status=$?\n'
        f'case " $* " in *" {command} "*) {after};; esac\n'
        "exit $status\n"
    )
    wrapper.chmod(0o755)
    return wrapper


def test_a_failing_merge_never_deletes_a_catalog(repo):
    make(repo, "po")
    letter = repo / "source/letter.txt"
    original = letter.read_bytes()
    catalogs = snapshot(repo / "translations/letter")
    wrapper = _failing_python(repo, "po", "exit 1")
    try:
        letter.write_bytes(original.replace(b"a bridge between", b"a bridge among"))
        result = make(repo, "po", f"PY={wrapper}", check=False)
        assert result.returncode != 0
        for name in CATALOG_FILES:
            path = repo / name
            assert path.exists(), f"{name} deleted:\n{result.stderr}"
            subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(path)], check=True)
        assert "Deleting file 'translations" not in result.stderr
    finally:
        wrapper.unlink()
        letter.write_bytes(original)
        restore(repo, catalogs)
    make(repo)


def test_an_interrupted_merge_never_deletes_a_catalog(repo):
    """Ctrl-C (SIGINT to make's process group) right after a catalog is replaced."""
    make(repo, "po")
    letter = repo / "source/letter.txt"
    original = letter.read_bytes()
    marker = repo / "merged"
    catalogs = snapshot(repo / "translations/letter")
    wrapper = _failing_python(repo, "po", f'touch "{marker}"; sleep 60')
    try:
        letter.write_bytes(original.replace(b"a bridge between", b"a bridge among"))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MAKE", "MFLAGS"))}
        process = subprocess.Popen(
            ["make", "--no-print-directory", "po", "LANGS=ru", f"PY={wrapper}"],
            cwd=repo,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while not marker.exists() and time.monotonic() < deadline and process.poll() is None:
            time.sleep(0.05)
        assert marker.exists(), process.communicate()
        os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
        assert process.returncode != 0
        ru = repo / "translations/letter/ru.po"
        assert ru.exists(), stderr
        assert "fuzzy" in ru.read_text()  # the merge it finished is there
        subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(ru)], check=True)
        assert "Deleting file 'translations" not in stderr
        out = make(repo, "po", "LANGS=ru").stdout  # the merge runs again, and converges
        assert "ru.po: unchanged" in out, out
    finally:
        marker.unlink(missing_ok=True)
        (repo / "failing-python").unlink(missing_ok=True)
        letter.write_bytes(original)
        restore(repo, catalogs)
    make(repo)


def test_one_failing_edition_keeps_every_good_output(repo):
    make(repo)
    ui = repo / "templates/ui/fr.po"
    original = ui.read_bytes()
    files = [*OUTPUTS, "output/letter/index.html"]
    before = {f: (repo / f).read_bytes() for f in files}
    try:
        ui.write_bytes(original + b'\nmsgid "broken\n')
        result = make(repo, check=False)
        assert result.returncode != 0
        failures = [line for line in result.stderr.splitlines() if "edition not built" in line]
        assert len(failures) == 1 and "(fr edition not built)" in failures[0], result.stderr
        assert failures[0].startswith(f"{ui}:") or "templates/ui/fr.po:" in failures[0]
        assert "Deleting" not in result.stderr
        assert {f: (repo / f).read_bytes() for f in files} == before
        again = make(repo, check=False)  # still failing: it runs again rather than pass as done
        assert again.returncode != 0 and "(fr edition not built)" in again.stderr
    finally:
        ui.write_bytes(original)
    assert make(repo).returncode == 0
    assert {f: (repo / f).read_bytes() for f in files} == before


def test_a_language_without_catalog_or_glyphs_fails_alone(repo):
    make(repo)
    files = [*OUTPUTS, "output/letter/index.html"]
    before = {f: (repo / f).read_bytes() for f in files}
    try:
        # zh gets a catalog (make po makes it); where the fonts cannot draw Han, each
        # edition naming zh in its list of languages fails, one line each, and
        # nothing on disk changes
        result = make(repo, "editions", "LANGS=ru zh", check=False)
        if result.returncode != 0:
            failures = [line for line in result.stderr.splitlines() if "edition not built" in line]
            assert failures and all(re.search(r"\((en|ru|zh) edition not built\)$", f) for f in failures)
            assert "Deleting" not in result.stderr
            assert {f: (repo / f).read_bytes() for f in files} == before
        else:
            assert (repo / "output/letter/zh.pdf").exists()
            before = {f: (repo / f).read_bytes() for f in files}  # zh built: the index lists it now
        # no de.po: de fails, naming its file; the others are rendered (their list of
        # languages changed); the index stays as it was
        failed = subprocess.run(
            [".venv/bin/python", "-m", "pipeline", "editions", "source/letter.txt", "--langs", "ru de"],
            cwd=repo,
            capture_output=True,
            text=True,
        )
        assert failed.returncode == 1
        assert failed.stderr.splitlines() == [
            "translations/letter/de.po: error: no catalog for this language; run `make po` (de edition not built)",
            "output/letter/index.html: 2 rendered, 0 unchanged, 1 failed (de)",
        ]
        assert rendered(failed.stdout) == ["en", "ru"]
        unchanged = [f for f in files if "/en." not in f and "/ru." not in f]
        assert {f: (repo / f).read_bytes() for f in unchanged} == {f: before[f] for f in unchanged}
    finally:
        (repo / "translations/letter/zh.po").unlink(missing_ok=True)
    make(repo)


# --- publishing ----------------------------------------------------------------------------


def publish_cli(repo: Path, langs: str = "az ru fr") -> subprocess.CompletedProcess:
    return subprocess.run(
        [".venv/bin/python", "-m", "pipeline", "publish", "source/letter.txt", "--langs", langs],
        cwd=repo,
        capture_output=True,
        text=True,
    )


def test_publish_never_half_publishes_an_edition(repo):
    make(repo)
    published = repo / "output/publish/letter"
    shutil.rmtree(published, ignore_errors=True)
    pdf = repo / "output/letter/ru.pdf"
    saved = pdf.read_bytes()
    try:
        pdf.unlink()
        result = publish_cli(repo)
        assert result.returncode == 1
        assert "ru: output/letter/ru.pdf is missing or out of date; run `make editions`" in result.stderr
        names = sorted(p.name for p in published.iterdir())
        assert "ru.html" not in names and "ru.pdf" not in names
        assert {"en.html", "en.pdf"} <= set(names)
        pdf.write_bytes(saved)
        assert publish_cli(repo).returncode == 0
        assert {"ru.html", "ru.pdf"} <= {p.name for p in published.iterdir()}
        # no leftovers: beside the site only the folder it links to (editions/swap.py) and the lock
        hidden = {p.name for p in published.parent.iterdir() if p.name.startswith(".")}
        assert hidden == {os.readlink(published), ".letter.publish.lock"}
    finally:
        pdf.write_bytes(saved)


def test_publish_refuses_an_edition_with_check_errors_without_a_signoff(repo):
    make(repo)
    po = repo / "translations/letter/fr.po"
    original = po.read_bytes()
    try:
        target = next(m for m in read_catalog(po) if m.id and re.search(r"\d", m.string))
        edit_po(po, lambda m: re.sub(r"\d", "7", m.string) if m.id == target.id else None)
        assert not (repo / "translations/letter/signoff.json").exists()
        result = make(repo, "publish", check=False)
        assert result.returncode != 0
        assert re.search(
            r"^  fr: \d+ check errors in translations/letter/fr\.po \(run `make check`\)$",
            result.stderr,
            re.M,
        ), result.stderr
        published = {p.name for p in (repo / "output/publish/letter").iterdir()}
        assert "fr.html" not in published and "fr.pdf" not in published
    finally:
        po.write_bytes(original)
        make(repo)


# --- the letter's name and path ---------------------------------------------------------------


def state(repo: Path) -> tuple:
    """The repository's top level, catalogs and outputs: to prove nothing was written."""
    output = snapshot(repo / "output") if (repo / "output").exists() else {}
    return sorted(p.name for p in repo.iterdir()), snapshot(repo / "translations"), output


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("source/...txt", 'the letter\'s name ".."'),
        ("source/.hidden.txt", 'the letter\'s name ".hidden"'),
        ("source/my letter.txt", "without spaces"),
    ],
)
def test_unsafe_letter_names_are_refused_before_anything_runs(repo, name, message):
    source = repo / name
    shutil.copy(repo / "source/letter.txt", source)
    try:
        before = state(repo)
        result = make(repo, f"SOURCE={name}", check=False)
        assert result.returncode != 0
        assert len(result.stderr.strip().splitlines()) == 1 and message in result.stderr, result.stderr
        assert "error:" in result.stderr and result.stdout == ""
        assert state(repo) == before
        cli = subprocess.run(
            [".venv/bin/python", "-m", "pipeline", "po", name, "--langs", "fr"],
            cwd=repo,
            capture_output=True,
            text=True,
        )
        assert cli.returncode == 1 and len(cli.stderr.strip().splitlines()) == 1, cli.stderr
        assert "error:" in cli.stderr
        assert state(repo) == before
    finally:
        source.unlink()


def test_default_test_target_leaves_out_the_slow_tier(repo):
    dry = make(repo, "-n", "test", "test-slow").stdout
    assert re.search(r'-m pytest -n \d+ --dist loadfile -m "not slow"', dry), dry
    assert "-m pytest -m slow" in dry


def test_a_missing_letter_is_one_line(repo):
    result = make(repo, "SOURCE=source/nope.txt", check=False)
    assert result.returncode != 0 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert "source/nope.txt: error: no such letter" in line


@pytest.mark.parametrize(
    ("args", "value"),
    [
        (("po", "LANGS=ru fr.x/../../../x"), "'fr.x/../../../x'"),
        (("po", "LANGS=fr,.."), "'..'"),
        (("approve", "LANG=fr@x/../../y", "BY=Marie Curie"), "'fr@x/../../y'"),
        (("accept", "LANG=fr ru", "BY=Marie Curie"), "'fr ru'"),
    ],
)
def test_language_codes_that_are_paths_are_refused_before_anything_runs(repo, args, value):
    before = state(repo)
    result = make(repo, *args, check=False)
    assert result.returncode != 0 and result.stdout == ""
    (line,) = result.stderr.strip().splitlines()
    assert "error:" in line and value in line, line
    assert state(repo) == before


def test_make_writes_a_language_code_one_way(repo):
    shutil.copy(repo / "source/letter.txt", repo / "source/codes.txt")
    try:
        make(repo, "po", "SOURCE=source/codes.txt", "LANGS=FR fr-fr")
        names = sorted(p.name for p in (repo / "translations/codes").glob("*.po"))
        assert names == ["fr.po", "fr_FR.po"]
        stamps = sorted(p.name for p in (repo / "output/.stamps/codes").glob("*.stamp"))
        assert stamps == ["fr.po.stamp", "fr_FR.po.stamp", "pot.stamp"]
        again = make(repo, "po", "SOURCE=source/codes.txt", "LANGS=fr fr_FR")
        assert "pipeline po" not in again.stdout, again.stdout
    finally:
        (repo / "source/codes.txt").unlink()
        shutil.rmtree(repo / "translations/codes", ignore_errors=True)
        shutil.rmtree(repo / "output/.stamps/codes", ignore_errors=True)
