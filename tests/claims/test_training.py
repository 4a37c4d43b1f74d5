"""A tiny random BERT overfits the tiny data through the real training, export and loading code."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("torch")
pytest.importorskip("transformers")

from propscope.claims.scorer import ClaimScorer  # noqa: E402
from propscope.components.claims import ClaimDetector  # noqa: E402
from propscope.document import Article, Segment  # noqa: E402
from propscope.models import load_model_dir  # noqa: E402
from propscope.options import AnalyzeOptions  # noqa: E402
from propscope.train.claims import ClaimTrainConfig, load_checkpoint, train_claims  # noqa: E402
from tests.claims.tiny import sentences, write_tiny_data, write_tiny_encoder  # noqa: E402


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("claims")
    base = write_tiny_encoder(root / "encoder")
    data = write_tiny_data(root / "cw")
    config = ClaimTrainConfig(
        seed=1, epochs=5, batch_size=8, learning_rate=3e-3, max_length=32, claimbuster_val_blocks=1,
        clef_negatives_per_positive=None, test_debates=("d_test",), val_debates=("d_val",),
    )
    train_claims(data, root / "model", config, base=base, log=lambda message: None)
    return root


def test_overfits_and_round_trips_through_onnx(trained: Path) -> None:
    model_dir = load_model_dir(trained / "model", task="claims")
    assert model_dir.extra["score_label"] == "check_worthy"
    threshold = model_dir.thresholds["check_worthy"]
    assert 0.0 < threshold < 1.0
    scorer = ClaimScorer(model_dir)
    positive, negative = sentences(0)  # training sentences
    scores = scorer.score(positive + negative)
    assert scores[: len(positive)].min() > scores[len(positive) :].max()
    # the shipped ONNX file scores like the checkpoint it was exported from
    import torch

    from propscope.train.claims import _batch_arrays

    network, meta = load_checkpoint(trained / "model.checkpoint")
    ids, mask = _batch_arrays(scorer.tokenizer, positive + negative)
    with torch.no_grad():
        reference = torch.sigmoid(network(torch.from_numpy(ids), torch.from_numpy(mask))).numpy()
    assert np.abs(scorer.score_all(positive + negative) - reference).max() < 0.05
    assert meta["best_epoch"] >= 1
    card = (trained / "model" / "README.md").read_text(encoding="utf-8")
    metrics = json.loads((trained / "model" / "metrics.json").read_text(encoding="utf-8"))
    assert f"{metrics[metrics['shipped']['variant']]['claimbuster_test']['f1']:.3f}" in card


def test_checkpoint_is_sharded_below_the_transfer_limit(trained: Path) -> None:
    shards = sorted((trained / "model.checkpoint").glob("weights-*.safetensors"))
    assert shards and all(path.stat().st_size < 16 * 1024 * 1024 for path in shards)


def test_detector_batches_articles_and_honours_the_threshold(trained: Path) -> None:
    positive, negative = sentences(1)
    texts = [" ".join(positive[:2] + negative[:1]), " ".join(negative[1:] + positive[2:])]
    articles = []
    for text, parts in zip(texts, (positive[:2] + negative[:1], negative[1:] + positive[2:]), strict=True):
        segments, start = [], 0
        for part in parts:
            segments.append(Segment(start, start + len(part)))
            start += len(part) + 1
        articles.append(Article(text=text, sentences=segments))
    detector = ClaimDetector(AnalyzeOptions(claim_model=trained / "model"))
    out = detector.pipe(articles)
    found = [[claim.text for claim in article.claims] for article in out]
    assert set(found[0]) | set(found[1]) == set(positive)
    for article in out:
        for claim in article.claims:
            assert article.text[claim.start : claim.end] == claim.text and 0 <= claim.score <= 1
    everything = ClaimDetector(AnalyzeOptions(claim_model=trained / "model", claim_threshold=0.0)).pipe(articles)
    assert sum(len(a.claims) for a in everything) == 6


def test_the_trained_card_is_the_rendering_of_its_metrics(trained: Path) -> None:
    from propscope.train.card import card_difference

    assert card_difference(trained / "model") == ""
    assert (trained / "model.checkpoint" / "checkpoint.json").is_file()  # the shared checkpoint format
