"""Plain-text files: encodings, newlines kept as read, ids, language."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from propscope.errors import BinaryInput
from propscope.ingest import article_from_text, load_inputs
from propscope.ingest.text import decode_bytes
from propscope.options import IngestOptions

WESTERN = "The minister’s “staged” claim was repeated in Köln and Zürich — café owners à la carte said it was false. He paid €5.\n"


def load_article(path: Path):  # type: ignore[no-untyped-def]
    [result] = list(load_inputs([str(path)], IngestOptions()))
    assert result.error is None, result.error
    assert result.article is not None
    return result.article


def test_utf8_text_kept_exactly_with_crlf(tmp_path: Path) -> None:
    text = "Title line\r\n\r\nFirst sentence.\r\nSecond “quoted” sentence.\r\n"
    path = tmp_path / "crlf.txt"
    path.write_bytes(text.encode("utf-8"))
    article = load_article(path)
    assert article.text == text  # newline='' semantics: PTC offsets depend on it
    assert article.id == "crlf"


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes(b"\xef\xbb\xbf" + "Héllo there, this is text.".encode("utf-8"))
    assert load_article(path).text == "Héllo there, this is text."


def test_cp1252_file(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(WESTERN.encode("cp1252"))
    assert load_article(path).text == WESTERN


def test_utf16_file(tmp_path: Path) -> None:
    path = tmp_path / "wide.txt"
    path.write_bytes(WESTERN.encode("utf-16"))  # with a byte-order mark, as Windows writes it
    assert load_article(path).text == WESTERN


def test_utf16_without_bom() -> None:
    assert decode_bytes(WESTERN.encode("utf-16-le"), "x", IngestOptions()) == WESTERN


def test_cyrillic_cp1251() -> None:
    text = "Правительство заявило, что резня в Буче была инсценирована, сообщает агентство."
    assert decode_bytes(text.encode("cp1251"), "x", IngestOptions()) == text


def test_declared_charset_wins_over_detection() -> None:
    assert decode_bytes("café".encode("latin-1"), "x", IngestOptions(), declared="latin-1") == "café"


def test_article_from_text_metadata_and_language() -> None:
    text = "The Kremlin said on Monday that the West was prolonging the war in Ukraine."
    article = article_from_text(text, IngestOptions(), id="a1", title="T", url="https://x.org/a", outlet="X", date="2022-04-01")
    assert (article.id, article.title, article.url, article.outlet, article.date) == ("a1", "T", "https://x.org/a", "X", "2022-04-01")
    assert article.language == "en"
    assert article.text == text


def test_article_without_id_gets_text_hash() -> None:
    first = article_from_text("Same text, same id, in every run of the tool.", IngestOptions())
    second = article_from_text("Same text, same id, in every run of the tool.", IngestOptions())
    assert first.id == second.id and len(first.id) == 16


# --- decoding that never analyses garbage ---------------------------------------------------------

ASCII = "The ministry said the pictures were staged. The West is lying about it again.\n" * 3


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_wide_encodings_without_bom_are_detected_before_utf8(encoding: str) -> None:
    # ASCII in UTF-16/32 is valid UTF-8 with NULs between the letters: it must not be read so.
    assert decode_bytes(ASCII.encode(encoding), "x", IngestOptions()) == ASCII
    assert decode_bytes(WESTERN.encode(encoding), "x", IngestOptions()) == WESTERN


def test_one_invalid_byte_keeps_the_rest_utf8_and_warns(caplog: pytest.LogCaptureFixture) -> None:
    # A cut multi-byte sequence (E2 80, the start of “) and a byte cp1252 has no character for (81).
    data = WESTERN.encode("utf-8") + b"Broken \xe2\x80 and \x81 here.\n"
    with caplog.at_level(logging.WARNING):
        text = decode_bytes(data, "one.txt", IngestOptions())
    assert text == WESTERN + "Broken \ufffd and \ufffd here.\n"  # “ stays “, never ‚Äú (mac_roman)
    assert "one.txt is UTF-8 with 2 invalid byte sequences: 2 replaced by U+FFFD" in caplog.text


def test_mixed_utf8_and_cp1252_reads_both_halves(caplog: pytest.LogCaptureFixture) -> None:
    legacy = "Café owners said “no” – twice.\n"
    data = WESTERN.encode("utf-8") + legacy.encode("cp1252")
    with caplog.at_level(logging.WARNING):
        text = decode_bytes(data, "mixed.txt", IngestOptions())
    assert text == WESTERN + legacy
    assert "4 read as cp1252" in caplog.text


def test_legacy_file_with_an_accidental_utf8_pair_still_goes_to_detection() -> None:
    legacy = WESTERN * 3 + "Ã© once.\n"
    assert decode_bytes(legacy.encode("cp1252"), "x", IngestOptions()) == legacy


def test_a_few_nuls_are_removed_and_many_refused(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert decode_bytes((ASCII + "\x00").encode(), "x", IngestOptions()) == ASCII
    assert "removed 1 NUL character" in caplog.text
    with pytest.raises(BinaryInput):
        decode_bytes(("a\x00\x00b" * 100).encode(), "x", IngestOptions())
