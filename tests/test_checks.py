"""Quality checks: each one fails on a hand-made bad catalog; pofilter as an outside oracle."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from conftest import ROOT, SEED, run_cli

from pipeline.document.load import load_document, segment_letter
from pipeline.po.catalog import build_template, catalog_bytes, parse_locale, read_catalog, update_catalog
from pipeline.review.checks import ERROR, check_all, check_catalog, check_parity

# French: a no-break space (U+00A0) before ! and ?; the narrow one (U+202F) is as correct,
# but translate-toolkit's pofilter, the oracle below, only knows U+00A0.
NB = NNB = "\u00a0"
LETTER = """Dear Friends,

We met 12 delegates in 2025 (at the summit). The "Peace" plan works! Is it fair?

Sincerely,

The Committee

1. Khatira Valiyeva – Chair of the "Union" Fund

2. Zaur Mammadov – Head of Things

3. Oghuz Mammadov – Member
"""
GOOD = {
    "fr": {
        "Dear Friends,": "Chers amis,",
        "We met 12 delegates in 2025 (at the summit).": "Nous avons rencontré 12 délégués en 2025 (au sommet).",
        'The "Peace" plan works!': f"Le plan «{NB}Paix{NB}» fonctionne{NNB}!",
        "Is it fair?": f"Est-ce juste{NNB}?",
        "Sincerely,": "Cordialement,",
        "The Committee": "Le Comité",
        "Khatira Valiyeva": "Khatira Valiyeva",
        "Zaur Mammadov": "Zaur Mammadov",
        "Oghuz Mammadov": "Oghuz Mammadov",
        'Chair of the "Union" Fund': f"Présidente du Fonds «{NB}Union{NB}»",
        "Head of Things": "Chef des choses",
        "Member": "Membre",
    },
    "ru": {
        "Dear Friends,": "Дорогие друзья,",
        "We met 12 delegates in 2025 (at the summit).": "Мы встретили 12 делегатов в 2025 году (на саммите).",
        'The "Peace" plan works!': "План «Мир» работает!",
        "Is it fair?": "Справедливо ли это?",
        "Sincerely,": "С уважением,",
        "The Committee": "Комитет",
        "Khatira Valiyeva": "Хатира Велиева",
        "Zaur Mammadov": "Заур Мамедов",
        "Oghuz Mammadov": "Огуз Мамедов",
        'Chair of the "Union" Fund': "Председатель фонда «Союз»",
        "Head of Things": "Руководитель дел",
        "Member": "Член",
    },
    "az": {
        "Dear Friends,": "Əziz dostlar,",
        "We met 12 delegates in 2025 (at the summit).": "Biz 2025-ci ildə 12 nümayəndə ilə görüşdük (sammitdə).",
        'The "Peace" plan works!': "“Sülh” planı işləyir!",
        "Is it fair?": "Bu ədalətlidirmi?",
        "Sincerely,": "Hörmətlə,",
        "The Committee": "Komitə",
        "Khatira Valiyeva": "Xatirə Vəliyeva",
        "Zaur Mammadov": "Zaur Məmmədov",
        "Oghuz Mammadov": "Oğuz Məmmədov",
        'Chair of the "Union" Fund': "“Birlik” Fondunun sədri",
        "Head of Things": "İşlər rəhbəri",
        "Member": "Üzv",
    },
}
MET = "We met 12 delegates in 2025 (at the summit)."
BAD = [
    ("numbers", "fr", MET, "Nous avons rencontré 21 délégués en 2025 (au sommet).", ERROR),
    ("numbers", "ru", MET, "Мы встретили 12 делегатов в 2024 году (на саммите).", ERROR),
    ("brackets", "fr", MET, "Nous avons rencontré 12 délégués en 2025 (au sommet.", ERROR),
    ("quotes", "fr", 'The "Peace" plan works!', f"Le plan «{NB}Paix fonctionne{NNB}!", ERROR),
    ("quotes", "az", 'The "Peace" plan works!', "“Sülh planı işləyir!", ERROR),
    ("end-punctuation", "fr", "Is it fair?", "Est-ce juste", "warning"),
    ("end-punctuation", "ru", "Dear Friends,", "Дорогие друзья!", "warning"),
    ("typography", "fr", "Is it fair?", "Est-ce juste ?", "warning"),
    ("typography", "fr", 'The "Peace" plan works!', f'Le plan "Paix" fonctionne{NNB}!', "warning"),
    ("typography", "ru", 'The "Peace" plan works!', 'План "Мир" работает!', "warning"),
    ("script", "az", "Dear Friends,", "\u04d9ziz dostlar,", ERROR),  # Cyrillic schwa
    ("script", "az", "Sincerely,", "Hörm\u0259tl\u0435,", ERROR),  # Cyrillic е in a Latin word
    ("script", "ru", "Khatira Valiyeva", "Khatira Valiyeva", ERROR),  # untransliterated name
    ("script", "ru", "The Committee", "К\u043e\u043cитеt", ERROR),  # Latin t in a Cyrillic word
    ("script", "ru", 'The "Peace" plan works!', "План «Мир» works!", ERROR),
    ("english", "fr", MET, "Nous avons rencontré 12 délégués with the summit en 2025 ().", ERROR),
    ("english", "az", "Is it fair?", "Is this ədalətlidir?", ERROR),
    ("english", "fr", MET, "Nous avons rencontré 12 delegates in 2025 (au sommet).", "warning"),
    ("identical", "fr", "Head of Things", "Head of Things", "warning"),
    ("length", "fr", MET, "Nous (12, 2025).", "warning"),
    ("names", "ru", "Oghuz Mammadov", "Огуз Маммадов", "warning"),
    # hostile text: reordering, smearing and invisible characters
    ("bidi", "fr", "Member", "Membre \u202eexe.cba", ERROR),  # RIGHT-TO-LEFT OVERRIDE
    ("bidi", "ru", "Member", "\u2067Член\u2069", ERROR),  # an isolate pair
    ("bidi", "az", "Member", "Üzv\u200f", ERROR),  # a RIGHT-TO-LEFT MARK the source does not have
    ("combining", "fr", "Member", "Membre" + "\u0301" * 5, ERROR),  # é and four more
    ("combining", "ru", "Member", "Чл\u0489\u0489\u0489\u0489ен", ERROR),  # enclosing marks
    ("control", "fr", "Member", "Membre\x1b[31m", ERROR),
    ("control", "ru", "Member", "Член\x85", ERROR),  # C1 NEXT LINE
    ("control", "az", "Member", "Üzv\x7f", ERROR),
]


def make_catalogs(folder: Path, doc, overrides: dict[str, dict[str, str]] | None = None) -> Path:
    """Write reviewed fr/ru/az catalogs of LETTER, with some entries replaced."""
    template = build_template(doc, "letter.txt")
    for lang, good in GOOD.items():
        catalog = update_catalog(template, None, parse_locale(lang))
        for message in catalog:
            if message.id:
                message.string = (overrides or {}).get(lang, {}).get(message.id, good[message.id])
        path = folder / doc.name / f"{lang}.po"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(catalog_bytes(catalog))
    return folder


@pytest.fixture
def doc():
    return segment_letter(LETTER, "letter.txt")


def test_good_catalogs_have_no_findings(tmp_path, doc):
    make_catalogs(tmp_path, doc)
    assert check_all(doc, ["fr", "ru", "az"], tmp_path) == []


@pytest.mark.parametrize(
    ("check", "lang", "msgid", "bad", "severity"), BAD, ids=[f"{b[0]}-{b[1]}-{i}" for i, b in enumerate(BAD)]
)
def test_each_check_finds_its_problem(tmp_path, doc, check, lang, msgid, bad, severity):
    make_catalogs(tmp_path, doc, {lang: {msgid: bad}})
    findings = check_all(doc, ["fr", "ru", "az"], tmp_path)
    hits = [f for f in findings if f.check == check and f.lang == lang]
    assert hits, findings
    assert hits[0].severity == severity
    assert hits[0].ref.startswith("letter.txt:")
    line = str(hits[0])
    assert line.startswith(f"{severity}: {lang}: letter.txt:") and f"[{check}]" in line


def test_a_flag_silences_one_entry(tmp_path, doc):
    make_catalogs(tmp_path, doc, {"fr": {MET: "Nous avons rencontré 21 délégués en 2025 (au sommet)."}})
    path = tmp_path / doc.name / "fr.po"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace(f'#: letter.txt:3\nmsgid "{MET}"', f'#: letter.txt:3\n#, ignore-numbers\nmsgid "{MET}"'),
        encoding="utf-8",
    )
    findings = check_all(doc, ["fr"], tmp_path)
    assert not [f for f in findings if f.check == "numbers"]


@pytest.mark.parametrize(
    "text",
    [
        "Membre\tdu comité",  # a tab is not a control character here
        "Tiê\u0301ng Việt",  # Vietnamese: two marks on one letter (NFD), fewer after NFC
        "Membre e\u0301\u0323\u0302",  # three marks: the most allowed
        "Membre \u00ab\u00a0x\u00a0\u00bb\u202f!",  # no-break spaces are not bidi controls
    ],
    ids=["tab", "vietnamese", "three-marks", "nbsp"],
)
def test_unicode_checks_leave_ordinary_text_alone(tmp_path, doc, text):
    make_catalogs(tmp_path, doc, {"fr": {"Member": text}})
    findings = check_all(doc, ["fr"], tmp_path)
    assert not [f for f in findings if f.check in ("bidi", "combining", "control")], findings


def test_bidi_marks_are_allowed_where_the_source_has_them():
    from pipeline.review.checks import Entry, check_bidi

    message = Message("A\u200fB", "C\u200fD")
    assert list(check_bidi(Entry("fr", message, "sentence", frozenset()))) == []
    message = Message("AB", "C\u200fD")
    assert [s for s, _ in check_bidi(Entry("fr", message, "sentence", frozenset()))] == [ERROR]


@pytest.mark.parametrize("check", ["bidi", "combining", "control"])
def test_unicode_checks_can_be_silenced_per_entry(tmp_path, doc, check):
    bad = {"bidi": "Membre\u202e", "combining": "Membre" + "\u0301" * 6, "control": "Membre\x01"}[check]
    make_catalogs(tmp_path, doc, {"fr": {"Member": bad}})
    path = tmp_path / doc.name / "fr.po"
    assert [f.check for f in check_all(doc, ["fr"], tmp_path)] == [check]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('msgid "Member"', f'#, ignore-{check}\nmsgid "Member"'), encoding="utf-8")
    assert check_all(doc, ["fr"], tmp_path) == []


def test_make_check_prints_hostile_characters_escaped(tmp_path, doc):
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "letter.txt").write_text(LETTER, encoding="utf-8")
    make_catalogs(tmp_path / "translations", doc, {"fr": {"Member": "Membre\x1b[2J\u202e"}})
    result = run_cli("check", "source/letter.txt", "--langs", "fr", cwd=tmp_path)
    assert result.returncode == 1
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    assert "[control] 'Member': control character U+001B ESCAPE" in result.stdout
    assert "[bidi] 'Member': bidirectional control character U+202E RIGHT-TO-LEFT OVERRIDE" in result.stdout


def test_parity_missing_entries_and_signatory_order(tmp_path, doc):
    make_catalogs(tmp_path, doc)
    from pipeline.po.catalog import read_catalog

    ru = read_catalog(tmp_path / doc.name / "ru.po")
    del ru["Member"]
    fr = read_catalog(tmp_path / doc.name / "fr.po")
    shuffled = Catalog(locale="fr")
    for message in sorted((m for m in fr if m.id), key=lambda m: m.id):
        shuffled[message.id] = message
    findings = check_parity(
        doc, {"ru": ru, "fr": shuffled, "az": read_catalog(tmp_path / doc.name / "az.po")}
    )
    assert any(f.lang == "ru" and f.msgid == "Member" and "missing" in f.reason for f in findings)
    assert any(f.lang == "fr" and "order" in f.reason for f in findings)
    assert not any(f.lang == "az" for f in findings)


def test_shipped_catalogs_pass_with_no_errors():
    findings = check_all(load_document(SEED), ["az", "ru", "fr"], ROOT / "translations")
    assert not [f for f in findings if f.severity == ERROR], [str(f) for f in findings]


def test_make_check_exit_status(tmp_path, doc):
    (tmp_path / "source").mkdir()
    (tmp_path / "source" / "letter.txt").write_text(LETTER, encoding="utf-8")
    make_catalogs(tmp_path / "translations", doc)
    result = run_cli("check", "source/letter.txt", cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    make_catalogs(
        tmp_path / "translations", doc, {"ru": {MET: "Мы встретили 13 делегатов в 2025 году (на саммите)."}}
    )
    result = run_cli("check", "source/letter.txt", cwd=tmp_path)
    assert result.returncode == 1
    assert "error: ru: letter.txt:3: [numbers]" in result.stdout


def pofilter_findings(path: Path, lang: str) -> set[str]:
    """msgids that translate-toolkit's pofilter flags for numbers, quotes, brackets, end punctuation."""
    out = path.with_suffix(".pofilter.po")
    pofilter = shutil.which("pofilter", path=str(Path(sys.executable).parent))
    subprocess.run(
        [
            pofilter,
            f"--language={lang}",
            "-t",
            "numbers",
            "-t",
            "brackets",
            "-t",
            "endpunc",
            "-t",
            "doublequoting",
            str(path),
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    from pipeline.po.catalog import read_catalog

    return {str(m.id) for m in read_catalog(out) if m.id} if out.exists() else set()


@pytest.mark.parametrize(
    "case",
    [b for b in BAD if b[0] in ("numbers", "brackets", "quotes", "end-punctuation") and b[1] == "fr"],
    ids=lambda b: b[0],
)
def test_we_find_at_least_what_pofilter_finds(tmp_path, doc, case):
    _check, lang, msgid, bad, _ = case
    make_catalogs(tmp_path, doc, {lang: {msgid: bad}})
    path = tmp_path / doc.name / f"{lang}.po"
    theirs = pofilter_findings(path, lang)
    assert msgid in theirs  # the oracle sees the problem too
    ours = {f.msgid for f in check_catalog(doc, lang, read_catalog(path))}
    assert theirs <= ours, theirs - ours
