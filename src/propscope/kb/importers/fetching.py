"""HTTP for the importers that fetch from public sources: polite, bounded, and with coded errors.

One :class:`PoliteClient` per source run: it names itself (user agent), waits ``delay_s`` between two
requests to the same host, honours ``robots.txt`` where the source asks for it, retries a 429/503 once
or twice when the server says how long to wait (``Retry-After``, capped), and turns every failure
into a coded error whose message never carries an API key. The sources are URLs the user configured
(or the published defaults), so unlike ``analyze URL`` it does not refuse private addresses: a
fact-checker's feed on an intranet is a legitimate source, and the tests serve theirs on 127.0.0.1.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
import time
from dataclasses import dataclass, field
from collections.abc import Callable
from typing import Any
from urllib import robotparser
from urllib.parse import urlsplit, urlunsplit

import httpx

from propscope import __version__
from propscope.errors import SourceAccessDenied, SourceFetchError, SourceFormatError, SourceQuotaExceeded

log = logging.getLogger(__name__)

USER_AGENT = f"propscope/{__version__} (knowledge-base update; +https://github.com/propscope)"
_SECRET_PARAMS = re.compile(r"([?&](?:key|api_key|apikey|access_token)=)[^&#]*", re.IGNORECASE)


@dataclass(slots=True)
class HttpSettings:
    """How a source is fetched; per-source values come from the sources config."""

    user_agent: str = USER_AGENT
    timeout_s: float = 30.0
    delay_s: float = 1.0  # at least this long between two requests to one host
    retries: int = 2  # for 429/503 with a Retry-After the client is willing to wait for
    max_wait_s: float = 60.0  # longest Retry-After honoured; a longer one is reported as an error
    max_bytes: int = 512 * 1024 * 1024  # a whole Data Commons feed fits; nothing unbounded does
    respect_robots: bool = True


@dataclass(frozen=True, slots=True)
class Fetched:
    """One answer: the final URL (after redirects), the status, the headers and the whole body."""

    url: str
    status_code: int
    headers: httpx.Headers
    content: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").split(";")[0].strip().lower()


@dataclass(slots=True)
class PoliteClient:
    settings: HttpSettings = field(default_factory=HttpSettings)
    _client: httpx.Client | None = None
    _last: dict[str, float] = field(default_factory=dict)
    _robots: dict[str, robotparser.RobotFileParser | None] = field(default_factory=dict)
    requests: int = 0

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    @property
    def client(self) -> httpx.Client:
        if self._client is None:
            self._client = httpx.Client(
                headers={"User-Agent": self.settings.user_agent, "Accept-Encoding": "gzip, deflate"},
                timeout=self.settings.timeout_s,
                follow_redirects=True,
            )
        return self._client

    def get(self, url: str, params: dict[str, Any] | None = None) -> Fetched:
        """GET with the rate limit and retries; an HTTP error status raises a coded error."""
        attempt = 0
        while True:
            self._wait_turn(url)
            try:
                response = self._send(url, params)
            except httpx.HTTPError as exc:
                self._done(url)
                raise SourceFetchError(f"{redact(url)}: {type(exc).__name__}: {redact(str(exc))}") from exc
            self._done(url)
            if response.status_code in (429, 503) and attempt < self.settings.retries:
                wait = _retry_after(response)
                if wait is not None and wait <= self.settings.max_wait_s:
                    attempt += 1
                    log.info("%s answered %s: waiting %.1f s", redact(url), response.status_code, wait)
                    time.sleep(wait)
                    continue
            _raise_for_status(response, url)
            return response

    def get_json(self, url: str, params: dict[str, Any] | None = None) -> Any:
        response = self.get(url, params)
        try:
            return json.loads(body_bytes(response))
        except ValueError as exc:
            raise SourceFormatError(f"{redact(url)} did not answer with JSON: {exc}") from exc

    def allowed(self, url: str) -> bool:
        """False where the site's robots.txt disallows ``url`` for this user agent."""
        if not self.settings.respect_robots:
            return True
        parts = urlsplit(url)
        root = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
        if root not in self._robots:
            self._robots[root] = self._read_robots(root)
        rules = self._robots[root]
        return rules is None or rules.can_fetch(self.settings.user_agent, url)

    def _read_robots(self, root: str) -> robotparser.RobotFileParser | None:
        try:
            self._wait_turn(root)
            response = self._send(root + "/robots.txt", None)
        except httpx.HTTPError:
            return None  # no robots.txt reachable: nothing is disallowed
        finally:
            self._done(root)
        if response.status_code >= 400:
            return None
        rules = robotparser.RobotFileParser()
        rules.parse(body_bytes(response).decode("utf-8", "replace").splitlines())
        return rules

    def _send(self, url: str, params: dict[str, Any] | None) -> Fetched:
        self.requests += 1
        with self.client.stream("GET", url, params=params) as response:
            chunks, size = [], 0
            for chunk in response.iter_bytes():  # decoded from Content-Encoding already
                size += len(chunk)
                if size > self.settings.max_bytes:
                    raise SourceFetchError(f"{redact(url)} is larger than {self.settings.max_bytes:,} bytes")
                chunks.append(chunk)
            return Fetched(str(response.url), response.status_code, response.headers, b"".join(chunks))

    def _wait_turn(self, url: str) -> None:
        """Sleep until ``delay_s`` has passed since the last answer from this host."""
        last = self._last.get(urlsplit(url).netloc)
        if last is not None:
            pause = self.settings.delay_s - (time.monotonic() - last)
            if pause > 0:
                time.sleep(pause)

    def _done(self, url: str) -> None:
        # Counted from the end of a request, so a slow answer does not shorten the pause after it.
        self._last[urlsplit(url).netloc] = time.monotonic()


def body_bytes(response: Fetched) -> bytes:
    """The body, un-gzipped when the file itself is gzip (a ``.json.gz`` feed, not Content-Encoding)."""
    content = response.content
    if content[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(content)
        except OSError as exc:
            raise SourceFormatError(f"{redact(response.url)}: broken gzip file: {exc}") from exc
    return content


def redact(text: str) -> str:
    """The text with API keys in URLs replaced, so that no error message or log line shows one."""
    return _SECRET_PARAMS.sub(r"\1REDACTED", text)


def _retry_after(response: Fetched) -> float | None:
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: rare for these sources; treated as "do not wait"


def _raise_for_status(response: Fetched, url: str) -> None:
    status = response.status_code
    if status < 400:
        return
    detail = _error_detail(response)
    where = redact(url)
    if status == 429:
        raise SourceQuotaExceeded(
            f"{where}: HTTP 429, the request quota is used up or requests came too fast{detail}; try again later "
            "(or raise the source's delay_s)"
        )
    if status in (401, 403):
        raise SourceAccessDenied(f"{where}: HTTP {status}, access refused{detail}")
    raise SourceFetchError(f"{where}: HTTP {status}{detail}")


def _error_detail(response: Fetched) -> str:
    """Google APIs explain errors in ``{"error": {"status", "message"}}``; other sites in plain text."""
    try:
        data = json.loads(response.content)
    except ValueError:
        return ""
    error = data.get("error") if isinstance(data, dict) else None
    if isinstance(error, dict):
        bits = [str(error[k]) for k in ("status", "message") if error.get(k)]
        return (": " + " ".join(redact(b) for b in bits)[:300]) if bits else ""
    return ""


@dataclass(slots=True)
class FetchContext:
    """What a fetching importer gets from ``kb update``: the client, its remembered state, the KB's ids.

    ``state`` is the source's JSON-able memory (what was seen, where a crawl stopped); the importer
    changes it only after it has yielded the records it describes, so that saving it after those
    records are stored never skips one. ``known(ids)`` returns those of ``ids`` the KB already holds.
    """

    client: PoliteClient
    state: dict[str, Any]
    known: Callable[[list[str]], set[str]]
    stats: dict[str, int] = field(default_factory=dict)  # counters for the report, e.g. "seen": 12

    def count(self, what: str, n: int = 1) -> None:
        self.stats[what] = self.stats.get(what, 0) + n
