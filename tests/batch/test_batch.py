"""Corpus runs: ledger and resume, error isolation, streamed inputs, joinable Parquet tables, the CLI."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest

from propscope.batch import BatchOptions, run_batch
from propscope.batch.local import threads_per_worker
from propscope.batch.sources import estimate_total, iter_documents
from propscope.cli.main import main
from propscope.components.segment import SentenceSegmenter
from propscope.document import Article, Citation, Claim, KnownClaimMatch, TechniqueSpan
from propscope.engine import Analyzer
from propscope.errors import BatchError, LedgerMismatch, OutputInsideInput, PropscopeError
from propscope.options import EngineConfig, IngestOptions, RunSettings
from propscope.pipeline import Component

pa = pytest.importorskip("pyarrow")
import pyarrow.dataset as pads  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

SEGMENT = RunSettings(components=("segment",))


def write_corpus(path: Path, count: int, bad: Sequence[int] = (), boom: Sequence[int] = ()) -> Path:
    """A JSONL corpus of short distinct articles; ``bad`` lines are broken JSON, ``boom`` texts make
    the test component below fail."""
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            if i in bad:
                handle.write("{not json\n")
                continue
            word = "BOOM" if i in boom else "calm"
            text = f"Report {i} from the front. The ministry said {i} villages were {word} today. Critics disagree."
            outlet = "rt.com" if i % 2 else "sputniknews.com"
            handle.write(json.dumps({"id": f"doc{i}", "text": text, "outlet": outlet, "date": f"2024-0{1 + i % 3}-15"}) + "\n")
    return path


class Annotator(Component):
    """A deterministic stand-in for the model components, so that every table gets rows: one
    technique span per sentence, one claim (with one known-claim match) and one citation per
    article; raises on texts holding 'BOOM' (a coded error) or 'CRASH' (a plain bug)."""

    name = "annotator"
    version = "1"
    requires = ("sentences",)
    assigns = ("techniques", "claims", "citations")

    def __call__(self, article: Article, settings: RunSettings | None = None) -> Article:
        if "BOOM" in article.text:
            raise PropscopeError("the annotator cannot read this document")
        if "CRASH" in article.text:
            raise ValueError("an index went out of range")
        for sentence in article.sentences:
            article.techniques.append(TechniqueSpan("Loaded_Language", sentence.start, sentence.end, 0.9))
        first = article.sentences[1]
        claim = Claim(first.start, first.end, article.text[first.start : first.end], 0.8)
        claim.matches.append(KnownClaimMatch("kb1", "Villages were destroyed", "EUvsDisinfo", None, "2023-01-01", 0.77))
        article.claims.append(claim)
        article.citations.append(Citation("TASS", "tass.ru", 0.1, 0, 6))
        return article


class BatchMarker(Component):
    """Writes into each article the ids of the articles it was analysed with (a model batch): the
    quantised models' scores depend slightly on a batch's texts, so engines must batch alike."""

    name = "batch_marker"
    version = "1"
    requires = ("sentences",)
    assigns = ()

    def pipe(self, articles: Sequence[Article], settings: RunSettings | None = None) -> list[Article]:
        for article in articles:
            article.metadata["batch"] = ",".join(a.id for a in articles)
        return list(articles)


def batch_marking_analyzer(config: EngineConfig) -> Analyzer:
    return Analyzer(config, components=[SentenceSegmenter(config), BatchMarker(config)])


def annotating_analyzer(config: EngineConfig) -> Analyzer:
    return Analyzer(config, components=[SentenceSegmenter(config), Annotator(config)])


def jsonl_records(out: Path) -> list[dict]:
    return [json.loads(line) for part in sorted((out / "jsonl").glob("part-*.jsonl")) for line in part.open()]


def ledger_rows(out: Path) -> list[tuple]:
    with sqlite3.connect(out / "ledger.sqlite") as db:
        return db.execute("SELECT source, status, code, reason, chunk FROM documents ORDER BY source").fetchall()


def test_a_run_writes_every_document_once_and_records_it(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in.jsonl", 20, bad=[5])
    out = tmp_path / "out"
    summary = run_batch([str(corpus)], BatchOptions(out=out, chunk_size=6, batch_size=4), settings=SEGMENT)
    assert (summary.ok, summary.failed) == (19, 1)
    assert summary.reasons == Counter({("E108", f"{corpus} line 6: invalid JSON (Expecting property name enclosed in double quotes)"): 1})
    assert summary.exit_code == 1
    records = jsonl_records(out)
    assert sorted(r["id"] for r in records) == sorted(f"doc{i}" for i in range(20) if i != 5)
    assert all(r["status"] == "ok" and r["sentences"] for r in records)
    rows = ledger_rows(out)
    assert len(rows) == 20
    assert {r[1] for r in rows} == {"ok", "error"}
    assert len({r[4] for r in rows if r[1] == "ok"}) >= 3  # committed in several chunks


def test_resume_skips_what_is_done_and_retries_errors_only_when_asked(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in.jsonl", 12, boom=[3])
    out = tmp_path / "out"
    options = BatchOptions(out=out, chunk_size=4, batch_size=4)
    first = run_batch([str(corpus)], options, factory=annotating_analyzer)
    assert (first.ok, first.failed) == (11, 1)
    with pytest.raises(BatchError):  # an earlier run is never overwritten silently
        run_batch([str(corpus)], options, factory=annotating_analyzer)
    options.resume = True
    again = run_batch([str(corpus)], options, factory=annotating_analyzer)
    assert (again.ok, again.failed, again.skipped_done, again.skipped_errors) == (0, 0, 11, 1)
    # The document is fixed; retrying errors analyses it and only it.
    write_corpus(corpus, 12)
    options.retry_errors = True
    retried = run_batch([str(corpus)], options, factory=annotating_analyzer)
    assert (retried.ok, retried.failed, retried.skipped_done) == (1, 0, 11)
    ids = Counter(r["id"] for r in jsonl_records(out))
    assert ids == Counter(f"doc{i}" for i in range(12))
    assert retried.exit_code == 0


def test_a_failing_document_costs_only_itself(tmp_path: Path) -> None:
    """A coded error and a plain exception inside a component, each in a batch with good documents:
    the good ones are analysed, the bad ones fail with the component's reason, batches stay full."""
    corpus = tmp_path / "in.jsonl"
    write_corpus(corpus, 16, bad=[1], boom=[2])
    lines = corpus.read_text().splitlines()
    lines[9] = json.dumps({"id": "doc9", "text": "It CRASHes. Another sentence here."})
    corpus.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out"
    summary = run_batch([str(corpus)], BatchOptions(out=out, batch_size=8), factory=annotating_analyzer)
    assert (summary.ok, summary.failed) == (13, 3)
    failed = {row[0]: (row[2], row[3]) for row in ledger_rows(out) if row[1] == "error"}
    assert failed[f"{corpus}:3"] == ("E000", "component annotator failed: the annotator cannot read this document")
    assert failed[f"{corpus}:10"] == ("E001", "ValueError: an index went out of range")
    assert failed[f"{corpus}:2"][0] == "E108"
    records = jsonl_records(out)
    assert len(records) == 13 and all(r["techniques"] and r["claims"] for r in records)


def test_parquet_tables_join_on_the_article_id(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in.jsonl", 10)
    out = tmp_path / "out"
    run_batch([str(corpus)], BatchOptions(out=out, chunk_size=3), factory=annotating_analyzer)
    tables = {name: pads.dataset(out / name).to_table() for name in ("articles", "spans", "claims", "matches", "citations")}
    articles = tables["articles"]
    assert articles.num_rows == 10
    ids = set(articles["article_id"].to_pylist())
    assert len(ids) == 10
    for name in ("spans", "claims", "matches", "citations"):
        assert set(tables[name]["article_id"].to_pylist()) == ids, name
    joined = tables["spans"].join(articles.select(["article_id", "outlet", "sentences"]), "article_id")
    per_article = Counter(joined["article_id"].to_pylist())
    sentences = dict(zip(articles["article_id"].to_pylist(), articles["sentences"].to_pylist(), strict=True))
    assert all(per_article[key] == sentences[key] for key in ids)  # one span per sentence, as annotated
    matches = tables["matches"].join(tables["claims"], ["article_id", "claim_index"])
    assert matches.num_rows == 10 and set(matches["known_claim"].to_pylist()) == {"Villages were destroyed"}
    # The JSONL and the tables describe the same articles.
    assert sorted(r["id"] for r in jsonl_records(out)) == sorted(articles["id"].to_pylist())


def test_duplicates_are_skipped_and_the_signature_is_checked(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in.jsonl", 4)
    copy = tmp_path / "copy.jsonl"
    copy.write_text(corpus.read_text())
    out = tmp_path / "out"
    summary = run_batch([str(corpus), str(copy)], BatchOptions(out=out), settings=SEGMENT)
    assert (summary.ok, summary.duplicates) == (4, 4)
    assert sum(1 for row in ledger_rows(out) if row[1] == "skipped") == 4
    with pytest.raises(LedgerMismatch):
        run_batch([str(corpus)], BatchOptions(out=out, resume=True), factory=annotating_analyzer)


def test_streamed_inputs_parquet_and_saved_pages_with_metadata(tmp_path: Path) -> None:
    rows = [{"id": f"p{i}", "text": f"Parquet article {i}. It has two sentences.", "outlet": "rrn.media"} for i in range(600)]
    pq.write_table(pa.Table.from_pylist(rows), tmp_path / "in.parquet", row_group_size=100)
    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "rrn.media__1.html").write_text(
        "<html><body><article><p>Kyiv is unable to sustain a prolonged war, the site claims.</p>"
        "<p>Another paragraph of the story follows here.</p></article></body></html>"
    )
    (pages / "rrn.media__1.html.json").write_text(
        json.dumps({"url": "https://rrn.media/story/", "source_domain": "rrn.media", "date_publish": "2023-09-03 12:30:00", "title": "Models"})
    )
    inputs = [str(tmp_path / "in.parquet"), str(pages)]
    assert estimate_total(inputs) == 601
    results = list(iter_documents(inputs, IngestOptions()))
    assert len(results) == 601 and all(r.article for r in results)
    assert results[42].source.endswith("in.parquet:43") and results[42].article.id == "p42"
    page = results[-1].article
    assert (page.url, page.outlet, page.date) == ("https://rrn.media/story/", "rrn.media", "2023-09-03")


def test_bad_outputs_and_engine_sizes(tmp_path: Path) -> None:
    corpus_dir = tmp_path / "corpus"
    corpus_dir.mkdir()
    write_corpus(corpus_dir / "in.jsonl", 2)
    with pytest.raises(OutputInsideInput):
        run_batch([str(corpus_dir)], BatchOptions(out=corpus_dir / "out"), settings=SEGMENT)
    with pytest.raises(BatchError):
        run_batch([str(corpus_dir)], BatchOptions(), settings=SEGMENT)
    assert threads_per_worker(2, cores=8) == 4 and threads_per_worker(3, cores=2) == 1


def test_two_worker_processes_give_the_same_output_as_one(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "in.jsonl", 30, bad=[7])
    one, two = tmp_path / "one", tmp_path / "two"
    run_batch([str(corpus)], BatchOptions(out=one, chunk_size=5), settings=SEGMENT)
    summary = run_batch([str(corpus)], BatchOptions(out=two, chunk_size=5, workers=2, batch_size=3), settings=SEGMENT)
    assert (summary.ok, summary.failed) == (29, 1)

    def by_id(out: Path) -> dict[str, dict]:
        return {r["id"]: r for r in jsonl_records(out)}

    assert by_id(one) == by_id(two)


def test_cli_summary_and_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = write_corpus(tmp_path / "in.jsonl", 5, bad=[0])
    out = tmp_path / "out"
    assert main(["batch", str(corpus), "--out", str(out), "--components", "segment", "--format", "jsonl"]) == 1
    err = capsys.readouterr().err
    assert "batch done: 4 ok, 1 failed" in err and "1 failed with E108" in err
    assert not (out / "articles").exists()
    assert main(["batch", str(corpus), "--out", str(out), "--components", "segment", "--resume", "--max-failure-share", "0.5"]) == 0
    assert "4 skipped (done earlier), 1 skipped (failed earlier" in capsys.readouterr().err
    assert main(["batch", str(corpus), "--out", str(tmp_path / "x"), "--format", "xml"]) == 2
    assert "error E700" in capsys.readouterr().err
    bad = tmp_path / "bad.jsonl"
    bad.write_text("{\n")
    assert main(["batch", str(bad), "--out", str(tmp_path / "y"), "--components", "segment"]) == 2


def test_resume_after_kill_9_writes_every_document_exactly_once(tmp_path: Path) -> None:
    """A real ``propscope batch`` process killed with SIGKILL at a random point after it committed
    something, then resumed: every document is in the output exactly once."""
    count = 1000
    corpus = write_corpus(tmp_path / "in.jsonl", count)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "propscope", "batch", str(corpus), "--out", str(out), "--components", "segment",
               "--batch-size", "4", "--chunk-size", "20", "--format", "jsonl,parquet"]
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if (out / "jsonl").is_dir() and any((out / "jsonl").glob("part-*.jsonl")):
            break
        time.sleep(0.02)
    time.sleep(random.uniform(0.0, 0.3))
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert process.returncode == -signal.SIGKILL, "the run ended before it was killed"
    assert 0 < len(ledger_rows(out)) < count
    resumed = subprocess.run([*command, "--resume"], env=env, capture_output=True, text=True, timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    ids = Counter(r["id"] for r in jsonl_records(out))
    assert ids == Counter(f"doc{i}" for i in range(count))
    articles = pads.dataset(out / "articles").to_table()
    assert Counter(articles["id"].to_pylist()) == ids
    assert len(ledger_rows(out)) == count
    assert "skipped (done earlier)" in resumed.stderr
