"""Check-worthiness loaders (published formats), grouped splits and metrics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from propscope.claims.data import load_claimbuster, load_clef2019, load_clef2020_t5, normalize
from propscope.claims.metrics import average_precision, best_f1_threshold, mean_average_precision, precision_recall_f1
from propscope.claims.splits import make_splits
from propscope.errors import DataError
from tests.claims.tiny import write_tiny_data


def test_claimbuster_reads_utf16_and_utf8(tmp_path: Path) -> None:
    data = write_tiny_data(tmp_path / "cw")
    assert (data / "claimbuster" / "train.json").read_bytes()[:2] == b"\xff\xfe"  # written as UTF-16
    train = load_claimbuster(data / "claimbuster" / "train.json")
    test = load_claimbuster(data / "claimbuster" / "test.json")
    assert {row.label for row in train} == {0, 1}
    assert train[0].group == "claimbuster:0" and train[-1].group == "claimbuster:3"
    assert len(test) == 6 and all(row.key.startswith("claimbuster:9000") for row in test)


def test_clef_loaders_keep_debates_and_reject_bad_rows(tmp_path: Path) -> None:
    data = write_tiny_data(tmp_path / "cw")
    ct19 = load_clef2019(data / "clef2019-t1" / "CT19-T1-Training.csv")
    assert {row.group for row in ct19} == {"clef2019:d_train", "clef2019:d_val", "clef2019:d_test"}
    t5 = load_clef2020_t5(data / "clef2020-t5-debates" / "train.tsv")
    assert len(t5) == 6 and sum(row.label for row in t5) == 3
    bad = tmp_path / "bad.tsv"
    bad.write_text("text\tlabel\nno label here\n", encoding="utf-8")
    with pytest.raises(DataError):
        load_clef2020_t5(bad)
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps([{"text": "no id"}]), encoding="utf-8")
    with pytest.raises(DataError):
        load_claimbuster(broken)


def test_splits_keep_groups_apart_and_drop_held_out_sentences(tmp_path: Path) -> None:
    data = write_tiny_data(tmp_path / "cw")
    # the T5 file repeats a sentence of the held-out debate: it must not reach training
    t5 = data / "clef2020-t5-debates" / "train.tsv"
    held_out_sentence = load_clef2019(data / "clef2019-t1" / "CT19-T1-Training.csv")[-1].text
    t5.write_text(t5.read_text(encoding="utf-8") + f"{held_out_sentence}\t0\n", encoding="utf-8")
    splits = make_splits(data, seed=3, claimbuster_val_blocks=1, clef_negatives_per_positive=None,
                         test_debates=("d_test",), val_debates=("d_val",))
    train_keys = {normalize(row.text) for row in splits.train}
    evaluation = [*splits.val_claimbuster, *splits.test_claimbuster,
                  *(r for rows in (*splits.val_debates.values(), *splits.test_debates.values()) for r in rows)]
    assert not train_keys & {normalize(row.text) for row in evaluation}
    val_blocks = {row.group for row in splits.val_claimbuster}
    assert len(val_blocks) == 1 and not val_blocks & {row.group for row in splits.train}
    assert not {row.group for row in splits.train} & {"clef2019:d_val", "clef2019:d_test"}
    assert splits.info["train_debates"] == ["d_train"]


def test_missing_debate_is_a_data_error(tmp_path: Path) -> None:
    data = write_tiny_data(tmp_path / "cw")
    with pytest.raises(DataError, match="lacks the debate"):
        make_splits(data, claimbuster_val_blocks=1, test_debates=("nope",), val_debates=("d_val",))


def test_average_precision_follows_the_clef_definition() -> None:
    # relevant at ranks 1 and 3: (1/1 + 2/3) / 2
    assert average_precision([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1]) == pytest.approx((1 + 2 / 3) / 2)
    assert average_precision([0, 0], [0.5, 0.4]) == 0.0
    mean, per = mean_average_precision({"a": ([1, 0], [0.9, 0.1]), "b": ([0, 1], [0.9, 0.1])})
    assert per == {"a": 1.0, "b": 0.5} and mean == 0.75


def test_f1_and_threshold_choice() -> None:
    labels, scores = [1, 1, 0, 0], [0.9, 0.6, 0.4, 0.1]
    assert precision_recall_f1(labels, scores, 0.5) == (1.0, 1.0, 1.0)
    threshold, f1 = best_f1_threshold(labels, scores)
    assert f1 == 1.0 and 0.4 < threshold <= 0.6


def test_real_releases_load_and_split_without_leaks(shared_data: Path) -> None:
    data = shared_data / "checkworthiness"
    assert len(load_claimbuster(data / "claimbuster" / "test.json")) == 702
    # UTF-16 release file
    assert len(load_claimbuster(data / "claimbuster" / "cfs_ncs_ratio_study_test.json")) == 1104
    splits = make_splits(data)
    train_keys = {normalize(row.text) for row in splits.train}
    for rows in (*splits.test_debates.values(), splits.test_claimbuster, splits.val_claimbuster):
        assert not train_keys & {normalize(row.text) for row in rows}
    assert set(splits.test_debates) == set(splits.info["test_debates"])
