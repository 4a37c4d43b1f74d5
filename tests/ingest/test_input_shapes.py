"""Hostile input shapes: deep or huge JSON rows, FIFOs and devices, symlinks out of a folder, huge texts,
ClaimReview fields of the wrong type. Each gives a coded error for that input only; nothing else is lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import propscope
from propscope.errors import InputTooLarge, RecordTooComplex, SpecialFile
from propscope.ingest import load_inputs
from propscope.kb.importers import read_source
from propscope.kb.importers.claimreview import MAX_CLAIM_CHARS
from propscope.kb.record import BadRow, KBRecord
from propscope.options import IngestOptions

TEXT = "The ministry said the pictures from Bucha were staged, and the West is lying about it again."


def load(*inputs: str, **options: object) -> list:  # type: ignore[type-arg]
    return list(load_inputs(list(inputs), IngestOptions(**options)))  # type: ignore[arg-type]


def test_a_deep_jsonl_row_is_one_coded_error_and_its_neighbours_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    deep = "[" * 1000 + "]" * 1000
    path.write_text(
        json.dumps({"id": "before", "text": TEXT}) + "\n"
        + '{"text": "x", "extra": ' + deep + "}\n"
        + json.dumps({"id": "after", "text": TEXT}) + "\n"
    )
    results = load(str(path))
    assert [r.article.id if r.ok else r.error.code for r in results] == ["before", "E109", "after"]
    assert isinstance(results[1].error, RecordTooComplex) and "line 2" in results[1].error.message


def test_a_jsonl_row_over_the_size_limit_is_skipped_without_reading_it_whole(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    with path.open("w") as handle:
        handle.write(json.dumps({"id": "before", "text": TEXT}) + "\n")
        handle.write(json.dumps({"text": "word " * 200_000}) + "\n")  # 1 MB row, limit 1000 bytes
        handle.write(json.dumps({"id": "after", "text": TEXT}) + "\n")
    results = load(str(path), max_bytes=1000)
    assert [r.article.id if r.ok else r.error.code for r in results] == ["before", "E109", "after"]


def test_the_cli_analyses_the_rows_around_a_deep_one(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    path.write_text(
        json.dumps({"id": "before", "text": TEXT}) + "\n" + '{"text": ' + "[" * 5000 + "\n"
        + json.dumps({"id": "after", "text": TEXT}) + "\n"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(propscope.__file__).parents[1])}
    result = subprocess.run(
        [sys.executable, "-m", "propscope", "analyze", str(path), "--components", "segment", "-f", "json"],
        capture_output=True, text=True, timeout=120, env=env,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r.get("id") or r["error"]["code"] for r in records] == ["before", "E109", "after"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    (tmp_path / "ok.txt").write_text(TEXT)
    started = time.monotonic()
    [result] = load(str(fifo))
    assert isinstance(result.error, SpecialFile) and "FIFO" in result.error.message
    folder = {r.source: r for r in load(str(tmp_path))}  # in a folder: refused, the rest read
    assert isinstance(folder[str(fifo)].error, SpecialFile) and folder[str(tmp_path / "ok.txt")].ok
    assert time.monotonic() - started < 5


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_a_device_is_refused() -> None:
    [result] = load("/dev/zero")
    assert isinstance(result.error, SpecialFile) and result.error.code == "E112"


def test_symlinks_leaving_the_input_directory_are_not_followed_unless_asked(tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("Outside text that must not be read. " + TEXT)
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "ok.txt").write_text(TEXT)
    (folder / "inside-link.txt").symlink_to(folder / "ok.txt")
    (folder / "escape.txt").symlink_to(outside)
    results = {Path(r.source).name: r for r in load(str(folder))}
    assert results["ok.txt"].ok and results["inside-link.txt"].ok
    assert isinstance(results["escape.txt"].error, SpecialFile) and "--follow-symlinks" in results["escape.txt"].error.message
    followed = {Path(r.source).name: r for r in load(str(folder), follow_symlinks=True)}
    assert followed["escape.txt"].ok and "Outside text" in followed["escape.txt"].article.text
    [named] = load(str(folder / "escape.txt"))  # a link the user names is read: they chose it
    assert named.ok


def test_max_chars_is_checked_up_front(tmp_path: Path) -> None:
    path = tmp_path / "long.txt"
    path.write_text(TEXT * 20)
    [result] = load(str(path), max_chars=500)
    assert isinstance(result.error, InputTooLarge) and "--max-chars" in result.error.message
    assert load(str(path), max_chars=len(TEXT) * 20)[0].ok


def _claimreview(tmp_path: Path, review: object, name: str = "review.json") -> tuple[list[KBRecord], list[BadRow]]:
    path = tmp_path / name
    path.write_text(review if isinstance(review, str) else json.dumps(review))
    rows = list(read_source("claimreview", path))
    return [r for r in rows if isinstance(r, KBRecord)], [r for r in rows if isinstance(r, BadRow)]


BASE = {"@type": "ClaimReview", "claimReviewed": "The pictures were staged", "url": "https://fc.example/1"}


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("claimReviewed", ["a", "b"], "'claimReviewed' is a JSON array, not text"),
        ("url", {"href": "x"}, "'url' is a JSON object, not text"),
        ("name", ["a", "b"], "'name' is a JSON array, not text"),
        ("datePublished", True, "'datePublished' is a JSON boolean, not text"),
        ("keywords", [["nested"]], "'keywords' is a JSON array, not text"),
        ("author", {"name": ["a"]}, "'author.name' is a JSON array, not text"),
        ("reviewRating", "False", "'reviewRating' is a JSON str, not an object"),
    ],
)
def test_claimreview_fields_of_the_wrong_type_are_bad_rows(tmp_path: Path, field: str, value: object, reason: str) -> None:
    records, bad = _claimreview(tmp_path, {**BASE, field: value})
    assert records == [] and [b.reason for b in bad] == [reason]


def test_claimreview_numbers_are_read_as_text_and_no_repr_is_stored(tmp_path: Path) -> None:
    records, bad = _claimreview(tmp_path, [{**BASE, "keywords": ["war", 2022], "reviewRating": {"ratingValue": 1, "bestRating": 5}}])
    assert bad == [] and records[0].keywords == ["war", "2022"] and records[0].rating == "1/5"
    assert not any("[" in str(value) for value in (records[0].claim, records[0].title, records[0].source))


def test_claimreview_size_and_depth_limits(tmp_path: Path) -> None:
    records, bad = _claimreview(tmp_path, {**BASE, "claimReviewed": "x" * (MAX_CLAIM_CHARS + 1)})
    assert records == [] and "over the limit" in bad[0].reason
    deep = '{"@type": "ClaimReview", "claimReviewed": "x", "extra": ' + "[" * 985 + "]" * 985 + "}"
    records, bad = _claimreview(tmp_path, deep, "deep.json")
    assert records == [] and "nests 986 levels deep" in bad[0].reason
    lines = json.dumps(BASE) + "\n" + deep + "\n" + json.dumps({**BASE, "url": "https://fc.example/2"}) + "\n"
    records, bad = _claimreview(tmp_path, lines, "feed.jsonl")
    assert [r.url for r in records] == ["https://fc.example/1", "https://fc.example/2"]
    assert [b.where for b in bad] == ["feed.jsonl line 2"]
