"""The engine interface: what an engine is given, what it gives back, and its settings."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class Result:
    """One segment's translation: n-best texts (best first), still masked."""

    texts: list[str]
    score: float | None = None  # log-probability of the best text, when the engine reports one
    origin: str = ""  # provenance of what produced it (server, version, pair)


class Engine(Protocol):
    name: str

    def translate(self, batches: Iterable[list[str]], lang: str) -> Iterator[tuple[int, list[Result]]]: ...

    def provenance(self, lang: str) -> str: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class Settings:
    engine: str = "ctranslate2"
    urls: list[str] = field(default_factory=list)
    api_key: str | None = None
    in_flight: int | None = None  # None: 2 per URL
    timeout: float = 120.0
    retries: int = 6
    source: Path | None = None  # the config file read, if any (for error messages)
