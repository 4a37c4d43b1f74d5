"""Fine-tuning code of the embedder: a few real steps on two pairs, and the CheckThat! split rules."""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from propscope.train.embedder import (  # noqa: E402
    EmbedderTrainConfig,
    TrainPair,
    load_finetuned,
    load_prepared,
    prepare_checkthat,
    read_pairs,
    save_weights,
    train_embedder,
    write_pairs,
)


def _cos(model, tokenizer, a: str, b: str) -> float:  # type: ignore[no-untyped-def]
    batch = tokenizer([a, b], padding=True, return_tensors="pt")
    with torch.no_grad():
        vectors = model(batch["input_ids"], batch["attention_mask"])
    return float(vectors[0] @ vectors[1])


@pytest.mark.slow
def test_in_batch_training_pulls_pairs_together_and_round_trips(tmp_path: Path) -> None:
    try:
        from propscope.train.encoder import base_encoder_path

        base_encoder_path()
    except Exception as exc:  # the base weights are an optional install
        pytest.skip(str(exc))
    pairs = [
        TrainPair("zorbo flimflam quux", "The senator wore a purple hat to the debate.", "Cats sleep a lot."),
        TrainPair("blorp wizzle", "Bananas are radioactive.", "The senator wore a purple hat to the debate."),
    ]
    path = tmp_path / "pairs.tsv"
    write_pairs(pairs, path)
    assert read_pairs(path) == pairs
    config = EmbedderTrainConfig(epochs=6, batch_size=2, lr=1e-4, warmup=0.0)
    model, tokenizer, result = train_embedder(pairs, config, device="cpu")
    assert result.steps == 6 and result.losses[-1] < result.losses[0]
    assert _cos(model, tokenizer, pairs[0].query, pairs[0].positive) > _cos(model, tokenizer, pairs[0].query, pairs[1].positive)
    weights = save_weights(model, tmp_path / "checkpoint")
    reloaded = load_finetuned(weights)
    assert abs(_cos(reloaded, tokenizer, pairs[0].query, pairs[0].positive)
               - _cos(model, tokenizer, pairs[0].query, pairs[0].positive)) < 0.01


@pytest.mark.shared_data
def test_prepared_training_data_leaves_out_every_evaluation_query(shared_data: Path, tmp_path: Path) -> None:
    counts = prepare_checkthat(shared_data, tmp_path)
    assert counts["train_queries"] == 799 and counts["dropped_as_held_out"] == 198 and counts["dev_queries"] == 199
    data = load_prepared(tmp_path)
    from propscope.kb.text import clean_query
    from propscope.train.embedder import _norm, _queries

    held_out = {_norm(clean_query(t)) for t in _queries(shared_data / "checkthat-2020-t2/dev/tweets.queries.tsv").values()}
    held_out |= {
        _norm(clean_query(t))
        for t in _queries(shared_data / "checkthat-2022-t2a/CT2022-Task2A-EN-Dev-Test_Queries.tsv").values()
    }
    held_out |= {_norm(q) for _, q, _ in data.dev}
    assert not held_out & {_norm(q) for q, _ in data.train}


def _tiny_checkthat(root: Path, kb_fixtures: Path) -> Path:
    """A CheckThat!-shaped folder: 2 verified claims, 2 train tweets, 1 dev tweet, held-out files."""
    ct22 = root / "checkthat-2022-t2a"
    (ct22 / "vclaims").mkdir(parents=True)
    for file in (kb_fixtures / "vclaims").glob("vclaim-sno-[lm]*.json"):
        (ct22 / "vclaims" / file.name).write_bytes(file.read_bytes())
    (ct22 / "CT2022-Task2A-EN-Train-Dev_Queries.tsv").write_text(
        "tweet-sno-0\tOreo has Lady Gaga cookies now\n"
        "tweet-sno-1\tthe moon landing was filmed in a studio\n"
        "tweet-sno-2\tLady Gaga pink oreos are real\n"
        "tweet-sno-3\tthis tweet is also a 2020 dev tweet\n",
        encoding="utf-8",
    )
    (ct22 / "CT2022-Task2A-EN-Train_QRELs.tsv").write_text(
        "tweet-sno-0\t0\tvclaim-sno-lady-gaga-oreo\t1\ntweet-sno-1\t0\tvclaim-sno-moon-landing\t1\n"
        "tweet-sno-3\t0\tvclaim-sno-moon-landing\t1\n",
        encoding="utf-8",
    )
    (ct22 / "CT2022-Task2A-EN-Dev_QRELs.tsv").write_text("tweet-sno-2\t0\tvclaim-sno-lady-gaga-oreo\t1\n", encoding="utf-8")
    (ct22 / "CT2022-Task2A-EN-Dev-Test_Queries.tsv").write_text("tweet-sno-9\tsomething else\n", encoding="utf-8")
    (root / "checkthat-2020-t2" / "dev").mkdir(parents=True)
    (root / "checkthat-2020-t2" / "dev" / "tweets.queries.tsv").write_text(
        "\ttweet_content\n7\tthis tweet is also a 2020 dev tweet\n", encoding="utf-8"
    )
    return root


@pytest.mark.slow
def test_train_and_export_writes_a_loadable_embedder(tmp_path: Path, kb_fixtures: Path) -> None:
    try:
        from propscope.train.encoder import base_encoder_path

        base_encoder_path()
    except Exception as exc:
        pytest.skip(str(exc))
    from propscope.kb.embedder import Embedder
    from propscope.train.embedder import train_and_export

    data = _tiny_checkthat(tmp_path / "data", kb_fixtures)
    out = tmp_path / "embedder"
    config = train_and_export(data, out, EmbedderTrainConfig(epochs=1, batch_size=2), device="cpu")
    assert config["training"]["data"]["train_queries"] == 2  # the 2020 dev tweet was left out
    assert config["precision"] in ("int8-per-channel", "fp32") and config["int8_vs_fp32"]["texts"] > 0
    embedder = Embedder.from_dir(out)
    vectors = embedder.encode(["Lady Gaga oreo cookies", "Oreos have a new Lady Gaga-themed cookie."])
    assert vectors.shape == (2, 384) and float(vectors[0] @ vectors[1]) > 0.5
    assert (out / "README.md").is_file() and not (out / ".data").exists()
    from propscope.train.card import card_difference

    card = (out / "README.md").read_text(encoding="utf-8")
    assert card_difference(out) == "" and "2 training queries" in card and "## int8 vs fp32" in card
    assert "## Scores" not in card  # measured later (`kb score`, `kb calibrate`), not by training
