"""Machine-translation engines behind one small interface, chosen by setting.

``translate.py`` decides what to translate, masks numbers and glossary terms,
keeps names away from any engine and writes the drafts; an engine only turns
batches of masked source texts into n-best lists:

    engine.translate(batches, lang) -> Iterator[(batch_index, [Result, ...])]
    engine.provenance(lang) -> "LibreTranslate 1.9.6 at http://…, en→fr, …"

Batches are yielded as they finish (not necessarily in order), so the caller
can save each at once and a failure loses only the batches still in flight.

Settings (the environment wins over the file):

- ``MT_ENGINE``: ``ctranslate2`` (default: the Argos models installed by
  ``make models``, run in-process) or ``libretranslate``;
- ``LT_URL``: one or several server URLs, separated by spaces or commas;
- ``LT_API_KEY``; ``LT_IN_FLIGHT`` (requests at once, default 2 per URL);
  ``LT_TIMEOUT`` (seconds per request, default 120); ``LT_RETRIES`` (default 6);
- the same keys in ``mt.toml`` in the working directory (or the file named
  by ``MT_CONFIG``): ``engine = "libretranslate"`` and a ``[libretranslate]``
  table with ``url``, ``api_key``, ``in_flight``, ``timeout``, ``retries``.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

from pipeline import config
from pipeline.errors import PipelineError
from pipeline.mt.engines.base import Engine, Settings

ENGINES = ("ctranslate2", "libretranslate")
CONFIG_NAME = "mt.toml"


def _config_path(env: Mapping[str, str], cwd: Path) -> Path:
    return Path(config.raw("MT_CONFIG", env)) if config.is_set("MT_CONFIG", env) else cwd / CONFIG_NAME


def _read_config(path: Path) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise PipelineError(path, f"cannot read the MT settings: {exc}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line = re.search(r"line (\d+)", str(exc))
        raise PipelineError(path, f"not valid TOML: {exc}", int(line.group(1)) if line else None) from None


def split_urls(value: str | list) -> list[str]:
    """``"http://a:5000, http://b:5000"`` or a TOML list -> the URLs, without a trailing slash."""
    items = value if isinstance(value, list) else re.split(r"[\s,]+", str(value))
    return [str(item).strip().rstrip("/") for item in items if str(item).strip()]


def load_settings(env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Settings:
    """The MT settings from the environment over ``mt.toml``; a bad value is one line naming it."""
    env = os.environ if env is None else env
    path = _config_path(env, Path.cwd() if cwd is None else cwd)
    data = _read_config(path)
    table = data.get("libretranslate", {})
    if not isinstance(table, dict):
        raise PipelineError(path, "[libretranslate] must be a table")
    where = path if data else None

    def pick(variable: str, key: str, default=None, container=table):
        if config.is_set(variable, env):
            return config.raw(variable, env), variable
        if key in container:
            return container[key], f"{key} in {path.name}"
        return default, variable

    engine, _ = pick("MT_ENGINE", "engine", "ctranslate2", data)
    engine = str(engine).strip().lower()
    if engine not in ENGINES:
        raise PipelineError(where, f"unknown MT engine {engine!r} (MT_ENGINE): use {' or '.join(ENGINES)}")
    url, _ = pick("LT_URL", "url", "")
    api_key, _ = pick("LT_API_KEY", "api_key", None)

    def number(variable: str, key: str, default, kind):
        value, name = pick(variable, key, default)
        try:
            parsed = kind(value)
        except (TypeError, ValueError):
            parsed = None
        if parsed is None or not math.isfinite(parsed) or parsed < (1 if variable != "LT_RETRIES" else 0):
            raise PipelineError(where, f"{name} must be a positive number, not {value!r}")
        return parsed

    in_flight = None
    if pick("LT_IN_FLIGHT", "in_flight")[0] not in (None, ""):
        in_flight = number("LT_IN_FLIGHT", "in_flight", None, int)
    settings = Settings(
        engine=engine,
        urls=split_urls(url),
        api_key=str(api_key) if api_key else None,
        in_flight=in_flight,
        timeout=number("LT_TIMEOUT", "timeout", 120.0, float),
        retries=number("LT_RETRIES", "retries", 6, int),
        source=path if data else None,
    )
    if settings.engine == "libretranslate":
        if not settings.urls:
            raise PipelineError(
                where,
                "MT_ENGINE=libretranslate needs LT_URL (one or several server URLs, e.g. http://127.0.0.1:5000)",
            )
        for candidate in settings.urls:
            if not re.match(r"https?://[^/\s]+", candidate):
                raise PipelineError(where, f"LT_URL: {candidate!r} is not an http(s) URL")
    return settings


def configured_engine(env: Mapping[str, str] | None = None, cwd: Path | None = None) -> Engine | None:
    """The engine the settings choose, or None for the in-process CTranslate2 engine."""
    settings = load_settings(env, cwd)
    if settings.engine == "libretranslate":
        from pipeline.mt.engines.libretranslate import LibreTranslate

        return LibreTranslate.from_settings(settings)
    return None
