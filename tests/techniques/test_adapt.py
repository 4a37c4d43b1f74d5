"""Reviewer corrections as training data (issue 13 B): the corrections reader, the simulated reviewer,
and the round trip "a tiny model retrained with a correction changes its prediction on that passage",
head-only (the CPU path) and through the full fine-tune."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from propscope.errors import BadRecord, DataError, ModelNotFound
from propscope.ptc.corpus import LabelledSpan
from propscope.techniques import TECHNIQUE_NAMES
from propscope.train import simulate
from propscope.train.corrections import correction_targets, read_corrections
from tests.techniques.tiny import TINY_BERT, TINY_SETTINGS, require_training, write_release

ARTICLES = {
    "2001": (
        "Senators meet in the capital\n\n"
        "The corrupt elites in the capital want to destroy our great nation.\n"
        "They are nothing but traitors and thugs.\n"
        "Experts agree that the plan is a disaster.\n"
    ),
    "2002": (
        "A quiet day at the market\n\n"
        "The farmers sold apples and pears on Tuesday.\n"
        "But the radical mob of so-called activists spread terrifying lies.\n"
        "Is the mayor really telling the truth?\n"
    ),
}
GOLD = [
    ("2001", "corrupt elites", "Name_Calling,Labeling"),
    ("2001", "destroy", "Loaded_Language"),
    ("2001", "traitors and thugs", "Name_Calling,Labeling"),
    ("2001", "Experts agree", "Appeal_to_Authority"),
    ("2002", "radical mob", "Name_Calling,Labeling"),
    ("2002", "terrifying lies", "Loaded_Language"),
    ("2002", "Is the mayor really telling the truth?", "Doubt"),
]
# The reviewed article: "the farmers" of a new outlet are praised as patriots (a technique the tiny
# model never saw here), and "radical mob" is, in this outlet's context, judged not name calling.
REVIEWED_ID = "9001"
REVIEWED = (
    "Harvest news\n\n"
    "The farmers sold apples and pears on Tuesday.\n"
    "But the radical mob of so-called activists spread terrifying lies.\n"
    "Our proud patriots defend the homeland.\n"
)


def where(text: str, phrase: str) -> tuple[int, int]:
    start = text.index(phrase)
    return start, start + len(phrase)


def reviewed_decisions() -> list[simulate.Decision]:
    mob = where(REVIEWED, "radical mob")
    patriots = where(REVIEWED, "proud patriots defend the homeland")
    return [
        simulate.Decision(REVIEWED_ID, *mob, "Name_Calling,Labeling", "reject"),
        simulate.Decision(REVIEWED_ID, *patriots, "Flag-Waving", "add"),
    ]


def write_reviewed(folder: Path) -> Path:
    return simulate.write_corrections(folder, {REVIEWED_ID: REVIEWED}, reviewed_decisions(), "2026-12-02T00:00:00Z")


# -- the corrections reader ------------------------------------------------------------------------------


def test_reader_takes_label_file_positives_and_latest_rejections(tmp_path: Path) -> None:
    folder = write_reviewed(tmp_path / "corr")
    # a span first rejected, then accepted: the later decision wins, so it is no negative
    lies = where(REVIEWED, "terrifying lies")
    with open(folder / "decisions.jsonl", "a", encoding="utf-8") as handle:
        for decision in ("reject", "accept"):
            record = {"kind": "technique", "article": REVIEWED_ID, "start": lies[0], "end": lies[1], "technique": "Loaded_Language", "decision": decision}
            handle.write(json.dumps(record) + "\n")
        handle.write(json.dumps({"kind": "match", "sentence": "x"}) + "\n")  # other kinds are not technique data
    corrections = read_corrections(folder)
    (article,) = corrections.articles.values()
    assert article.text == REVIEWED
    flag = TECHNIQUE_NAMES.index("Flag-Waving")
    name_calling = TECHNIQUE_NAMES.index("Name_Calling,Labeling")
    assert article.positives == [(flag, *where(REVIEWED, "proud patriots defend the homeland"))]
    assert article.negatives == [(name_calling, *where(REVIEWED, "radical mob"))]
    assert corrections.summary()["rejected_spans"] == 1


def test_reader_rejects_spans_outside_the_text_and_unknown_techniques(tmp_path: Path) -> None:
    folder = write_reviewed(tmp_path / "corr")
    (folder / "labels.tsv").write_text(f"{REVIEWED_ID}\tFlag-Waving\t5\t{len(REVIEWED) + 3}\n", encoding="utf-8")
    with pytest.raises(BadRecord, match="outside the article"):
        read_corrections(folder)
    (folder / "labels.tsv").write_text(f"{REVIEWED_ID}\tHeroism\t5\t9\n", encoding="utf-8")
    with pytest.raises(BadRecord, match="unknown technique"):
        read_corrections(folder)
    (folder / "labels.tsv").write_text("4242\tFlag-Waving\t5\t9\n", encoding="utf-8")
    with pytest.raises(DataError, match="4242"):
        read_corrections(folder)


def test_reviewed_scope_scores_only_what_the_reviewer_decided(tmp_path: Path) -> None:
    from propscope.ptc import tagging
    from propscope.train.encoder import base_encoder_path

    try:
        tokenizer = tagging.load_article_tokenizer(str(base_encoder_path() / "tokenizer.json"))
    except ModelNotFound as exc:
        pytest.skip(f"the base tokenizer is not installed: {exc}")
    (article,) = read_corrections(write_reviewed(tmp_path / "corr")).articles.values()
    (tokens,) = tagging.tokenise(tokenizer, [REVIEWED])
    n = len(TECHNIQUE_NAMES)
    targets, mask = correction_targets(tokens.offsets, article, n, bio=False, scope="reviewed")
    mob_a, mob_b = tagging.token_range(tokens.offsets, *where(REVIEWED, "radical mob"))
    pat_a, pat_b = tagging.token_range(tokens.offsets, *where(REVIEWED, "proud patriots defend the homeland"))
    name_calling, flag = TECHNIQUE_NAMES.index("Name_Calling,Labeling"), TECHNIQUE_NAMES.index("Flag-Waving")
    # the rejected span: a negative for its technique only, nothing said about others or "any"
    assert (mask[mob_a:mob_b, name_calling] == 1).all() and (targets[mob_a:mob_b, name_calling] == 0).all()
    assert mask[mob_a:mob_b].sum() == mob_b - mob_a
    # the added span: positive for its technique and for "any technique"
    assert (targets[pat_a:pat_b, flag] == 1).all() and (mask[pat_a:pat_b, [flag, n]] == 1).all()
    # tokens nobody reviewed are not trained on
    assert mask[: min(mob_a, pat_a)].sum() == 0
    _, whole = correction_targets(tokens.offsets, article, n, bio=False, scope="article")
    assert whole.all()


# -- the simulated reviewer ---------------------------------------------------------------------------------


def test_simulated_reviewer_accepts_rejects_and_adds(tmp_path: Path) -> None:
    text = "The corrupt elites lie. Our proud patriots stand. Taxes rose."
    gold = [
        LabelledSpan("1", *where(text, "corrupt elites"), "Name_Calling,Labeling"),
        LabelledSpan("1", *where(text, "proud patriots"), "Flag-Waving"),
    ]
    predicted = [
        ("Name_Calling,Labeling", *where(text, "elites lie")),  # overlaps gold of its technique: accepted
        ("Loaded_Language", *where(text, "proud")),  # overlaps gold of another technique: rejected
        ("Doubt", *where(text, "Taxes rose")),  # no gold at all: rejected
    ]
    decisions = simulate.review("1", predicted, gold)
    by_kind = {(d.technique, d.decision) for d in decisions}
    assert by_kind == {
        ("Name_Calling,Labeling", "accept"),
        ("Loaded_Language", "reject"),
        ("Doubt", "reject"),
        ("Flag-Waving", "add"),  # missed, so added; the accepted name calling is not added twice
    }
    corrections = read_corrections(simulate.write_corrections(tmp_path / "c", {"1": text}, decisions, "now"))
    (article,) = corrections.articles.values()
    assert len(article.positives) == 2 and len(article.negatives) == 2
    assert simulate.counts(decisions) == {"accept": 1, "reject": 2, "add": 1}


# -- the round trip on a tiny model ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    require_training()
    from propscope.train.techniques import TrainSettings, train_techniques

    root = tmp_path_factory.mktemp("adapt")
    data = write_release(root / "ptc", ARTICLES, GOLD)
    settings = TrainSettings(epochs=40, val_fraction=0.0, **TINY_SETTINGS)
    train_techniques(data, root / "model", settings, encoder_config=TINY_BERT, say=lambda _: None)
    return data, root / "model"


def passage_probability(model_dir: Path, technique: str, phrase: str) -> float:
    from propscope.components.techniques import TechniqueModel
    from propscope.ptc import tagging

    model = TechniqueModel.load(model_dir)
    (out,) = model.outputs([REVIEWED])
    a, b = tagging.token_range(out.offsets, *where(REVIEWED, phrase))
    return float(out.probs[a:b, model.labels.index(technique)].mean())


def test_head_only_retraining_learns_the_corrected_passage(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    """`propscope train techniques --head-only --from MODEL --corrections DIR`: the added span's technique
    rises on its passage, the rejected one falls, and the new directory is a model of its own."""
    from propscope.cli.main import main
    from propscope.components.techniques import TechniqueTagger
    from propscope.document import Article
    from propscope.models.cache import dir_fingerprint
    from propscope.options import AnalyzeOptions

    data, model_dir = tiny
    corrections = write_reviewed(tmp_path / "corr")
    out = tmp_path / "adapted"
    args = ["train", "techniques", "--data", str(data), "--out", str(out), "--head-only", "--from", str(model_dir)]
    assert main([*args, "--corrections", str(corrections), "--corrections-weight", "20", "--steps", "300"]) == 0
    flag, mob = "proud patriots defend the homeland", "radical mob"
    assert passage_probability(out, "Flag-Waving", flag) > passage_probability(model_dir, "Flag-Waving", flag) + 0.3
    assert passage_probability(out, "Name_Calling,Labeling", mob) < passage_probability(model_dir, "Name_Calling,Labeling", mob) - 0.1
    # Flag-Waving never occurs in the tiny training data, so its tuned threshold is the grid's top (0.95):
    # both models are read at 0.5, where the retrained one marks the passage and the source does not.
    patriots = where(REVIEWED, flag)

    def flagged(model: Path) -> list[object]:
        options = AnalyzeOptions(technique_model=model, technique_all_spans=True, technique_thresholds={"Flag-Waving": 0.5})
        found = TechniqueTagger(options)(Article(text=REVIEWED)).techniques
        return [s for s in found if s.technique == "Flag-Waving" and s.start < patriots[1] and patriots[0] < s.end]

    assert flagged(out) and not flagged(model_dir)
    assert dir_fingerprint(out) != dir_fingerprint(model_dir)
    adapt = json.loads((out / "adapt.json").read_text(encoding="utf-8"))
    assert adapt["corrections"]["articles"] == 1 and adapt["source_fingerprint"] == dir_fingerprint(model_dir)
    assert (out / "README.md").read_text(encoding="utf-8").startswith("# Technique model, heads retrained with reviewer corrections")


def test_head_replacement_keeps_the_model_outputs(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    """Reading the head out of the ONNX graph and writing it back changes no output (int8 or fp32 head)."""
    import shutil

    from propscope.components.techniques import TechniqueModel
    from propscope.train.adapt import read_head, replace_head

    _, model_dir = tiny
    copy = tmp_path / "copy"
    shutil.copytree(model_dir, copy)
    weight, bias = read_head(model_dir / "model.onnx")
    replace_head(model_dir / "model.onnx", copy / "model.onnx", weight, bias)
    (before,) = TechniqueModel.load(model_dir).outputs([REVIEWED])
    (after,) = TechniqueModel.load(copy).outputs([REVIEWED])
    # An int8 head quantises its input states per run; written back in fp32 it reads them unquantised, so
    # probabilities move by that rounding only. It depends on the trained tiny weights, so on the CPU: mean
    # 0.003 and max 0.05 on the 3 December machine, where a max of 0.02 (enough on the earlier ones) failed.
    moved = np.abs(before.probs - after.probs)
    assert moved.mean() < 0.01 and moved.max() < 0.1
    again, _ = read_head(copy / "model.onnx")
    assert np.allclose(again, weight)


def test_full_fine_tune_joins_the_corrections(tiny: tuple[Path, Path], tmp_path: Path) -> None:
    """The full fine-tune path reads the same corrections: the corrected article trains with its loss mask."""
    from propscope.ptc.corpus import load_corpus
    from propscope.train.encoder import base_encoder_path
    from propscope.train.techniques import TrainSettings, make_examples, train_checkpoint
    from propscope.ptc import tagging

    data, _ = tiny
    corrections = read_corrections(write_reviewed(tmp_path / "corr"))
    settings = TrainSettings(epochs=2, val_fraction=0.0, **TINY_SETTINGS)
    tokenizer = tagging.load_article_tokenizer(str(base_encoder_path() / "tokenizer.json"))
    (article,) = corrections.articles.values()
    examples = make_examples({"c:9001": REVIEWED}, {}, tokenizer, settings, corrected={"c:9001": article}, corrections_weight=3.0)
    assert examples and all(e.mask is not None and e.weight == 3.0 for e in examples)
    assert sum(len(e.spans) for e in examples) == 1  # the added span trains the span head; the rejection does not
    messages: list[str] = []
    checkpoint = train_checkpoint(
        data, tmp_path / "ckpt", settings, messages.append, encoder_config=TINY_BERT, corrections=corrections, corrections_weight=3.0
    )
    meta = json.loads((checkpoint / "checkpoint.json").read_text(encoding="utf-8"))
    assert meta["corrections"]["articles"] == 1 and meta["corrections"]["weight"] == 3.0
    assert any("2 PTC and 1 corrected articles" in m for m in messages)
    assert len(load_corpus(data).ids) == 2
