"""Letters as they come: plain text, Markdown, HTML and Word readers, signatory shapes, markup."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, SECOND, SEED, run_cli

from pipeline.document.load import segment_letter
from pipeline.document.model import ORGANISATION, PERSON, document_summary
from pipeline.document.readers import format_for, read
from pipeline.errors import PipelineError
from pipeline.po.catalog import build_template, document_units
from pipeline.text.markup import check_markup, render_inline, to_plain

LETTERS = ROOT / "tests" / "data" / "letters"
CORPUS = sorted(
    p for p in LETTERS.iterdir() if p.suffix in (".txt", ".md", ".html", ".docx") and p.name != "SOURCES.md"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def kinds(doc):
    return [b.kind for b in doc.blocks]


def units_of(doc):
    return [[u.role, u.text, u.line, u.comment, u.context] for u in document_units(doc)]


# --- the sample letters do not change -------------------------------------------------


@pytest.mark.parametrize(("path", "key"), [(SEED, "letter"), (SECOND, "second_letter")])
def test_sample_units_are_those_of_the_old_segmenter(path, key):
    """msgids, msgctxt, comments, lines and order, as snapshot from the code before the readers."""
    snapshot = json.loads((ROOT / "tests" / "data" / "units_snapshot.json").read_text(encoding="utf-8"))
    assert units_of(read(path)) == snapshot[key]


# --- formats ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "forced", "expected"),
    [
        ("a.txt", None, "text"),
        ("a.md", None, "markdown"),
        ("a.HTML", None, "html"),
        ("a.docx", None, "docx"),
        ("letter", None, "text"),
        ("a.txt", "md", "markdown"),
    ],
)
def test_format_by_extension_or_forced(name, forced, expected):
    assert format_for(name, forced) == expected


def test_unknown_forced_format_is_one_line():
    with pytest.raises(PipelineError, match="unknown letter format 'rtf'"):
        format_for("a.txt", "rtf")


def test_segment_format_flag_reads_a_txt_file_as_html(tmp_path):
    path = write(tmp_path, "page.txt", "<h1>Title</h1><p>Dear All,</p><p>Text.</p><ul><li>Ann Lee</li></ul>")
    result = run_cli("segment", path, "--json", "--format", "html", check=True)
    data = json.loads(result.stdout)
    assert data["format"] == "html" and data["title"] == "Title"


def test_letter_size_limit_and_dev_zero(tmp_path):
    result = run_cli("segment", "/dev/zero")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "/dev/zero: error: larger than 5242880 bytes; not a letter? (raise LETTER_MAX_BYTES to allow it)"
    ]
    result = run_cli("segment", SEED, env={"LETTER_MAX_BYTES": "1000"})
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "larger than 1000 bytes" in result.stderr


# --- bad letter input (issue 9) -------------------------------------------------------


def test_name_missing_before_the_dash_is_refused_naming_the_line(tmp_path):
    text = (
        "Dear All,\n\nText.\n\nRegards,\n\nUs\n\n1. Ann Lee – A\n2. Bob Ray – B\n3. - Chairman of the Board\n"
    )
    result = run_cli("segment", write(tmp_path, "l.txt", text))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1
    assert lines[0].startswith(f"{tmp_path / 'l.txt'}:11: error: signatory 3 has no name before the dash")


def test_comma_for_period_is_recovered_with_a_warning(tmp_path):
    text = "Dear All,\n\nText.\n\nRegards,\n\nUs\n\n1, Timothy Gray – A\n2. Bob Ray – B\n"
    result = run_cli("segment", write(tmp_path, "l.txt", text), "--json", check=True)
    data = json.loads(result.stdout)
    assert [(b["number"], b["name"]) for b in data["blocks"] if b["kind"] == "signatory"] == [
        (1, "Timothy Gray"),
        (2, "Bob Ray"),
    ]
    assert f"{tmp_path / 'l.txt'}:9: warning:" in result.stderr


@pytest.mark.parametrize("char", ["\u2028", "\u2029", "\u0085", "\v", "\f"])
def test_odd_line_breaks_do_not_break_the_template(tmp_path, char):
    letter = tmp_path / "source" / "letter.txt"
    letter.parent.mkdir()
    letter.write_text(
        f"Dear All,\n\nWe write{char}to you. Second{char}sentence.\n\nRegards,\n\nUs\n\n1. Ann Lee – A\n2. Bob Ray – B\n",
        encoding="utf-8",
    )
    run_cli("pot", "source/letter.txt", cwd=tmp_path, check=True)
    run_cli("po", "source/letter.txt", "--langs", "fr", cwd=tmp_path, check=True)
    pot = (tmp_path / "translations" / "letter" / "letter.pot").read_text(encoding="utf-8")
    assert char not in pot and 'msgid "We write to you."' in pot


# --- plain text shapes ------------------------------------------------------------------


def test_headline_standfirst_and_unnumbered_organisations_after_a_closing():
    text = (
        "Stop the Dam\n\nSeventeen groups ask the minister to halt the project.\n\n"
        "Dear Minister,\n\nWe write about the dam. It must stop.\n\nSincerely,\n\n"
        + "\n".join(
            [
                "Friends of the Earth, Scotland",
                "Acme Holdings, Inc.",
                "Department of History, University of Bristol",
                "Rivers Trust",
            ]
        )
        + "\n"
    )
    doc = segment_letter(text, "l.txt")
    assert kinds(doc)[:5] == ["headline", "standfirst", "salutation", "paragraph", "closing"]
    assert [(s.name.text, s.title, s.entity, s.number) for s in doc.signatories] == [
        ("Friends of the Earth, Scotland", None, ORGANISATION, None),
        ("Acme Holdings, Inc.", None, ORGANISATION, None),
        ("Department of History, University of Bristol", None, ORGANISATION, None),
        ("Rivers Trust", None, ORGANISATION, None),
    ]


def test_bullets_parentheses_next_line_titles_and_sections():
    text = (
        "Dear Editor,\n\nWe object:\n\n“The plan is wrong,” said the council.\n\n"
        "We demand:\n\n1. A review.\n2. A vote.\n\nThis is urgent.\n\nSigned,\n\n"
        "ORGANISATIONS\n\n• Acme Holdings, LLC\n• Friends of the Earth, Scotland\n\n"
        "INDIVIDUALS\n\n1. Jane Roe\nUniversity of Bristol\n2. John Doe (Dept. of History)\n3) Ann Lee, Professor of Law\n"
    )
    doc = segment_letter(text, "l.txt")
    body = [(b.kind, b.marker, [s.text for s in b.sentences]) for b in doc.blocks if b.kind != "signatory"]
    assert body[:6] == [
        ("salutation", None, ["Dear Editor,"]),
        ("paragraph", None, ["We object:"]),
        ("paragraph", None, ["“The plan is wrong,” said the council."]),
        ("paragraph", None, ["We demand:"]),
        ("item", "1.", ["A review."]),
        ("item", "2.", ["A vote."]),
    ]
    assert [b for b in body if b[0] == "section"] == [
        ("section", None, ["ORGANISATIONS"]),
        ("section", None, ["INDIVIDUALS"]),
    ]
    got = [
        (s.number, s.name.text, s.title.text if s.title else "", s.entity, s.section) for s in doc.signatories
    ]
    assert got == [
        (None, "Acme Holdings, LLC", "", ORGANISATION, "ORGANISATIONS"),
        (None, "Friends of the Earth, Scotland", "", ORGANISATION, "ORGANISATIONS"),
        (1, "Jane Roe", "University of Bristol", PERSON, "INDIVIDUALS"),
        (2, "John Doe", "Dept. of History", PERSON, "INDIVIDUALS"),
        (3, "Ann Lee", "Professor of Law", PERSON, "INDIVIDUALS"),
    ]
    msgids = [u.text for u in document_units(doc)]
    assert "1." not in msgids and "2." not in msgids and "LLC" not in msgids


def test_the_undersigned_then_plain_names():
    doc = segment_letter("Dear All,\n\nWe write.\n\nThe undersigned:\n\nAnn Lee\nBob Ray\n", "l.txt")
    assert [s.name.text for s in doc.signatories] == ["Ann Lee", "Bob Ray"]
    assert kinds(doc)[:3] == ["salutation", "paragraph", "closing"]


def test_no_date_means_no_date(monkeypatch):
    from pipeline.editions.model import build_edition
    from pipeline.editions.render import render_html

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    doc = segment_letter("Dear All,\n\nWe write.\n\nSigned,\n\n- Ann Lee\n", "l.txt")
    assert doc.date is None and "2000" not in str(build_template(doc).version)
    html = render_html(build_edition(doc, "en", None), ["en"])
    assert "2000-01-01" not in html and "dcterms.created" not in html and "<time" not in html


def test_date_from_env_and_from_a_date_line(monkeypatch):
    monkeypatch.setenv("DATE", "2024-02-03")
    doc = segment_letter("Dear All,\n\nWe write.\n\nSigned,\n\n- Ann Lee\n", "l.txt")
    assert doc.date.isoformat() == "2024-02-03"
    doc = segment_letter("23 March 2021\n\nDear All,\n\nWe write.\n\nSigned,\n\n- Ann Lee\n", "l.txt")
    assert doc.date.isoformat() == "2021-03-23" and kinds(doc)[0] == "salutation"
    monkeypatch.delenv("DATE")
    text = (
        "LONDON, 3 March 2021 — Groups wrote to the mayor.\n\nDear Mayor,\n\nText.\n\nSigned,\n\n- Ann Lee\n"
    )
    doc = segment_letter(text, "l.txt")
    assert doc.date.isoformat() == "2021-03-03"
    assert doc.blocks[0].sentences[0].text == "Groups wrote to the mayor."


# --- Markdown -------------------------------------------------------------------------------

MARKDOWN = """---
title: Open letter on rivers
description: Groups ask for clean rivers.
date: 2021-03-23
---

{% include share.html %}

Dear Minister,

We **demand** clean rivers. See [our report](https://example.org/report) and *act* now.
**This sentence is bold. So is this one.** Plain again.

> A quoted statement.

We ask for:

1. A ban.
1. A fund.

Signed,

### Organizations

<!-- add below -->

1. River Watch
1. Acme Holdings, Inc.

### Individuals

- Jane Roe (University of Bristol)
- John Doe
"""


def test_markdown_front_matter_tags_markup_and_sections(tmp_path, capsys):
    doc = read(write(tmp_path, "l.md", MARKDOWN))
    assert doc.date.isoformat() == "2021-03-23" and doc.markup
    head = [(b.kind, b.sentences[0].text) for b in doc.blocks[:2]]
    assert head == [("headline", "Open letter on rivers"), ("standfirst", "Groups ask for clean rivers.")]
    texts = [s.text for b in doc.blocks if b.kind != "signatory" for s in b.sentences]
    assert "We **demand** clean rivers." in texts
    assert "See [our report](https://example.org/report) and *act* now." in texts
    assert "**This sentence is bold. So is this one.**" in texts
    assert not any(t.strip("*") == "" for t in texts)
    assert ("quote", "A quoted statement.") in [
        (b.kind, b.sentences[0].text) for b in doc.blocks if b.kind == "quote"
    ]
    items = [(b.marker, b.sentences[0].text) for b in doc.blocks if b.kind == "item"]
    assert items == [("1.", "A ban."), ("2.", "A fund.")]
    got = [
        (s.number, s.name.text, s.title.text if s.title else "", s.entity, s.section) for s in doc.signatories
    ]
    assert got == [
        (1, "River Watch", "", ORGANISATION, "Organizations"),
        (2, "Acme Holdings, Inc.", "", ORGANISATION, "Organizations"),
        (None, "Jane Roe", "University of Bristol", PERSON, "Individuals"),
        (None, "John Doe", "", PERSON, "Individuals"),
    ]
    notices = "\n".join(doc.notices)
    assert "1 template tag dropped" in notices and "1 HTML comment dropped" in notices


def test_markdown_translator_comments_for_organisations_and_markup(tmp_path):
    doc = read(write(tmp_path, "l.md", MARKDOWN))
    units = {u.text: u for u in document_units(doc)}
    assert units["River Watch"].comment.startswith(
        "Signatory 1: organisation name. Use the organisation's official"
    )
    assert units["Jane Roe"].comment.startswith("Signatory 3: personal name.")
    assert "Keep the markup" in units["We **demand** clean rivers."].comment
    assert units["Open letter on rivers"].comment == "Headline of the letter (its title)."


# --- HTML ----------------------------------------------------------------------------------------

HTML = """<!DOCTYPE html><html><head><title>Site | Letter</title>
<meta name="description" content="Experts warn.">
<script>alert(1)</script></head><body><nav><a href="/">Home</a></nav>
<article><header><h1>Letter to Apple</h1><p><time datetime="2021-08-06">6 August 2021</time></p></header>
<h2>Dear Apple,</h2>
<p>The EFF has said that <em>it is</em> a <a href="javascript:alert(1)">backdoor</a> <a href="https://eff.org">here</a>:</p>
<blockquote>“It’s impossible to build a safe scanning system.”</blockquote>
<p>We, the undersigned, ask that:</p>
<ol><li>Deployment is halted.</li><li>Apple issues a statement.</li></ol>
<p>Thank you.</p>
<h2>Signatures</h2><h3>Organizations</h3><p>→ Sign the letter.</p>
<ul><li><a href="https://a.example">Collé Group, LLC</a></li><li>D64 - Zentrum für Digitalen Fortschritt</li></ul>
<h3>Individuals</h3>
<ol><li><a href="https://b.example">Jane Roe</a><br><span>University of Bristol</span></li></ol>
</article><footer>© 2021</footer></body></html>"""


def test_html_main_content_quotes_lists_and_signatories(tmp_path):
    doc = read(write(tmp_path, "l.html", HTML))
    assert doc.format == "html" and doc.title == "Letter to Apple" and doc.date.isoformat() == "2021-08-06"
    blocks = [(b.kind, b.sentences[0].text) for b in doc.blocks if b.kind != "signatory"]
    assert blocks[:9] == [
        ("headline", "Letter to Apple"),
        ("standfirst", "Experts warn."),
        ("salutation", "Dear Apple,"),
        ("paragraph", "The EFF has said that *it is* a backdoor [here](https://eff.org):"),
        ("quote", "“It’s impossible to build a safe scanning system.”"),
        ("paragraph", "We, the undersigned, ask that:"),
        ("item", "Deployment is halted."),
        ("item", "Apple issues a statement."),
        ("paragraph", "Thank you."),
    ]
    got = [
        (s.number, s.name.text, s.title.text if s.title else "", s.entity, s.section) for s in doc.signatories
    ]
    assert got == [
        (None, "Collé Group, LLC", "", ORGANISATION, "Organizations"),
        (None, "D64 - Zentrum für Digitalen Fortschritt", "", ORGANISATION, "Organizations"),
        (1, "Jane Roe", "University of Bristol", PERSON, "Individuals"),
    ]
    every = " ".join(u.text for u in document_units(doc))
    assert "alert" not in every and "Home" not in every and "©" not in every


# --- Word ----------------------------------------------------------------------------------------


def test_docx_styles_runs_and_lists(tmp_path):
    import docx

    document = docx.Document()
    document.add_paragraph("Open letter on docx", style="Title")
    document.add_paragraph("A summary.", style="Subtitle")
    document.add_paragraph("12 March 2024")
    document.add_paragraph("Dear Editor,")
    paragraph = document.add_paragraph("We ")
    paragraph.add_run("strongly").bold = True
    paragraph.add_run(" object.")
    document.add_paragraph("We ask:")
    document.add_paragraph("One thing.", style="List Number")
    document.add_paragraph("Another.", style="List Number")
    document.add_paragraph("Yours,")
    document.add_heading("Signatories", 2)
    document.add_paragraph("Jane Roe – Chair, Acme", style="List Bullet")
    document.add_paragraph("Acme Holdings, Inc.", style="List Bullet")
    path = tmp_path / "l.docx"
    document.save(path)
    doc = read(path)
    assert doc.date.isoformat() == "2024-03-12"
    assert [b.kind for b in doc.blocks] == [
        "headline",
        "standfirst",
        "salutation",
        "paragraph",
        "paragraph",
        "item",
        "item",
        "closing",
        "section",
        "signatory",
        "signatory",
    ]
    assert doc.blocks[3].sentences[0].text == "We **strongly** object."
    assert [(s.name.text, s.entity) for s in doc.signatories] == [
        ("Jane Roe", PERSON),
        ("Acme Holdings, Inc.", ORGANISATION),
    ]


def test_docx_that_is_not_a_zip_is_one_line(tmp_path):
    path = tmp_path / "l.docx"
    path.write_bytes(b"not a zip")
    result = run_cli("segment", path)
    assert result.returncode == 1 and len(result.stderr.strip().splitlines()) == 1
    assert "not a Word .docx file" in result.stderr


# --- inline markup -------------------------------------------------------------------------------


def test_markup_renders_escaped_and_only_safe_links():
    html = render_inline(
        "A **b** *c* [d](https://x.org/?a=1&b=2) [e](javascript:alert(1)) <script>x</script>"
    )
    assert "<strong>b</strong>" in html and "<em>c</em>" in html
    assert '<a href="https://x.org/?a=1&amp;b=2">d</a>' in html
    assert "javascript" not in html.split("[e]")[0] and '<a href="javascript' not in html
    assert "&lt;script&gt;" in html
    # French typesetting puts a no-break space before ":"; the address survives it.
    assert 'href="https://x.org"' in render_inline("voir\u00a0: [ici](https\u00a0://x.org)")
    assert to_plain("**A** [b](https://x.org) c\\*") == "A b c*"


@pytest.mark.parametrize(
    ("msgstr", "expected"),
    [
        ("Nous **exigeons** [ceci](https://x.org).", []),
        ("Nous exigeons [ceci](https://x.org).", ["markup dropped: strong"]),
        ("Nous **exigeons** ceci.", ["markup dropped: link to https://x.org"]),
        ("Nous **exigeons [ceci](https://x.org).", ["markup dropped: strong", "broken markup"]),
        (
            "Nous **exigeons** [ceci](https://evil.org).",
            ["link to https://evil.org", "link to https://x.org"],
        ),
    ],
)
def test_check_markup(msgstr, expected):
    problems = check_markup("We **demand** [this](https://x.org).", msgstr)
    assert len(problems) >= len(expected)
    for needle in expected:
        assert any(needle in p for p in problems), problems


def test_make_check_reports_dropped_markup(tmp_path):
    from babel.messages.catalog import Catalog

    from pipeline.review.checks import check_catalog

    doc = read(write(tmp_path, "l.md", MARKDOWN))
    catalog = Catalog(locale="fr")
    catalog.add(
        "We **demand** clean rivers.", "Nous exigeons des rivières propres.", locations=[("l.md", 10)]
    )
    findings = [f for f in check_catalog(doc, "fr", catalog) if f.check == "markup"]
    assert findings and "strong" in str(findings[0])


# --- the corpus ------------------------------------------------------------------------------------


def _structure(path: Path) -> dict:
    doc = read(path)
    summary = document_summary(doc)
    pick = lambda s: {  # noqa: E731
        "number": s.number,
        "name": s.name.text,
        "title": s.title.text if s.title else "",
        "entity": s.entity,
        "section": s.section,
    }
    blocks: dict[str, int] = {}
    for block in doc.blocks:
        blocks[block.kind] = blocks.get(block.kind, 0) + 1
    summary["blocks"] = dict(sorted(blocks.items()))
    summary["first_signatories"] = [pick(s) for s in doc.signatories[:3]]
    summary["last_signatory"] = pick(doc.signatories[-1])
    summary["standfirst"] = next((b.sentences[0].text for b in doc.blocks if b.kind == "standfirst"), None)
    return summary


def test_corpus_has_eight_letters_in_four_formats():
    assert len(CORPUS) >= 8
    assert {p.suffix for p in CORPUS} >= {".txt", ".md", ".html", ".docx"}
    sources = (LETTERS / "SOURCES.md").read_text(encoding="utf-8")
    for path in CORPUS:
        assert f"`{path.name}`" in sources


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_structure_matches_reviewed_snapshot(path):
    expected = json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))
    assert _structure(path) == expected


LARGE = [p for p in CORPUS if p.stat().st_size > 60_000]  # rms_open_letter.md: 3,080 signatories


def _full_build(path: Path, tmp_path: Path, pdf: bool) -> None:
    trans, out = tmp_path / "translations", tmp_path / "output"
    run_cli("pot", path, "--translations", trans, check=True)
    run_cli("po", path, "--translations", trans, "--langs", "fr", check=True)
    args = ["edition", path, "--translations", trans, "--langs", "fr", "--lang", "en fr", "--output", out]
    run_cli(*args, *([] if pdf else ["--html-only"]), check=True)
    name = path.stem
    if shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(trans / name / "fr.po")], check=True)
    pot = (trans / name / f"{name}.pot").read_text(encoding="utf-8")
    assert 'msgid "1."' not in pot and 'msgid "**"' not in pot
    html = (out / name / "fr.html").read_text(encoding="utf-8")
    assert "<script" not in html and "javascript:" not in html
    doc = read(path)
    english = (out / name / "en.html").read_text(encoding="utf-8")
    texts = [u.text for u in document_units(doc)]
    if any("**" in t for t in texts):
        assert "<strong>" in english and "**" not in english.split("<main>")[-1]
    if any("](http" in t for t in texts):
        assert '<a href="http' in english
    first = doc.signatories[0].name.text
    # The editions bind initials and numbers with no-break spaces (typesetting, not the text).
    spaced = html.replace("\u00a0", " ").replace("\u202f", " ")
    assert first.replace("&", "&amp;").replace("'", "&#39;").replace('"', "&#34;") in spaced
    if pdf:
        assert (out / name / "fr.pdf").read_bytes().startswith(b"%PDF")


# "→" (Apple letter), emoji (NixOS signatures) and Hangul (RMS signatories) are drawn by the
# fonts pipeline/typesetting/fonts.py finds for them: every letter builds.
@pytest.mark.parametrize("path", [p for p in CORPUS if p not in LARGE], ids=lambda p: p.name)
def test_corpus_full_build_html(path, tmp_path):
    """pot + po (fr) + the en and fr HTML editions of every letter but the 3,000-signatory one."""
    _full_build(path, tmp_path, pdf=False)


@pytest.mark.parametrize("path", LARGE, ids=lambda p: p.name)
def test_corpus_catalogs(path, tmp_path):
    """pot + po of the letters not built in full by default; GNU msgfmt accepts the .po."""
    trans = tmp_path / "translations"
    run_cli("pot", path, "--translations", trans, check=True)
    run_cli("po", path, "--translations", trans, "--langs", "fr", check=True)
    if shutil.which("msgfmt"):
        for po in (trans / path.stem).glob("*.po"):
            subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], check=True)


def test_corpus_full_build_with_pdf(tmp_path):
    _full_build(LETTERS / "mozilla_economists.html", tmp_path, pdf=True)


@pytest.mark.slow
@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.name)
def test_corpus_full_build_pdf_every_letter(path, tmp_path):
    _full_build(path, tmp_path, pdf=True)
