"""Train / validation / test splits that keep whole debates (or sources) together.

- CLEF CheckThat! 2019 debates are split by debate. The test debates are fixed (``TEST_DEBATES``):
  the six files of the 2019 release that the 2020 Task 5 ``train.tsv`` does not contain, so no
  copy of them can leak into training through that file, plus one presidential debate
  (2016-10-19) whose copy in ``train.tsv`` is located and removed. ``VAL_DEBATES`` choose the epoch.
- ClaimBuster keeps its published test split; validation takes whole blocks of consecutive sentence
  ids (ids run through the debates in order, so a block is a stretch of one or two debates).
- CLEF 2020 Task 5 ``train.tsv`` has no debate ids: rows that repeat a held-out sentence are dropped,
  and so is the whole stretch of the file that holds a held-out debate (found from the rows that
  only that debate contains).
- Everywhere, a training sentence whose normalised text occurs in any evaluation set is dropped.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from propscope.claims.data import (
    LabelledSentence,
    load_claimbuster,
    load_clef2019,
    load_clef2020_t5,
    normalize,
)
from propscope.errors import DataError

TEST_DEBATES = (
    "20161019_3pres",
    "20170928_trump_tax",
    "20180916_trump_miami",
    "20180926_un_press",
    "20181010_medicare",
    "20182601_trump_world",
    "20190108_oval_office",
)
VAL_DEBATES = ("20160414_9dem", "20161005_vice_pres", "20170228_trump_address")

CLAIMBUSTER_TRAIN = Path("claimbuster/train.json")
CLAIMBUSTER_TEST = Path("claimbuster/test.json")
CLEF2019_TRAIN = Path("clef2019-t1/CT19-T1-Training.csv")
CLEF2020_T5_TRAIN = Path("clef2020-t5-debates/train.tsv")


@dataclass(slots=True)
class ClaimSplits:
    """Everything training and evaluation need, with the provenance of each choice in ``info``."""

    train: list[LabelledSentence]
    val_claimbuster: list[LabelledSentence]
    test_claimbuster: list[LabelledSentence]
    val_debates: dict[str, list[LabelledSentence]]
    test_debates: dict[str, list[LabelledSentence]]
    info: dict[str, Any] = field(default_factory=dict)


def _debate_name(group: str) -> str:
    return group.split(":", 1)[1]


def t5_rows_of(debate_rows: list[LabelledSentence], t5: list[LabelledSentence], owners: dict[str, set[str]]) -> set[int]:
    """Indices of ``train.tsv`` rows in the stretch that holds this debate (empty if it is not there)."""
    group = debate_rows[0].group
    hits = sorted(
        index
        for index, row in enumerate(t5)
        if len(key := normalize(row.text)) > 20 and owners.get(key) == {group}
    )
    if len(hits) < 20:
        return set()
    lo = hits[len(hits) * 2 // 100]
    hi = hits[(len(hits) * 98) // 100]
    margin = max(10, len(debate_rows) // 20)
    return set(range(max(0, lo - margin), min(len(t5), hi + margin + 1)))


def make_splits(
    data: Path,
    seed: int = 13,
    claimbuster_val_blocks: int = 4,
    clef_negatives_per_positive: int | None = 20,
    use_clef2020_t5: bool = True,
    test_debates: tuple[str, ...] = TEST_DEBATES,
    val_debates: tuple[str, ...] = VAL_DEBATES,
) -> ClaimSplits:
    """Read the releases under ``data`` (the ``checkworthiness`` folder) and split them."""
    if not data.is_dir():
        raise DataError(f"no data folder at {data}")
    rng = random.Random(seed)
    cb_train_all = load_claimbuster(data / CLAIMBUSTER_TRAIN)
    cb_test = load_claimbuster(data / CLAIMBUSTER_TEST)
    ct19 = load_clef2019(data / CLEF2019_TRAIN)
    t5 = load_clef2020_t5(data / CLEF2020_T5_TRAIN) if use_clef2020_t5 else []

    debates: dict[str, list[LabelledSentence]] = defaultdict(list)
    for row in ct19:
        debates[_debate_name(row.group)].append(row)
    for name in (*test_debates, *val_debates):
        if name not in debates:
            raise DataError(f"{data / CLEF2019_TRAIN} lacks the debate {name}")
    test_names, val_names = tuple(test_debates), tuple(val_debates)
    test_rows = {name: debates[name] for name in test_names}
    val_rows = {name: debates[name] for name in val_names}
    train_debates = [name for name in sorted(debates) if name not in test_rows and name not in val_rows]

    blocks = sorted({row.group for row in cb_train_all})
    if len(blocks) <= claimbuster_val_blocks:
        raise DataError(f"ClaimBuster training data spans {len(blocks)} id blocks; {claimbuster_val_blocks} are needed for validation and more for training")
    val_blocks = set(rng.sample(blocks, claimbuster_val_blocks))
    val_cb = [row for row in cb_train_all if row.group in val_blocks]
    cb_train = [row for row in cb_train_all if row.group not in val_blocks]

    held_out = [*val_cb, *cb_test, *(r for rows in (*test_rows.values(), *val_rows.values()) for r in rows)]
    held_out_keys = {normalize(row.text) for row in held_out}

    owners: dict[str, set[str]] = defaultdict(set)
    for row in ct19:
        owners[normalize(row.text)].add(row.group)
    t5_dropped: set[int] = set()
    t5_stretches = {}
    for name, rows in (*test_rows.items(), *val_rows.items()):
        stretch = t5_rows_of(rows, t5, owners) if t5 else set()
        t5_stretches[name] = len(stretch)
        t5_dropped |= stretch
    t5_kept = [row for index, row in enumerate(t5) if index not in t5_dropped]

    # CLEF rows: one per normalised text (the same sentence is in both releases), label = any positive.
    clef_candidates = [r for name in train_debates for r in debates[name]] + t5_kept
    clef_by_key: dict[str, LabelledSentence] = {}
    for row in clef_candidates:
        key = normalize(row.text)
        if not key or key in held_out_keys:
            continue
        if key not in clef_by_key or row.label > clef_by_key[key].label:
            clef_by_key[key] = row
    clef_rows = list(clef_by_key.values())
    positives = [r for r in clef_rows if r.label == 1]
    negatives = [r for r in clef_rows if r.label == 0]
    if clef_negatives_per_positive is not None and len(negatives) > clef_negatives_per_positive * len(positives):
        negatives = rng.sample(negatives, clef_negatives_per_positive * len(positives))
    cb_rows = [row for row in cb_train if normalize(row.text) not in held_out_keys]
    train = cb_rows + positives + negatives
    rng.shuffle(train)

    info = {
        "seed": seed,
        "test_debates": list(test_names),
        "val_debates": list(val_names),
        "train_debates": train_debates,
        "claimbuster_val_blocks": sorted(val_blocks),
        "claimbuster_train": len(cb_rows),
        "claimbuster_train_dropped_as_held_out": len(cb_train) - len(cb_rows),
        "claimbuster_val": len(val_cb),
        "claimbuster_test": len(cb_test),
        "clef_train_positive": len(positives),
        "clef_train_negative": len(negatives),
        "clef_negatives_per_positive": clef_negatives_per_positive,
        "clef2020_t5_rows_dropped_as_held_out_stretches": len(t5_dropped),
        "clef2020_t5_stretch_per_held_out_debate": t5_stretches,
    }
    return ClaimSplits(
        train=train,
        val_claimbuster=val_cb,
        test_claimbuster=cb_test,
        val_debates=val_rows,
        test_debates=test_rows,
        info=info,
    )
