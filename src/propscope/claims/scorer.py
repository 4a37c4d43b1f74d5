"""Check-worthiness scores from an exported model directory (ONNX Runtime + tokenizers, no PyTorch).

The graph takes ``input_ids`` and ``attention_mask`` and returns ``scores`` of shape ``[batch, heads]``
(sigmoid already applied). ``config.json`` names the heads in ``labels`` and the one that scores a
sentence for users in ``score_label``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from propscope.models import ModelDir, OnnxModel, load_model_dir, load_tokenizer, packaged_model_path
from propscope.models.tokens import run_sequences

TASK = "claims"
LONG_TEXT_BATCH = 32  # sentences per run in long texts (models.tokens.SINGLE_RUNS_UP_TO)
DEFAULT_MODEL = "claims"


def default_model_path() -> Path:
    return packaged_model_path(DEFAULT_MODEL)


class ClaimScorer:
    """Scores sentences with one check-worthiness model directory.

    By default every sentence is scored in a model run of its own, ``threads`` runs side by side on
    one-thread sessions (:func:`~propscope.models.runtime.in_order`): the int8 model quantises
    activations with one scale per run, so a sentence's score then depends on no other sentence, and
    no run pads a short sentence to a long one. On 64 PPN articles, one article at a time, that took a
    third less wall and CPU time than runs of up to 32 of an article's sentences on one two-thread
    session (2.38 / 3.89 s against 3.62 / 5.89 s; 512 sentences, 2 cores), with the ClaimBuster test F1
    unchanged (0.881) and the held-out CLEF 2019 MAP 0.298 against 0.295
    (``python eval/claims_inference/compare.py --data ../shared/data/checkworthiness --ppn ...``). Long
    texts are the exception (:data:`propscope.models.tokens.SINGLE_RUNS_UP_TO`). ``batch_size`` >
    1 gives the earlier batched runs (the PPN fixtures were drawn so); a session's thread count does not
    change its floats (checked bitwise on the 702 ClaimBuster test sentences).
    """

    def __init__(self, model_dir: ModelDir, threads: int | None = None, onnx_path: Path | None = None) -> None:
        self.model_dir = model_dir
        self.model = OnnxModel(onnx_path or model_dir.onnx_path, threads=threads, runs_side_by_side=True)
        self.tokenizer = load_tokenizer(model_dir.tokenizer_path, max_length=model_dir.max_length)
        self.labels = list(model_dir.labels)
        self.score_label = str(model_dir.extra.get("score_label", self.labels[0]))
        self.score_index = self.labels.index(self.score_label)

    @classmethod
    def load(cls, path: Path | None = None, threads: int | None = None) -> ClaimScorer:
        return cls(load_model_dir(path or default_model_path(), task=TASK), threads=threads)

    @property
    def threshold(self) -> float:
        return float(self.model_dir.thresholds.get(self.score_label, 0.5))

    def score_all(self, texts: list[str], batch_size: int = 1) -> np.ndarray:
        """Scores of every head, ``[len(texts), len(labels)]``; batches group texts of similar length."""
        encodings = self.tokenizer.encode_batch([text or " " for text in texts], add_special_tokens=False)
        return self.score_all_tokens([np.asarray(e.ids, dtype=np.int64) for e in encodings], batch_size)

    def score(self, texts: list[str], batch_size: int = 1) -> np.ndarray:
        """The user-facing check-worthiness score (0 to 1) of each text."""
        return self.score_all(texts, batch_size)[:, self.score_index]

    def score_all_tokens(self, sequences: list[np.ndarray], batch_size: int = 1) -> np.ndarray:
        """:meth:`score_all` of texts given as content token ids (an article's tokens, sliced per sentence).

        ``batch_size`` 1 (the default) scores one sentence a run, except in calls of more than
        :data:`~propscope.models.tokens.SINGLE_RUNS_UP_TO` sentences, which run length-sorted batches of :data:`LONG_TEXT_BATCH`."""
        out = np.zeros((len(sequences), len(self.labels)), dtype=np.float32)
        cls_id, sep_id = int(self.tokenizer.token_to_id("[CLS]")), int(self.tokenizer.token_to_id("[SEP]"))
        return run_sequences(sequences, cls_id, sep_id, self.model_dir.max_length,
                             lambda feeds: self.model.run(feeds, ["scores"])["scores"], out, self.model.workers,
                             batch_size, LONG_TEXT_BATCH)
