"""Bytes to text: size limit, binary detection, BOM and UTF-8 first, then charset detection.

Offsets of every annotation refer to the string returned here, so decoding never rewrites the text:
newlines stay as they were read (``'\\r\\n'`` included), only a byte-order mark is dropped.
"""

from __future__ import annotations

import codecs
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

    Order: size limit, byte-order mark, the encoding a server declared, strict UTF-8, binary
    signatures and control characters, then charset-normalizer for legacy encodings.
    """
    check_size(len(data), source, options)
    if not data.strip():
        raise EmptyInput(f"{source} is empty")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError:
                raise UndecodableInput(
                    f"{source} starts with a {encoding} byte-order mark but is not valid {encoding}"
                ) from None
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass  # servers lie about charsets; fall through to detection
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    _refuse_binary(data, source)
    return _detect_and_decode(data, source)


def _refuse_binary(data: bytes, source: str) -> None:
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise BinaryInput(f"{source} is {what}, not text")
    head = data[:_SNIFF_BYTES]
    utf16 = _utf16_without_bom(head)
    if utf16 is not None:
        return
    controls = sum(1 for byte in head if byte < 32 and byte not in (9, 10, 12, 13))
    if b"\x00" in head or controls > len(head) * 0.05:
        raise BinaryInput(f"{source} looks like a binary file, not text")


def _utf16_without_bom(head: bytes) -> str | None:
    """UTF-16 text without a byte-order mark has a NUL in every other byte for Latin text."""
    if len(head) < 4:
        return None
    even_nuls = head[0::2].count(0) / len(head[0::2])
    odd_nuls = head[1::2].count(0) / len(head[1::2])
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def _detect_and_decode(data: bytes, source: str) -> str:
    utf16 = _utf16_without_bom(data[:_SNIFF_BYTES])
    if utf16 is not None:
        try:
            return data.decode(utf16)
        except UnicodeDecodeError:
            pass
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
