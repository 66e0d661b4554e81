"""Progress of the editions step: a status per rendering edition, on stderr, never spamming a log."""

from __future__ import annotations

import io
import os
import pty
import re

from conftest import letter_project, run_cli

from pipeline.editions.progress import Progress, weasyprint_progress


def test_each_rendering_edition_reports_its_pages_in_a_log(tmp_path):
    """Forked workers (--jobs 2) send their statuses to the parent, which prints them on stderr."""
    root = letter_project(tmp_path, "fr")
    argv = ("editions", "source/letter.txt", "--langs", "fr", "--jobs", "2")
    env = {"LETTER_PROGRESS_PAGES": "1", "MAKEFLAGS": ""}
    result = run_cli(*argv, cwd=root, env=env)
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    for name in ("en.pdf", "fr.pdf"):
        pages = [int(m.group(1)) for m in (re.fullmatch(rf"{name}: page (\d+)", line) for line in lines) if m]
        assert pages and pages[0] == 1 and max(pages) >= 2, result.stderr
        written = [line for line in lines if line.startswith(f"{name}: writing PDF, ")]
        assert len(written) == 1 and re.fullmatch(rf"{name}: writing PDF, \d+ pages", written[0])
        assert re.fullmatch(rf"{name}: done \(\d+ s\)", [x for x in lines if x.startswith(name)][-1])
    # stdout keeps only the results
    assert not [line for line in result.stdout.splitlines() if line.startswith(("en.pdf", "fr.pdf"))]
    # nothing to render: no progress at all
    again = run_cli(*argv, cwd=root, env=env)
    assert again.returncode == 0 and ".pdf:" not in again.stderr
    # the default (a line every 10 pages) keeps a short letter's log as it was
    (root / "output" / "letter" / "fr.pdf").unlink()
    quiet = run_cli(*argv, cwd=root, env={"MAKEFLAGS": ""})
    assert quiet.returncode == 0 and quiet.stderr == "", quiet.stderr


def test_a_log_gets_one_line_per_n_pages_and_a_last_line():
    out = io.StringIO()
    progress = Progress(out, every=10)
    for page in range(1, 26):
        progress.update("ru.pdf", "applying CSS" if page == 1 else f"page {page}")
    progress.update("ru.pdf", "writing PDF, 25 pages")
    progress.update("en.pdf", "page 3")
    progress.update("en.pdf", "writing PDF, 3 pages")
    progress.done("ru.pdf", "done")
    progress.done("en.pdf", "done")
    lines = out.getvalue().splitlines()
    assert lines[:3] == ["ru.pdf: page 10", "ru.pdf: page 20", "ru.pdf: writing PDF, 25 pages"]
    assert len(lines) == 4 and re.fullmatch(r"ru\.pdf: done \(\d+ s\)", lines[3])


def read_terminal(leader: int) -> str:
    """Everything written to a pseudo-terminal whose other end is closed (one read may get a part)."""
    chunks = []
    try:
        while chunk := os.read(leader, 4096):
            chunks.append(chunk)
    except OSError:  # EIO: drained, and no writer is left
        pass
    finally:
        os.close(leader)
    return b"".join(chunks).decode()


def test_a_terminal_gets_one_line_rewritten_in_place_and_cleared():
    leader, follower = pty.openpty()
    with open(follower, "w", encoding="utf-8", closefd=True) as terminal:
        progress = Progress(terminal)
        assert progress.tty
        progress.update("en.pdf", "page 3")
        progress.drawn = 0  # redraw now, whatever the clock says
        progress.update("ru.pdf", "page 7")
        progress.done("en.pdf", "done")
        progress.close()
        terminal.flush()
    written = read_terminal(leader)
    assert "\n" not in written.replace("\r\n", "")
    assert "\r\x1b[Ken.pdf: page 3 · ru.pdf: page 7" in written
    assert written.endswith("\r\x1b[Kru.pdf: page 7\r\x1b[K")


def test_weasyprint_progress_becomes_short_statuses():
    from weasyprint import HTML

    statuses: list[str] = []
    with weasyprint_progress(statuses.append):
        HTML(string="<p>one</p>" + '<p style="break-before: page">two</p>').render()
    assert statuses[0] == "reading HTML"
    assert "applying CSS" in statuses and statuses[-2:] == ["page 1", "page 2"]
    HTML(string="<p>three</p>").render()  # outside the block, nothing more
    assert statuses[-1] == "page 2"


def test_cached_page_references_are_pydyf_s_as_pages_are_added():
    """editions/pdf.py caches pydyf's page references (read for every tagged element): same values."""
    import pydyf

    from pipeline.typesetting.hooks.page_references import linear_page_references

    with linear_page_references():
        assert "page_references" in pydyf.PDF.page_references.fget.__qualname__
        assert pydyf.PDF.page_references.fget.__module__ == "pipeline.typesetting.hooks.page_references"
        pdf = pydyf.PDF()
        for count in range(1, 6):
            pdf.add_page(pydyf.Dictionary({"Type": "/Page"}))
            expected = tuple(
                f"{number} 0 R".encode() for number in pdf.pages["Kids"][::3]
            )  # pydyf 0.13's own
            assert len(expected) == count and pdf.page_references == expected
            assert "_page_references" in pdf.__dict__  # read through the cache
    plain = pydyf.PDF()
    plain.add_page(pydyf.Dictionary({"Type": "/Page"}))
    assert plain.page_references and "_page_references" not in plain.__dict__  # outside: pydyf's own
