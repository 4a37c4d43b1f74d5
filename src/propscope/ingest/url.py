"""Fetch an article over HTTP(S) with one deadline, a size limit, and no access to internal addresses.

A URL is a request the tool makes on the user's behalf, so a page (or a redirect) must not be able
to make it reach the user's own network. Every hop is resolved first; if any address of the host
is private, loopback, link-local, reserved or otherwise not global -- including IPv6 forms that
carry an IPv4 address inside them (``::127.0.0.1``, NAT64 ``64:ff9b::7f00:1``, 6to4
``2002:7f00:1::``) -- the fetch is refused unless ``options.allow_private``. The connection then
goes to the address that was checked (the host name is kept for the ``Host`` header and TLS), so a
second DNS answer cannot swap in another address.

A hostile server must not be able to hold the process or fill its memory:

- one deadline (``options.timeout_s``) covers the DNS lookup, connecting, TLS, the headers and the
  body, across redirects. Per-read time-outs alone do not: a server that sends its headers one
  byte a second never lets a read time out. Every socket operation gets at most the time left,
  and a watchdog shuts the socket down when the deadline passes, whatever it is doing.
- the body is decoded here, not by the HTTP library, so that at most one content encoding is
  accepted (``gzip, gzip`` stacks are refused) and decompression stops as soon as its output
  passes ``options.max_bytes``: a 2 KB bomb never becomes gigabytes in memory.

httpcore (httpx's transport, already a dependency) is used directly because it exposes a network
backend hook for the deadline and leaves content encodings alone.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
import zlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import urljoin

from propscope.errors import FetchError, ForbiddenAddress, InputTooLarge, UnsupportedFormat
from propscope.options import IngestOptions

if TYPE_CHECKING:  # the HTTP libraries are imported when a URL is fetched, not when propscope is
    import httpcore
    import httpx

MAX_REDIRECTS = 5
USER_AGENT = "propscope/0.1 (+https://github.com/propscope)"
_REDIRECTS = {301, 302, 303, 307, 308}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_LOOKS_LIKE_HTML = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<!--)", re.IGNORECASE)
# zlib's wbits: 16 + MAX_WBITS reads a gzip wrapper, MAX_WBITS a zlib one (what "deflate" means in
# practice), -MAX_WBITS raw deflate (what some servers send for "deflate").
_DECODERS = {"gzip": 16 + zlib.MAX_WBITS, "x-gzip": 16 + zlib.MAX_WBITS, "deflate": zlib.MAX_WBITS}
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(slots=True)
class FetchedPage:
    """What a URL returned: bytes within the size limit, and whether they are HTML or plain text."""

    url: str
    final_url: str
    content: bytes
    kind: Literal["html", "text"]
    charset: str | None


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4, Teredo), if any."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64 or address in _IPV4_COMPATIBLE:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_forbidden_address(address: IPAddress) -> bool:
    """True for addresses a fetch must not reach without ``allow_private``."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.scope_id is not None:
            return True
        if address in _IPV4_COMPATIBLE or address in _NAT64_LOCAL:
            # Deprecated / site-local translation ranges: nothing public lives there.
            return True
        inner = embedded_ipv4(address)
        if inner is not None and is_forbidden_address(inner):
            return True
    # not is_global also covers carrier-grade NAT and documentation ranges, which is_private misses.
    return not address.is_global or address.is_multicast


def resolve(host: str, port: int, timeout_s: float | None = None) -> list[IPAddress]:
    """Every address the host resolves to (an IP literal resolves to itself), within ``timeout_s``.

    ``getaddrinfo`` has no time-out of its own, so it runs in a daemon thread that is abandoned
    when the time is up (the lookup cannot be cancelled; it ends with the resolver's own timeout).
    """
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    answer: dict[str, Any] = {}

    def lookup() -> None:
        try:
            answer["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError) as exc:
            answer["error"] = exc

    worker = threading.Thread(target=lookup, name="propscope-dns", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if worker.is_alive():
        raise FetchError(f"cannot resolve host '{host}': no answer within {timeout_s:.3g} s (raise it with --timeout)")
    if "error" in answer:
        raise FetchError(f"cannot resolve host '{host}': {answer['error']}")
    # Scope ids ("fe80::1%eth0") are dropped: the address class is what matters here.
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in answer["infos"]]


class _Expired(Exception):
    """The fetch's deadline passed (turned into a FetchError naming the URL)."""


class _Deadline:
    """Time left until one instant, and a watchdog that shuts every socket opened for it down then."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self.expired = False
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()

    def left(self) -> float:
        left = self.at - time.monotonic()
        if left <= 0:
            raise _Expired()
        return left

    def bounded(self, timeout: float | None) -> float:
        left = self.left()
        return left if timeout is None else min(timeout, left)

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            if self.expired:
                _shutdown(sock)
            self._sockets.append(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shutdown(sock)

    def cancel(self) -> None:
        self._timer.cancel()


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)  # wakes a thread blocked in recv/send on it
    except OSError:
        pass


def _deadline_backend(deadline: _Deadline) -> Any:
    """An httpcore network backend whose every connect, TLS handshake, read and write obeys ``deadline``."""
    import httpcore

    class Stream(httpcore.NetworkStream):
        def __init__(self, inner: httpcore.NetworkStream) -> None:
            self.inner = inner
            sock = inner.get_extra_info("socket")
            if sock is not None:
                deadline.watch(sock)

        def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
            return self.inner.read(max_bytes, deadline.bounded(timeout))

        def write(self, buffer: bytes, timeout: float | None = None) -> None:
            self.inner.write(buffer, deadline.bounded(timeout))

        def close(self) -> None:
            self.inner.close()

        def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None) -> Any:
            return Stream(self.inner.start_tls(ssl_context, server_hostname, deadline.bounded(timeout)))

        def get_extra_info(self, info: str) -> Any:
            return self.inner.get_extra_info(info)

    class Backend(httpcore.SyncBackend):
        def connect_tcp(
            self,
            host: str,
            port: int,
            timeout: float | None = None,
            local_address: str | None = None,
            socket_options: Any = None,
        ) -> httpcore.NetworkStream:
            stream = super().connect_tcp(host, port, deadline.bounded(timeout), local_address, socket_options)
            return Stream(stream)

    return Backend()


def fetch_url(url: str, options: IngestOptions) -> FetchedPage:
    """GET ``url`` and return its body; raise a coded error on refusal, failure or time-out."""
    import httpcore
    import httpx

    deadline = _Deadline(options.timeout_s)
    timed_out = f"{url}: timed out after {options.timeout_s:g} s (raise it with --timeout)"
    current = url
    try:
        with httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            network_backend=_deadline_backend(deadline),
            max_connections=1,
        ) as pool:
            for _ in range(MAX_REDIRECTS + 1):
                target = _parse(current)
                address = _checked_address(target, options, deadline)
                port = target.port or (443 if target.scheme == "https" else 80)
                pinned = httpcore.URL(
                    scheme=target.scheme.encode("ascii"),
                    host=str(address).encode("ascii"),
                    port=port,
                    target=target.raw_path,
                )
                extensions: dict[str, Any] = {"timeout": dict.fromkeys(("connect", "read", "write", "pool"), deadline.left())}
                if target.scheme == "https":
                    extensions["sni_hostname"] = target.host
                headers = [
                    (b"Host", target.netloc),
                    (b"User-Agent", USER_AGENT.encode("ascii")),
                    (b"Accept", b"text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"),
                    (b"Accept-Encoding", b"gzip, deflate"),
                ]
                with pool.stream("GET", pinned, headers=headers, extensions=extensions) as response:
                    found = _headers(response)
                    if response.status in _REDIRECTS and "location" in found:
                        current = urljoin(current, found["location"])
                        continue
                    if response.status >= 400:
                        raise FetchError(f"{url}: the server answered HTTP {response.status}")
                    kind, charset = _kind(found.get("content-type"), url)
                    content = _read_limited(response, found, url, options)
                if deadline.expired:
                    # The watchdog's shutdown reads as the end of a body without Content-Length: a body
                    # cut at the deadline must not pass for a whole one.
                    raise _Expired()
                if kind is None:
                    kind = "html" if _LOOKS_LIKE_HTML.match(content[:1024]) else "text"
                return FetchedPage(url=url, final_url=current, content=content, kind=kind, charset=charset)
    except (httpcore.TimeoutException, _Expired):
        raise FetchError(timed_out) from None
    except (httpcore.NetworkError, httpcore.ProtocolError, httpcore.UnsupportedProtocol, OSError) as exc:
        if deadline.expired:
            raise FetchError(timed_out) from None
        raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from None
    finally:
        deadline.cancel()
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _headers(response: httpcore.Response) -> dict[str, str]:
    """Response headers by lower-case name; repeated headers joined with ', ' as RFC 9110 allows."""
    found: dict[str, str] = {}
    for raw_name, raw_value in response.headers:
        name = raw_name.decode("latin-1").lower()
        value = raw_value.decode("latin-1").strip()
        found[name] = f"{found[name]}, {value}" if name in found else value
    return found


def _parse(url: str) -> httpx.URL:
    import httpx

    try:
        target = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise FetchError(f"invalid URL '{url}': {exc}") from None
    if target.scheme not in ("http", "https") or not target.host:
        raise FetchError(f"invalid URL '{url}': only http:// and https:// URLs with a host can be fetched")
    return target


def _checked_address(target: httpx.URL, options: IngestOptions, deadline: _Deadline) -> IPAddress:
    port = target.port or (443 if target.scheme == "https" else 80)
    addresses = resolve(target.host, port, deadline.left())
    if not addresses:
        raise FetchError(f"cannot resolve host '{target.host}'")
    if not options.allow_private:
        for address in addresses:
            if is_forbidden_address(address):
                raise ForbiddenAddress(
                    f"refusing to fetch {target}: '{target.host}' resolves to the non-public address {address} "
                    "(use --allow-private to allow it)"
                )
    return addresses[0]


def _kind(content_type: str | None, url: str) -> tuple[Literal["html", "text"] | None, str | None]:
    if not content_type:
        return None, None
    media_type, _, params = content_type.partition(";")
    media_type = media_type.strip().lower()
    charset_match = re.search(r"charset\s*=\s*\"?([\w.:-]+)", params, re.IGNORECASE)
    charset = charset_match.group(1) if charset_match else None
    if media_type in _HTML_TYPES:
        return "html", charset
    if media_type.startswith("text/"):
        return "text", charset
    raise UnsupportedFormat(f"{url}: content type '{media_type}' is neither HTML nor text")


def _decoder(content_encoding: str | None, url: str) -> Any:
    """A zlib decompressor for the one content encoding allowed, or None for identity."""
    codings = [c.strip().lower() for c in (content_encoding or "").split(",") if c.strip()]
    codings = [c for c in codings if c != "identity"]
    if not codings:
        return None
    if len(codings) > 1:
        # Each layer multiplies the ratio; real servers never stack encodings.
        raise UnsupportedFormat(f"{url}: the server stacked content encodings ({', '.join(codings)}); at most one is accepted")
    if codings[0] not in _DECODERS:
        raise UnsupportedFormat(f"{url}: unsupported content encoding '{codings[0]}'")
    return zlib.decompressobj(_DECODERS[codings[0]])


def _read_limited(response: httpcore.Response, headers: dict[str, str], url: str, options: IngestOptions) -> bytes:
    too_large = f"{url} is over the size limit ({options.max_bytes} bytes); raise it with --max-bytes"
    declared = headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > options.max_bytes:
        raise InputTooLarge(f"{url} is over the size limit ({declared} bytes > {options.max_bytes}); raise it with --max-bytes")
    decoder = _decoder(headers.get("content-encoding"), url)
    chunks: list[bytes] = []
    size = 0
    wire = 0
    for chunk in response.iter_stream():
        wire += len(chunk)
        if wire > options.max_bytes:
            raise InputTooLarge(too_large)
        if decoder is None:
            pieces = [chunk]
        else:
            pieces = _inflate(decoder, chunk, options.max_bytes - size + 1, url)
        for piece in pieces:
            size += len(piece)
            if size > options.max_bytes:
                # The header may be missing or wrong; the stream is cut as soon as it passes the limit.
                raise InputTooLarge(too_large)
            chunks.append(piece)
    return b"".join(chunks)


def _inflate(decoder: Any, chunk: bytes, budget: int, url: str) -> list[bytes]:
    """Decompress ``chunk`` without ever producing more than ``budget`` bytes (plus one zlib block)."""
    pieces: list[bytes] = []
    data = chunk
    try:
        while data and budget > 0 and not decoder.eof:
            piece = decoder.decompress(data, budget)
            pieces.append(piece)
            budget -= len(piece)
            data = decoder.unconsumed_tail
    except zlib.error as exc:
        raise FetchError(f"{url}: the compressed body is corrupt ({exc})") from None
    return pieces
