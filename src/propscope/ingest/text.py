"""Bytes to text: size limit, binary detection, BOM, UTF-32/16 without BOM, UTF-8, then charset detection.

Offsets of every annotation refer to the string returned here, so decoding never rewrites the text
beyond what is needed to make it text: newlines stay as they were read (``'\\r\\n'`` included); a
byte-order mark and NUL characters are dropped.

Decoding never analyses garbage, and never throws good text away:

- UTF-16 and UTF-32 without a byte-order mark are told by their NUL bytes *before* UTF-8 is tried
  (ASCII in UTF-16 is valid UTF-8, with a NUL between letters).
- A file that is UTF-8 apart from a few bytes stays UTF-8: a byte the UTF-8 decoder rejects on its
  own is read as cp1252 when cp1252 has a character for it (files mixing UTF-8 and cp1252 come from
  pasting Windows text into UTF-8), anything else becomes U+FFFD, and a warning gives both counts.
  Only a file without real UTF-8 in it goes to legacy charset detection.
"""

from __future__ import annotations

import codecs
import logging
import re
import threading
from pathlib import Path

from propscope.errors import BinaryInput, EmptyInput, InputNotFound, InputTooLarge, UndecodableInput
from propscope.options import IngestOptions

# Checked longest first: the UTF-32-LE mark starts with the UTF-16-LE one.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# File signatures of formats people commonly pass by mistake; named in the error message.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF file"),
    (b"PK\x03\x04", "a ZIP archive (or a .docx/.xlsx/.epub file)"),
    (b"\x1f\x8b", "a gzip file"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office file"),
    (b"\x7fELF", "an executable"),
    (b"SQLite format 3\x00", "an SQLite database"),
)

# When charset detection ties, these legacy encodings are the likelier ones for news text:
# WHATWG maps latin-1 to cp1252, and charset-normalizer otherwise picks cp1250 for Western text.
_PREFERRED_ON_TIE = ("cp1252", "cp1250", "cp1251")

_SNIFF_BYTES = 8192

log = logging.getLogger(__name__)

# A valid multi-byte UTF-8 sequence (RFC 3629): text that has them is UTF-8, whatever else it holds.
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|\xe0[\xa0-\xbf][\x80-\xbf]|[\xe1-\xec\xee\xef][\x80-\xbf]{2}|\xed[\x80-\x9f][\x80-\xbf]"
    rb"|\xf0[\x90-\xbf][\x80-\xbf]{2}|[\xf1-\xf3][\x80-\xbf]{3}|\xf4[\x80-\x8f][\x80-\xbf]{2}"
)
_FALLBACK = "propscope-cp1252-fallback"
_counts = threading.local()
_registered = threading.Lock()
# NULs are never text; a few are dropped, more than this share of the text means a binary file.
_MAX_NUL_SHARE = 0.01


def check_size(size: int, source: str, options: IngestOptions) -> None:
    """Refuse inputs over ``options.max_bytes`` before doing any work on them."""
    if size > options.max_bytes:
        raise InputTooLarge(
            f"{source} is over the size limit ({_human(size)} > {_human(options.max_bytes)}); "
            "raise it with --max-bytes"
        )


def read_file_bytes(path: Path, source: str, options: IngestOptions) -> bytes:
    """The bytes of a file, refusing missing files and files over the size limit."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputNotFound(f"input not found: {source}") from None
    except OSError as exc:
        raise InputNotFound(f"cannot read {source}: {exc.strerror}") from None
    check_size(size, source, options)
    try:
        with path.open("rb") as handle:
            # Read one byte more than allowed: the file may have grown since stat().
            data = handle.read(options.max_bytes + 1)
    except OSError as exc:
        raise InputNotFound(f"cannot read {source}: {exc.strerror}") from None
    check_size(len(data), source, options)
    return data


def decode_bytes(data: bytes, source: str, options: IngestOptions, declared: str | None = None) -> str:
    """Decode an input's bytes to text.

    Order: size limit, byte-order mark, UTF-32/16 without a mark, the encoding a server declared,
    strict UTF-8, binary signatures and control characters, UTF-8 with a cp1252 fallback for the
    bytes it rejects (when the file holds real UTF-8), then charset-normalizer for legacy encodings.
    """
    check_size(len(data), source, options)
    if not data.strip():
        raise EmptyInput(f"{source} is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return _without_nuls(data[len(bom) :].decode(encoding), source)
            except UnicodeDecodeError:
                raise UndecodableInput(
                    f"{source} starts with a {encoding} byte-order mark but is not valid {encoding}"
                ) from None
    wide = _wide_without_bom(data[:_SNIFF_BYTES])
    if wide is not None:
        try:
            return _without_nuls(data.decode(wide), source)
        except UnicodeDecodeError:
            pass  # NULs in a pattern that is not UTF-16/32 after all: a binary file, refused below
    if declared:
        try:
            return _without_nuls(data.decode(declared), source)
        except (LookupError, UnicodeDecodeError):
            pass  # servers lie about charsets; fall through to detection
    try:
        return _without_nuls(data.decode("utf-8"), source)
    except UnicodeDecodeError:
        pass
    _refuse_binary(data, source)
    mostly_utf8 = _decode_mostly_utf8(data, source)
    if mostly_utf8 is not None:
        return _without_nuls(mostly_utf8, source)
    return _without_nuls(_detect_and_decode(data, source), source)


def _without_nuls(text: str, source: str) -> str:
    """The text without NUL characters (a few come from broken exports); mostly NULs is a binary file."""
    nuls = text.count("\x00")
    if not nuls:
        return text
    if nuls > max(1, len(text) * _MAX_NUL_SHARE):
        raise BinaryInput(f"{source} holds {nuls:,} NUL characters: a binary file, not text")
    log.warning("%s: removed %d NUL character%s", source, nuls, "" if nuls == 1 else "s")
    return text.replace("\x00", "")


def _cp1252_fallback(error: UnicodeError) -> tuple[str, int]:
    """UTF-8 error handler: one rejected byte as its cp1252 character, else U+FFFD (counted)."""
    assert isinstance(error, UnicodeDecodeError)
    bad = error.object[error.start : error.end]
    counts = _counts.value
    if len(bad) == 1:
        try:
            char = bad.decode("cp1252")
        except UnicodeDecodeError:
            char = ""
        if char:
            counts[0] += 1
            return char, error.end
    counts[1] += 1
    return "\ufffd", error.end


def _decode_mostly_utf8(data: bytes, source: str) -> str | None:
    """UTF-8 with the rejected bytes read as cp1252 or U+FFFD, when the file has real UTF-8 in it.

    A legacy file can hold a valid UTF-8 pair by accident ("Ã©" in cp1252), so real UTF-8 means at
    least one valid multi-byte sequence for every four rejected bytes.
    """
    multibyte = len(_UTF8_MULTIBYTE.findall(data))
    if multibyte == 0:
        return None
    with _registered:
        try:
            codecs.lookup_error(_FALLBACK)
        except LookupError:
            codecs.register_error(_FALLBACK, _cp1252_fallback)
    _counts.value = [0, 0]
    text = data.decode("utf-8", errors=_FALLBACK)
    as_cp1252, replaced = _counts.value
    if multibyte * 4 < as_cp1252 + replaced:
        return None
    parts = []
    if as_cp1252:
        parts.append(f"{as_cp1252} read as cp1252")
    if replaced:
        parts.append(f"{replaced} replaced by U+FFFD")
    log.warning("%s is UTF-8 with %d invalid byte sequence%s: %s", source, as_cp1252 + replaced,
                "" if as_cp1252 + replaced == 1 else "s", ", ".join(parts))
    return text


def _refuse_binary(data: bytes, source: str) -> None:
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise BinaryInput(f"{source} is {what}, not text")
    head = data[:_SNIFF_BYTES]
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    if b"\x00" in head or controls > len(head) * 0.05:
        raise BinaryInput(f"{source} looks like a binary file, not text")


def _wide_without_bom(head: bytes) -> str | None:
    """UTF-32 or UTF-16 without a byte-order mark, told by where the NUL bytes fall (Latin text)."""
    if len(head) < 8:
        return None
    quarters = [head[i::4].count(0) / len(head[i::4]) for i in range(4)]
    if min(quarters[1:]) > 0.9 and quarters[0] < 0.1:
        return "utf-32-le"
    if min(quarters[:3]) > 0.9 and quarters[3] < 0.1:
        return "utf-32-be"
    even_nuls = head[0::2].count(0) / len(head[0::2])
    odd_nuls = head[1::2].count(0) / len(head[1::2])
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def _detect_and_decode(data: bytes, source: str) -> str:
    # Imported here: charset-normalizer is only needed for non-UTF-8 input.
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        raise UndecodableInput(
            f"{source} is not UTF-8 and its encoding could not be detected; convert it to UTF-8"
        )
    best = matches[0]
    ties = [m for m in matches if abs(m.chaos - best.chaos) < 0.005 and m.coherence >= best.coherence - 0.02]
    for preferred in _PREFERRED_ON_TIE:
        for match in ties:
            if match.encoding == preferred:
                best = match
                break
        else:
            continue
        break
    try:
        return data.decode(best.encoding)
    except (LookupError, UnicodeDecodeError):
        raise UndecodableInput(f"{source} could not be decoded as {best.encoding}; convert it to UTF-8") from None


def _human(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.1f} MB"
    if size >= 1024:
        return f"{size / 1024:.1f} kB"
    return f"{size} bytes"
