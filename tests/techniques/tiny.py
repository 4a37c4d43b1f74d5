"""A randomly initialised BERT small enough to train in seconds (the real training code runs on it)."""

TINY_BERT = {
    "vocab_size": 30522,
    "hidden_size": 32,
    "num_hidden_layers": 2,
    "num_attention_heads": 2,
    "intermediate_size": 64,
    "max_position_embeddings": 64,
}

# Training settings that let the tiny BERT learn a few short articles in seconds.
TINY_SETTINGS = {
    "lr": 3e-3,
    "head_lr": 3e-3,
    "batch_size": 8,
    "warmup": 0.05,
    "dropout": 0.0,
    "max_length": 32,
    "train_overlap": 8,
    "stride": 8,
}


def require_training() -> None:
    """Skip unless torch, transformers and the base tokenizer are installed."""
    import pytest

    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from propscope.errors import ModelNotFound
    from propscope.train.encoder import base_encoder_path

    try:
        base_encoder_path()
    except ModelNotFound as exc:
        pytest.skip(f"the base tokenizer is not installed: {exc}")


def write_release(root, articles: dict[str, str], gold: list[tuple[str, str, str]]):  # type: ignore[no-untyped-def]
    """A PTC-shaped release of ``articles`` with ``gold`` spans given as (article id, phrase, technique)."""
    (root / "train-articles").mkdir(parents=True)
    for article_id, text in articles.items():
        (root / "train-articles" / f"article{article_id}.txt").write_text(text, encoding="utf-8")
    lines = []
    for article_id, phrase, technique in gold:
        start = articles[article_id].index(phrase)
        lines.append(f"{article_id}\t{technique}\t{start}\t{start + len(phrase)}\n")
    (root / "train-task2-TC.labels").write_text("".join(lines), encoding="utf-8")
    return root
