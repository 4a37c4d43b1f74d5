"""Windows, token targets and span decoding shared by training and inference (no model needed)."""

from __future__ import annotations

import numpy as np
import pytest

from propscope.ptc import tagging
from propscope.ptc.evaluate import rank_techniques, sentence_spans


@pytest.mark.parametrize(("n", "content", "overlap"), [(1, 4, 1), (10, 4, 1), (11, 4, 2), (300, 254, 64), (254, 254, 32)])
def test_windows_cover_every_token_and_share_the_overlap(n: int, content: int, overlap: int) -> None:
    starts = tagging.window_starts(n, content, overlap)
    covered = np.zeros(n, dtype=int)
    for start in starts:
        covered[start : start + content] += 1
    assert (covered >= 1).all()
    for first, second in zip(starts, starts[1:], strict=False):
        assert first + content - second == overlap
    assert starts[-1] + content >= n and (len(starts) == 1 or starts[-2] + content < n)


def test_window_outputs_are_averaged_where_windows_overlap() -> None:
    article = tagging.TokenisedArticle(np.arange(10, 16), np.zeros((6, 2), dtype=np.int64))
    batch = tagging.build_windows([article], max_length=6, overlap=2, cls_id=101, sep_id=102)
    assert batch.input_ids[0].tolist() == [101, 10, 11, 12, 13, 102]
    assert batch.input_ids[1].tolist() == [101, 12, 13, 14, 15, 102]
    values = np.zeros((2, 6, 1), dtype=np.float32)
    values[0] = 1.0
    values[1] = 3.0
    (mean,) = tagging.average_windows(values, batch, [6])
    assert mean[:, 0].tolist() == [1.0, 1.0, 2.0, 2.0, 3.0, 3.0]


def test_token_range_and_targets() -> None:
    offsets = np.array([[0, 3], [4, 8], [8, 10], [11, 15]])
    assert tagging.token_range(offsets, 4, 10) == (1, 3)
    assert tagging.token_range(offsets, 9, 12) == (2, 4)
    assert tagging.token_range(offsets, 10, 11) == (3, 3)  # only the space: no token
    targets = tagging.token_targets(offsets, [(2, 4, 10), (0, 11, 15)], n_techniques=3, bio=True)
    assert targets.shape == (4, 8)
    assert targets[:, 2].tolist() == [0, 1, 1, 0]
    assert targets[:, 0].tolist() == [0, 0, 0, 1]
    assert targets[:, 3].tolist() == [0, 1, 1, 1]  # any technique
    assert targets[:, 4 + 2].tolist() == [0, 1, 0, 0]  # technique 2 begins
    assert targets[:, 4 + 3].tolist() == [0, 1, 0, 0]  # "any" begins once: the runs touch


def test_spans_are_widened_to_words_and_trimmed() -> None:
    text = "They called it a hoax, obviously."
    assert tagging.widen_and_trim(text, 18, 20) == (17, 21)  # "oa" -> "hoax"
    assert tagging.widen_and_trim(text, 16, 23) == (17, 21)  # " hoax, " -> "hoax"


def test_decode_column_runs_scores_and_begin_splits() -> None:
    text = "so-called experts lie to you"
    offsets = np.array([[0, 2], [2, 3], [3, 9], [10, 17], [18, 21], [22, 24], [25, 28]])
    probs = np.array([0.9, 0.8, 0.7, 0.2, 0.6, 0.6, 0.1])
    spans = tagging.decode_column(text, offsets, probs, 0.5)
    assert [(text[s:e], round(score, 2)) for s, e, score in spans] == [("so-called", 0.8), ("lie to", 0.6)]
    begins = np.array([1.0, 0.0, 0.0, 0.0, 1.0, 0.9, 0.0])
    split = tagging.decode_column(text, offsets, probs, 0.5, begins)
    assert [text[s:e] for s, e, _ in split] == ["so-called", "lie", "to"]
    assert tagging.decode_column(text, offsets, probs, 0.95) == []


def test_runs_are_joined_across_short_gaps_and_punctuation_alone_is_dropped() -> None:
    text = 'a "b" c d e'
    offsets = np.array([[0, 1], [2, 3], [3, 4], [4, 5], [6, 7], [8, 9], [10, 11]])
    probs = np.array([0.9, 0.1, 0.1, 0.9, 0.1, 0.1, 0.9])  # 'a', the closing quote and 'e' pass
    assert [text[s:e] for s, e, _ in tagging.decode_column(text, offsets, probs, 0.5)] == ["a", "e"]
    assert [text[s:e] for s, e, _ in tagging.decode_column(text, offsets, probs, 0.5, gap=1)] == ["a", "e"]
    assert [text[s:e] for s, e, _ in tagging.decode_column(text, offsets, probs, 0.5, gap=2)] == ['a "b" c d e']
    assert tagging.bridge_gaps(np.array([True, False, False, True]), 1).tolist() == [True, False, False, True]


def test_repeated_span_gets_the_next_most_likely_technique() -> None:
    probs = np.array([[0.1, 0.6, 0.3], [0.7, 0.2, 0.1]])
    labels = ["A", "B", "C"]
    assert rank_techniques(probs, labels, [(0, 5), (0, 5), (9, 12)]) == ["B", "C", "A"]


def test_sentence_baseline_spans_are_lines() -> None:
    text = "Title.\n\nFirst line here.\r\nSecond line\n"
    assert [text[s:e] for s, e in sentence_spans(text)] == ["Title", "First line here", "Second line"]
