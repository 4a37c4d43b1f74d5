"""The same-claim re-ranker: its contract with the search, its calibration code, its labelled set, and a
tiny cross-encoder trained, exported, reloaded and used by a real search."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from propscope.kb.rerank import Reranker, reranker_available
from propscope.kb.search import KnowledgeBase, SearchSettings
from propscope.train.reranker import choose_threshold, fit_platt, precision_recall, read_news_pairs

PAIRS = Path(__file__).resolve().parents[2] / "eval" / "news_pairs" / "pairs.jsonl"
shipped = pytest.mark.skipif(not reranker_available(), reason="no re-ranker installed")


@shipped
def test_every_hit_says_whether_it_is_the_same_claim(small_kb: Path) -> None:
    with KnowledgeBase.open(small_kb) as kb:
        assert kb.reranker is not None
        threshold = kb.reranker.threshold
        hits = kb.search("Western intelligence services poisoned Alexei Navalny to provoke Russia", k=5)
        unrelated = kb.search("a recipe for lemon cake with poppy seeds", k=3)
    assert hits[0].record.id == "euvsdisinfo:navalny-poisoning-is-a-western-provocation"
    assert hits[0].rerank_score is not None and hits[0].same_claim
    for hit in hits + unrelated:
        assert hit.same_claim == (hit.rerank_score is not None and hit.rerank_score >= threshold)
        assert hit.rerank_score is None or 0.0 <= hit.rerank_score <= 1.0
    assert not any(h.same_claim for h in unrelated)
    scored = [h.score for h in hits if h.rerank_score is not None]
    assert scored == sorted(scored, reverse=True)


@shipped
def test_without_the_reranker_same_claim_is_the_cosine_rule(small_kb: Path) -> None:
    with KnowledgeBase.open(small_kb, settings=SearchSettings(rerank=False)) as kb:
        assert kb.reranker is None and kb.cosine_threshold is not None
        hits = kb.search("Western spies were behind the poisoning of Alexei Navalny", k=3)
        cutoff = kb.cosine_threshold
    assert all(h.rerank_score is None for h in hits)
    assert [h.same_claim for h in hits] == [h.similarity >= cutoff for h in hits]


@shipped
def test_only_close_candidates_are_rescored(small_kb: Path) -> None:
    with KnowledgeBase.open(small_kb) as kb:
        assert kb.reranker is not None
        floor, depth = kb.reranker.min_similarity, kb.reranker.candidates
        hits = kb.search("the gas attack in Douma was faked by the White Helmets", k=depth + 3)
    for hit in hits:
        if hit.similarity < floor:
            assert hit.rerank_score is None and not hit.same_claim
    assert sum(h.rerank_score is not None for h in hits) <= depth


def test_platt_scaling_is_monotone_and_fits_the_base_rate() -> None:
    rng = np.random.default_rng(0)
    logits = np.concatenate([rng.normal(2.0, 1.0, 200), rng.normal(-2.0, 1.0, 600)])
    labels = np.concatenate([np.ones(200), np.zeros(600)])
    a, b = fit_platt(logits, labels)
    p = 1 / (1 + np.exp(-(a * logits + b)))
    assert a > 0
    assert abs(p.mean() - labels.mean()) < 0.01  # the MLE of a logistic model with an intercept


def test_threshold_is_precision_first() -> None:
    probabilities = np.array([0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4])
    positive = np.array([True, True, False, True, True, False, False, True])
    value = choose_threshold(probabilities, positive, min_precision=0.8)
    chosen = precision_recall(probabilities >= value, positive)
    assert chosen["precision"] >= 0.8
    for lower in probabilities[probabilities < value]:  # any lower threshold breaks the target
        assert precision_recall(probabilities >= lower, positive)["precision"] < 0.8


def test_labelled_news_pairs_are_complete_split_and_hold_no_article_text() -> None:
    rows = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 300 and len({r["id"] for r in rows}) == len(rows)
    assert {r["label"] for r in rows} == {"same", "related", "different"}
    assert {r["split"] for r in rows} == {"calibration", "held_out"}
    for label in ("same", "related", "different"):
        parts = [r["split"] for r in rows if r["label"] == label]
        assert abs(parts.count("calibration") - parts.count("held_out")) <= 1  # stratified halves
    # PPN (CC BY-NC) and PTC (no licence) text stays out of the repository: offsets and a hash only
    assert {r["corpus"] for r in rows} == {"ppn", "ptc"}
    assert all("sentence" not in r and "title" not in r for r in rows)
    assert all(0 <= r["start"] < r["end"] and len(r["sentence_sha1"]) == 16 for r in rows)


def test_labelled_news_pairs_read_their_sentences_from_the_corpora(shared_data: Path) -> None:
    pairs = read_news_pairs(PAIRS, shared_data)
    assert len(pairs) >= 300 and all(p.sentence for p in pairs)
    assert all("\n" not in p.sentence and len(p.sentence.split()) <= 60 for p in pairs)  # single sentences only


@pytest.mark.slow
def test_tiny_cross_encoder_overfits_exports_and_reranks(small_kb: Path, tmp_path: Path) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    try:
        from propscope.train.encoder import base_encoder_path

        base_encoder_path()
    except Exception as exc:  # the base weights are an optional install
        pytest.skip(str(exc))
    from propscope.train.reranker import PairExample, RerankerTrainConfig, export_reranker, train_cross_encoder

    same = ("zorbo says the moon landing was filmed in a studio", "Apollo 11 never went to the moon")
    other = ("zorbo says the moon landing was filmed in a studio", "Bananas are radioactive.")
    examples = [PairExample(*same, 1.0), PairExample(*other, 0.0)] * 4
    config = RerankerTrainConfig(epochs=3, batch_size=8, lr=1e-4, warmup=0.0, max_length=64)
    model, _, log = train_cross_encoder(examples, config)
    assert log.steps == 3 and log.losses[-1] < log.losses[0]
    out = tmp_path / "reranker"
    config_json = export_reranker(model, out, [same, other] * 8, {"training": {}}, max_length=64)
    assert config_json["task"] == "same-claim-rerank" and config_json["int8_vs_fp32"]["tried"]
    reranker = Reranker.from_dir(out)
    p_same, p_other = reranker.probabilities([same, other])
    assert p_same > p_other
    with KnowledgeBase.open(small_kb, reranker=reranker) as kb:
        hits = kb.search("the moon landing was filmed in a studio", k=3)
    assert any(h.rerank_score is not None for h in hits)
    assert json.loads((out / "config.json").read_text())["thresholds"]["same_claim"] == 0.5
