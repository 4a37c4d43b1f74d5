"""``propscope corpus stats`` over a small analysed corpus written by ``propscope batch``."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from propscope.batch import BatchOptions, run_batch
from propscope.cli.main import main
from propscope.corpus.stats import parse_by, period_of

from .test_batch import annotating_analyzer, write_corpus

pytest.importorskip("pyarrow")


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    corpus = write_corpus(root / "in.jsonl", 12)
    run_batch([str(corpus)], BatchOptions(out=root / "out", chunk_size=5), factory=annotating_analyzer)
    return root / "out"


def test_rates_claims_matches_and_sources_by_outlet_and_month(analysed: Path) -> None:
    from propscope.corpus.stats import parquet_stats

    rows = parquet_stats(analysed, by_outlet=True, period="month")
    # write_corpus: odd ids are rt.com, even sputniknews.com; months cycle Jan, Feb, Mar.
    assert [(r["outlet"], r["period"], r["articles"]) for r in rows] == [
        ("rt.com", "2024-01-01", 2), ("rt.com", "2024-02-01", 2), ("rt.com", "2024-03-01", 2),
        ("sputniknews.com", "2024-01-01", 2), ("sputniknews.com", "2024-02-01", 2), ("sputniknews.com", "2024-03-01", 2),
    ]
    for row in rows:
        # The annotator tags every sentence (3 per article) and adds one claim, match and citation.
        assert row["technique_spans"] == 3 * row["articles"]
        assert row["techniques_per_1000_words"] == pytest.approx(1000 * row["technique_spans"] / row["words"], abs=1e-3)
        assert row["by_technique"] == {"Loaded_Language": row["techniques_per_1000_words"]}
        assert row["claims"] == row["matches"] == row["cited_sources"] == row["articles"]
        assert row["top_known_claims"] == [("Villages were destroyed", row["articles"])]
        assert row["top_cited_sources"] == [("TASS", row["articles"])]
    overall = parquet_stats(analysed, by_outlet=False, period="none")
    assert len(overall) == 1 and overall[0]["articles"] == 12 and overall[0]["outlet"] is None


def test_periods_and_grouping_options() -> None:
    assert parse_by("outlet,month") == (True, "month") and parse_by("week") == (False, "week")
    assert period_of("2024-03-14", "week") == "2024-03-11" and period_of("14 March", "month") is None
    with pytest.raises(Exception):
        parse_by("outlet,year")


def test_cli_writes_csv_and_plots(analysed: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("matplotlib")
    table, figure = tmp_path / "stats.csv", tmp_path / "stats.png"
    assert main(["corpus", "stats", str(analysed), "--by", "outlet", "--csv", str(table), "--plot", str(figure)]) == 0
    out = capsys.readouterr().out
    assert "rt.com" in out and "Loaded_Language" in out and "TASS (6)" in out
    rows = list(csv.DictReader(table.open()))
    assert [r["outlet"] for r in rows] == ["rt.com", "sputniknews.com"] and rows[0]["articles"] == "6"
    assert figure.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["corpus", "stats", str(tmp_path)]) == 2
    assert main(["corpus", "stats", str(analysed), "--by", "year"]) == 2
