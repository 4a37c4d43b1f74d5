"""Reading labelled news pairs: a pair holds its sentence (a reviewer's export) or offsets into a corpus
article that the data folder provides (the PPN and PTC pairs of ``eval/news_pairs``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from propscope.document import text_hash
from propscope.errors import DataError
from propscope.eval.sources import locate, pair_offsets
from propscope.train.reranker import read_news_pairs

PPN_TEXT = "Kyiv denies it.\nThe  West wants\nwar in Europe, the minister said."
PTC_TEXT = "Headline here\n\nNATO troops are massing on the border, officials claim.\n"


def _data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    (data / "ppn").mkdir(parents=True)
    (data / "ppn" / "articles-en.jsonl").write_text(
        json.dumps({"id": "rrn.media/1", "title": "War talk", "text": PPN_TEXT}) + "\n", encoding="utf-8")
    (data / "ptc-2020" / "train-articles").mkdir(parents=True)
    (data / "ptc-2020" / "train-articles" / "article7.txt").write_text(PTC_TEXT, encoding="utf-8")
    return data


def _pair(key: str, corpus: str, article: str, sentence: str, title: str = "") -> dict:
    return {"id": key, "corpus": corpus, "article": article, "title": title, "sentence": sentence,
            "kb_id": "euvsdisinfo:x", "kb_claim": "The West wants war", "cosine": 0.7, "rank": 1,
            "label": "same", "split": "held_out"}


def _write(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_offsets_find_a_sentence_whose_whitespace_was_made_single_spaces() -> None:
    sentence = "The West wants war in Europe, the minister said."
    start, end = locate(PPN_TEXT, sentence)
    assert PPN_TEXT[start:end] == "The  West wants\nwar in Europe, the minister said."
    with pytest.raises(DataError, match="not found"):
        locate(PPN_TEXT, "Kyiv denies everything.")


def test_pairs_with_offsets_read_their_sentence_and_title_from_the_data_folder(tmp_path: Path) -> None:
    data = _data(tmp_path)
    ppn = _pair("a", "ppn", "rrn.media/1", "The West wants war in Europe, the minister said.", "War talk")
    ptc = _pair("b", "ptc", "article7", "NATO troops are massing on the border, officials claim.")
    stored = [pair_offsets(ppn, PPN_TEXT), pair_offsets(ptc, PTC_TEXT)]
    assert all("sentence" not in r and "title" not in r for r in stored)
    assert stored[0]["sentence_sha1"] == text_hash(ppn["sentence"])
    path = _write(tmp_path / "pairs.jsonl", stored)
    with pytest.raises(DataError, match="--data"):
        read_news_pairs(path)
    assert [p.sentence for p in read_news_pairs(path, data)] == [ppn["sentence"], ptc["sentence"]]


def test_a_changed_article_is_reported_not_read(tmp_path: Path) -> None:
    data = _data(tmp_path)
    stored = pair_offsets(_pair("a", "ppn", "rrn.media/1", "Kyiv denies it."), PPN_TEXT)
    path = _write(tmp_path / "pairs.jsonl", [stored])
    (data / "ppn" / "articles-en.jsonl").write_text(
        json.dumps({"id": "rrn.media/1", "title": "", "text": "Kyiv admits it. " + PPN_TEXT}) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="not the labelled sentence"):
        read_news_pairs(path, data)


def test_exported_pairs_keep_their_sentence_beside_pairs_with_offsets(tmp_path: Path) -> None:
    data = _data(tmp_path)
    own = _pair("w", "workspace", "article-1", "A sentence the reviewer analysed.")
    own.update({"start": 0, "end": 33})  # offsets into the user's own text, which the export keeps
    stored = pair_offsets(_pair("a", "ppn", "rrn.media/1", "Kyiv denies it."), PPN_TEXT)
    path = _write(tmp_path / "pairs.jsonl", [own, stored])
    assert [p.sentence for p in read_news_pairs(path, data)] == [own["sentence"], "Kyiv denies it."]
    assert [p.sentence for p in read_news_pairs(_write(tmp_path / "own.jsonl", [own]))] == [own["sentence"]]
