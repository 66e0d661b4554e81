"""MT_ENGINE=libretranslate against a hostile server (issue 21): malformed JSON, wrong counts,
control characters, huge, dripping or redirected answers, overlong drafts.

The server is a thread of ``http.server`` on 127.0.0.1, bounded in requests and time; no
real LibreTranslate is started. Whatever it answers, a run ends within its deadline, the
catalog stays ``msgfmt -c`` valid with no raw control character, and nothing is written
outside the project. Default tier: a few seeded cases; slow tier: many random ones.
"""

from __future__ import annotations

import http.server
import json
import random
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest
from conftest import letter_project, run_cli

from pipeline.document.load import load_document
from pipeline.errors import PipelineError
from pipeline.mt.drafts import translate_catalog
from pipeline.po.catalog import read_catalog

TIMEOUT = 1.5  # LT_TIMEOUT of every run here
RETRIES = 1
MAX_REQUESTS = 200  # the server answers at most this many requests per case
SERVE_SECONDS = 60  # and stops dripping or sending after this long
BEHAVIOURS = [
    "ok",
    "not_json",
    "not_object",
    "wrong_count",
    "wrong_types",
    "controls",
    "huge",
    "huge_declared",
    "drip",
    "drip_headers",
    "long_drafts",
    "redirect",
    "status_500",
    "status_429",
    "close",
]
CONTROLS = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class Hostile(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, rng: random.Random, behaviours: list[str], version: str = "1.6.0") -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.rng, self.behaviours, self.version = rng, behaviours, version
        self.requests = 0
        self.streamed = 0  # bytes of the longest streamed answer the client took
        self.started = time.monotonic()
        self.redirect_target = ""  # another origin (a witness server), set by the case
        self.thread = threading.Thread(target=self.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_port}"

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class Handler(http.server.BaseHTTPRequestHandler):
    server: Hostile
    protocol_version = "HTTP/1.1"

    def log_message(self, *args) -> None:
        pass

    def send(self, status: int, body: bytes, headers: dict | None = None) -> None:
        self.send_response(status)
        for name, value in {"Content-Type": "application/json", **(headers or {})}.items():
            self.send_header(name, value)
        if "Content-Length" not in (headers or {}):
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        if self.path == "/languages":
            self.send(200, json.dumps([{"code": "en", "targets": ["en", "fr"]}]).encode())
        elif self.path == "/spec":
            self.send(200, json.dumps({"info": {"version": self.server.version}}).encode())
        else:
            self.send(404, b'{"error": "Not Found"}')

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        payload = json.loads(self.rfile.read(length))
        texts = payload["q"]
        if not texts:  # the key check: LibreTranslate refuses the empty text
            self.send(400, b'{"error": "Invalid request: missing q parameter"}')
            return
        self.server.requests += 1
        if self.server.requests > MAX_REQUESTS:
            self.send(503, b'{"error": "enough"}')
            return
        rng = self.server.rng
        behaviour = rng.choice(self.server.behaviours)
        getattr(self, f"answer_{behaviour}")(texts, rng)

    # --- behaviours ---------------------------------------------------------------------------

    def good(self, texts: list[str], alter=lambda text: text) -> bytes:
        return json.dumps(
            {
                "translatedText": [alter(f"fr {t}") for t in texts],
                "alternatives": [[alter(f"fr2 {t}"), alter(f"fr3 {t}")] for t in texts],
            }
        ).encode()

    def answer_ok(self, texts, rng) -> None:
        self.send(200, self.good(texts))

    def answer_not_json(self, texts, rng) -> None:
        self.send(200, b"<html>\x1b[31mnot json</html>")

    def answer_not_object(self, texts, rng) -> None:
        self.send(200, json.dumps(["fr " + t for t in texts]).encode())

    def answer_wrong_count(self, texts, rng) -> None:
        data = json.loads(self.good(texts))
        data["translatedText"] = data["translatedText"][: rng.randrange(len(texts))]
        self.send(200, json.dumps(data).encode())

    def answer_wrong_types(self, texts, rng) -> None:
        data = json.loads(self.good(texts))
        key = rng.choice(["translatedText", "alternatives"])
        data[key] = rng.choice([None, 1, "x", [1] * len(texts), [None] * len(texts), {"a": 1}])
        self.send(200, json.dumps(data).encode())

    def answer_controls(self, texts, rng) -> None:
        def alter(text: str) -> str:
            control = rng.choice(["\x00", "\x1b[31m", "\x07", "\x08", "\x7f", "\x9b", "\r"])
            cut = rng.randrange(len(text) + 1)
            return text[:cut] + control + text[cut:]

        self.send(200, self.good(texts, alter))

    def answer_long_drafts(self, texts, rng) -> None:
        self.send(200, self.good(texts, lambda text: text * rng.choice([5, 50])))

    def answer_huge(self, texts, rng) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.stream(b'{"translatedText": ["' + b"x" * 65536, chunks=1024, pause=0)  # 64 MiB, no length

    def answer_huge_declared(self, texts, rng) -> None:
        self.send(200, b"", {"Content-Length": str(600 * 2**20)})

    def answer_drip(self, texts, rng) -> None:
        body = self.good(texts)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.stream(body[:1], chunks=len(body), pause=0.2)

    def answer_drip_headers(self, texts, rng) -> None:
        self.wfile.write(b"HTTP/1.1 200 OK\r\n")
        self.stream(b"X-Slow: a\r\n", chunks=1000, pause=0.2)

    def answer_redirect(self, texts, rng) -> None:
        self.send(
            rng.choice([301, 302, 307, 308]), b"", {"Location": f"{self.server.redirect_target}/translate"}
        )

    def answer_status_500(self, texts, rng) -> None:
        self.send(500, b'{"error": "\x1b]0;pwned\x07 boom"}')

    def answer_status_429(self, texts, rng) -> None:
        self.send(429, b'{"error": "slow down"}', {"Retry-After": "1"})

    def answer_close(self, texts, rng) -> None:
        self.close_connection = True

    def stream(self, piece: bytes, chunks: int, pause: float) -> None:
        """Send ``piece`` up to ``chunks`` times, until the client leaves or the case's time is up."""
        sent = 0
        try:
            for _ in range(chunks):
                if time.monotonic() - self.server.started > SERVE_SECONDS:
                    break
                self.wfile.write(piece)
                self.wfile.flush()
                sent += len(piece)
                if pause:
                    time.sleep(pause)
        except OSError:
            pass
        self.server.streamed = max(self.server.streamed, sent)
        self.close_connection = True


class Witness(http.server.ThreadingHTTPServer):
    """Another origin a redirect points to: it must never be asked."""

    daemon_threads = True

    def __init__(self) -> None:
        self.hits = 0
        witness = self

        class Count(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_POST(self) -> None:
                witness.hits += 1
                self.send_error(404)

            do_GET = do_POST

        super().__init__(("127.0.0.1", 0), Count)
        threading.Thread(target=self.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def letter(tmp_path_factory) -> Path:
    """The sample letter with its template and French catalog, made once; cases work on copies."""
    return letter_project(tmp_path_factory.mktemp("hostile-letter"), "fr")


def catalog_is_sound(po: Path) -> None:
    data = po.read_bytes()
    assert not CONTROLS.search(data), CONTROLS.search(data)
    result = subprocess.run(["msgfmt", "-c", "-o", "/dev/null", str(po)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    read_catalog(po)


def run_case(tmp_path: Path, letter: Path, seed: int, behaviours: list[str], monkeypatch) -> str:
    """One run of translate_catalog against the hostile server; what it ended with."""
    case = tmp_path / f"case-{seed}"
    case.mkdir()
    root = case / "project"
    shutil.copytree(letter, root)
    po = root / "translations" / "letter" / "fr.po"
    server, witness = Hostile(random.Random(seed), behaviours), Witness()
    server.redirect_target = f"http://127.0.0.1:{witness.server_port}"
    monkeypatch.chdir(root)
    for name, value in {
        "MT_ENGINE": "libretranslate",
        "LT_URL": server.url,
        "LT_TIMEOUT": str(TIMEOUT),
        "LT_RETRIES": str(RETRIES),
        "MT_CONFIG": str(root / "mt.toml"),
    }.items():
        monkeypatch.setenv(name, value)
    doc = load_document(root / "source" / "letter.txt")
    batches = -(-sum(1 for m in read_catalog(po) if m.id and not m.string) // 16)
    # Per batch at most RETRIES + 1 tries of TIMEOUT, the backoff and a Retry-After between them.
    bound = 10 + batches * (RETRIES + 1) * (TIMEOUT + 1.5)
    start = time.monotonic()
    try:
        report = translate_catalog(doc, "fr", po, lambda lang: None)
        outcome = f"ok: {report.translated} drafts, {report.rejected} rejected"
    except PipelineError as exc:
        outcome = f"error: {exc}"
        assert "\n" not in str(exc)
    finally:
        server.stop()
        witness.shutdown()
        witness.server_close()
    elapsed = time.monotonic() - start
    assert elapsed < bound, (behaviours, outcome, elapsed)
    assert witness.hits == 0  # no redirect followed
    assert server.streamed < 16 * 2**20  # a huge answer is dropped at the cap, not read to its end
    catalog_is_sound(po)
    assert sorted(p.name for p in case.iterdir()) == ["project"]
    return outcome


@pytest.mark.parametrize(
    "behaviours",
    [
        ["ok", "controls", "long_drafts"],
        ["not_json", "wrong_count", "wrong_types", "not_object"],
        ["huge", "huge_declared"],
        ["drip", "drip_headers"],
        ["redirect", "status_500", "close"],
    ],
    ids=lambda b: "+".join(b),
)
def test_a_hostile_server_cannot_hold_the_run_or_spoil_the_catalog(tmp_path, letter, behaviours, monkeypatch):
    outcome = run_case(tmp_path, letter, 21, behaviours, monkeypatch)
    if behaviours[0] == "ok":
        assert outcome.startswith("ok:") and "rejected" in outcome and ", 0 rejected" not in outcome


def test_drafts_with_controls_or_far_too_long_are_rejected_and_the_rest_kept(tmp_path, letter, monkeypatch):
    run_case(tmp_path, letter, 7, ["controls", "long_drafts"], monkeypatch)
    catalog = read_catalog(tmp_path / "case-7" / "project" / "translations" / "letter" / "fr.po")
    rejected = [m for m in catalog if m.id and any("draft rejected" in c for c in m.user_comments)]
    assert rejected and all(not m.string and "fuzzy" not in m.flags for m in rejected)


def test_a_dripping_server_ends_within_lt_timeout(tmp_path, letter, monkeypatch):
    start = time.monotonic()
    outcome = run_case(tmp_path, letter, 3, ["drip_headers"], monkeypatch)
    assert outcome.startswith("error:") and f"no answer within {TIMEOUT:g} s" in outcome
    assert time.monotonic() - start < 3 * (RETRIES + 1) * TIMEOUT + 5


def test_the_server_s_version_and_errors_reach_the_terminal_escaped(tmp_path, letter):
    root = tmp_path / "project"
    shutil.copytree(letter, root)
    server = Hostile(random.Random(1), ["status_500"], version="1.6\x1b]0;pwned\x07")
    env = {"MT_ENGINE": "libretranslate", "LT_URL": server.url, "LT_TIMEOUT": "2", "LT_RETRIES": "0"}
    try:
        result = run_cli("translate", "source/letter.txt", "--langs", "fr", cwd=root, env=env)
    finally:
        server.stop()
    assert result.returncode == 1, result.stderr
    assert "\x1b" not in result.stdout + result.stderr and "\x07" not in result.stderr
    assert "\\u001b]0;pwned\\u0007 boom" in result.stderr
    catalog_is_sound(root / "translations" / "letter" / "fr.po")


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(40))
def test_random_hostile_servers(tmp_path, letter, seed, monkeypatch):
    rng = random.Random(seed)
    behaviours = rng.sample(BEHAVIOURS, rng.randint(1, 4))
    run_case(tmp_path, letter, seed, behaviours, monkeypatch)


@pytest.mark.parametrize("value", ["inf", "nan", "1e999"])
def test_a_timeout_that_is_no_deadline_is_refused(tmp_path, value):
    from pipeline.mt.engines import load_settings

    env = {"MT_ENGINE": "libretranslate", "LT_URL": "http://127.0.0.1:1", "LT_TIMEOUT": value}
    with pytest.raises(PipelineError, match="LT_TIMEOUT must be a positive number"):
        load_settings(env, tmp_path)
