"""The HTTP engine: batches of masked segments to one or several LibreTranslate servers.

Each batch is one ``POST /translate`` with JSON ``{"q": [...], "source": "en",
"target": …, "format": "text", "alternatives": 2}``; LibreTranslate answers
``translatedText`` and ``alternatives`` lists in the same order. At most
``in_flight`` requests run at once (daemon threads, so an interrupted run never
waits for a slow server), each batch starting on the next server in turn.

A 429, a 5xx, a timeout or a refused connection is retried with exponential
backoff and jitter (at least ``Retry-After`` when the server sends one), on the
next server when there are several; a server that failed is avoided for a
while. A refusal (wrong key, missing language pair, limits) or a malformed
answer stops the run at once with one line. Batches already yielded stay
yielded, so the caller keeps them and a rerun continues.

httpx is the client: one thread-safe ``Client``; each request goes through
``engines/http.py``, so ``LT_TIMEOUT`` bounds the whole request (a server
dripping bytes included), an answer is read up to a size cap (far more than a
translation of the batch can take) and a redirect is never followed.
"""

from __future__ import annotations

import email.utils
import queue
import random
import re
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import httpx

from pipeline.config import SOURCE_LANG
from pipeline.errors import PipelineError
from pipeline.mt.engines.base import Result, Settings
from pipeline.mt.engines.http import TooLarge, bounded_request

ALTERNATIVES = 2
RETRY_STATUS = {429, 500, 502, 503, 504}
BACKOFF = 0.5  # seconds before the first retry, doubled each time
MAX_BACKOFF = 30.0
MAX_RETRY_AFTER = 300.0
SAVED = "finished batches are saved; run again to continue"
SMALL_ANSWER = 4 * 2**20  # bytes: /languages, /spec, the key check
ANSWER_PER_BYTE = 64  # of source text: 3 texts (best and alternatives), each JSON-escaped (\uXXXX: 6 bytes)
VERSION = re.compile(r"[0-9A-Za-z][0-9A-Za-z.+_-]{0,39}")  # what a version string may be


class _Stopped(Exception):
    """The run ended elsewhere (error, interrupt): a worker drops its batch."""


@dataclass
class Server:
    url: str
    version: str | None = None
    pairs: dict[str, list[str]] | None = None  # source code -> target codes; None: unreachable
    problem: str = ""
    key_checked: bool = False


def display_url(url: str) -> str:
    """The URL without any user:password, for messages and provenance."""
    parts = urlsplit(url)
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def retry_after(response: httpx.Response) -> float:
    """Seconds the server asks to wait (``Retry-After``: seconds or an HTTP date), else 0."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return 0.0
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    return max(0.0, when.timestamp() - time.time())


def _error_text(response: httpx.Response) -> str:
    """LibreTranslate's ``{"error": …}``, or the start of whatever came back."""
    try:
        data = response.json()
    except ValueError:
        data = None
    if isinstance(data, dict) and isinstance(data.get("error"), str):
        return data["error"]
    text = " ".join(response.text.split())
    return text[:120] + ("…" if len(text) > 120 else "") or response.reason_phrase


class LibreTranslate:
    """Drafts from LibreTranslate servers (``MT_ENGINE=libretranslate``)."""

    name = "libretranslate"

    def __init__(
        self,
        urls: list[str],
        api_key: str | None = None,
        in_flight: int | None = None,
        timeout: float = 120.0,
        retries: int = 6,
        backoff: float = BACKOFF,
    ):
        if not urls:
            raise PipelineError(None, "LibreTranslate needs at least one server URL (LT_URL)")
        self.urls = list(dict.fromkeys(urls))
        self.api_key = api_key
        self.in_flight = in_flight or 2 * len(self.urls)
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(10.0, timeout)),
            # no idle connections: each request's own socket is what its deadline shuts (http.py)
            limits=httpx.Limits(max_connections=self.in_flight, max_keepalive_connections=0),
            headers={"User-Agent": "letter-pipeline", "Accept-Encoding": "identity"},
            follow_redirects=False,
        )
        self.servers: dict[str, Server] = {}
        self._avoid: dict[str, float] = {}  # url -> monotonic time until which it is skipped
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> LibreTranslate:
        return cls(settings.urls, settings.api_key, settings.in_flight, settings.timeout, settings.retries)

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> LibreTranslate:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _request(self, method: str, url: str, deadline: float, max_bytes: int = SMALL_ANSWER, **kwargs):
        return bounded_request(self.client, method, url, deadline=deadline, max_bytes=max_bytes, **kwargs)

    # --- what the servers offer -------------------------------------------------------------

    def _probe(self, url: str) -> Server:
        server = self.servers.get(url)
        if server is not None and server.pairs is not None:
            return server
        server = Server(url)
        try:
            response = self._request("GET", f"{url}/languages", min(15.0, self.timeout))
            if response.status_code != 200:
                server.problem = f"/languages answered {response.status_code}: {_error_text(response)}"
            else:
                server.pairs = self._parse_languages(url, response)
        except httpx.HTTPError as exc:
            server.problem = f"unreachable ({type(exc).__name__}: {exc})"
        if server.pairs is not None:
            server.version = self._version(url)
        self.servers[url] = server
        return server

    def _version(self, url: str) -> str | None:
        """The LibreTranslate version from its OpenAPI document (``/spec``), if it says."""
        try:
            # built on each call: slow on a busy server
            spec = self._request("GET", f"{url}/spec", min(15.0, self.timeout)).json()
            version = spec["info"]["version"]
        except (httpx.HTTPError, ValueError, KeyError, TypeError):
            return None
        # It goes into every draft's comment and onto the terminal: a version, or nothing.
        version = str(version) if isinstance(version, str | int | float) else ""
        return version if VERSION.fullmatch(version) else None

    @staticmethod
    def _parse_languages(url: str, response: httpx.Response) -> dict[str, list[str]]:
        try:
            data = response.json()
            pairs = {str(item["code"]): [str(t) for t in item.get("targets", [])] for item in data}
        except (ValueError, TypeError, KeyError, AttributeError):
            raise PipelineError(
                None, f"malformed /languages answer from LibreTranslate at {display_url(url)}"
            ) from None
        return pairs

    def target_code(self, server: Server, lang: str) -> str | None:
        """The server's spelling of ``lang`` (``pt_BR`` -> ``pt-BR``) among en's targets, or None."""
        wanted = lang.replace("_", "-").lower()
        for target in (server.pairs or {}).get(SOURCE_LANG, []):
            if target.lower() == wanted:
                return target
        return None

    def live(self, lang: str) -> list[Server]:
        """The reachable servers, after checking each offers en→``lang``; one line if none can."""
        servers = [self._probe(url) for url in self.urls]
        reachable = [s for s in servers if s.pairs is not None]
        if not reachable:
            problems = "; ".join(f"{display_url(s.url)}: {s.problem}" for s in servers)
            raise PipelineError(
                None,
                f"no LibreTranslate server reachable ({problems}); start one with `make lt-server` or fix LT_URL",
            )
        for server in reachable:
            self._check_key(server)
            if self.target_code(server, lang) is None:
                targets = (server.pairs or {}).get(SOURCE_LANG, [])
                offered = ", ".join(f"en→{t}" for t in sorted(targets) if t != SOURCE_LANG) or "nothing"
                raise PipelineError(
                    None,
                    f"LibreTranslate at {display_url(server.url)} has no en→{lang} model "
                    f"(it offers {offered}); install translate-en_{lang} there",
                )
        return reachable

    def _check_key(self, server: Server) -> None:
        """Ask with an empty ``q``: LibreTranslate checks the key first (403 when wrong),
        then refuses the empty text (400), so a wrong key shows before any work is done."""
        if server.key_checked:
            return
        payload = {"q": "", "source": SOURCE_LANG, "target": SOURCE_LANG, "format": "text"}
        if self.api_key:
            payload["api_key"] = self.api_key
        try:
            response = self._request("POST", f"{server.url}/translate", min(15.0, self.timeout), json=payload)
        except httpx.HTTPError:
            return  # unreachable now: the batches will retry and say so
        if response.status_code in (401, 403) or (
            response.status_code == 400 and "key" in _error_text(response).lower()
        ):
            raise self._refusal(response, server.url, "")
        server.key_checked = True

    def origin(self, server: Server, lang: str) -> str:
        version = f" {server.version}" if server.version else " (version not reported)"
        return (
            f"LibreTranslate{version} at {display_url(server.url)}, en→{lang} "
            "(the server reports no model version)"
        )

    def provenance(self, lang: str) -> str:
        return "; ".join(self.origin(server, lang) for server in self.live(lang))

    # --- translation --------------------------------------------------------------------------

    def translate(self, batches: Iterable[list[str]], lang: str) -> Iterator[tuple[int, list[Result]]]:
        """Yield ``(batch index, results)`` as batches finish; at most ``in_flight`` at once."""
        servers = self.live(lang)
        tasks: queue.Queue = queue.Queue()
        done: queue.Queue = queue.Queue()
        stop = threading.Event()

        def work() -> None:
            while (item := tasks.get()) is not None and not stop.is_set():
                index, texts = item
                try:
                    done.put((index, self._batch(texts, lang, servers, index, stop), None))
                except BaseException as exc:  # handed to the caller's thread
                    done.put((index, None, exc))

        workers = [threading.Thread(target=work, daemon=True) for _ in range(self.in_flight)]
        for worker in workers:
            worker.start()
        source = iter(enumerate(batches))
        outstanding = 0

        def feed() -> None:
            nonlocal outstanding
            while outstanding < self.in_flight:
                item = next(source, None)
                if item is None:
                    return
                if not item[1]:
                    done.put((item[0], [], None))
                else:
                    tasks.put((item[0], list(item[1])))
                outstanding += 1

        try:
            feed()
            while outstanding:
                index, results, error = done.get()
                outstanding -= 1
                if error is not None:
                    raise error
                yield index, results
                feed()
        finally:
            stop.set()
            for _ in workers:
                tasks.put(None)

    def _order(self, servers: list[Server], index: int) -> list[Server]:
        """Servers for batch ``index``: its turn first; one that failed lately only when all did."""
        start = index % len(servers)
        ring = servers[start:] + servers[:start]
        now = time.monotonic()
        with self._lock:
            return sorted(ring, key=lambda s: max(0.0, self._avoid.get(s.url, 0.0) - now))

    def _avoid_for(self, url: str, seconds: float) -> None:
        with self._lock:
            self._avoid[url] = max(self._avoid.get(url, 0.0), time.monotonic() + seconds)

    def _batch(self, texts: list[str], lang: str, servers: list[Server], index: int, stop) -> list[Result]:
        attempt = 0
        while True:
            server = self._order(servers, index)[0]
            payload = {
                "q": texts,
                "source": SOURCE_LANG,
                "target": self.target_code(server, lang),
                "format": "text",
                "alternatives": ALTERNATIVES,
            }
            if self.api_key:
                payload["api_key"] = self.api_key
            wait = self.backoff * 2**attempt * random.uniform(0.5, 1.0)
            cap = SMALL_ANSWER + ANSWER_PER_BYTE * sum(len(text.encode()) for text in texts)
            try:
                response = self._request("POST", f"{server.url}/translate", self.timeout, cap, json=payload)
            except TooLarge as exc:
                raise PipelineError(
                    None,
                    f"malformed answer from LibreTranslate at {display_url(server.url)}: {exc} ({SAVED})",
                ) from None
            except httpx.TimeoutException:
                problem = f"no answer within {self.timeout:g} s"
            except httpx.TransportError as exc:
                problem = f"connection failed ({type(exc).__name__}: {exc})"
            else:
                if response.status_code == 200:
                    return self._results(response, texts, server, lang)
                if response.status_code not in RETRY_STATUS:
                    raise self._refusal(response, server.url, lang)
                problem = f"{response.status_code}: {_error_text(response)}"
                wait = max(wait, min(retry_after(response), MAX_RETRY_AFTER))
            self._avoid_for(server.url, min(max(wait, 1.0), MAX_BACKOFF))
            attempt += 1
            if attempt > self.retries:
                raise PipelineError(
                    None,
                    f"LibreTranslate at {display_url(server.url)}: {problem}; gave up after "
                    f"{attempt} tries ({SAVED})",
                )
            if stop.wait(min(wait, MAX_RETRY_AFTER)):
                raise _Stopped()

    def _refusal(self, response: httpx.Response, url: str, lang: str) -> PipelineError:
        code, error = response.status_code, _error_text(response)
        hint = ""
        if code == 403 and "key" in error.lower():
            hint = "; check LT_API_KEY"
        elif code in (400, 401) and "key" in error.lower():
            hint = "; set LT_API_KEY"
        elif code == 400 and ("not supported" in error or "not available" in error):
            hint = f"; install translate-en_{lang} on that server"
        elif code == 404:
            hint = "; LT_URL must be the server's base URL"
        elif 300 <= code < 400:
            hint = "; redirects are not followed: set LT_URL to the server's own address"
        return PipelineError(
            None, f"LibreTranslate at {display_url(url)} refused the request ({code}: {error}){hint}"
        )

    def _results(self, response: httpx.Response, texts: list[str], server: Server, lang: str) -> list[Result]:
        def malformed(why: str) -> PipelineError:
            return PipelineError(
                None, f"malformed answer from LibreTranslate at {display_url(server.url)}: {why}"
            )

        try:
            data = response.json()
        except ValueError:
            raise malformed("not JSON") from None
        if not isinstance(data, dict):
            raise malformed("not a JSON object")
        best = data.get("translatedText")
        if not isinstance(best, list) or len(best) != len(texts) or not all(isinstance(t, str) for t in best):
            raise malformed(f"translatedText is not a list of {len(texts)} texts")
        alternatives = data.get("alternatives", [[] for _ in texts])
        if (
            not isinstance(alternatives, list)
            or len(alternatives) != len(texts)
            or not all(isinstance(a, list) and all(isinstance(t, str) for t in a) for a in alternatives)
        ):
            raise malformed(f"alternatives is not a list of {len(texts)} lists of texts")
        origin = self.origin(server, lang)
        return [
            Result([text, *others[:ALTERNATIVES]], None, origin)
            for text, others in zip(best, alternatives, strict=True)
        ]
