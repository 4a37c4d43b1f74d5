"""Every per-document ingest error comes back as a coded error, never as an exception."""

from __future__ import annotations

from pathlib import Path

import pytest

from propscope.errors import (
    BinaryInput,
    EmptyInput,
    InputNotFound,
    InputTooLarge,
    UndecodableInput,
    UnsupportedFormat,
)
from propscope.ingest import IngestResult, article_from_text, load_inputs
from propscope.options import IngestOptions


def load_one(path: Path | str, **options: object) -> IngestResult:
    results = list(load_inputs([str(path)], IngestOptions(**options)))  # type: ignore[arg-type]
    assert len(results) == 1
    return results[0]


def test_missing_file(tmp_path: Path) -> None:
    result = load_one(tmp_path / "nope.txt")
    assert isinstance(result.error, InputNotFound)
    assert result.error.code == "E101"
    assert "nope.txt" in str(result.error)
    assert result.article is None


def test_missing_file_with_unknown_extension_is_not_found(tmp_path: Path) -> None:
    assert isinstance(load_one(tmp_path / "nope.pdf").error, InputNotFound)


@pytest.mark.parametrize("content", [b"", b"   \n\n\t  \r\n"])
def test_empty_and_whitespace_only(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    result = load_one(path)
    assert isinstance(result.error, EmptyInput)
    assert result.error.code == "E102"


def test_binary_with_signature(tmp_path: Path) -> None:
    path = tmp_path / "paper.txt"
    path.write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" + bytes(range(256)))
    result = load_one(path)
    assert isinstance(result.error, BinaryInput)
    assert "PDF" in str(result.error)


def test_binary_without_signature(tmp_path: Path) -> None:
    path = tmp_path / "blob.txt"
    path.write_bytes(bytes(range(256)) * 20)
    assert isinstance(load_one(path).error, BinaryInput)


def test_undecodable(tmp_path: Path) -> None:
    # High bytes in no consistent legacy encoding: charset detection gives up.
    path = tmp_path / "garbage.txt"
    path.write_bytes(bytes(range(0x80, 0x100)) * 3)
    result = load_one(path)
    assert isinstance(result.error, UndecodableInput)
    assert result.error.code == "E104"


def test_too_large_file(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("word " * 400, encoding="utf-8")
    result = load_one(path, max_bytes=1000)
    assert isinstance(result.error, InputTooLarge)
    assert result.error.code == "E105"
    assert load_one(path, max_bytes=2000).ok


def test_too_large_text() -> None:
    with pytest.raises(InputTooLarge):
        article_from_text("x" * 2001, IngestOptions(max_bytes=2000))


def test_empty_text() -> None:
    with pytest.raises(EmptyInput):
        article_from_text(" \n ", IngestOptions())


def test_unsupported_extension(tmp_path: Path) -> None:
    path = tmp_path / "report.docx"
    path.write_bytes(b"PK\x03\x04whatever")
    result = load_one(path)
    assert isinstance(result.error, UnsupportedFormat)
    assert result.error.code == "E107"
    assert ".docx" in str(result.error)


def test_errors_do_not_stop_the_other_inputs(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("The ministry said the report was false.", encoding="utf-8")
    results = list(load_inputs([str(tmp_path / "missing.txt"), str(good)], IngestOptions()))
    assert [r.ok for r in results] == [False, True]
    assert results[1].article is not None and results[1].article.id == "good"
