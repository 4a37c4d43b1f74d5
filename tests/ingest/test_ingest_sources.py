"""Directories and stdin."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from propscope.errors import EmptyInput, InputTooLarge
from propscope.ingest import load_inputs
from propscope.options import IngestOptions

TEXT = "The ministry said the report was false and that the West was lying again."


def test_directory_recursive_sorted_and_filtered(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    (tmp_path / "b.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "a.HTML").write_text(f"<html><body><article><p>{TEXT}</p></article></body></html>", encoding="utf-8")
    (tmp_path / "sub" / "c.jsonl").write_text('{"id": "c1", "text": "%s"}\n{"oops"\n' % TEXT, encoding="utf-8")
    (tmp_path / "sub" / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "notes.md").write_text(TEXT, encoding="utf-8")
    (tmp_path / ".hidden" / "x.txt").write_text(TEXT, encoding="utf-8")
    results = list(load_inputs([str(tmp_path)], IngestOptions()))
    assert [r.source for r in results] == [
        str(tmp_path / "a.HTML"),
        str(tmp_path / "b.txt"),
        f"{tmp_path / 'sub' / 'c.jsonl'}:1",
        f"{tmp_path / 'sub' / 'c.jsonl'}:2",
        str(tmp_path / "sub" / "empty.txt"),
    ]
    assert [r.ok for r in results] == [True, True, True, False, False]
    assert [r.article.id for r in results if r.article] == ["a", "b", "c1"]
    assert isinstance(results[4].error, EmptyInput)


def test_empty_directory(tmp_path: Path) -> None:
    [result] = list(load_inputs([str(tmp_path)], IngestOptions()))
    assert isinstance(result.error, EmptyInput)


def fake_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))


def test_stdin_text(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_stdin(monkeypatch, f"Title\r\n\r\n{TEXT}\r\n".encode())
    [result] = list(load_inputs(["-"], IngestOptions()))
    assert result.source == "-" and result.article is not None
    assert result.article.text == f"Title\r\n\r\n{TEXT}\r\n"
    assert result.article.language == "en"


def test_stdin_html(monkeypatch: pytest.MonkeyPatch) -> None:
    page = f'<!doctype html><html><body><nav>Menu</nav><article><p>{TEXT} <a href="https://www.reuters.com/">Reuters</a> said.</p><script>alert(1)</script></article></body></html>'
    fake_stdin(monkeypatch, page.encode())
    [result] = list(load_inputs(["-"], IngestOptions()))
    article = result.article
    assert article is not None
    assert "alert" not in article.text and "Menu" not in article.text
    [link] = article.links
    assert article.text[link.start : link.end] == "Reuters"


def test_stdin_empty_and_too_large(monkeypatch: pytest.MonkeyPatch) -> None:
    fake_stdin(monkeypatch, b"  \n")
    [result] = list(load_inputs(["-"], IngestOptions()))
    assert isinstance(result.error, EmptyInput)
    fake_stdin(monkeypatch, b"x" * 200)
    [result] = list(load_inputs(["-"], IngestOptions(max_bytes=100)))
    assert isinstance(result.error, InputTooLarge)
