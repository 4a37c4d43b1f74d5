"""A tiny random BERT and a tiny check-worthiness data folder in the published formats, for tests that
run the real training, export and loading code in seconds."""

from __future__ import annotations

import csv
import json
from pathlib import Path

_POSITIVE = [
    "Unemployment rose by {n} percent in 2019 under this government.",
    "The deficit doubled to {n} trillion dollars in four years.",
    "Crime fell {n} percent in our cities last year.",
]
_NEGATIVE = [
    "Thank you very much, {name}, for being here.",
    "I love this great state, {name}.",
    "Good evening, {name}, and welcome.",
]
_NAMES = ["Anna", "Ben", "Carl", "Dora", "Emil", "Fay", "Gus", "Hana", "Ivo", "Jill"]


def sentences(variant: int) -> tuple[list[str], list[str]]:
    """Positive and negative sentences; each variant (0-9) gives texts that no other variant has."""
    positive = [t.format(n=variant + 2) for t in _POSITIVE]
    negative = [t.format(name=_NAMES[variant]) for t in _NEGATIVE]
    return positive, negative


POSITIVE, NEGATIVE = sentences(0)
ALL_TEXTS = [t for v in range(10) for part in sentences(v) for t in part]


def write_tiny_encoder(path: Path) -> Path:
    """A 2-layer, 32-dimensional random BERT with a word-piece vocabulary of the test sentences."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import BertConfig, BertModel

    words = sorted({w for text in ALL_TEXTS for w in _words(text)})
    padding = [f"[unused{i}]" for i in range(max(0, 128 - 5 - len(words)))]  # export traces ids in 100..vocab
    vocab = {token: i for i, token in enumerate(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *padding, *words])}
    tokenizer = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 2), ("[SEP]", 3)]
    )
    path.mkdir(parents=True, exist_ok=True)
    tokenizer.save(str(path / "tokenizer.json"))
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64,
        max_position_embeddings=64,
    )
    BertModel(config).save_pretrained(str(path))
    return path


def _words(text: str) -> list[str]:
    import re

    return re.findall(r"\w+|[^\w\s]", text.lower())


def write_tiny_data(path: Path, repeats: int = 3) -> Path:
    """ClaimBuster JSON (train as UTF-16, as some published files are), CT19 CSV, CLEF 2020 T5 TSV."""
    cb = path / "claimbuster"
    cb.mkdir(parents=True)
    train = []
    for block in range(4):  # four blocks of 1000 sentence ids, each its own sentences (variants 0-3)
        positive, negative = sentences(block)
        for i, text in enumerate(positive + negative):
            for r in range(repeats):
                train.append({"sentence_id": block * 1000 + i * repeats + r, "label": int(text in positive), "text": text})
    (cb / "train.json").write_text(json.dumps(train, indent=2), encoding="utf-16")
    positive, negative = sentences(4)
    test = [{"sentence_id": 90000 + i, "label": int(t in positive), "text": t} for i, t in enumerate(positive + negative)]
    (cb / "test.json").write_text(json.dumps(test), encoding="utf-8")
    clef = path / "clef2019-t1"
    clef.mkdir()
    with (clef / "CT19-T1-Training.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line_number", "speaker", "text", "label", "file_name"])
        for variant, debate in ((5, "d_train"), (6, "d_val"), (7, "d_test")):
            positive, negative = sentences(variant)
            for line, text in enumerate(positive + negative, start=1):
                writer.writerow([line, "SPEAKER", text, int(text in positive), f"{debate}.tsv"])
    t5 = path / "clef2020-t5-debates"
    t5.mkdir()
    positive, negative = sentences(8)
    rows = ["text\tlabel"] + [f"{t}\t{int(t in positive)}" for t in positive + negative]
    (t5 / "train.tsv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path
