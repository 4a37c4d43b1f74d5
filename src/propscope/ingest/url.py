"""Fetch an article over HTTP(S) with a time-out, a size limit, and no access to internal addresses.

A URL is a request the tool makes on the user's behalf, so a page (or a redirect) must not be able
to make it reach the user's own network. Every hop is resolved first; if any address of the host
is private, loopback, link-local, reserved or otherwise not global, the fetch is refused unless
``options.allow_private``. The connection then goes to the address that was checked (the host name
is kept for the ``Host`` header and TLS), so a second DNS answer cannot swap in another address.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal
from urllib.parse import urljoin

from propscope.errors import FetchError, ForbiddenAddress, InputTooLarge, UnsupportedFormat
from propscope.options import IngestOptions

if TYPE_CHECKING:  # httpx is imported when a URL is fetched, not when propscope is
    import httpx

MAX_REDIRECTS = 5
USER_AGENT = "propscope/0.1 (+https://github.com/propscope)"
_REDIRECTS = {301, 302, 303, 307, 308}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}
_LOOKS_LIKE_HTML = re.compile(rb"^\s*(<!doctype\s+html|<html|<head|<body|<!--)", re.IGNORECASE)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(slots=True)
class FetchedPage:
    """What a URL returned: bytes within the size limit, and whether they are HTML or plain text."""

    url: str
    final_url: str
    content: bytes
    kind: Literal["html", "text"]
    charset: str | None


def is_forbidden_address(address: IPAddress) -> bool:
    """True for addresses a fetch must not reach without ``allow_private``."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    # not is_global also covers carrier-grade NAT and documentation ranges, which is_private misses.
    return not address.is_global or address.is_multicast


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the host resolves to (an IP literal resolves to itself)."""
    try:
        return [ipaddress.ip_address(host.strip("[]"))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(f"cannot resolve host '{host}': {exc}") from None
    # Scope ids ("fe80::1%eth0") are dropped: the address class is what matters here.
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def fetch_url(url: str, options: IngestOptions) -> FetchedPage:
    """GET ``url`` and return its body; raise a coded error on refusal, failure or time-out."""
    import httpx

    deadline = time.monotonic() + options.timeout_s
    current = url
    with httpx.Client(
        timeout=httpx.Timeout(options.timeout_s),
        follow_redirects=False,  # each hop is re-checked below
        trust_env=False,  # a proxy from the environment would bypass the address check
        headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"},
    ) as client:
        for _ in range(MAX_REDIRECTS + 1):
            target = _parse(current)
            address = _checked_address(target, options)
            pinned = target.copy_with(host=str(address))
            extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
            try:
                with client.stream(
                    "GET", pinned, headers={"Host": target.netloc.decode("ascii")}, extensions=extensions
                ) as response:
                    if response.status_code in _REDIRECTS and "location" in response.headers:
                        current = urljoin(current, response.headers["location"])
                        continue
                    if response.status_code >= 400:
                        raise FetchError(f"{url}: the server answered HTTP {response.status_code}")
                    kind, charset = _kind(response.headers.get("content-type"), url)
                    content = _read_limited(response, url, options, deadline)
            except httpx.TimeoutException:
                raise FetchError(f"{url}: timed out after {options.timeout_s:g} s (raise it with --timeout)") from None
            except httpx.HTTPError as exc:
                raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from None
            if kind is None:
                kind = "html" if _LOOKS_LIKE_HTML.match(content[:1024]) else "text"
            return FetchedPage(url=url, final_url=current, content=content, kind=kind, charset=charset)
    raise FetchError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _parse(url: str) -> httpx.URL:
    import httpx

    try:
        target = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise FetchError(f"invalid URL '{url}': {exc}") from None
    if target.scheme not in ("http", "https") or not target.host:
        raise FetchError(f"invalid URL '{url}': only http:// and https:// URLs with a host can be fetched")
    return target


def _checked_address(target: httpx.URL, options: IngestOptions) -> IPAddress:
    port = target.port or (443 if target.scheme == "https" else 80)
    addresses = resolve(target.host, port)
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


def _read_limited(response: httpx.Response, url: str, options: IngestOptions, deadline: float) -> bytes:
    declared = response.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > options.max_bytes:
        raise InputTooLarge(f"{url} is over the size limit ({declared} bytes > {options.max_bytes}); raise it with --max-bytes")
    chunks: list[bytes] = []
    size = 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > options.max_bytes:
            # The header may be missing or wrong; the stream is cut as soon as it passes the limit.
            raise InputTooLarge(f"{url} is over the size limit ({options.max_bytes} bytes); raise it with --max-bytes")
        if time.monotonic() > deadline:
            # httpx's time-out is per read; a server that trickles bytes would otherwise never end.
            raise FetchError(f"{url}: timed out after {options.timeout_s:g} s (raise it with --timeout)")
        chunks.append(chunk)
    return b"".join(chunks)
