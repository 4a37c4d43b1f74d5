"""Checks on the real PTC release and the shipped model (skipped where ../shared/data or the model is absent)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from propscope.cli.main import main
from propscope.components.techniques import TechniqueModel, TechniqueTagger
from propscope.document import Article
from propscope.eval.ptc_metrics import merge_spans, si_score, tc_score
from propscope.models import packaged_model_path
from propscope.options import AnalyzeOptions
from propscope.ptc import evaluate
from propscope.ptc.corpus import group_by_article, load_corpus, load_unlabelled, read_labels, split_ids
from propscope.techniques import TECHNIQUE_NAMES

SHIPPED = packaged_model_path("techniques")
needs_model = pytest.mark.skipif(not (SHIPPED / "config.json").is_file(), reason="no shipped technique model")


def test_release_loads_and_si_labels_are_the_merged_tc_labels(shared_data: Path) -> None:
    root = shared_data / "ptc-2020"
    corpus = load_corpus(root)
    assert len(corpus.ids) == 371
    assert len(corpus.all_spans()) == 6129
    assert {s.technique for s in corpus.all_spans()} == set(TECHNIQUE_NAMES)
    assert len(load_unlabelled(root)) == 90
    si = group_by_article(read_labels(root / "train-task1-SI.labels"))
    for article_id in corpus.ids:
        tc_merged = merge_spans([(s.start, s.end) for s in corpus.spans[article_id]])
        assert tc_merged == merge_spans([(s.start, s.end) for s in si.get(article_id, [])])


def test_gold_scores_itself_perfectly_through_the_cli(shared_data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = shared_data / "ptc-2020"
    for task, name in (("si", "train-task1-SI.labels"), ("tc", "train-task2-TC.labels")):
        assert main(["ptc", "score", "--task", task, "--gold", str(root / name), "--pred", str(root / name)]) == 0
        assert capsys.readouterr().out.startswith("F1=1.000000")


@needs_model
def test_shipped_model_validation_split_is_the_documented_one(shared_data: Path) -> None:
    metrics = json.loads((SHIPPED / "metrics.json").read_text(encoding="utf-8"))
    corpus = load_corpus(shared_data / "ptc-2020")
    settings = metrics["settings"]
    assert metrics["val_ids"] == split_ids(corpus.ids, settings["val_fraction"], settings["split_seed"])[1]


@needs_model
def test_shipped_model_beats_the_baselines_on_validation_articles(shared_data: Path) -> None:
    corpus = load_corpus(shared_data / "ptc-2020")
    ids = json.loads((SHIPPED / "metrics.json").read_text(encoding="utf-8"))["val_ids"][:12]
    model = TechniqueModel.load(SHIPPED)
    outputs = dict(zip(ids, model.outputs([corpus.texts[i] for i in ids], with_hidden=True), strict=True))
    gold = evaluate.gold_any(corpus, ids)
    predicted = {i: [(s, e) for s, e, _ in model.si_spans(outputs[i])] for i in ids}
    sentences = {i: evaluate.sentence_spans(corpus.texts[i]) for i in ids}
    assert si_score(gold, predicted).f1 > si_score(gold, sentences).f1
    gold_items = evaluate.gold_tc_items(corpus, ids)
    predicted_items = evaluate.classify_gold_spans(outputs, corpus, ids, model.labels, model.span_head)
    all_loaded = [(a, s, e, "Loaded_Language") for a, s, e, _ in gold_items]
    assert tc_score(gold_items, predicted_items).f1 > tc_score(gold_items, all_loaded).f1


@needs_model
def test_shipped_model_marks_an_obviously_loaded_paragraph() -> None:
    text = (
        "The corrupt, treasonous elites in Washington are nothing but a gang of thugs and criminals.\n"
        "They want to destroy our great nation, and every patriot must stand up against this evil before it is too late!\n"
    )
    # Every span of the F1 decoder; the report operating point shows few or none of them here (its
    # technique_report says why), always a subset.
    article = TechniqueTagger(AnalyzeOptions(technique_all_spans=True)).pipe([Article(text=text)])[0]
    assert article.techniques
    shown = TechniqueTagger(AnalyzeOptions()).pipe([Article(text=text)])[0]
    assert shown.technique_report is not None and shown.technique_report.hidden
    every = {(s.technique, s.start, s.end) for s in article.techniques}
    assert {(s.technique, s.start, s.end) for s in shown.techniques} <= every
    for span in article.techniques:
        assert span.technique in TECHNIQUE_NAMES
        assert 0 <= span.start < span.end <= len(text)
        assert text[span.start : span.end] == text[span.start : span.end].strip()
