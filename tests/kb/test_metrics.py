"""MAP@k and MRR as the CheckThat! scorer (trectools, trec_eval mode) computes them, on hand-made files."""

from __future__ import annotations

from pathlib import Path

import pytest

from propscope.errors import BadRecord
from propscope.eval.retrieval import (
    RunLine,
    average_precision,
    ranked,
    read_qrels,
    read_queries,
    read_run,
    reciprocal_rank,
    score_run,
    write_run,
)


def test_average_precision_divides_by_all_relevant() -> None:
    # Relevant at ranks 1 and 3 of two relevant documents: (1/1 + 2/3) / 2.
    assert average_precision({"a", "c"}, ["a", "b", "c"]) == pytest.approx((1 + 2 / 3) / 2)
    # Cut at depth 1: only the first is found, still divided by 2.
    assert average_precision({"a", "c"}, ["a", "b", "c"], depth=1) == pytest.approx(0.5)
    assert average_precision({"z"}, ["a", "b"]) == 0.0
    assert reciprocal_rank({"b"}, ["a", "b"]) == 0.5
    assert reciprocal_rank({"b"}, ["a", "b"], depth=1) == 0.0


def test_run_order_is_by_score_then_docid() -> None:
    assert ranked([("a", 0.5), ("b", 0.9), ("c", 0.5)]) == ["b", "c", "a"]


def test_score_run_on_hand_made_files(tmp_path: Path) -> None:
    qrels = tmp_path / "qrels"
    qrels.write_text("q1\t0\td1\t1\nq2\t0\td9\t1\nq3\t0\td5\t1\nq3\t0\td6\t1\n", encoding="utf-8")
    run = tmp_path / "run"
    write_run(
        [
            RunLine("q1", "d1", 1, 0.9, "t"),  # hit at 1
            RunLine("q1", "d2", 2, 0.8, "t"),
            RunLine("q2", "d3", 1, 0.9, "t"),  # hit at 4 (outside @1/@3)
            RunLine("q2", "d4", 2, 0.8, "t"),
            RunLine("q2", "d7", 3, 0.7, "t"),
            RunLine("q2", "d9", 4, 0.6, "t"),
            RunLine("q3", "d6", 1, 0.9, "t"),  # q3: hits at 1 and 3 of 2 relevant
            RunLine("q3", "d0", 2, 0.8, "t"),
            RunLine("q3", "d5", 3, 0.7, "t"),
        ],
        run,
    )
    scores = score_run(read_qrels(qrels), read_run(run))
    assert scores["MAP@1"] == pytest.approx((1 + 0 + 0.5) / 3)
    assert scores["MAP@3"] == pytest.approx((1 + 0 + (1 + 2 / 3) / 2) / 3)
    assert scores["MAP@5"] == pytest.approx((1 + 0.25 + (1 + 2 / 3) / 2) / 3)
    assert scores["MRR"] == pytest.approx((1 + 0.25 + 1) / 3)


def test_missing_query_counts_zero(tmp_path: Path) -> None:
    qrels = {"q1": {"a"}, "q2": {"b"}}
    scores = score_run(qrels, {"q1": [("a", 1.0)]})
    assert scores["MAP@5"] == 0.5 and scores["queries_in_run"] == 1


def test_readers_reject_bad_lines(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.write_text("q1 Q0 d1\n", encoding="utf-8")
    with pytest.raises(BadRecord, match="line 1"):
        read_run(bad)
    with pytest.raises(BadRecord, match="line 1"):
        read_qrels(bad)
    bad.write_text("q1 0 d1 yes\n", encoding="utf-8")
    with pytest.raises(BadRecord, match="not an integer"):
        read_qrels(bad)


def test_read_queries_header_and_quotes(tmp_path: Path) -> None:
    path = tmp_path / "q.tsv"
    path.write_text('\ttweet_content\n7\t"He said ""no"" twice"\n8\tplain\n', encoding="utf-8")
    assert read_queries(path) == [("7", 'He said "no" twice'), ("8", "plain")]
    no_header = tmp_path / "n.tsv"
    no_header.write_text("tweet-sno-1\tfirst\n", encoding="utf-8")
    assert read_queries(no_header) == [("tweet-sno-1", "first")]
