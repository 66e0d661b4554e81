"""The one error type the pipeline reports to users."""

from __future__ import annotations

import os
from dataclasses import dataclass


@dataclass
class PipelineError(Exception):
    """Bad input or an impossible write: reported as one line, exit status 1."""

    path: str | os.PathLike | None
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = os.fspath(self.path)
            if self.line is not None:
                where += f":{self.line}"
            where += ": "
        return f"{where}error: {self.message}"
