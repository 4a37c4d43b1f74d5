"""The k-fold protocol by article: folds are disjoint and cover every article, and each fold's test
articles are never trained or tuned on. The real training path runs on a tiny randomly initialised BERT
(like ``test_overfitting``), so the protocol is exercised end to end without big data."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.techniques.tiny import TINY_BERT

ARTICLES = {
    "2001": "Traitors in Washington betray us.\nThe corrupt elites want to destroy our great nation.\n",
    "2002": "The radical mob spread terrifying lies.\nIs the mayor really telling the truth?\n",
    "2003": "Make America great again!\nThe thugs and traitors must go.\n",
    "2004": "Experts agree that the plan is a disaster.\nThe corrupt elites lie again.\n",
    "2005": "The farmers sold apples on Tuesday.\nThe radical mob spread lies.\n",
    "2006": "Prices were stable, the council said.\nThe traitors will destroy everything.\n",
}
GOLD = [
    ("2001", "Traitors", "Name_Calling,Labeling"),
    ("2001", "corrupt elites", "Name_Calling,Labeling"),
    ("2001", "destroy", "Loaded_Language"),
    ("2002", "radical mob", "Name_Calling,Labeling"),
    ("2002", "terrifying lies", "Loaded_Language"),
    ("2002", "Is the mayor really telling the truth?", "Doubt"),
    ("2003", "Make America great again", "Slogans"),
    ("2003", "thugs and traitors", "Name_Calling,Labeling"),
    ("2004", "Experts agree", "Appeal_to_Authority"),
    ("2004", "corrupt elites", "Name_Calling,Labeling"),
    ("2005", "radical mob", "Name_Calling,Labeling"),
    ("2006", "traitors", "Name_Calling,Labeling"),
    ("2006", "destroy everything", "Loaded_Language"),
]


def test_article_folds_are_disjoint_balanced_and_fixed_by_the_seed() -> None:
    from propscope.train.kfold import article_folds

    ids = [str(i) for i in range(371)]
    folds = article_folds(ids, 5, 2020)
    assert sorted(i for fold in folds for i in fold) == sorted(ids)
    assert {len(fold) for fold in folds} == {74, 75}
    assert article_folds(list(reversed(ids)), 5, 2020) == folds  # input order does not matter
    assert article_folds(ids, 5, 2021) != folds
    with pytest.raises(ValueError):
        article_folds(ids[:3], 5, 2020)


def write_release(root: Path) -> Path:
    (root / "train-articles").mkdir(parents=True)
    lines = []
    for article_id, text in ARTICLES.items():
        (root / "train-articles" / f"article{article_id}.txt").write_text(text, encoding="utf-8")
    for article_id, phrase, technique in GOLD:
        start = ARTICLES[article_id].index(phrase)
        lines.append(f"{article_id}\t{technique}\t{start}\t{start + len(phrase)}\n")
    (root / "train-task2-TC.labels").write_text("".join(lines), encoding="utf-8")
    return root


@pytest.mark.slow
def test_kfold_never_scores_a_fold_with_choices_made_on_it(tmp_path: Path) -> None:
    from tests.techniques.tiny import require_training

    require_training()
    from propscope.train.kfold import MEASURES, run_kfold
    from propscope.train.techniques import TrainSettings

    settings = TrainSettings(
        epochs=8, lr=3e-3, head_lr=3e-3, batch_size=8, warmup=0.05, dropout=0.0, max_length=32, train_overlap=8, stride=8
    )
    report_path = tmp_path / "kfold.json"
    report = run_kfold(
        write_release(tmp_path / "ptc"), settings, k=3, seed=7, say=lambda _: None, encoder_config=TINY_BERT, report_path=report_path
    )
    assert report_path.is_file() and report["folds_done"] == 3
    tested = []
    for fold in report["folds"]:
        test = set(fold["test_ids"])
        assert not test & (set(fold["train_ids"]) | set(fold["tune_ids"]))
        assert fold["tune_ids"] and not set(fold["tune_ids"]) & set(fold["train_ids"])
        tested.extend(fold["test_ids"])
        for measure in MEASURES:
            assert 0.0 <= fold[measure] <= 1.0
    assert sorted(tested) == sorted(ARTICLES)
    for measure in MEASURES:
        values = [fold[measure] for fold in report["folds"]]
        assert report["summary"][measure]["mean"] == pytest.approx(float(np.mean(values)))
        assert report["summary"][measure]["sd"] == pytest.approx(float(np.std(values, ddof=1)))
