"""MT_ENGINE=libretranslate against a real, unmodified LibreTranslate server.

The server is the pinned release ``make lt-server`` installs (in its own
virtual environment, ``.lt-venv``; the first run installs it from PyPI), started
through the same launcher on a free port, serving the identity packages the
suite builds. MiniSBD, its sentence splitter, finds a genuine ONNX model built
by ``minisbd_builder`` where it looks, so nothing is downloaded. Faults (429s,
slow or malformed answers) come from a small proxy in front of the real server.
"""

from __future__ import annotations

import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from argos_builder import build_package
from conftest import ROOT, SECOND, SEED, letter_project, run_cli
from minisbd_builder import install_model

from pipeline.document.load import load_document
from pipeline.errors import PipelineError
from pipeline.mt.argos.lt_server import LT_RELEASE, ensure_venv
from pipeline.mt.drafts import journal_path, mask_numbers, read_journal
from pipeline.mt.engines import load_settings
from pipeline.mt.engines.libretranslate import LibreTranslate
from pipeline.po.catalog import read_catalog

LINES = [
    line
    for path in (SEED, SECOND)
    for line in path.read_text(encoding="utf-8-sig").splitlines()
    if line.strip()
]
LANGS = ("az", "ru", "fr")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def lt_program() -> Path:
    """The pinned LibreTranslate in .lt-venv (installed from PyPI on first use)."""
    return ensure_venv()


@pytest.fixture(scope="module")
def models(tmp_path_factory) -> Path:
    """A models/ folder as `make models` leaves it, plus MiniSBD's en.onnx built here."""
    folder = tmp_path_factory.mktemp("lt-models")
    archives = folder / "archives"
    archives.mkdir()
    for lang in LANGS:
        build_package(archives, "identity", lang, LINES)
    work = folder / "work"
    work.mkdir()
    env = {"LETTER_MODELS_DIR": str(folder / "models"), "ARGOS_PACKAGES_DIR": str(folder / "models/packages")}
    run_cli("models", "--langs", " ".join(LANGS), "--from-dir", archives, cwd=work, env=env, check=True)
    install_model(folder / "models" / "data")
    return folder / "models"


class Server:
    """``python -m pipeline.mt.argos.lt_server`` (what `make lt-server` runs) on a free port."""

    def __init__(self, models: Path, extra: tuple[str, ...] = ()):
        self.port = free_port()
        # LibreTranslate logs every request: a file, never an unread pipe that fills and blocks it.
        self.log = models.parent / f"libretranslate-{self.port}.log"
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "LETTER_MODELS_DIR": str(models),
            "ARGOS_PACKAGES_DIR": str(models / "packages"),
            "LT_PORT": str(self.port),
        }
        self.process = subprocess.Popen(
            [sys.executable, "-m", "pipeline.mt.argos.lt_server", *extra],
            env=env,
            stdout=self.log.open("w"),
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"LibreTranslate exited: {self.log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{self.url}/languages", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.stop()
        raise AssertionError("LibreTranslate did not start within 120 s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture(scope="module")
def server(lt_program, models, tmp_path_factory):
    keys = tmp_path_factory.mktemp("lt-keys") / "api_keys.db"
    running = Server(models, ("--api-keys", "--api-keys-db-path", str(keys)))
    yield running
    running.stop()


class Proxy:
    """A local HTTP proxy in front of the server; ``plan(n)`` says what the n-th POST gets."""

    def __init__(self, upstream: str, plan):
        self.posts = 0
        self.lock = threading.Lock()
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                self.forward(httpx.get(upstream + self.path, timeout=30))

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with proxy.lock:
                    proxy.posts += 1
                    number = proxy.posts
                action = plan(number, body)
                if isinstance(action, float):  # a slow server
                    time.sleep(action)
                    action = "forward"
                if action == "forward":
                    answer = httpx.post(
                        upstream + self.path,
                        content=body,
                        headers={"Content-Type": "application/json"},
                        timeout=120,
                    )
                    self.forward(answer)
                else:
                    status, headers, payload = action
                    self.reply(status, headers, payload)

            def forward(self, answer: httpx.Response):
                self.reply(
                    answer.status_code, {"Content-Type": answer.headers["content-type"]}, answer.content
                )

            def reply(self, status: int, headers: dict, payload: bytes):
                try:
                    self.send_response(status)
                    for name, value in headers.items():
                        self.send_header(name, value)
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.handle_error = lambda request, address: None  # upstream timeouts are the point
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def letter_segments(count: int) -> list[str]:
    doc = load_document(SEED)
    texts = [s.text for block in doc.blocks if block.kind != "signatory" for s in block.sentences]
    return [mask_numbers(t)[0] for t in texts[:count]]


def translate_all(engine: LibreTranslate, texts: list[str], size: int, lang="fr") -> dict[int, list]:
    batches = [texts[i : i + size] for i in range(0, len(texts), size)]
    return dict(engine.translate(batches, lang))


@pytest.fixture(scope="module")
def letter(tmp_path_factory) -> Path:
    """The sample letter with its template and catalogs, made once; tests work on copies."""
    return letter_project(tmp_path_factory.mktemp("lt-letter"), " ".join((*LANGS, "de")))


def project(root: Path, letter: Path, models: Path, extra: dict | None = None) -> tuple[Path, dict]:
    shutil.copytree(letter, root)
    env = {
        "LETTER_MODELS_DIR": str(models),
        "ARGOS_PACKAGES_DIR": str(models / "packages"),
        "HOME": str(root),
        "MT_ENGINE": "ctranslate2",
        **(extra or {}),
    }
    return root, env


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


# --- settings -------------------------------------------------------------------------------------


def test_settings_come_from_the_environment_over_mt_toml(tmp_path):
    (tmp_path / "mt.toml").write_text(
        'engine = "libretranslate"\n[libretranslate]\nurl = ["http://a:5000/", "http://b:5000"]\n'
        'api_key = "from-file"\nin_flight = 3\n',
        encoding="utf-8",
    )
    settings = load_settings({}, tmp_path)
    assert (settings.engine, settings.urls, settings.api_key, settings.in_flight) == (
        "libretranslate",
        ["http://a:5000", "http://b:5000"],
        "from-file",
        3,
    )
    settings = load_settings({"LT_URL": "http://c:1, http://d:2", "LT_API_KEY": "env"}, tmp_path)
    assert (settings.urls, settings.api_key) == (["http://c:1", "http://d:2"], "env")
    assert load_settings({"MT_ENGINE": "ctranslate2"}, tmp_path).engine == "ctranslate2"
    assert load_settings({}, tmp_path / "elsewhere").engine == "ctranslate2"  # no file: the local engine


@pytest.mark.parametrize(
    ("toml", "env", "message"),
    [
        ("engine = \n", {}, "mt.toml:1: error: not valid TOML"),
        ('engine = "deepl"\n', {}, "unknown MT engine 'deepl'"),
        ('engine = "libretranslate"\n', {}, "needs LT_URL"),
        ("", {"MT_ENGINE": "libretranslate", "LT_URL": "ftp://x"}, "not an http(s) URL"),
        (
            "",
            {"MT_ENGINE": "libretranslate", "LT_URL": "http://x", "LT_TIMEOUT": "soon"},
            "LT_TIMEOUT must be",
        ),
    ],
)
def test_bad_settings_are_one_line(tmp_path, toml, env, message):
    (tmp_path / "mt.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(PipelineError) as caught:
        load_settings(env, tmp_path)
    assert message in str(caught.value) and "\n" not in str(caught.value)


# --- the real server ----------------------------------------------------------------------------


def test_the_server_is_the_pinned_release_and_reports_its_pairs(server):
    with LibreTranslate([server.url]) as engine:
        provenance = engine.provenance("fr")
    assert provenance == (
        f"LibreTranslate {LT_RELEASE} at {server.url}, en→fr (the server reports no model version)"
    )


def test_batches_come_back_with_their_index_as_they_finish(server):
    texts = letter_segments(9)
    with LibreTranslate([server.url], in_flight=3) as engine:
        results = translate_all(engine, texts, 2)
    assert sorted(results) == [0, 1, 2, 3, 4]
    flat = [r for index in sorted(results) for r in results[index]]
    assert [r.texts[0] for r in flat] == texts  # the identity model copies
    assert all(
        1 <= len(r.texts) <= 3 and r.score is None and r.origin.startswith("LibreTranslate") for r in flat
    )


def test_429_waits_for_retry_after_then_succeeds(server):
    proxy = Proxy(
        server.url,
        lambda n, body: (429, {"Retry-After": "1"}, b'{"error":"Slowdown"}') if n <= 3 else "forward",
    )
    try:
        texts = letter_segments(2)
        with LibreTranslate([proxy.url], backoff=0.01, retries=3) as engine:
            start = time.monotonic()
            results = translate_all(engine, texts, 2)
            elapsed = time.monotonic() - start
    finally:
        proxy.close()
    assert [r.texts[0] for r in results[0]] == texts
    assert proxy.posts == 4  # the key check, two 429s, the answer
    assert elapsed >= 2.0  # two Retry-After: 1, not the 10 ms backoff


def test_slow_answers_time_out_and_are_retried(server):
    proxy = Proxy(server.url, lambda n, body: 3.0 if n == 2 else "forward")
    try:
        texts = letter_segments(2)
        with LibreTranslate([proxy.url], timeout=1.0, backoff=0.01, retries=2) as engine:
            start = time.monotonic()
            results = translate_all(engine, texts, 2)
            elapsed = time.monotonic() - start
    finally:
        proxy.close()
    assert [r.texts[0] for r in results[0]] == texts
    assert 1.0 <= elapsed < 3.0


def test_a_server_that_stays_slow_or_broken_is_one_line(server):
    plans = {
        "no answer within 1 s; gave up after 2 tries": lambda n, body: 3.0 if n > 1 else "forward",
        "503: down for maintenance; gave up after 2 tries": lambda n, body: (
            (503, {"Content-Type": "application/json"}, b'{"error":"down for maintenance"}')
            if n > 1
            else "forward"
        ),
        "malformed answer from LibreTranslate at": lambda n, body: (
            (200, {"Content-Type": "text/html"}, b"<html>captive portal</html>") if n > 1 else "forward"
        ),
    }
    for message, plan in plans.items():
        proxy = Proxy(server.url, plan)
        try:
            engine = LibreTranslate([proxy.url], timeout=1.0, backoff=0.01, retries=1)
            with engine, pytest.raises(PipelineError) as caught:
                translate_all(engine, letter_segments(2), 2)
        finally:
            proxy.close()
        assert message in str(caught.value) and "\n" not in str(caught.value)


@pytest.mark.slow
def test_one_of_two_servers_dies_and_the_other_finishes(server, models):
    texts = letter_segments(12)
    second = Server(models)
    try:
        with LibreTranslate([second.url, server.url], in_flight=2, backoff=0.05, retries=3) as engine:
            batches = [texts[i : i + 2] for i in range(0, len(texts), 2)]
            results = {}
            for index, batch in engine.translate(batches, "fr"):
                results[index] = batch
                if len(results) == 1:
                    second.stop()  # dies mid-letter
    finally:
        second.stop()
    assert sorted(results) == list(range(6))
    assert [r.texts[0] for i in sorted(results) for r in results[i]] == texts


# --- through the pipeline ---------------------------------------------------------------------------


def drafts(path: Path) -> dict:
    """Each entry: translation, flags, and comments with the provenance line's engine part cut."""
    out = {}
    for message in read_catalog(path):
        if not message.id:
            continue
        comments = []
        for comment in message.user_comments:
            if comment.startswith("MT draft, needs review: "):
                comment = "MT draft, needs review: <engine>"
            elif comment.startswith("MT alternative"):
                comment = "MT alternative"  # n-best lists of a copying model are ties in any order
            comments.append(comment)
        out[(message.context, message.id)] = (message.string, sorted(message.flags), comments)
    return out


def compare_with_local(tmp_path: Path, letter: Path, models: Path, server: Server, langs: str) -> None:
    local, env = project(tmp_path / "local", letter, models)
    run_cli("translate", "source/letter.txt", "--langs", langs, cwd=local, env=env, check=True)
    remote, env = project(
        tmp_path / "remote", letter, models, {"MT_ENGINE": "libretranslate", "LT_URL": server.url}
    )
    result = run_cli("translate", "source/letter.txt", "--langs", langs, cwd=remote, env=env)
    assert result.returncode == 0, result.stderr
    assert f"model LibreTranslate {LT_RELEASE} at {server.url}, en→" in result.stdout
    for lang in langs.split():
        ours = remote / f"translations/letter/{lang}.po"
        theirs = drafts(local / f"translations/letter/{lang}.po")
        assert drafts(ours) == theirs
        assert sum(1 for s, f, c in theirs.values() if "MT draft, needs review: <engine>" in c) == 75
        provenance = [c for m in read_catalog(ours) for c in m.user_comments if c.startswith("MT draft")]
        assert set(provenance) == {
            f"MT draft, needs review: LibreTranslate {LT_RELEASE} at {server.url}, en→{lang} "
            "(the server reports no model version)"
        }
        assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(ours)]).returncode == 0


def test_drafts_equal_the_local_engines(tmp_path, letter, models, server):
    compare_with_local(tmp_path, letter, models, server, "fr")


@pytest.mark.slow
def test_drafts_equal_the_local_engines_in_every_language(tmp_path, letter, models, server):
    compare_with_local(tmp_path, letter, models, server, " ".join(LANGS))


@pytest.mark.parametrize(
    ("extra", "langs", "message"),
    [
        ({"LT_URL": "http://127.0.0.1:9"}, "fr", "no LibreTranslate server reachable"),
        ({"LT_API_KEY": "not-a-key"}, "fr", "refused the request (403: Invalid API key); check LT_API_KEY"),
        ({}, "de", "has no en→de model (it offers en→az, en→fr, en→ru)"),
    ],
)
def test_errors_leave_the_catalog_unchanged(tmp_path, letter, models, server, extra, langs, message):
    root, env = project(
        tmp_path / "p", letter, models, {"MT_ENGINE": "libretranslate", "LT_URL": server.url, **extra}
    )
    po = root / f"translations/letter/{langs}.po"
    before = po.read_bytes()
    line = one_line_error(run_cli("translate", "source/letter.txt", "--langs", langs, cwd=root, env=env))
    assert message in line
    assert po.read_bytes() == before


def test_a_server_stopped_mid_letter_keeps_finished_batches_and_a_rerun_continues(
    tmp_path, letter, models, server
):
    dying = Server(models)
    root, env = project(tmp_path / "p", letter, models, {"MT_ENGINE": "libretranslate", "LT_URL": dying.url})
    po = root / "translations/letter/fr.po"
    run_env = {**os.environ, **env, "PYTHONPATH": str(ROOT), "MT_BATCH_SIZE": "4", "LT_RETRIES": "2"}
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "translate", "source/letter.txt", "--langs", "fr"],
        cwd=root,
        env=run_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        journal = journal_path(po)  # where the pipeline records each finished batch

        def batches_done() -> int:
            return sum(1 for record in read_journal(journal) if record.get("kind") == "mt")

        while not batches_done() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        assert process.poll() is None, process.communicate()
        dying.stop()  # the server goes away mid-letter
        _, stderr = process.communicate(timeout=120)
    finally:
        dying.stop()
        if process.poll() is None:
            process.kill()
    assert process.returncode == 1
    error = [line for line in stderr.splitlines() if "error:" in line]
    assert len(error) == 1 and "Traceback" not in stderr, stderr
    assert "connection failed" in error[0] and "run again to continue" in error[0]
    catalog = read_catalog(po)
    mt = [m for m in catalog if any(c.startswith("MT draft") for c in m.user_comments)]
    assert 4 <= len(mt) < 75 and all(m.string == m.id and m.fuzzy for m in mt)
    assert subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)]).returncode == 0

    kept = {m.id: m.user_comments for m in mt}

    env["MT_ENGINE"] = "ctranslate2"  # the rerun continues (here with the local engine: quicker)
    result = run_cli("translate", "source/letter.txt", "--langs", "fr", cwd=root, env=env)
    assert result.returncode == 0, result.stderr
    assert f"{75 - len(mt)} MT drafts" in result.stdout
    catalog = read_catalog(po)
    assert all(m.string == m.id and m.fuzzy for m in catalog if m.id)  # fr keeps names' Latin spelling
    assert sum(1 for m in catalog if any(c.startswith("MT draft") for c in m.user_comments)) == 75
    assert all(catalog[msgid].user_comments == comments for msgid, comments in kept.items())  # not redone
