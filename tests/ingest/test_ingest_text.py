"""Plain-text files: encodings, newlines kept as read, ids, language."""

from __future__ import annotations

from pathlib import Path

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
