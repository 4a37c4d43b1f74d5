"""The report operating point on hand-made token outputs: whole-phrase edges, which spans are shown,
calibrated scores, trigger words, and the tuning rule (precision first, hidden with a reason)."""

from __future__ import annotations

import numpy as np
import pytest

from propscope.errors import BadModelDirectory
from propscope.ptc.corpus import Corpus, LabelledSpan
from propscope.ptc.operating import (
    Calibration,
    Candidate,
    OperatingPoint,
    PhraseRules,
    TechniquePoint,
    candidates,
    select,
    triggers,
)
from propscope.ptc.phrases import snap_to_chunks, split_sentences, trim_function_words
from propscope.ptc.report_point import Row, cross_fit, fit_calibration, reliability, tune_point
from propscope.ptc.tagging import ArticleOutputs

LABELS = ["Loaded_Language", "Doubt"]


def test_trim_cuts_function_words_at_both_edges_only() -> None:
    text = "the Ukrainian Neo-Nazis and the puppets of NATO"
    assert text[slice(*trim_function_words(text, 0, 27))] == "Ukrainian Neo-Nazis"  # "the ... and"
    assert text[slice(*trim_function_words(text, 28, len(text)))] == "puppets of NATO"  # inner "of" stays
    assert trim_function_words(text, 24, 31) is None  # "and the": nothing left
    text = "They are nothing but traitors."
    assert text[slice(*trim_function_words(text, 9, 29))] == "nothing but traitors"  # quantifier kept


def test_spans_are_cut_at_sentence_ends_and_line_breaks() -> None:
    text = 'thugs and criminals.\nThey want to destroy our nation. He said "no." Then'
    assert [text[a:b] for a, b in split_sentences(text, 0, len(text))] == [
        "thugs and criminals",
        "They want to destroy our nation",
        'He said "no."',
        "Then",
    ]
    assert split_sentences(text, 0, 5) == [(0, 5)]


def test_snap_widens_to_a_noun_chunk_cut_at_an_edge() -> None:
    # "the Ukrainian" cuts the chunk "the Ukrainian neo-Nazis" (0, 23): widened to the whole chunk.
    chunks = [(0, 23), (28, 35)]
    assert snap_to_chunks(0, 13, chunks) == (0, 23)
    assert snap_to_chunks(4, 35, chunks) == (0, 35)
    assert snap_to_chunks(24, 27, chunks) == (24, 27)  # touches no chunk


def outputs(text: str, words: list[tuple[str, float, float]]) -> ArticleOutputs:
    """One token per word; columns: Loaded, Doubt, any, then the three "begins" columns (all 0)."""
    offsets, probs = [], []
    position = 0
    for word, loaded, doubt in words:
        start = text.index(word, position)
        offsets.append((start, start + len(word)))
        position = start + len(word)
        probs.append([loaded, doubt, max(loaded, doubt), 0.0, 0.0, 0.0])
    array = np.asarray(probs, dtype=np.float32)
    return ArticleOutputs(text, np.asarray(offsets, dtype=np.int64), array, array, None)


TEXT = "the evil regime and its lies will fall"
OUT = outputs(
    TEXT,
    [("the", 0.6, 0.0), ("evil", 0.95, 0.0), ("regime", 0.7, 0.0), ("and", 0.6, 0.0), ("its", 0.1, 0.0),
     ("lies", 0.2, 0.8), ("will", 0.0, 0.1), ("fall", 0.0, 0.1)],
)


def test_candidates_trim_edges_and_name_the_strongest_words() -> None:
    found = candidates(OUT, [0.5, 0.5], bio=True, gap=0, span_head=None, rules=PhraseRules(True))
    spans = {(LABELS[c.column], TEXT[c.start : c.end]) for c in found}
    assert spans == {("Loaded_Language", "evil regime"), ("Doubt", "lies")}
    loaded = next(c for c in found if c.column == 0)
    assert loaded.triggers[:2] == ["evil", "regime"]
    assert loaded.score == pytest.approx((0.95 + 0.7) / 2)  # re-scored on the trimmed words
    untrimmed = candidates(OUT, [0.5, 0.5], bio=True, gap=0, span_head=None, rules=PhraseRules(False))
    assert "the evil regime and" in {TEXT[c.start : c.end] for c in untrimmed}


def test_triggers_put_function_words_last() -> None:
    assert triggers(OUT, 0, 0, 19) == ["evil", "regime", "the"]


def test_select_shows_only_techniques_marked_shown_above_their_cutoff() -> None:
    point = OperatingPoint(
        0.6,
        {"Loaded_Language": TechniquePoint(True, 0.8), "Doubt": TechniquePoint(False, 1.0, "too imprecise")},
    )
    found = [Candidate(0, 0, 4, 0.9, 1.0, []), Candidate(0, 5, 9, 0.7, 1.0, []), Candidate(1, 0, 4, 0.99, 1.0, [])]
    assert select(found, LABELS, point) == [found[0]]
    assert point.hidden() == {"Doubt": "too imprecise"}


def test_operating_point_round_trips_through_json_and_refuses_bad_config() -> None:
    point = OperatingPoint(
        0.6,
        {"Loaded_Language": TechniquePoint(True, 0.9), "Doubt": TechniquePoint(False, 1.0, "why")},
        Calibration((0.1, 0.9), (0.2, 0.7)),
        PhraseRules(True),
        0.48,
        0.03,
    )
    assert OperatingPoint.from_dict(point.as_dict(), LABELS) == point
    with pytest.raises(BadModelDirectory):
        OperatingPoint.from_dict({**point.as_dict(), "techniques": {"Doubt": {"shown": False}}}, LABELS)
    broken = point.as_dict()
    broken["calibration"] = {"x": [0.9, 0.1], "y": [0.1, 0.2]}
    with pytest.raises(BadModelDirectory):
        OperatingPoint.from_dict(broken, LABELS)
    assert Calibration((0.1, 0.9), (0.2, 0.7))(0.5) == pytest.approx(0.45)


def rows_for(technique: int, confidences: list[float], credits: list[float], article: str = "a") -> list[Row]:
    return [
        Row(article, Candidate(technique, k, k + 1, c, 1.0, []), credit, credit)
        for k, (c, credit) in enumerate(zip(confidences, credits, strict=True))
    ]


def corpus_with_gold(n_loaded: int, n_doubt: int) -> Corpus:
    spans = [LabelledSpan("a", 100 + k, 101 + k, "Loaded_Language") for k in range(n_loaded)]
    spans += [LabelledSpan("a", 300 + k, 301 + k, "Doubt") for k in range(n_doubt)]
    return Corpus({"a": "x" * 400}, {"a": spans})


def test_tuning_takes_the_cutoff_with_most_recall_at_target_precision_and_hides_the_rest() -> None:
    # Loaded: the 7 most confident spans are 6/7 right, the next 3 wrong; every cutoff keeps precision
    # >= 0.6, but the wrong spans below 0.5 add no recall, so the cutoff stays at 0.5.
    loaded = rows_for(0, [0.99, 0.98, 0.97, 0.96, 0.95, 0.94, 0.5, 0.4, 0.3, 0.2], [1, 1, 1, 0, 1, 1, 1, 0, 0, 0])
    # Doubt: never 60% precise over at least 5 spans.
    doubt = rows_for(1, [0.9, 0.8, 0.7, 0.6, 0.5, 0.4], [1, 0, 0, 1, 0, 0])
    points = tune_point(loaded + doubt, corpus_with_gold(10, 10), ["a"], LABELS, target=0.6, min_spans=5)
    assert points["Loaded_Language"] == TechniquePoint(True, 0.5)
    assert not points["Doubt"].shown
    assert "at best 40% precise (5 spans)" in points["Doubt"].reason  # 2 of the top 5
    few = tune_point(loaded[:3], corpus_with_gold(10, 0), ["a"], LABELS, target=0.6, min_spans=5)
    assert not few["Loaded_Language"].shown  # three right spans prove nothing


def test_isotonic_calibration_is_monotone_and_lowers_the_calibration_error() -> None:
    rng = np.random.default_rng(0)
    raw = rng.uniform(0.5, 1.0, 2000)
    right = rng.uniform(0, 1, 2000) < (raw - 0.5)  # raw 0.9 is right 40% of the time
    calibration = fit_calibration(raw.tolist(), right.tolist())
    mapped = [calibration(v) for v in sorted(raw)]
    assert all(b >= a for a, b in zip(mapped, mapped[1:], strict=False))
    raw_ece, _ = reliability(raw.tolist(), right.tolist())
    ece, table = reliability([calibration(v) for v in raw], right.tolist())
    assert raw_ece > 0.4 and ece < 0.05
    assert sum(row["spans"] for row in table) == 2000


def test_cross_fit_scores_each_half_with_the_point_tuned_on_the_other() -> None:
    # Article "a": Loaded spans are right; article "b": the same confidences are all wrong. Tuned on
    # "a", Loaded is shown and scores 0 on "b"; tuned on "b", it is hidden: the pooled precision is 0,
    # where tuning and scoring on the same article would have claimed 1 for "a".
    texts = {"a": "x" * 400, "b": "x" * 400}
    spans = {i: [LabelledSpan(i, 100 + k, 101 + k, "Loaded_Language") for k in range(10)] for i in texts}
    corpus = Corpus(texts, spans)
    rows = rows_for(0, [0.9] * 6, [1] * 6, "a") + rows_for(0, [0.9] * 6, [0] * 6, "b")
    result = cross_fit(rows, corpus, ["a", "b"], LABELS, PhraseRules(True), seed=0)
    assert result["report"]["precision"] == 0.0
    assert sorted(len(c["shown"]) for c in result["choices"]) == [0, 1]
