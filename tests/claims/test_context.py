"""The check-worthiness-in-context model: word features as scikit-learn computes them, a tiny model
trained, exported, reloaded with the inference code alone and scored."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from propscope.claims.context import ContextModel, TfidfBlock, ngrams, turn_features
from propscope.claims.data import LabelledSentence


def test_ngrams_and_turn_features() -> None:
    assert ngrams("Taxes rose 40% in 2019, a record!", 2)[:3] == ["taxes", "rose", "40"]
    assert "rose 40" in ngrams("Taxes rose 40% in 2019", 2)
    features = turn_features([0, 0, 1], ["a b", "c", "d e f"])
    assert features[:, 2].tolist() == [1.0, 0.0, 1.0]  # first of its turn
    assert features[:, 3].tolist() == [0.0, 1.0, 1.0]  # last of its turn


def test_word_block_equals_scikit_learn() -> None:
    sklearn = pytest.importorskip("sklearn.feature_extraction.text")
    texts = ["Unemployment fell by 40 percent", "We will win", "Unemployment rose, taxes rose"]
    vectorizer = sklearn.TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True).fit(texts)
    coef = np.random.default_rng(0).normal(size=len(vectorizer.vocabulary_))
    block = TfidfBlock(dict(vectorizer.vocabulary_), vectorizer.idf_, coef, 2)
    for text in [*texts, "taxes rose and rose again"]:
        expected = float(vectorizer.transform([text]).toarray()[0] @ coef)
        assert block.contribution(text) == pytest.approx(expected, abs=1e-9)


def _debate(name: str, n: int) -> list[LabelledSentence]:
    rows = []
    for k in range(n):
        claim = k % 5 == 0
        text = f"Unemployment rose by {k} percent in Ohio" if claim else f"Thank you very much number {k}"
        rows.append(LabelledSentence(text, int(claim), "clef2019", f"clef2019:{name}", f"{name}:{k}", speaker="A" if k % 3 else "B"))
    return rows


def test_a_tiny_model_trains_exports_and_reloads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("sklearn")
    from propscope.train import claims_context as train

    rows = [r for name in ("d1", "d2", "d3") for r in _debate(name, 30)]
    base = np.array([0.6 if r.label else 0.2 for r in rows])
    monkeypatch.setattr(train, "TEST_DEBATES", ("d1", "d2"))
    monkeypatch.setattr(train, "VAL_DEBATES", ("d3",))
    monkeypatch.setattr(train, "base_fingerprint", lambda: "test")
    cv = train.cross_validate(rows, base, log=lambda _: None)
    assert set(cv["per_debate"]) == {"d1", "d2", "d3"}
    assert all(row["blend"] > 0.9 for row in cv["per_debate"].values())  # separable by words and base score
    out = train.export(tmp_path / "model", rows, base, cv, {"test": True})
    model = ContextModel.load(out)
    texts = ["Thank you all", "Unemployment rose by 7 percent in Ohio", "Thank you again"]
    priority = model.priority(texts, [0, 0, 1], np.array([0.2, 0.6, 0.2]))
    assert priority.shape == (3,) and 0 <= priority.min() and priority.max() <= 1
    assert priority.argmax() == 1


def test_the_detector_gives_claims_a_priority_that_depends_on_context() -> None:
    from propscope.claims.context import default_context_model_path
    from propscope.components.claims import ClaimDetector
    from propscope.components.segment import segment_text
    from propscope.document import Article

    detector = ClaimDetector()
    if not detector.available() or not (default_context_model_path() / "config.json").is_file():
        pytest.skip("the shipped claims models are not installed")
    claim = "Unemployment in Ohio rose by 40 percent in 2019, the highest rate in the country."

    def analysed(before: str) -> Article:
        text = f"{before}\n\n{claim}"
        sentences, paragraphs = segment_text(text)
        return detector(Article(text=text, sentences=sentences, paragraphs=paragraphs))

    plain, taxes = analysed("Thank you very much."), analysed("The governor cut taxes for the rich by 2 billion dollars.")
    first, second = plain.claims[-1], taxes.claims[-1]
    # the sentence model sees the sentence only (padding within a batch moves the int8 scores a little)
    assert first.text == second.text == claim and first.score == pytest.approx(second.score, abs=0.01)
    assert first.priority is not None and 0.0 <= first.priority <= 1.0
    assert abs(first.priority - second.priority) > 0.05  # the previous sentence's words count
