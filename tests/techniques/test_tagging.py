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
    split = tagging.decode_column(text, offsets, probs, 0.5, begins, join_adjacent=False, drop_stop_words=False)
    assert [text[s:e] for s, e, _ in split] == ["so-called", "lie", "to"]
    # joined again when asked (only a space lies between "lie" and "to" and "to" is a function word)
    joined = tagging.decode_column(text, offsets, probs, 0.5, begins, join_adjacent=True)
    assert [text[s:e] for s, e, _ in joined] == ["so-called", "lie to"]
    no_join = tagging.decode_column(text, offsets, probs, 0.5, begins, drop_stop_words=True)
    assert [text[s:e] for s, e, _ in no_join] == ["so-called", "lie"]
    assert tagging.decode_column(text, offsets, probs, 0.95) == []


def test_runs_are_joined_across_short_gaps_and_punctuation_alone_is_dropped() -> None:
    text = 'a "b" c d e'
    offsets = np.array([[0, 1], [2, 3], [3, 4], [4, 5], [6, 7], [8, 9], [10, 11]])
    probs = np.array([0.9, 0.1, 0.1, 0.9, 0.1, 0.1, 0.9])  # 'a', the closing quote and 'e' pass
    def decode(**kwargs: int) -> list[str]:
        spans = tagging.decode_column(text, offsets, probs, 0.5, drop_stop_words=False, **kwargs)
        return [text[s:e] for s, e, _ in spans]

    assert decode() == ["a", "e"]
    assert decode(gap=1) == ["a", "e"]
    assert decode(gap=2) == ['a "b" c d e']
    assert tagging.bridge_gaps(np.array([True, False, False, True]), 1).tolist() == [True, False, False, True]


def test_repeated_span_gets_the_next_most_likely_technique() -> None:
    probs = np.array([[0.1, 0.6, 0.3], [0.7, 0.2, 0.1]])
    labels = ["A", "B", "C"]
    assert rank_techniques(probs, labels, [(0, 5), (0, 5), (9, 12)]) == ["B", "C", "A"]


def test_sentence_baseline_spans_are_lines() -> None:
    text = "Title.\n\nFirst line here.\r\nSecond line\n"
    assert [text[s:e] for s, e in sentence_spans(text)] == ["Title", "First line here", "Second line"]


def _words_and_offsets(text: str) -> np.ndarray:
    """One token per whitespace-separated word (punctuation attached), as character offsets."""
    offsets, start = [], None
    for i, char in enumerate(text + " "):
        if char != " " and start is None:
            start = i
        elif char == " " and start is not None:
            offsets.append([start, i])
            start = None
    return np.array(offsets)


def test_spans_of_one_technique_split_by_a_begin_tag_are_joined_across_spaces_and_hyphens() -> None:
    text = "He is a puppet of NATO, ready to obey."
    offsets = _words_and_offsets(text)
    probs = np.array([0.1, 0.1, 0.6, 0.9, 0.9, 0.9, 0.8, 0.1, 0.1])
    begins = np.array([0.0, 0.0, 0.9, 0.8, 0.0, 0.0, 0.0, 0.0, 0.0])  # a second "begin" on "puppet"
    spans = tagging.decode_column(text, offsets, probs, 0.5, begins, join_adjacent=True)
    assert [text[s:e] for s, e, _ in spans] == ["a puppet of NATO, ready"]
    off = tagging.decode_column(text, offsets, probs, 0.5, begins)
    assert [text[s:e] for s, e, _ in off] == ["a", "puppet of NATO, ready"]
    dropped = tagging.decode_column(text, offsets, probs, 0.5, begins, drop_stop_words=True)
    assert [text[s:e] for s, e, _ in dropped] == ["puppet of NATO, ready"]
    # a hyphen (below the threshold itself) joins too
    text2 = "pro-Kremlin liars"
    offsets2 = np.array([[0, 3], [3, 4], [4, 11], [12, 17]])
    spans2 = tagging.decode_column(text2, offsets2, np.array([0.9, 0.1, 0.9, 0.9]), 0.5, join_adjacent=True)
    assert [text2[s:e] for s, e, _ in spans2] == ["pro-Kremlin liars"]
    # a comma is not a joiner: two phrases stay two spans
    text3 = "liars, cheats"
    offsets3 = np.array([[0, 5], [5, 6], [7, 13]])
    spans3 = tagging.decode_column(text3, offsets3, np.array([0.9, 0.1, 0.9]), 0.5, join_adjacent=True)
    assert [text3[s:e] for s, e, _ in spans3] == ["liars", "cheats"]


def test_spans_made_only_of_function_words_are_dropped() -> None:
    text = "Who is behind this? The West and the Russian elite"
    offsets = _words_and_offsets(text)  # Who is behind this? The West and the Russian elite
    probs = np.array([0.9, 0.1, 0.1, 0.1, 0.9, 0.9, 0.1, 0.9, 0.1, 0.1])
    spans = tagging.decode_column(text, offsets, probs, 0.5, drop_stop_words=True)
    assert [text[s:e] for s, e, _ in spans] == ["The West"]  # "Who" and "the" alone are dropped
    kept = tagging.decode_column(text, offsets, probs, 0.5)
    assert [text[s:e] for s, e, _ in kept] == ["Who", "The West", "the"]
    assert tagging.only_stop_words("of the")
    assert tagging.only_stop_words("Who")
    assert not tagging.only_stop_words("the West")
    assert not tagging.only_stop_words("a puppet")


def test_span_score_is_the_mean_over_tokens_that_reach_the_threshold() -> None:
    text = "a b c d e"
    offsets = _words_and_offsets(text)
    probs = np.array([0.9, 0.1, 0.1, 0.5, 0.1])  # "b c" are bridged by the gap, "e" is below
    spans = tagging.decode_column(text, offsets, probs, 0.5, gap=2)
    assert [(text[s:e], round(score, 4)) for s, e, score in spans] == [("a b c d", 0.7)]
    assert all(score >= 0.5 for _, _, score in spans)  # never below the threshold (mean over the run: 0.4)


def test_technique_columns_drop_function_word_spans_and_the_any_column_keeps_them() -> None:
    text = "Who is behind this? The West"
    offsets = _words_and_offsets(text)
    column = np.array([0.9, 0.1, 0.1, 0.1, 0.9, 0.9])
    probs = np.stack([column, column], axis=1)  # one technique column, then the "any" column
    out = tagging.ArticleOutputs(text, offsets, probs, probs, None)
    assert [text[s:e] for _, s, e, _ in tagging.decode_techniques(out, [0.5], bio=False)] == ["The West"]
    assert [text[s:e] for s, e, _ in tagging.decode_any(out, 1, 0.5, bio=False)] == ["Who", "The West"]
    assert tagging.column_rules(0, 1)["drop_stop_words"] and not tagging.column_rules(1, 1)["drop_stop_words"]


def test_hyphenated_compounds_are_never_cut() -> None:
    text = "damage in the medium to long-term. A pro-Kremlin site"
    for start, end in [(21, 29), (21, 28), (30, 34)]:
        s, e = tagging.widen_and_trim(text, start, end)
        assert text[s:e].endswith("long-term")
    s, e = tagging.widen_and_trim(text, 38, 41)  # "ro-"
    assert text[s:e] == "pro-Kremlin"
    s, e = tagging.widen_and_trim(text, 42, 47)  # "Kreml"
    assert text[s:e] == "pro-Kremlin"


def test_threshold_tuning_respects_the_span_budget() -> None:
    """A column whose best F1 comes from flooding the article with spans is held to the span budget."""
    from propscope.ptc.evaluate import tune_column
    from propscope.ptc.tagging import ArticleOutputs

    text = "alpha bravo charlie delta echoes foxtrot golfer hotels"
    starts = [0, 6, 12, 20, 26, 33, 41, 48]
    offsets = np.array([[s, s + len(w)] for s, w in zip(starts, text.split(), strict=True)])
    # column 0 is the technique; 0.35 on four words, 0.9 on "bravo"
    probs = np.zeros((len(starts), 3), dtype=np.float32)
    probs[:, 0] = [0.35, 0.9, 0.35, 0.1, 0.35, 0.1, 0.35, 0.1]
    outputs = {"a": ArticleOutputs(text=text, offsets=offsets, probs=probs, logits=probs, hidden=None)}
    gold = {"a": [(6, 11), (12, 19), (26, 32), (41, 47)]}
    free, _ = tune_column(outputs, ["a"], gold, 0, 1, False, 0, grid=(0.3, 0.5))
    budget, _ = tune_column(outputs, ["a"], gold, 0, 1, False, 0, grid=(0.3, 0.5), max_spans_per_gold=0.25)
    assert free == 0.3
    assert budget == 0.5
