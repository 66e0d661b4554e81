"""Every setting the pipeline reads from its environment, in one registry (as Sphinx's config.py).

Each stage asks :func:`raw` for a setting by name instead of reading ``os.environ``
itself, so the list below is the whole of what can change a run from outside, with
its default and meaning. A value is read when it is used (not at import), so a
test or a long-lived process sees the environment of the moment; what a value must
look like is checked where it is used, with an error that names the variable.
``python -m pipeline.config`` prints the table.
"""

from __future__ import annotations

import datetime
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass

from pipeline.project import LT_VENV, MODELS

SOURCE_LANG = "en"  # the language letters are written in, and the MT models' source side


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    meaning: str


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("DATE", "", "the letter's date (YYYY-MM-DD) when it carries none"),
        Setting("SOURCE_DATE_EPOCH", "", "build time for reproducible outputs (seconds since 1970)"),
        Setting("LETTER_FORMAT", "", "read the letter as txt, md, html or docx whatever its extension"),
        Setting("LETTER_MAX_BYTES", "", "the largest letter file read (default in document/readers)"),
        Setting("LETTER_MAX_PAGES", "200", "the most pages an edition may have"),
        Setting("LETTER_PROGRESS_PAGES", "10", "pages between two progress lines of one edition"),
        Setting("LETTER_MODELS_DIR", str(MODELS), "where `make models` installs the Argos models"),
        Setting("PIPELINE_LOCK_TIMEOUT", "600", "seconds to wait for another pipeline process's lock"),
        Setting("PIPELINE_BUSY_TIMEOUT", "30", "seconds to wait for a file an editor keeps saving"),
        Setting("PIPELINE_DEBUG", "", "non-empty: an internal error prints its traceback"),
        Setting("MT_ENGINE", "ctranslate2", "ctranslate2 (local Argos models) or libretranslate"),
        Setting("MT_CONFIG", "", "the MT settings file (default: mt.toml in the working directory)"),
        Setting("MT_BATCH_SIZE", "16", "segments per batch sent to the local engine"),
        Setting("MT_INTER_THREADS", str(min(2, os.cpu_count() or 1)), "batches translated at once"),
        Setting("MT_INTRA_THREADS", "1", "threads per batch"),
        Setting("LT_URL", "", "LibreTranslate server URL(s), separated by spaces or commas"),
        Setting("LT_API_KEY", "", "LibreTranslate API key"),
        Setting("LT_IN_FLIGHT", "", "requests at once (default: 2 per URL)"),
        Setting("LT_TIMEOUT", "120", "seconds per LibreTranslate request"),
        Setting("LT_RETRIES", "6", "retries of a failed LibreTranslate request"),
        Setting("LT_VENV", str(LT_VENV), "the virtual environment of `make lt-server`"),
        Setting("LT_HOST", "127.0.0.1", "the address `make lt-server` listens on"),
        Setting("LT_PORT", "5000", "the port `make lt-server` listens on"),
        Setting("ARGOS_PACKAGES_DIR", "", "Argos' own package folder (default: under LETTER_MODELS_DIR)"),
        Setting(
            "MAKEFLAGS", "", "read, not set: make's output sync holds stderr, so progress goes to the tty"
        ),
    )
}


def _given(name: str, env: Mapping[str, str] | None) -> str:
    SETTINGS[name]  # a KeyError here is a setting missing from the registry: a bug
    return (os.environ if env is None else env).get(name, "").strip()


def raw(name: str, env: Mapping[str, str] | None = None) -> str:
    """The setting's value as given (stripped), or its default when unset or empty."""
    return _given(name, env) or SETTINGS[name].default


def is_set(name: str, env: Mapping[str, str] | None = None) -> bool:
    """Whether the environment gives the setting a non-empty value."""
    return bool(_given(name, env))


def source_date() -> datetime.datetime | None:
    """SOURCE_DATE_EPOCH as an aware UTC time (reproducible builds), or None when unset or not digits."""
    epoch = raw("SOURCE_DATE_EPOCH")
    return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC) if epoch.isdigit() else None


def main() -> int:
    for setting in SETTINGS.values():
        current = f" (now {raw(setting.name)!r})" if is_set(setting.name) else ""
        print(f"{setting.name:22} {setting.default!r:14} {setting.meaning}{current}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
