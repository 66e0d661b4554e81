"""The hooks' gate: a WeasyPrint or pydyf function that is no longer what a hook was written against
makes that hook stand down with one warning line, and the edition still builds with the library's own code."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from pipeline.typesetting.hooks import gate

ROOT = Path(__file__).resolve().parent.parent

RENDER = """
import sys
from pathlib import Path
{patch}
from pipeline.editions.pdf import render_pdf
from pipeline.typesetting.hooks import columns, gate
html = "<!DOCTYPE html><html lang=en><body><div style='columns: 2; hyphens: auto; text-align: justify'>"
html += "".join(f"<p>Entry {{i}} with an extraordinarily long hyphenatable denomination</p>" for i in range(400))
html += "</div></body></html>"
pages = render_pdf(html, Path(sys.argv[1]))
print(pages, columns.REUSED[0], ",".join(sorted(gate.STOOD_DOWN)))
"""

CHANGED = """
import weasyprint.layout.block as block, weasyprint.layout.inline as inline, pydyf
layout = block.block_box_layout
def block_box_layout(context, box, *rest, new_option=None, **named):  # parameters changed upstream
    return layout(context, box, *rest, **named)
block.block_box_layout = block_box_layout
lines = inline.iter_line_boxes
def iter_line_boxes(context, box, position_y, bottom_space, skip_stack, containing_block,
                    absolute_boxes, fixed_boxes, first_letter_style, first_line_style):
    # same parameters, other code: the loop the hook copies would be stale
    return lines(context, box, position_y, bottom_space, skip_stack, containing_block,
                 absolute_boxes, fixed_boxes, first_letter_style, first_line_style)
inline.iter_line_boxes = iter_line_boxes
"""


def render(tmp_path: Path, patch: str) -> tuple[list[str], str, Path]:
    pdf = tmp_path / "out.pdf"
    result = subprocess.run(
        [sys.executable, "-c", RENDER.format(patch=patch), str(pdf)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)},
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout.strip().split(maxsplit=2), result.stderr, pdf


def test_hooks_install_on_the_library_they_were_written_for(tmp_path):
    (pages, reused, *stood_down), stderr, pdf = render(tmp_path, "")
    assert not stood_down and "not installed" not in stderr
    assert int(pages) > 1 and int(reused) > 0 and pdf.stat().st_size > 0


def test_a_changed_function_makes_its_hook_stand_down_and_the_edition_still_builds(tmp_path):
    (pages, reused, stood_down), stderr, pdf = render(tmp_path, CHANGED)
    assert set(stood_down.split(",")) == {"column layout reuse", "hyphenate-limit-lines"}
    warnings = [line for line in stderr.splitlines() if "not installed" in line]
    assert len(warnings) == 2, stderr
    assert all("weasyprint " in line and "using" not in line for line in warnings)
    assert any("block_box_layout takes (context, box, rest, new_option, named)" in line for line in warnings)
    # defined in -c code its source cannot be read; from a file its digest differs: either stands it down
    assert any("iter_line_boxes" in line and ("changed" in line or "source" in line) for line in warnings)
    assert int(pages) > 1 and int(reused) == 0 and pdf.read_bytes().startswith(b"%PDF")


def test_a_contract_names_what_is_gone_or_changed():
    # column.columns_layout is never replaced (only the name block.py calls is): other tests in this
    # process may have installed the hooks already
    assert gate.broken(gate.Contract("weasyprint.layout.block.no_such_function")) is not None
    assert gate.broken(gate.Contract("weasyprint.layout.column.columns_layout", ("context", "box"))) is None
    assert "takes" in gate.broken(gate.Contract("weasyprint.layout.column.columns_layout", ("box",)))
    assert "changed" in gate.broken(
        gate.Contract("weasyprint.layout.column.columns_layout", (), frozenset({"0" * 64}))
    )
