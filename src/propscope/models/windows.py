"""Tokenisation into fixed-length, overlapping windows that keep character offsets.

Long articles do not fit one encoder pass: ``encode_windows`` cuts each text into windows of
``max_length`` tokens that overlap by ``stride`` tokens (the tokenizer's own overflow mechanism), and
returns padded numpy arrays plus, for every window, which text it came from and the character
offsets of each token in that text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from propscope.models.tokens import id_batches


def load_tokenizer(path: Path, max_length: int, stride: int = 0) -> Tokenizer:
    """Load ``tokenizer.json`` and set our own truncation and padding (the shipped files pad to 128)."""
    tokenizer = Tokenizer.from_file(str(path))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length, stride=stride)
    return tokenizer


@dataclass(slots=True)
class Windows:
    """A batch of windows: arrays of shape ``[n_windows, length]`` and their provenance."""

    input_ids: np.ndarray
    attention_mask: np.ndarray
    token_type_ids: np.ndarray
    offsets: np.ndarray  # [n_windows, length, 2] character offsets; (0, 0) for special/pad tokens
    special: np.ndarray  # [n_windows, length] True for [CLS]/[SEP]/padding
    text_index: np.ndarray  # [n_windows] index of the source text

    def __len__(self) -> int:
        return int(self.input_ids.shape[0])

    def feeds(self, rows: slice | np.ndarray | None = None) -> dict[str, np.ndarray]:
        rows = slice(None) if rows is None else rows
        return {
            "input_ids": self.input_ids[rows],
            "attention_mask": self.attention_mask[rows],
            "token_type_ids": self.token_type_ids[rows],
        }


def encode_windows(tokenizer: Tokenizer, texts: list[str], pad_to: int | None = None) -> Windows:
    """Encode ``texts``; every text yields one window or more (overflowing windows)."""
    encodings = tokenizer.encode_batch(texts)
    flat = []
    owners = []
    for index, encoding in enumerate(encodings):
        for window in [encoding, *encoding.overflowing]:
            flat.append(window)
            owners.append(index)
    length = pad_to or max((len(w.ids) for w in flat), default=1)
    n = len(flat)
    input_ids = np.zeros((n, length), dtype=np.int64)
    attention = np.zeros((n, length), dtype=np.int64)
    offsets = np.zeros((n, length, 2), dtype=np.int64)
    special = np.ones((n, length), dtype=bool)
    for row, window in enumerate(flat):
        size = min(len(window.ids), length)
        input_ids[row, :size] = window.ids[:size]
        attention[row, :size] = window.attention_mask[:size]
        offsets[row, :size] = window.offsets[:size]
        special[row, :size] = np.asarray(window.special_tokens_mask[:size], dtype=bool)
    return Windows(
        input_ids=input_ids,
        attention_mask=attention,
        token_type_ids=np.zeros_like(input_ids),
        offsets=offsets,
        special=special,
        text_index=np.asarray(owners, dtype=np.int64),
    )


def length_sorted_batches(
    tokenizer: Tokenizer, texts: list[str], batch_size: int
) -> Iterator[tuple[np.ndarray, dict[str, np.ndarray]]]:
    """Short texts (sentences, claims) in batches of similar length, truncated as ``tokenizer`` is set to
    truncate, padded only to each batch's longest (see :func:`propscope.models.tokens.id_batches`)."""
    max_length = (tokenizer.truncation or {}).get("max_length") or 1 << 30
    encodings = tokenizer.encode_batch([text or " " for text in texts], add_special_tokens=False)
    sequences = [np.asarray(e.ids, dtype=np.int64) for e in encodings]
    cls_id, sep_id = int(tokenizer.token_to_id("[CLS]")), int(tokenizer.token_to_id("[SEP]"))
    yield from id_batches(sequences, cls_id, sep_id, max_length, batch_size)
