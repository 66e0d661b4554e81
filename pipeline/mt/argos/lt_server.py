"""``make lt-server``: a local LibreTranslate serving the Argos packages of ``make models``.

LibreTranslate pins its own Flask, numpy, requests…, so a pinned release lives
in its own virtual environment (``.lt-venv``, or ``LT_VENV``) and never
touches the project's. The server reads the packages where ``make models``
put them (``models/packages``), keeps Argos' and MiniSBD's folders under
``models/`` (the ``XDG_*`` folders, as ``pipeline.mt.argos.models.argos`` does) and
never downloads Argos models: ``ARGOS_PACKAGE_INDEX`` points nowhere, so
LibreTranslate's start-up update (it runs when fewer than two packages are
installed) fails fast and it serves what is there.

MiniSBD, LibreTranslate's sentence splitter, fetches ``en.onnx`` from GitHub
on the first request unless ``models/data/argos-translate/minisbd/en.onnx``
exists: the start-up line says so when it is missing.

    python -m pipeline.mt.argos.lt_server [--host H] [--port P] [--install-only]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from filelock import FileLock

from pipeline import config
from pipeline.errors import PipelineError
from pipeline.mt.argos.packages import default_models_dir

LT_RELEASE = "1.9.6"  # the libretranslate release on PyPI this project is tested with
NOWHERE = "http://127.0.0.1:9/"  # an Argos index that cannot answer: no model downloads


def venv_dir() -> Path:
    return Path(config.raw("LT_VENV"))


def ensure_venv(venv: Path | None = None, quiet: bool = True) -> Path:
    """Create ``venv`` with libretranslate==LT_RELEASE unless already there; its ``libretranslate``."""
    venv = Path(venv or venv_dir()).absolute()
    marker = venv / f".installed-libretranslate-{LT_RELEASE}"
    program = venv / "bin" / "libretranslate"
    if marker.exists() and program.exists():
        return program
    venv.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(venv) + ".lock"):  # two test sessions or makes install once
        if marker.exists() and program.exists():
            return program
        steps = [
            [sys.executable, "-m", "venv", str(venv)],
            [str(venv / "bin" / "python"), "-m", "pip", "install", "--disable-pip-version-check"]
            + (["-q"] if quiet else [])
            + [f"libretranslate=={LT_RELEASE}"],
        ]
        for step in steps:
            result = subprocess.run(step, capture_output=quiet, text=True)
            if result.returncode != 0:
                last = (result.stderr or "").strip().splitlines()[-1:] if quiet else []
                raise PipelineError(
                    venv,
                    f"installing libretranslate=={LT_RELEASE} failed (exit {result.returncode})"
                    + (f": {last[0]}" if last else "")
                    + "; it needs PyPI once",
                )
        marker.touch()
    return program


def models_dir() -> Path:
    return default_models_dir().resolve()


def packages_dir() -> Path:
    return Path(config.raw("ARGOS_PACKAGES_DIR") or models_dir() / "packages").resolve()


def server_env(base: dict | None = None) -> dict[str, str]:
    """The environment LibreTranslate runs in: this project's models, no downloads of Argos models."""
    env = dict(os.environ if base is None else base)
    folder = models_dir()
    env.update(
        ARGOS_PACKAGES_DIR=str(packages_dir()),
        XDG_DATA_HOME=str(folder / "data"),
        XDG_CONFIG_HOME=str(folder / "config"),
        XDG_CACHE_HOME=str(folder / "cache"),
        ARGOS_PACKAGE_INDEX=NOWHERE,
        ARGOS_DEVICE_TYPE=env.get("ARGOS_DEVICE_TYPE", "cpu"),
    )
    # Argos' defaults (1 worker using every core) make concurrent requests fight
    # over the cores; like the local engine: up to 2 workers, 1 core each.
    env.setdefault("ARGOS_INTER_THREADS", str(min(2, os.cpu_count() or 1)))
    env.setdefault("ARGOS_INTRA_THREADS", "1")
    return env


def sbd_model() -> Path:
    """Where Argos' MiniSBD looks for the English sentence splitter."""
    return models_dir() / "data" / "argos-translate" / "minisbd" / "en.onnx"


def server_command(program: Path, host: str, port: int, extra: list[str] | None = None) -> list[str]:
    return [
        str(program),
        "--host",
        host,
        "--port",
        str(port),
        "--disable-files-translation",
        *(extra or []),
    ]


def installed_pairs() -> list[str]:
    """``en→fr 1.9``… for each Argos package under ``packages_dir()`` (LibreTranslate reports no versions)."""
    pairs = []
    folder = packages_dir()
    for path in sorted(folder.glob("*/metadata.json")) if folder.is_dir() else []:
        try:
            metadata = json.loads(path.read_text(encoding="utf-8"))
            pairs.append(
                f"{metadata['from_code']}→{metadata['to_code']} {metadata.get('package_version', '?')}"
            )
        except (OSError, ValueError, KeyError, TypeError):
            continue  # not a package LibreTranslate can load either
    return pairs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make lt-server", description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default=config.raw("LT_HOST"))
    parser.add_argument("--port", type=int, default=int(config.raw("LT_PORT")))
    parser.add_argument("--install-only", action="store_true", help="only create the virtual environment")
    args, extra = parser.parse_known_args(argv)
    try:
        program = ensure_venv(quiet=False)
        if args.install_only:
            print(f"{program}: libretranslate {LT_RELEASE}")
            return 0
        pairs = installed_pairs()
        if not pairs:
            raise PipelineError(packages_dir(), "no Argos packages here; run `make models` first")
    except PipelineError as exc:
        print(exc, file=sys.stderr)
        return 1
    url = f"http://{args.host}:{args.port}"
    print(f"LibreTranslate {LT_RELEASE} on {url}, serving {', '.join(pairs)} from {packages_dir()}")
    print(f"  use it: make translate MT_ENGINE=libretranslate LT_URL={url}   (Ctrl-C stops the server)")
    if not sbd_model().exists():
        print(
            f"  note: MiniSBD will download en.onnx on the first request; offline, put it at {sbd_model()}",
            file=sys.stderr,
        )
    state = models_dir() / "libretranslate"  # LibreTranslate writes its db/ in the working directory
    state.mkdir(parents=True, exist_ok=True)
    os.chdir(state)
    sys.stdout.flush()
    os.execve(str(program), server_command(program, args.host, args.port, extra), server_env())
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
