"""``propscope claims score`` through the console entry point, with the shipped model."""

from __future__ import annotations

from pathlib import Path

import pytest

from propscope.claims.scorer import default_model_path
from propscope.cli.main import main

needs_model = pytest.mark.skipif(not (default_model_path() / "config.json").is_file(), reason="no shipped claims model")


@needs_model
def test_score_keeps_ids_and_order(tmp_path: Path) -> None:
    source = tmp_path / "in.tsv"
    source.write_text(
        "id\ttext\n"
        "b-2\tUnemployment fell to 3.5 percent last year, the lowest level in 50 years.\n"
        "a 1\tThank you all so much for coming tonight.\n"
        "007\tRussia has lost 200,000 soldiers in Ukraine since February.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.tsv"
    assert main(["claims", "score", "--input", str(source), "--out", str(out)]) == 0
    rows = [line.split("\t") for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r[0] for r in rows] == ["b-2", "a 1", "007"]
    scores = [float(r[1]) for r in rows]
    assert all(0 <= s <= 1 for s in scores)
    assert scores[0] > scores[1] and scores[2] > scores[1]


@needs_model
def test_no_header_is_fine_and_bad_lines_are_an_input_error(tmp_path: Path) -> None:
    source = tmp_path / "in.tsv"
    source.write_text("x\tThe deficit doubled in four years.\n", encoding="utf-8")
    out = tmp_path / "out.tsv"
    assert main(["claims", "score", "--input", str(source), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("x\t")
    source.write_text("no tab on this line\n", encoding="utf-8")
    assert main(["claims", "score", "--input", str(source), "--out", str(out)]) == 2
    assert main(["claims", "score", "--input", str(tmp_path / "missing.tsv"), "--out", str(out)]) == 2
