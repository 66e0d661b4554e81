"""Judging pages as browsers and validators do: the Nu HTML checker (vnu.jar from npm, run with Java).

``vnu_errors(paths)`` runs the checker once over every file and returns its
errors as ``path:line:column: message`` lines. CSS the checker does not know
because it belongs to paged media (WeasyPrint's running headers and page
counters: ``position: running()``, ``content: element()``, page-margin boxes)
is left out, and only that: every other HTML or CSS error is returned.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"  # package.json pins vnu-jar

# CSS Paged Media and GCPM constructs (running elements, named strings, page counters,
# margin boxes, footnotes, leaders, bookmarks) that the checker's CSS profile lacks.
PAGED_MEDIA = re.compile(
    r"running\(|element\(|string\(|string-set|target-counter|target-text|leader\(|bookmark-"
    r"|counter\(\s*pages?\s*\)|@page|@(?:top|bottom|left|right)-|footnote|-weasy-",
    re.IGNORECASE,
)


def vnu_command() -> list[str]:
    java = shutil.which("java")
    assert java, "Java runs the Nu HTML checker: `make install` installs default-jre-headless"
    assert VNU_JAR.is_file(), f"{VNU_JAR} is missing: run `npm ci` (make test does) in {ROOT}"
    # C1-compiled only: a third less CPU for a short run; its deeper frames need a bigger stack
    return [java, "-Xss16m", "-XX:TieredStopAtLevel=1", "-jar", str(VNU_JAR)]


def is_paged_media(message: dict) -> bool:
    """A CSS complaint about paged-media syntax (the PDF's running header, page numbers)."""
    text = message.get("message", "")
    return text.startswith("CSS:") and bool(PAGED_MEDIA.search(text + " " + message.get("extract", "")))


def vnu_messages(paths: Iterable[Path], *options: str) -> list[dict]:
    """The checker's JSON messages for the files (one Java start for all of them)."""
    paths = [str(Path(p)) for p in paths]
    if not paths:
        return []
    command = [*vnu_command(), "--format", "json", "--stdout", "--exit-zero-always", *options, *paths]
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"vnu failed to run: {result.stderr[-2000:]}"
    return json.loads(result.stdout)["messages"]


def vnu_errors(paths: Iterable[Path]) -> list[str]:
    """Errors of the Nu HTML checker in these HTML files, paged-media CSS left out.

    Each as ``path:line:column: message``; an empty list means valid HTML.
    """
    errors = []
    for message in vnu_messages(paths, "--errors-only"):
        if message.get("type") not in ("error", "non-document-error") or is_paged_media(message):
            continue
        url = message.get("url", "")
        where = url.removeprefix("file:")
        errors.append(
            f"{where}:{message.get('lastLine', '?')}:{message.get('lastColumn', '?')}: {message['message']}"
        )
    return errors
