"""``propscope claims score --input FILE --out FILE``: check-worthiness scores for sentences.

Input: ``id<TAB>text`` lines (a first line ``id<TAB>text`` or similar header is allowed; ids are arbitrary
strings). Output: ``id<TAB>score`` lines in the same order, the score rounded to 6 decimals.
"""

from __future__ import annotations

from pathlib import Path

import typer

from propscope.errors import BadRecord, EmptyInput, InputNotFound

app = typer.Typer(help="Check-worthy claims: score sentences with the claims model.", no_args_is_help=True)

HEADER_IDS = {"id", "sentence_id", "line_number", "tweet_id"}


def read_sentences(path: Path) -> list[tuple[str, str]]:
    """``(id, text)`` pairs of an ``id<TAB>text`` file; a header line is skipped."""
    if not path.is_file():
        raise InputNotFound(f"no such file: {path}")
    rows: list[tuple[str, str]] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            if "\t" not in line:
                raise BadRecord(f"{path}:{number}: expected id<TAB>text")
            sentence_id, text = line.split("\t", 1)
            if number == 1 and sentence_id.strip().lower() in HEADER_IDS and text.strip().lower() in {"text", "sentence"}:
                continue
            rows.append((sentence_id, text))
    if not rows:
        raise EmptyInput(f"{path} holds no id<TAB>text lines")
    return rows


def score_file(input_path: Path, out: Path, model: Path | None = None, threads: int | None = None) -> int:
    """Score every line of ``input_path`` into ``out``; returns the number of lines written."""
    from propscope.claims.scorer import ClaimScorer

    rows = read_sentences(input_path)
    scorer = ClaimScorer.load(model, threads=threads)
    scores = scorer.score([text for _, text in rows])
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        for (sentence_id, _), score in zip(rows, scores, strict=True):
            handle.write(f"{sentence_id}\t{float(score):.6f}\n")
    return len(rows)


@app.command("score")
def score(
    input_path: Path = typer.Option(..., "--input", "-i", help="id<TAB>text lines (a header line is allowed)."),
    out: Path = typer.Option(..., "--out", "-o", help="Where to write id<TAB>score lines."),
    model: Path | None = typer.Option(None, "--model", help="Claims model directory (default: the shipped one)."),
    threads: int | None = typer.Option(None, "--threads", min=1, help="ONNX Runtime threads."),
) -> None:
    """Score each sentence from 0 (not worth checking) to 1 (a check-worthy factual claim)."""
    count = score_file(input_path, out, model=model, threads=threads)
    typer.echo(f"{count} sentences scored -> {out}", err=True)
