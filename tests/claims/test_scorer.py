"""How the shipped claims model is run: one sentence a run, except in long texts."""

from __future__ import annotations

import numpy as np

from propscope.claims.scorer import LONG_TEXT_BATCH, ClaimScorer
from propscope.models.tokens import SINGLE_RUNS_UP_TO

SENTENCES = [
    "The minister said that unemployment fell by 4% in 2022.",
    "Hello!",
    "Russia supplied 40 billion cubic metres of gas to Germany last year, according to the ministry.",
    "What a day.",
]


def test_a_sentences_score_depends_on_no_other_sentence() -> None:
    scorer = ClaimScorer.load(threads=2)
    alone = np.concatenate([scorer.score([s]) for s in SENTENCES])
    together = scorer.score(SENTENCES)
    assert np.array_equal(alone, together)
    # the earlier batched runs moved a sentence's score with its batch mates
    assert not np.array_equal(scorer.score(SENTENCES, batch_size=32), together)


def test_long_texts_run_length_sorted_batches() -> None:
    scorer = ClaimScorer.load(threads=2)
    many = (SENTENCES * (SINGLE_RUNS_UP_TO // len(SENTENCES) + 1))[: SINGLE_RUNS_UP_TO + 1]
    assert np.array_equal(scorer.score(many), scorer.score(many, batch_size=LONG_TEXT_BATCH))
    assert np.array_equal(scorer.score(many[:SINGLE_RUNS_UP_TO]),
                          np.concatenate([scorer.score([s]) for s in many[:SINGLE_RUNS_UP_TO]]))
