"""The SemEval-2020 Task 11 measures on hand-made cases whose values are worked out by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from propscope.eval.ptc_metrics import merge_spans, si_score, tc_score, technique_span_score


def test_exact_match_scores_one() -> None:
    score = si_score({"a": [(0, 10), (20, 30)]}, {"a": [(0, 10), (20, 30)]})
    assert (score.precision, score.recall, score.f1) == (1.0, 1.0, 1.0)
    assert (score.n_gold, score.n_pred) == (2, 2)


def test_partial_overlap_counts_the_shared_characters() -> None:
    # |s∩t| = 5: precision 5/10, recall 5/20
    score = si_score({"a": [(5, 25)]}, {"a": [(0, 10)]})
    assert score.precision == pytest.approx(0.5)
    assert score.recall == pytest.approx(0.25)
    assert score.f1 == pytest.approx(2 * 0.5 * 0.25 / 0.75)


def test_two_predictions_inside_one_gold_span() -> None:
    # precision (5/5 + 10/10) / 2 predicted spans; recall (5/20 + 10/20) / 1 gold span
    score = si_score({"a": [(0, 20)]}, {"a": [(0, 5), (10, 20)]})
    assert score.precision == pytest.approx(1.0)
    assert score.recall == pytest.approx(0.75)


def test_one_prediction_over_two_gold_spans() -> None:
    # gold [0,4) and [16,24), predicted [0,20): precision (4 + 4) / 20; recall (4/4 + 4/8) / 2 gold spans
    score = si_score({"a": [(0, 4), (16, 24)]}, {"a": [(0, 20)]})
    assert score.precision == pytest.approx(8 / 20)
    assert score.recall == pytest.approx((1.0 + 0.5) / 2)


def test_overlapping_spans_of_one_side_are_merged_first() -> None:
    assert merge_spans([(5, 15), (0, 10), (30, 40)]) == [(0, 15), (30, 40)]
    score = si_score({"a": [(0, 15)]}, {"a": [(0, 10), (5, 15)]})
    assert (score.precision, score.recall, score.n_pred) == (1.0, 1.0, 1)


def test_touching_spans_stay_apart() -> None:
    assert merge_spans([(0, 5), (5, 10)]) == [(0, 5), (5, 10)]


def test_scores_add_up_over_the_corpus_not_per_article() -> None:
    # article a: one perfect span; article b: one gold span missed, one wrong prediction
    score = si_score({"a": [(0, 10)], "b": [(0, 10)]}, {"a": [(0, 10)], "b": [(50, 60)], "c": []})
    assert score.precision == pytest.approx(0.5)
    assert score.recall == pytest.approx(0.5)


def test_no_prediction_scores_zero_without_dividing_by_zero() -> None:
    score = si_score({"a": [(0, 10)]}, {})
    assert (score.precision, score.recall, score.f1) == (0.0, 0.0, 0.0)


def test_tc_micro_f1_and_per_technique() -> None:
    gold = [("a", 0, 5, "Doubt"), ("a", 10, 20, "Loaded_Language"), ("b", 0, 4, "Slogans")]
    pred = [("a", 0, 5, "Doubt"), ("a", 10, 20, "Slogans"), ("b", 0, 4, "Slogans")]
    score = tc_score(gold, pred)
    assert score.f1 == pytest.approx(2 / 3)
    assert score.per_technique["Doubt"].f1 == 1.0
    assert score.per_technique["Loaded_Language"].recall == 0.0
    assert score.per_technique["Slogans"].precision == pytest.approx(0.5)
    assert score.per_technique["Slogans"].recall == 1.0


def test_tc_span_with_two_gold_techniques_is_matched_as_a_multiset() -> None:
    gold = [("a", 0, 5, "Doubt"), ("a", 0, 5, "Loaded_Language")]
    assert tc_score(gold, [("a", 0, 5, "Loaded_Language"), ("a", 0, 5, "Doubt")]).f1 == 1.0
    # the same technique twice earns it once
    assert tc_score(gold, [("a", 0, 5, "Doubt"), ("a", 0, 5, "Doubt")]).f1 == pytest.approx(0.5)


def test_tc_prediction_on_a_span_that_is_not_gold_is_wrong() -> None:
    score = tc_score([("a", 0, 5, "Doubt")], [("a", 0, 6, "Doubt")])
    assert (score.precision, score.recall) == (0.0, 0.0)


def test_technique_aware_spans_earn_credit_only_within_their_technique() -> None:
    gold = {"Doubt": {"a": [(0, 10)]}, "Slogans": {"a": [(20, 30)]}}
    pred = {"Doubt": {"a": [(20, 30)]}, "Slogans": {"a": [(20, 30)]}}
    micro, per = technique_span_score(gold, pred)
    assert per["Doubt"].f1 == 0.0
    assert per["Slogans"].f1 == 1.0
    assert micro.precision == pytest.approx(0.5)
    assert micro.recall == pytest.approx(0.5)


# -- FLC (SemEval-2019): the measure of the spans a report shows ----------------------------------


def test_flc_credits_overlap_only_within_the_same_technique() -> None:
    from propscope.eval.ptc_metrics import flc_score

    gold = [("a", 0, 10, "Loaded_Language"), ("a", 20, 40, "Doubt")]
    # (0,10) Loaded exact: p 1, r 1. (20,30) labelled Slogans over the Doubt span: nothing.
    pred = [("a", 0, 10, "Loaded_Language"), ("a", 20, 30, "Slogans")]
    score = flc_score(gold, pred)
    assert score.precision == pytest.approx(1 / 2)
    assert score.recall == pytest.approx(1 / 2)
    assert score.per_technique["Doubt"].recall == 0.0
    assert score.per_technique["Slogans"].precision == 0.0
    assert score.per_technique["Loaded_Language"].f1 == pytest.approx(1.0)


def test_flc_partial_overlap_is_fractional_and_asymmetric() -> None:
    from propscope.eval.ptc_metrics import flc_score

    # gold (0,20); predicted (10,30): |s∩t| = 10, precision 10/20, recall 10/20.
    # predicted (0,5) too: precision 5/5, recall 5/20. Totals: p (0.5 + 1) / 2, r (0.5 + 0.25) / 1.
    score = flc_score([("a", 0, 20, "Doubt")], [("a", 10, 30, "Doubt"), ("a", 0, 5, "Doubt")])
    assert score.precision == pytest.approx(0.75)
    assert score.recall == pytest.approx(0.75)
    assert (score.n_gold, score.n_pred) == (1, 2)


def test_flc_does_not_merge_spans_and_keeps_articles_apart() -> None:
    from propscope.eval.ptc_metrics import flc_score

    # Two overlapping predictions of one technique are two spans (SI would merge them into one).
    # The same offsets in another article earn nothing.
    gold = [("a", 0, 10, "Doubt")]
    pred = [("a", 0, 10, "Doubt"), ("a", 5, 10, "Doubt"), ("b", 0, 10, "Doubt")]
    score = flc_score(gold, pred)
    assert score.precision == pytest.approx((1 + 1 + 0) / 3)
    assert score.recall == pytest.approx(1 + 0.5)  # recall is not capped: the formula sums pairs


def test_flc_counts_a_repeated_line_once_and_survives_empty_sides() -> None:
    from propscope.eval.ptc_metrics import flc_score

    gold = [("a", 0, 10, "Doubt")]
    assert flc_score(gold, [("a", 0, 10, "Doubt")] * 3).precision == pytest.approx(1.0)
    empty = flc_score(gold, [])
    assert (empty.precision, empty.recall, empty.f1) == (0.0, 0.0, 0.0)
    assert flc_score([], [("a", 0, 10, "Doubt")]).f1 == 0.0


def test_ptc_score_flc_command_prints_the_measure_and_refuses_si_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from propscope.cli.main import main

    gold = tmp_path / "gold.labels"
    gold.write_text("1\tDoubt\t0\t20\n1\tLoaded_Language\t30\t40\n", encoding="utf-8")
    pred = tmp_path / "pred.labels"
    # Doubt (10,30): p 10/20, r 10/20; Loaded (30,40) labelled Slogans: nothing.
    pred.write_text("1\tDoubt\t10\t30\n1\tSlogans\t30\t40\n", encoding="utf-8")
    assert main(["ptc", "score", "--task", "flc", "--gold", str(gold), "--pred", str(pred)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "F1=0.250000\tPrecision=0.250000\tRecall=0.250000"
    assert "Doubt\t0.500000" in lines
    si = tmp_path / "si.labels"
    si.write_text("1\t0\t20\n", encoding="utf-8")
    assert main(["ptc", "score", "--task", "flc", "--gold", str(gold), "--pred", str(si)]) == 2
    assert "FLC needs" in capsys.readouterr().err
