"""One tokenisation per article, shared by every model that reads the same ``tokenizer.json``.

The shipped models all start from all-MiniLM-L6-v2 and carry byte-identical tokenizer files, yet the
technique tagger tokenised each article, the claims model each of its sentences and the matcher each
claim again. BERT's normaliser works character by character and its pre-tokeniser splits at
whitespace and punctuation, so the tokens of a sentence are the article's tokens inside the sentence's
character range, as long as no token crosses either end of the range (checked: such a piece is
tokenised on its own). Models then slice the article's ids instead of tokenising again.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

# Articles kept per tokenizer: enough for the components of one batch to find the same tokens.
CACHE_SIZE = 64


@dataclass(slots=True)
class TokenisedText:
    """Token ids and character offsets of a whole text (no special tokens)."""

    ids: np.ndarray  # [n] int64
    offsets: np.ndarray  # [n, 2] int64

    def __len__(self) -> int:
        return int(self.ids.shape[0])


def tokenise_texts(tokenizer: Tokenizer, texts: Sequence[str]) -> list[TokenisedText]:
    """Every text in one ``encode_batch`` call, without special tokens (the tokenizer must not truncate)."""
    encodings = tokenizer.encode_batch(list(texts), add_special_tokens=False)
    return [
        TokenisedText(np.asarray(e.ids, dtype=np.int64), np.asarray(e.offsets, dtype=np.int64).reshape(-1, 2))
        for e in encodings
    ]


class SharedTokenizer:
    """A tokenizer without truncation or padding, and the tokens of the texts it saw last."""

    def __init__(self, path: Path) -> None:
        self.tokenizer = Tokenizer.from_file(str(path))
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        self.cls_id = int(self.tokenizer.token_to_id("[CLS]"))
        self.sep_id = int(self.tokenizer.token_to_id("[SEP]"))
        self._cache: OrderedDict[str, TokenisedText] = OrderedDict()
        self._lock = threading.Lock()

    def texts(self, texts: Sequence[str]) -> list[TokenisedText]:
        """The tokens of each text; texts tokenised recently (by another component) are not tokenised again."""
        with self._lock:
            found = {text: self._cache[text] for text in texts if text in self._cache}
            for text in found:
                self._cache.move_to_end(text)
        missing = list(dict.fromkeys(text for text in texts if text not in found))
        if missing:
            fresh = dict(zip(missing, tokenise_texts(self.tokenizer, missing), strict=True))
            found.update(fresh)
            with self._lock:
                self._cache.update(fresh)
                while len(self._cache) > CACHE_SIZE:
                    self._cache.popitem(last=False)
        return [found[text] for text in texts]

    def pieces(self, text: str, ranges: Sequence[tuple[int, int]]) -> list[np.ndarray]:
        """Content ids of ``text[start:end]`` for each range, sliced from the text's tokens."""
        tokens = self.texts([text])[0]
        out: list[np.ndarray] = []
        for start, end in ranges:
            a = int(np.searchsorted(tokens.offsets[:, 1], start, side="right"))
            b = int(np.searchsorted(tokens.offsets[:, 0], end, side="left"))
            inside = a >= b or (tokens.offsets[a, 0] >= start and tokens.offsets[b - 1, 1] <= end)
            out.append(tokens.ids[a:b] if inside else self.encode(text[start:end]))
        return out

    def encode(self, text: str) -> np.ndarray:
        """Content ids of one text, tokenised on its own."""
        return tokenise_texts(self.tokenizer, [text])[0].ids


_SHARED: dict[str, SharedTokenizer] = {}
_SHARED_LOCK = threading.Lock()


def shared_tokenizer(path: Path) -> SharedTokenizer:
    """One :class:`SharedTokenizer` per distinct tokenizer file content in the process."""
    key = hashlib.sha1(Path(path).read_bytes()).hexdigest()
    with _SHARED_LOCK:
        if key not in _SHARED:
            _SHARED[key] = SharedTokenizer(Path(path))
        return _SHARED[key]


def id_batches(
    sequences: Sequence[np.ndarray], cls_id: int, sep_id: int, max_length: int, batch_size: int
) -> Iterator[tuple[np.ndarray, dict[str, np.ndarray]]]:
    """Short texts given as content ids, as ``[CLS] ids [SEP]`` truncated to ``max_length``, in batches
    of similar length padded only to each batch's longest.

    Yields the row indices of ``sequences`` in the batch and the model feeds; sorting by length keeps
    padding, and so wasted encoder work, small.
    """
    content = max(0, max_length - 2)
    lengths = [min(len(s), content) + 2 for s in sequences]
    order = np.argsort(lengths, kind="stable")
    for begin in range(0, len(order), batch_size):
        rows = order[begin : begin + batch_size]
        length = max(lengths[i] for i in rows)
        ids = np.zeros((len(rows), length), dtype=np.int64)
        mask = np.zeros((len(rows), length), dtype=np.int64)
        for row, index in enumerate(rows):
            n = lengths[index]
            ids[row, 0] = cls_id
            ids[row, 1 : n - 1] = sequences[index][: n - 2]
            ids[row, n - 1] = sep_id
            mask[row, :n] = 1
        yield rows, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}


# Calls with more sentences than this (long texts) run length-sorted batches instead of one sentence a
# run: with thousands of sentences, batches of near-equal length pad almost nothing and one run per
# sentence costs more than it saves (2 MB of PPN text: claims 44.6 s against 30.5 s, matching 46.3 against 38.6).
SINGLE_RUNS_UP_TO = 64


def run_sequences(
    sequences: Sequence[np.ndarray], cls_id: int, sep_id: int, max_length: int,
    run: Callable[[dict[str, np.ndarray]], np.ndarray], out: np.ndarray, workers: int,
    batch_size: int = 1, long_batch: int = 32,
) -> np.ndarray:
    """``run`` (a model call on feeds) over short texts given as content ids, filling ``out`` row by row.

    ``batch_size`` 1: one text a run, ``workers`` runs side by side, so that a text's output depends on
    no other text (int8 models quantise activations per run), except in calls of more than
    :data:`SINGLE_RUNS_UP_TO` texts, which run length-sorted batches of ``long_batch``."""
    from propscope.models.runtime import in_order

    if batch_size == 1 and len(sequences) > SINGLE_RUNS_UP_TO:
        batch_size = long_batch
    runs = list(id_batches(sequences, cls_id, sep_id, max_length, batch_size))
    for (rows, _), result in zip(runs, in_order(lambda item: run(item[1]), runs, workers), strict=True):
        out[rows] = result
    return out
