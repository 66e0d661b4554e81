"""Bad input: one-line error naming the file (and line), non-zero exit, nothing changed."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT, run_cli, snapshot


def prepared(workdir: Path) -> Path:
    run_cli("pot", "source/letter.txt", cwd=workdir, check=True)
    run_cli("po", "source/letter.txt", cwd=workdir, check=True)
    return workdir / "translations" / "letter"


def assert_one_line_error(result, *needles: str) -> None:
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


@pytest.mark.parametrize(
    ("content", "needles"),
    [
        (b"", ["source/letter.txt: error: empty letter"]),
        (b"  \n\n \r\n", ["source/letter.txt: error: empty letter"]),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", ["source/letter.txt:3: error: binary file"]),
        (
            "Dear All,\n\nCaf\u00e9 text.\n".encode("latin-1"),
            ["source/letter.txt:3: error: not UTF-8 text (byte 0xe9)"],
        ),
        (
            b"Dear All,\n\nWe write.\n\nRegards,\n\nUs\n",
            ["source/letter.txt: error: no numbered signatory list"],
        ),
        (b"date 2026-02-31 Lead.\n\nDear All,\n\n1. A B - C\n", ["source/letter.txt:1: error: bad date"]),
    ],
    ids=["empty", "blank", "binary", "latin1", "no-signatories", "bad-date"],
)
@pytest.mark.parametrize("command", ["segment", "pot", "po"])
def test_bad_letter(workdir, content, needles, command):
    folder = prepared(workdir)
    before = snapshot(folder)
    (workdir / "source" / "letter.txt").write_bytes(content)
    result = run_cli(command, "source/letter.txt", cwd=workdir)
    assert_one_line_error(result, *needles)
    assert snapshot(folder) == before


def test_missing_letter(workdir):
    result = run_cli("pot", "source/nope.txt", cwd=workdir)
    assert_one_line_error(result, "source/nope.txt: error: cannot read: No such file or directory")


@pytest.mark.parametrize(
    ("damage", "line", "reason"),
    [
        (
            lambda t: t.replace(
                'msgstr ""\n\n#. Paragraph 1, sentence 1.', 'msgstr "x\n\n#. Paragraph 1, sentence 1.', 1
            ),
            None,
            "PO",
        ),
        (
            lambda t: t.replace(
                'msgid "Dear Mr. Vice President,"', 'msgid "Dear Mr. Vice President,"\nbogus line'
            ),
            None,
            "PO syntax error",
        ),
        (lambda t: t + '\nmsgid "Mr. Vice President,"\nmsgstr "x"\n', None, "duplicate message definition"),
    ],
    ids=["unterminated-string", "unknown-keyword", "duplicate"],
)
def test_po_syntax_error_names_file_and_line(workdir, damage, line, reason):
    folder = prepared(workdir)
    ru = folder / "ru.po"
    ru.write_text(damage(ru.read_text(encoding="utf-8")), encoding="utf-8")
    # the source changes too, so a successful run would rewrite every catalog
    source = workdir / "source" / "letter.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("Dear Mr.", "Dear Mister"), encoding="utf-8")
    run_cli("pot", "source/letter.txt", cwd=workdir, check=True)
    before = snapshot(folder)
    result = run_cli("po", "source/letter.txt", cwd=workdir)
    assert_one_line_error(result, "translations/letter/ru.po:", reason)
    number = int(result.stderr.split(":")[1])
    assert 1 <= number <= len(ru.read_text(encoding="utf-8").splitlines())
    assert snapshot(folder) == before
    # msgfmt agrees the file is broken
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(ru)], capture_output=True).returncode != 0


def test_po_that_is_not_utf8(workdir):
    folder = prepared(workdir)
    fr = folder / "fr.po"
    fr.write_bytes(
        fr.read_bytes().replace(
            b'msgid "Mr. Vice President,"\nmsgstr ""',
            b'msgid "Mr. Vice President,"\nmsgstr "Monsieur le Vice-Pr\xe9sident,"',
        )
    )
    before = snapshot(folder)
    result = run_cli("po", "source/letter.txt", cwd=workdir)
    assert_one_line_error(result, "translations/letter/fr.po:", "not UTF-8")
    assert snapshot(folder) == before


@pytest.mark.parametrize("langs", ["xx", "az zz-QQ", "ru ../../etc"])
def test_unknown_language_code(workdir, langs):
    folder = prepared(workdir)
    before = snapshot(workdir)
    result = run_cli("po", "source/letter.txt", "--langs", langs, cwd=workdir)
    assert_one_line_error(result, "LANGS: error: unknown language code")
    assert snapshot(workdir) == before
    assert snapshot(folder) == {
        k[len("translations/letter/") :]: v for k, v in before.items() if k.startswith("translations/letter/")
    }


@contextlib.contextmanager
def read_only(folder: Path):
    """Make ``folder`` unwritable, for root too (chattr +i) where chmod is not enough."""
    mode = folder.stat().st_mode
    os.chmod(folder, stat.S_IRUSR | stat.S_IXUSR)
    immutable = False
    probe = folder / ".probe"
    try:
        probe.touch()
        probe.unlink()
        immutable = subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
    except OSError:
        pass
    try:
        yield
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(folder)], check=True)
        os.chmod(folder, mode)


def test_unwritable_output_folder(workdir):
    folder = prepared(workdir)
    source = workdir / "source" / "letter.txt"
    source.write_text(source.read_text(encoding="utf-8").replace("Dear Mr.", "Dear Mister"), encoding="utf-8")
    before = snapshot(folder)
    with read_only(folder):
        try:
            (folder / ".probe").touch()
            pytest.fail("could not make the folder read-only on this machine")
        except OSError:
            pass
        result = run_cli("pot", "source/letter.txt", cwd=workdir)
    assert_one_line_error(result, "translations/letter: error: cannot write here")
    assert snapshot(folder) == before


def test_output_folder_that_is_a_file(workdir):
    (workdir / "translations").write_text("not a folder")
    result = run_cli("pot", "source/letter.txt", cwd=workdir)
    assert_one_line_error(result, "translations/letter/letter.pot: error: cannot", "Not a directory")
    assert (workdir / "translations").read_text() == "not a folder"


# --- sign-off file: validated whole on read, so review, approve, index and editions all say the same ----

HEX = "0123456789abcdef" * 4


def signoff_json(**fields) -> str:
    """A sign-off file of fr, one field per line ("fr" on line 2, by 3, date 4, hashes 5 and 6)."""
    record = {"by": "Claire Martin", "date": "2026-02-10", "source_sha256": HEX, "catalog_sha256": HEX}
    record.update(fields)
    return json.dumps({"fr": record}, indent=2)


BAD_SIGNOFFS = [
    ("list", b"[]", ":1: error: expected an object of language code"),
    ("string", b'"fr"', ":1: error: expected an object of language code"),
    ("lang-list", b'{"fr": []}', ":1: error: fr: expected an object with by, date"),
    ("missing-fields", b'{\n  "fr": {"by": "X"}\n}', ":2: error: fr: no 'date', no 'source_sha256'"),
    ("unknown-field", signoff_json(extra="1").encode(), ":2: error: fr: unknown 'extra'"),
    ("date-soon", signoff_json(date="soon").encode(), ":4: error: fr: date 'soon' is not a date"),
    ("date-feb-30", signoff_json(date="2026-02-30").encode(), ":4: error: fr: date '2026-02-30'"),
    ("by-number", signoff_json(by=5).encode(), ":3: error: fr: by must be a non-empty string"),
    ("by-escape", signoff_json(by="A\x1b[2J").encode(), ":3: error: fr: by holds a control character"),
    (
        "sha-short",
        signoff_json(catalog_sha256="abc").encode(),
        ":6: error: fr: catalog_sha256 is not a sha256",
    ),
    ("lang-path", b'{"../fr": {}}', ":1: error: '../fr' is not a language code"),
    ("bad-json", b'{\n  "fr": {\n    "by": "X",\n  }\n}', ":4: error: not valid JSON"),
    ("empty", b"", ":1: error: not valid JSON"),
    ("latin1", '{"fr": {"by": "Andr\u00e9"}}'.encode("latin-1"), ":1: error: not UTF-8 (byte 0xe9)"),
]
SIGNOFF_COMMANDS = {
    "review": ["review", "source/letter.txt", "--langs", "fr"],
    "approve": ["approve", "source/letter.txt", "--lang", "ru", "--by", "Ivan Petrov"],
    "index": ["index", "source/letter.txt", "--langs", "fr"],
}


@pytest.fixture
def shipped(workdir: Path) -> Path:
    """The seed letter with the shipped, reviewed catalogs and no sign-off."""
    shutil.copytree(ROOT / "translations" / "letter", workdir / "translations" / "letter")
    (workdir / "translations" / "letter" / "signoff.json").unlink(missing_ok=True)
    return workdir


# every bad file through `review`; the commonest also through the other readers of the file
COMMON = ("list", "date-soon", "bad-json")
SIGNOFF_CASES = [(*b[1:], "review") for b in BAD_SIGNOFFS]
SIGNOFF_CASES += [(*b[1:], c) for b in BAD_SIGNOFFS if b[0] in COMMON for c in ("approve", "index")]
SIGNOFF_IDS = [f"{b[0]}-review" for b in BAD_SIGNOFFS]
SIGNOFF_IDS += [f"{b[0]}-{c}" for b in BAD_SIGNOFFS if b[0] in COMMON for c in ("approve", "index")]


@pytest.mark.parametrize(("content", "needle", "command"), SIGNOFF_CASES, ids=SIGNOFF_IDS)
def test_bad_signoff_file(shipped, content, needle, command):
    (shipped / "translations/letter/signoff.json").write_bytes(content)
    before = snapshot(shipped)
    result = run_cli(*SIGNOFF_COMMANDS[command], cwd=shipped)
    assert_one_line_error(result, f"translations/letter/signoff.json{needle}")
    assert snapshot(shipped) == before


def test_bad_signoff_date_in_the_editions_worker(shipped):
    """The date was parsed only when a pool worker wrote the colophon: a traceback from the worker."""
    (shipped / "translations/letter/signoff.json").write_text(signoff_json(date="soon"), encoding="utf-8")
    translations = snapshot(shipped / "translations")
    result = run_cli("editions", "source/letter.txt", "--langs", "fr", "--jobs", "2", cwd=shipped)
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert len(errors) == 1, result.stderr
    assert errors[0].startswith("translations/letter/signoff.json:4: error: fr: date 'soon' is not a date")
    assert snapshot(shipped / "translations") == translations


@pytest.mark.parametrize(
    ("by", "needle"),
    [("A\nB", "U+000A LINE FEED"), ("A\u202eB", "U+202E RIGHT-TO-LEFT OVERRIDE"), ("A\x01", "U+0001")],
    ids=["newline", "rlo", "soh"],
)
def test_approve_refuses_a_name_with_control_characters(shipped, by, needle):
    before = snapshot(shipped)
    result = run_cli("approve", "source/letter.txt", "--lang", "fr", "--by", by, cwd=shipped)
    assert_one_line_error(result, "BY: error: a name cannot hold", needle)
    assert snapshot(shipped) == before


# --- exports: XML cannot hold C0 controls; refuse, naming the entry, instead of dropping them ----------


def test_export_refuses_control_characters_naming_each_entry(shipped):
    fr = shipped / "translations/letter/fr.po"
    text = fr.read_text(encoding="utf-8")
    lines = text.splitlines()
    target = next(i for i, line in enumerate(lines) if line == 'msgid "We stand at a historic crossroads."')
    assert lines[target + 1].startswith('msgstr "') and lines[target + 1].endswith('"')
    lines[target + 1] = lines[target + 1][:-1] + '\x1b[31m\x01"'
    fr.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = snapshot(shipped)
    result = run_cli("export", "source/letter.txt", "--langs", "ru fr", cwd=shipped)
    assert_one_line_error(
        result,
        "translations/letter/fr.po:",
        "error: the translation of 'We stand at a historic crossroads.' holds U+0001 (control), U+001B ESCAPE",
    )
    number = int(result.stderr.split(":")[1])  # a line of that entry (comments, msgid or msgstr)
    start = max(i for i in range(target) if not lines[i]) + 1
    assert start < number <= target + 2
    assert snapshot(shipped) == before  # no export at all, not even ru's


# --- the last-resort handler: a bug is one line (exit 2), its traceback one variable away ---------------


def test_an_unexpected_error_is_one_line_and_debuggable(workdir):
    script = (
        "import sys; import pipeline.cli as cli\n"
        "def boom(args): raise KeyError('no such thing')\n"
        "cli.cmd_segment = boom\n"
        "sys.exit(cli.main(['segment', 'source/letter.txt']))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("PIPELINE_DEBUG", None)
    quiet = subprocess.run(
        [sys.executable, "-c", script], cwd=workdir, capture_output=True, text=True, env=env
    )
    assert quiet.returncode == 2
    assert quiet.stderr.splitlines() == [
        "pipeline: internal error: KeyError: 'no such thing' (PIPELINE_DEBUG=1 shows the traceback)"
    ]
    loud = subprocess.run(
        [sys.executable, "-c", script],
        cwd=workdir,
        capture_output=True,
        text=True,
        env={**env, "PIPELINE_DEBUG": "1"},
    )
    assert loud.returncode != 0 and "Traceback" in loud.stderr and "KeyError: 'no such thing'" in loud.stderr


# --- model lock file, Argos packages: checked before use; an install never breaks a working package ------

MODEL_LINES = ["We write to you.", "The committee met on Monday.", "Sincerely, the committee."]


def _rewrite_zip(source: Path, target: Path, change) -> Path:
    """Copy the .argosmodel ``source`` to ``target``, ``change(name, data)`` giving each member's data."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = change(item.filename, zin.read(item))
            if data is not None:
                zout.writestr(item.filename, data)
    return target


def _flip_a_byte_of(member: str, source: Path, target: Path) -> Path:
    """A copy with ``member`` stored uncompressed and one byte of it changed: only its CRC tells."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(target, "w", zipfile.ZIP_STORED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, zin.read(item))
    data = bytearray(target.read_bytes())
    with zipfile.ZipFile(target) as zf:
        info = zf.getinfo(member)
    data[info.header_offset + 30 + len(info.filename) + len(info.extra) + 1000] ^= 0xFF
    target.write_bytes(bytes(data))
    return target


@pytest.fixture(scope="module")
def argos_files(tmp_path_factory) -> dict[str, Path]:
    """A good en→fr package and damaged copies of it, each in its own folder (as ARGOS_MODELS)."""
    from argos_builder import build_package

    root = tmp_path_factory.mktemp("argos-bad")
    good = build_package(root / "good", "identity", "fr", MODEL_LINES)
    name, top = good.name, good.stem
    metadata = json.loads(zipfile.ZipFile(good).read(f"{top}/metadata.json"))

    def variant(label: str, change) -> Path:
        return _rewrite_zip(good, root / label / name, change).parent

    def member(suffix: str, data):
        return lambda n, d: (data(d) if callable(data) else data) if n.endswith(suffix) else d

    return {
        "good": good.parent,
        "newer": build_package(root / "newer", "random", "fr", MODEL_LINES, version="0.2").parent,
        "crc": _flip_a_byte_of(f"{top}/model/model.bin", good, root / "crc" / name).parent,
        "metadata-list": variant("metadata-list", member("metadata.json", b"[]")),
        "to-code-number": variant(
            "to-code-number", member("metadata.json", json.dumps({**metadata, "to_code": 5}).encode())
        ),
        "garbage-model": variant("garbage-model", member("model.bin", b"garbage " * 100)),
        "truncated-model": variant("truncated-model", member("model.bin", lambda d: d[: len(d) // 2])),
        "garbage-sentencepiece": variant("garbage-sentencepiece", member("sentencepiece.model", b"junk")),
        "no-model": variant("no-model", lambda n, d: None if n.endswith("model.bin") else d),
    }


@pytest.fixture(scope="module")
def model_template(tmp_path_factory, argos_files) -> Path:
    """A project with fr.po whose names are drafted and the good fr package installed and locked."""
    root = tmp_path_factory.mktemp("model-project")
    (root / "source").mkdir(parents=True)
    shutil.copy2(ROOT / "source" / "letter.txt", root / "source" / "letter.txt")
    env = model_env(root)
    run_cli("pot", "source/letter.txt", cwd=root, check=True)
    run_cli("po", "source/letter.txt", "--langs", "fr", cwd=root, check=True)
    # names are drafted without a model, so a later run has only model work left
    assert run_cli("translate", "source/letter.txt", "--langs", "fr", cwd=root, env=env).returncode == 1
    run_cli("models", "--langs", "fr", "--from-dir", argos_files["good"], cwd=root, env=env, check=True)
    return root


def model_env(root: Path) -> dict[str, str]:
    return {
        "LETTER_MODELS_DIR": str(root / "models"),
        "ARGOS_PACKAGES_DIR": str(root / "models" / "packages"),
    }


@pytest.fixture
def model_project(tmp_path, model_template) -> tuple[Path, dict]:
    """A fresh copy of the model project: (root, environment for run_cli)."""
    root = tmp_path / "project"
    shutil.copytree(model_template, root)
    return root, model_env(root)


BAD_LOCKS = [
    ("packages-list", b'{"packages": []}', ':1: error: expected {"packages"'),
    ("top-list", b"[]", ':1: error: expected {"packages"'),
    (
        "entry-shape",
        b'{\n "packages": {\n  "translate-en_fr": {"version": "1"}\n }\n}',
        ":3: error: translate-en_fr: expected an object",
    ),
    (
        "sha-not-hex",
        b'{"packages": {"translate-en_fr": {\n"version": "1",\n"sha256": "zz",\n"file": "a.argosmodel"}}}',
        ":3: error: translate-en_fr: sha256 must be a sha256",
    ),
    (
        "file-path",
        b'{"packages": {"translate-en_fr": {"version": "1", "sha256": "'
        + b"a" * 64
        + b'", "file": "../x"}}}',
        ":1: error: translate-en_fr: file must be a file name",
    ),
    ("bad-json", b'{"packages":\n', ":2: error: not valid JSON"),
]


@pytest.mark.parametrize(("content", "needle"), [b[1:] for b in BAD_LOCKS], ids=[b[0] for b in BAD_LOCKS])
def test_bad_model_lock_file(model_project, argos_files, content, needle):
    root, env = model_project
    (root / "translations/argos-models.lock.json").write_bytes(content)
    before = snapshot(root)
    result = run_cli(
        "models", "--langs", "fr", "--from-dir", argos_files["newer"], "--update-lock", cwd=root, env=env
    )
    assert_one_line_error(result, f"translations/argos-models.lock.json{needle}")
    assert snapshot(root) == before


BAD_ARCHIVES = [
    ("crc", "damaged package, nothing installed: Bad CRC-32 for file"),
    ("metadata-list", "not an Argos package: metadata.json is a list, not an object"),
    ("to-code-number", "not an Argos package: to_code in metadata.json is a number"),
    ("garbage-model", "/model/model.bin: not a CTranslate2 model (format version"),
    ("truncated-model", "/model: the CTranslate2 model does not load: "),
    ("garbage-sentencepiece", "/sentencepiece.model: not a SentencePiece model"),
    ("no-model", "/model/model.bin: no CTranslate2 model"),
]


@pytest.mark.parametrize(("variant", "needle"), BAD_ARCHIVES, ids=[b[0] for b in BAD_ARCHIVES])
def test_a_bad_package_leaves_the_installed_one_working(model_project, argos_files, variant, needle):
    """LOCK=update with a damaged .argosmodel used to uninstall the working package first."""
    root, env = model_project
    before = snapshot(root)
    folder = argos_files[variant]
    result = run_cli("models", "--langs", "fr", "--from-dir", folder, "--update-lock", cwd=root, env=env)
    assert_one_line_error(result, f"{folder / 'translate-en_fr-0_1.argosmodel'}: error: ", needle)
    assert snapshot(root) == before  # models/ too: no staging folder left, the old package intact
    if variant == "crc":  # the reported case: and the old package still translates
        result = run_cli("translate", "source/letter.txt", "--langs", "fr", cwd=root, env=env)
        assert result.returncode == 0 and "MT drafts" in result.stdout, result.stderr


def test_an_update_replaces_the_package_and_clears_stale_staging(model_project, argos_files):
    root, env = model_project
    stale = root / "models" / ".install-999999999-left-by-a-kill"
    (stale / "new").mkdir(parents=True)
    result = run_cli(
        "models", "--langs", "fr", "--from-dir", argos_files["newer"], "--update-lock", cwd=root, env=env
    )
    assert result.returncode == 0 and "updated" in result.stdout, result.stderr
    assert [p.name for p in (root / "models" / "packages").iterdir()] == ["translate-en_fr-0_2"]
    assert not list((root / "models").glob(".install-*"))


def _damage(package: Path, what: str) -> str:
    """Damage an installed package; the path (relative to it) the error must name."""
    if what == "metadata-list":
        (package / "metadata.json").write_text("[]")
        return "metadata.json: error: not an Argos package: metadata.json is a list"
    if what == "metadata-json":
        (package / "metadata.json").write_text('{\n"to_code": "fr",\n')
        return "metadata.json:3: error: not valid JSON"
    if what == "garbage-model":
        (package / "model" / "model.bin").write_bytes(b"garbage " * 100)
        return "model/model.bin: error: not a CTranslate2 model"
    if what == "garbage-sentencepiece":
        (package / "sentencepiece.model").write_bytes(b"junk")
        return "sentencepiece.model: error: not a SentencePiece model"
    (package.parent / "stray").mkdir()
    return "../stray: error: not an Argos package: no metadata.json"


@pytest.mark.parametrize(
    "what", ["metadata-list", "metadata-json", "garbage-model", "garbage-sentencepiece", "stray-folder"]
)
def test_a_damaged_installed_package_is_named_at_translate(model_project, argos_files, what):
    root, env = model_project
    package = root / "models" / "packages" / "translate-en_fr-0_1"
    needle = _damage(package, what)
    before = snapshot(root)
    result = run_cli("translate", "source/letter.txt", "--langs", "fr", cwd=root, env=env)
    where = os.path.normpath(package / needle.split(": error")[0]) + ": error" + needle.split(": error", 1)[1]
    assert_one_line_error(result, where, "reinstall the package (make models)")
    assert snapshot(root) == before
    # and `make models` repairs it
    if what == "garbage-model":
        run_cli("models", "--langs", "fr", "--from-dir", argos_files["good"], cwd=root, env=env, check=True)
        result = run_cli("translate", "source/letter.txt", "--langs", "fr", cwd=root, env=env)
        assert result.returncode == 0 and "MT drafts" in result.stdout, result.stderr


def test_load_translator_names_a_model_that_does_not_load(tmp_path, argos_files):
    from pipeline.errors import PipelineError
    from pipeline.mt.argos.packages import load_translator

    with zipfile.ZipFile(argos_files["truncated-model"] / "translate-en_fr-0_1.argosmodel") as zf:
        zf.extractall(tmp_path)
    package = type("Package", (), {"package_path": tmp_path / "translate-en_fr-0_1"})()
    with pytest.raises(PipelineError) as caught:
        load_translator(package, device="cpu")
    assert str(caught.value).startswith(
        f"{tmp_path / 'translate-en_fr-0_1' / 'model'}: error: the CTranslate2 model does not load: "
    )
    assert "\n" not in str(caught.value)


def test_a_model_that_fails_to_load_changes_no_catalog(tmp_path, argos_files):
    # A package whose model.bin passes the header check but will not load: the
    # name drafts that need no model are not written either (nothing changed).
    root = tmp_path / "project"
    (root / "source").mkdir(parents=True)
    shutil.copy2(ROOT / "source" / "letter.txt", root / "source" / "letter.txt")
    env = model_env(root)
    run_cli("pot", "source/letter.txt", cwd=root, check=True)
    run_cli("po", "source/letter.txt", "--langs", "fr", cwd=root, check=True)
    run_cli("models", "--langs", "fr", "--from-dir", argos_files["good"], cwd=root, env=env, check=True)
    with zipfile.ZipFile(argos_files["truncated-model"] / "translate-en_fr-0_1.argosmodel") as zf:
        truncated = zf.read("translate-en_fr-0_1/model/model.bin")
    (root / "models" / "packages" / "translate-en_fr-0_1" / "model" / "model.bin").write_bytes(truncated)
    before = snapshot(root)
    result = run_cli("translate", "source/letter.txt", "--langs", "fr", cwd=root, env=env)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "/model" in lines[0] and ": error: " in lines[0], result.stderr
    assert "Traceback" not in result.stderr

    def files(snap: dict) -> dict:  # filelock's (empty, git-ignored) lock files may stay
        return {name: data for name, data in snap.items() if not name.endswith(".lock")}

    assert files(snapshot(root)) == files(before)
