"""JSONL and CSV batches: metadata columns, ids, bad rows reported by line while the rest go on."""

from __future__ import annotations

import json
from pathlib import Path

from propscope.errors import BadRecord, EmptyInput
from propscope.ingest import load_inputs
from propscope.options import IngestOptions

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
TEXT_A = "The ministry said on Monday that the pictures from Bucha were staged by Western media."
TEXT_B = "Residents described executions in the streets,\r\nand satellite images confirm it."


def test_jsonl_with_bad_rows(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    lines = [
        json.dumps({"id": "a", "title": "A", "url": "https://x.org/a", "outlet": "X", "date": "2022-04-01", "text": TEXT_A, "lang_hint": "en"}),
        "{not json",
        "",
        json.dumps({"title": "no text"}),
        json.dumps([1, 2]),
        json.dumps({"text": "   "}),
        json.dumps({"text": TEXT_B}),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    results = list(load_inputs([str(path)], IngestOptions()))
    assert [r.ok for r in results] == [True, False, False, False, False, True]
    first = results[0].article
    assert first is not None
    assert (first.id, first.title, first.url, first.outlet, first.date, first.text) == (
        "a", "A", "https://x.org/a", "X", "2022-04-01", TEXT_A,
    )
    assert first.metadata["lang_hint"] == "en"
    assert isinstance(results[1].error, BadRecord) and "line 2" in str(results[1].error)
    assert isinstance(results[2].error, BadRecord) and "line 4" in str(results[2].error)
    assert isinstance(results[3].error, BadRecord) and "line 5" in str(results[3].error)
    assert isinstance(results[4].error, EmptyInput) and "line 6" in str(results[4].error)
    last = results[5].article
    assert last is not None and last.id == f"{path}:7" and last.text == TEXT_B


def test_csv_with_bad_row_and_multiline_text(tmp_path: Path) -> None:
    path = tmp_path / "batch.csv"
    path.write_bytes(
        (
            "id,title,text,outlet\r\n"
            f'a1,First,"{TEXT_A}",Wire\r\n'
            "a2,Broken row,only three\r\n"
            f'a3,Third,"{TEXT_B.replace(chr(34), chr(34) * 2)}",\r\n'
        ).encode("utf-8")
    )
    results = list(load_inputs([str(path)], IngestOptions()))
    assert [r.ok for r in results] == [True, False, True]
    assert results[0].article is not None and results[0].article.outlet == "Wire"
    assert isinstance(results[1].error, BadRecord) and "line 3" in str(results[1].error)
    third = results[2].article
    assert third is not None
    assert third.id == "a3" and third.text == TEXT_B  # the quoted '\r\n' inside the field is kept
    assert third.outlet is None


def test_csv_without_text_column(tmp_path: Path) -> None:
    path = tmp_path / "wrong.csv"
    path.write_text("id,body\n1,hello\n", encoding="utf-8")
    [result] = list(load_inputs([str(path)], IngestOptions()))
    assert isinstance(result.error, BadRecord) and "'text'" in str(result.error)


def test_csv_custom_text_column(tmp_path: Path) -> None:
    path = tmp_path / "body.csv"
    path.write_text(f"id,body\n1,{TEXT_A}\n", encoding="utf-8")
    [result] = list(load_inputs([str(path)], IngestOptions(text_column="body")))
    assert result.article is not None and result.article.text == TEXT_A and result.article.id == "1"


def test_example_batch() -> None:
    results = list(load_inputs([str(EXAMPLES / "batch.jsonl")], IngestOptions()))
    assert all(r.ok for r in results) and len(results) == 3
    assert [r.article.language for r in results if r.article] == ["en", "en", "de"]
